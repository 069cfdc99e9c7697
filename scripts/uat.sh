#!/usr/bin/env bash
# `make uat`: the main job. Reference stack (unless a deployment is configured), the whole suite, the report.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# the run's recorded secrets (kept in clear for the scan, which deletes them) go on every way out, Ctrl-C included
trap 'rm -rf "${UAT_RUN_SECRETS_DIR:-.uat/run-secrets}"' EXIT
if [ "${UAT_PROFILE:-local}" = "local" ]; then
  $BIN/uat stack up --mail "${UAT_MAIL_BACKEND:-mailpit}" || exit 1
fi
rm -rf reports/allure-results
$BIN/uat run
suite=$?
$BIN/uat report
$BIN/uat gate  # release or not: failures, flaky results, scenario count, quarantines, secrets in artifacts
gate=$?
echo
echo "Suite exit code: ${suite}, gate exit code: ${gate}.  Report: $(pwd)/reports/allure-report/index.html  (open it with: npx allure open reports/allure-report)"
echo "Single-file report (can be mailed): $(pwd)/reports/allure-report-single/index.html  Gate summary: $(pwd)/reports/summary.md"
if [ "$suite" -ne 0 ]; then exit $suite; fi
exit $gate
