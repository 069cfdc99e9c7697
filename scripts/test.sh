#!/usr/bin/env bash
# `make test`: the suite's unit tests, the stack's tests and the Gherkin suite on both mail backends,
# with one stack start per backend, the onboarding and MFA features on each login theme (switched on the
# running stack) and the app-facing features on the apps' second skin. Leaves the reference stack as it found it.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
passed=0
failed=0
failed_phases=()

phase() {  # phase NAME COMMAND...: run one phase, count it, keep going
  local name=$1
  shift
  echo
  echo "=== ${name}"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_phases+=("${name}"); fi
}

previous=$($BIN/uat stack status --json | $BIN/python -c '
import json, sys
status = json.load(sys.stdin)
print(
    status["mail_backend"], status["profile"], status.get("login_theme") or "keycloak.v2",
    status.get("apps_skin") or "reference",
) if status["running"] else print()
')
browsers_before=$($BIN/uat browsers status --json | $BIN/python -c 'import json, sys; print(json.load(sys.stdin)["running"])')
restore() {
  [ "$browsers_before" = "True" ] || $BIN/uat browsers down >/dev/null 2>&1
  if [ -n "$previous" ]; then
    read -r mail profile theme skin <<<"$previous"
    $BIN/uat stack down >/dev/null &&
      $BIN/uat stack up --mail "$mail" --profile "$profile" --theme "$theme" --skin "$skin" >/dev/null
  else
    $BIN/uat stack down >/dev/null
  fi
}
trap restore EXIT

# remote_scenarios ENGINE VARIABLE: a few scenarios, and the evidence of a failing one, with the browsers on that
# engine of `uat browsers up`; the Allure environment must name the engine, so a run that silently launched
# Chromium here does not pass
remote_scenarios() {
  local engine=$1 variable=$2 address results=reports/remote/$1
  address=$($BIN/uat browsers status --json | $BIN/python -c "
import json, sys
status = json.load(sys.stdin)
print(status['browser_endpoint' if '$engine' == 'browser-server' else 'selenium_grid_url'])")
  env "$variable=$address" $BIN/uat run -q -m "smoke and onboarding" \
    --alluredir="$results/allure-results" --junitxml="$results/junit.xml" &&
    grep -qx "browser.engine=$engine" "$results/allure-results/environment.properties" &&
    env "$variable=$address" $BIN/python -m pytest tests/stack/test_failure_evidence.py -q
}

phase "unit tests of the suite's helpers" $BIN/python -m pytest tests/unit -q
phase "lint (ruff check)" $BIN/ruff check .
phase "type check of the suite's layers (mypy)" $BIN/mypy
phase "import rules between the layers (lint-imports)" $BIN/lint-imports --no-cache
phase "format (ruff format --check)" $BIN/ruff format --check .

phase "reference stack up (Mailpit)" $BIN/uat stack up --mail mailpit --profile local --skin reference
phase "stack tests (Mailpit)" $BIN/python -m pytest tests/stack -q
if compgen -G "features/**/*.feature" >/dev/null || compgen -G "features/*.feature" >/dev/null; then
  phase "Gherkin suite (Mailpit)" env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q
  phase "release gate and artifact scan (Mailpit)" $BIN/uat gate
  # each fault test runs a few scenarios with one part of the stack failing, and leaves the stack as it found it
  phase "fault injection: environment verdicts, nothing left behind (make faults)" $BIN/python -m pytest tests/faults -q
  # the journey in the users' other languages: the page objects read each glossary, every screen is checked for it
  # (representative subsets: the happy paths of onboarding and MFA and the smoke set in Dutch, the smoke set in
  # French and German; `uat run --locale nl` runs everything)
  phase "onboarding, MFA and smoke scenarios in Dutch" env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q --locale nl \
    -m "smoke or ((onboarding or mfa) and not negative)"
  phase "smoke scenarios in French" env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q --locale fr -m smoke
  phase "smoke scenarios in German" env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q --locale de -m smoke
  # the same app-facing scenarios on other markup: the page objects locate as a user does, not by one skin's shape
  phase "apps switched to the cards skin" $BIN/uat stack skin cards
  phase "app-facing features on the cards skin (Mailpit)" \
    env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q -m "api-keys or portal or sso"
  phase "release gate and artifact scan (cards skin)" $BIN/uat gate --min-scenarios 1
  $BIN/uat stack skin reference >/dev/null
  # the Keycloak screens on the other login themes: Keycloak's PatternFly 4 theme, and a custom one on keycloak.v2
  # (every onboarding and MFA scenario on PatternFly 4, where the default theme's ids are missing; the happy paths on
  # the custom theme)
  for theme in keycloak famhp; do
    selection="onboarding or mfa"
    [ "$theme" = famhp ] && selection="(onboarding or mfa) and not negative"
    phase "login theme ${theme}" $BIN/uat stack theme "$theme"
    phase "onboarding and MFA features (login theme ${theme})" env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q -m "$selection"
  done
  phase "login theme keycloak.v2 again" $BIN/uat stack theme keycloak.v2
  # remote browsers: onboarding, the invitation mail and an API key, with Chromium on each engine
  phase "browser services up (Playwright browser server, Selenium Grid)" $BIN/uat browsers up
  phase "scenarios with browsers on the Playwright browser server" remote_scenarios browser-server UAT_BROWSER_ENDPOINT
  phase "scenarios with browsers on the Selenium Grid" remote_scenarios selenium-grid UAT_SELENIUM_GRID_URL
  [ "$browsers_before" = "True" ] || phase "browser services down" $BIN/uat browsers down
  # production is read-only: only the @read-only scenarios run (itsme®, eID); the rest are skipped with the reason
  phase "reference stack poses as production (itsme, eID identity providers; no restart)" \
    $BIN/uat stack up --mail mailpit --profile prod
  phase "production profile, read-only, against the stack posing as production" \
    bash -c 'eval "$(.venv/bin/uat stack env)" && UAT_PROFILE=prod .venv/bin/uat run -q'
  phase "release gate of the production run (the itsme and eID scenarios ran and passed)" $BIN/uat gate --min-scenarios 2
fi
$BIN/uat stack down >/dev/null

phase "reference stack up (GreenMail IMAP, profile uat: UAT-FAMHPExternals)" $BIN/uat stack up --mail imap --profile uat
phase "stack realm and mail tests (IMAP)" $BIN/python -m pytest tests/stack/test_realm.py tests/stack/test_mail_delivery.py -q
if compgen -G "features/**/*.feature" >/dev/null || compgen -G "features/*.feature" >/dev/null; then
  phase "Gherkin suite (IMAP)" env UAT_MAIL_BACKEND=imap $BIN/uat run -q
  phase "release gate and artifact scan (IMAP)" $BIN/uat gate
fi

echo
if [ "$failed" -gt 0 ]; then echo "failed phases: ${failed_phases[*]}"; fi
echo "phases: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
