"""Where the project's files and a run's outputs live: the one home of every path the suite, its plugin and
`uat` use."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FEATURES_DIR = PROJECT_ROOT / "features"
# seconds per scenario, what `uat run --shard` balances on; refreshed by `uat run --store-durations` (committed)
DURATIONS = FEATURES_DIR / "durations.json"
PROFILES_DIR = PROJECT_ROOT / "environments"
DOTENV = PROJECT_ROOT / ".env"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
ALLURE_CONFIG = PROJECT_ROOT / "allurerc.json"
NODE_BIN = PROJECT_ROOT / "node_modules" / ".bin"
# run-time state of `uat` itself (not the stack's): the run's recorded secrets, locks
UAT_STATE = PROJECT_ROOT / ".uat"
RUN_SECRETS = UAT_STATE / "run-secrets"
STACK_STATE = PROJECT_ROOT / ".stack"

REPORTS = PROJECT_ROOT / "reports"
RESULTS = REPORTS / "allure-results"
JUNIT = REPORTS / "junit.xml"
SHARDS = REPORTS / "shards"  # one folder per shard: allure-results/, junit.xml, shard.json
SHARD_FILE = "shard.json"
SUMMARY = REPORTS / "summary.md"
# written only by a clean artifact scan: CI publishes the evidence only when it is there
SCAN_CLEAN = REPORTS / "scan-clean.txt"
CONSOLE_LOG = REPORTS / "console.log"
REPORT = REPORTS / "allure-report"
SINGLE_FILE_REPORT = REPORTS / "allure-report-single"
HISTORY = REPORTS / "history.jsonl"
TEST_RESULTS = PROJECT_ROOT / "test-results"
