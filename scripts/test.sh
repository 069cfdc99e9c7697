#!/usr/bin/env bash
# `make test`: the suite's unit tests, the stack's tests and the Gherkin suite on both mail backends,
# with one stack start per backend, and the app-facing features again on the apps' second skin.
# Leaves the reference stack as it found it.
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
restore() {
  if [ -n "$previous" ]; then
    read -r mail profile theme skin <<<"$previous"
    $BIN/uat stack down >/dev/null &&
      $BIN/uat stack up --mail "$mail" --profile "$profile" --theme "$theme" --skin "$skin" >/dev/null
  else
    $BIN/uat stack down >/dev/null
  fi
}
trap restore EXIT

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
  # the same app-facing scenarios on other markup: the page objects locate as a user does, not by one skin's shape
  phase "apps switched to the cards skin" $BIN/uat stack skin cards
  phase "app-facing features on the cards skin (Mailpit)" \
    env UAT_MAIL_BACKEND=mailpit $BIN/uat run -q -m "api-keys or portal or sso"
  phase "release gate and artifact scan (cards skin)" $BIN/uat gate --min-scenarios 1
  $BIN/uat stack skin reference >/dev/null
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
