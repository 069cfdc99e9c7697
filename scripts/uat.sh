#!/usr/bin/env bash
# `make uat`: the main job. Reference stack (unless a deployment is configured), the whole suite, the report.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
if [ "${UAT_PROFILE:-local}" = "local" ]; then
  $BIN/uat stack up --mail "${UAT_MAIL_BACKEND:-mailpit}" || exit 1
fi
rm -rf reports/allure-results
$BIN/uat run
suite=$?
$BIN/uat report
echo
echo "Suite exit code: ${suite}.  Report: $(pwd)/reports/allure-report/index.html  (open it with: npx allure open reports/allure-report)"
exit $suite
