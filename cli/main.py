"""`uat stack|browsers|run|report|doctor`: dispatches to the reference stack, pytest and the report tools."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

from support.paths import JUNIT, PROJECT_ROOT, RESULTS

USAGE = """\
uat — FAMHP IAM External Portal UAT suite

  uat stack up [--mail mailpit|imap] [--profile local|uat|prod] [--theme keycloak.v2|keycloak|famhp]
               [--skin reference|cards] [--fresh]
                             start the bundled reference stack (Keycloak, Mailpit/GreenMail, portal apps)
  uat stack down|status [--json]|logs [service]|theme [NAME]|skin [NAME]
  uat stack stop|start SERVICE | fault [fail METHOD PATH [--status N] | clear]
                             an outage or a server error on purpose (fault-injection tests)
  uat stack env [--with-secrets]
                             the running stack as `export UAT_...` lines: run any profile against it
  uat browsers up|down|status [--json]
                             a Playwright browser server and a Selenium Grid on loopback (remote browsers)
  uat run [pytest args]      run the Gherkin suite (features/) against the configured target;
                             e.g. `uat run -m smoke`, `uat run -m "onboarding and not negative" --headed`
  uat report                 build the Allure report from reports/allure-results
  uat gate [--min-scenarios N] [--allow-flaky]
                             release or not: exit 1 on a failure, a flaky result, too few scenarios, an expired
                             quarantine or a secret in the artifacts; writes reports/summary.md
  uat scan-artifacts [paths] fail when a secret of the run appears in reports/ or test-results/
  uat cleanup [--older-than DURATION] [--list]
                             remove the users, API keys and mails that killed runs left on the target
  uat doctor                 check the configuration and that every target URL, the mailbox and the realm answer

Configuration: UAT_* environment variables > .env > environments/<UAT_PROFILE>.toml (default: local,
the reference stack, started automatically when not running). See README.md.
"""


PYTEST_INTERRUPTED = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT  # what a shell reports for a command stopped by Ctrl-C


def _run_suite(cmd: list[str]) -> int:
    """pytest as a child that cleans up after itself when stopped: Ctrl-C reaches it from the terminal (this process
    only waits, instead of killing it as subprocess.call would), SIGTERM is passed on. An interrupted run exits 130."""
    child = subprocess.Popen(cmd, cwd=PROJECT_ROOT)
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: None),  # the child has it too: let it finish
        signal.SIGTERM: signal.signal(signal.SIGTERM, lambda number, _: child.send_signal(number)),
    }
    try:
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if code == PYTEST_INTERRUPTED:
        print("uat run: the run was interrupted; its clean-up ran (see above), the report says so", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code


def _report_options(args: list[str]) -> list[str]:
    """Allure results and JUnit XML where `uat report` and `uat gate` read them, unless the caller chose others."""
    options = []
    if not any(arg == "--alluredir" or arg.startswith("--alluredir=") for arg in args):
        results = RESULTS
        shutil.rmtree(results, ignore_errors=True)  # the report and the gate judge this run, not older ones
        options.append(f"--alluredir={results}")
    if not any(arg.startswith(("--junitxml", "--junit-xml")) for arg in args):
        options.append(f"--junitxml={JUNIT}")
    return options


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "stack" and rest[:1] == ["env"]:
        from cli.stack_env import main as stack_env_main

        return stack_env_main(rest[1:])
    if command == "stack":
        from stack.cli import main as stack_main

        return stack_main(rest)
    if command == "browsers":
        from stack.browsers_cli import main as browsers_main

        return browsers_main(rest)
    if command == "run":
        return _run_suite([sys.executable, "-m", "pytest", "features", *_report_options(rest), *rest])
    if command == "report":
        from cli.report import main as report_main

        return report_main(rest)
    if command == "gate":
        from cli.gate import main as gate_main

        return gate_main(rest)
    if command == "scan-artifacts":
        from cli.scan_artifacts import main as scan_main

        return scan_main(rest)
    if command == "cleanup":
        from cli.cleanup import main as cleanup_main

        return cleanup_main(rest)
    if command == "doctor":
        from cli.doctor import main as doctor_main

        return doctor_main(rest)
    print(f"uat: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    os.chdir(PROJECT_ROOT)
    sys.exit(main())
