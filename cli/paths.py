"""Where the run's outputs live, in one place for `uat run`, `uat report`, `uat gate` and `uat scan-artifacts`."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REPORTS = PROJECT_ROOT / "reports"
RESULTS = REPORTS / "allure-results"
JUNIT = REPORTS / "junit.xml"
SUMMARY = REPORTS / "summary.md"
REPORT = REPORTS / "allure-report"
SINGLE_FILE_REPORT = REPORTS / "allure-report-single"
HISTORY = REPORTS / "history.jsonl"
ALLURE_CONFIG = PROJECT_ROOT / "allurerc.json"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
