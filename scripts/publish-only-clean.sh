#!/bin/sh
# CI, after `uat gate` (or `uat scan-artifacts`): publish the evidence only when the artifact scan cleared it.
# The scan leaves reports/scan-clean.txt only when it found no secret; a scan that found one, could not run or never
# ran leaves none. Without it this script deletes everything but reports/summary.md, so whatever the CI template
# uploads next, only the summary goes out. With it, the run's console log (kept out of the job log until now) is
# shown. Writes publish=true|false to $GITHUB_OUTPUT when that is set. Always exits 0: the gate gives the verdict.
# Usage: sh scripts/publish-only-clean.sh   (from the project root)
#        sh scripts/publish-only-clean.sh FOLDER [PATH...]   one shard: FOLDER/scan-clean.txt, FOLDER/console.log, and
#                                                            FOLDER and the PATHs as its evidence
MARKER=reports/scan-clean.txt
CONSOLE=reports/console.log
EVIDENCE="reports/allure-report reports/allure-report-single reports/allure-results reports/junit.xml reports/shards $CONSOLE test-results"
if [ $# -gt 0 ]; then
  MARKER=$1/scan-clean.txt
  CONSOLE=$1/console.log
  EVIDENCE="$*"
fi

if [ -f "$MARKER" ]; then
  publish=true
  echo "the artifact scan cleared the artifacts: $(head -n 1 "$MARKER")"
  if [ -f "$CONSOLE" ]; then
    echo "---- the run's console ($CONSOLE) ----"
    cat "$CONSOLE"
  fi
else
  publish=false
  echo "NOT PUBLISHED: the artifact scan did not clear the artifacts (a secret leaked, or the scan could not run)."
  echo "Only reports/summary.md is kept; see it for the findings. Deleting: $EVIDENCE"
  # shellcheck disable=SC2086  # a list of paths without spaces, split on purpose
  rm -rf $EVIDENCE
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "publish=$publish" >>"$GITHUB_OUTPUT"
fi
rm -rf "${UAT_RUN_SECRETS_DIR:-.uat/run-secrets}"  # the run's recorded secrets, if the scan never ran to delete them
exit 0
