"""`uat stack|browsers|run|report|doctor`: dispatches to the reference stack, pytest and the report tools."""

from __future__ import annotations

import os
import sys

from support.paths import PROJECT_ROOT

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
  uat run [--shard I/N] [--store-durations] [pytest args]
                             run the Gherkin suite (features/) against the configured target;
                             e.g. `uat run -m smoke`, `uat run -m "onboarding and not negative" --headed`;
                             --shard 2/3: the second of three duration-balanced parts (pytest-split), results in
                             reports/shards/2-of-3/; --store-durations: refresh features/durations.json
  uat report [--merge DIR...]
                             build the Allure report from reports/allure-results, or from several shards' folders
  uat gate [--merge DIR...] [--min-scenarios N] [--allow-flaky]
                             release or not: exit 1 on a failure, a flaky result, too few scenarios, an expired
                             quarantine or a secret in the artifacts; writes reports/summary.md
  uat scan-artifacts [paths] fail when a secret of the run (in any encoding, or in a QR code) or an API key or
                             otpauth:// URI appears in reports/, test-results/ or .stack/logs/
  uat guide [--locale en|nl|all] [--run] [--diff OLD]
                             the user guide, HTML and PDF per language, built from a green run's screenshots
  uat cleanup [--older-than DURATION] [--list]
                             remove the users, API keys and mails that killed runs left on the target
  uat doctor                 check the configuration and that every target URL, the mailbox and the realm answer

Configuration: UAT_* environment variables > .env > environments/<UAT_PROFILE>.toml (default: local,
the reference stack, started automatically when not running). See README.md.
"""


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
        from cli.run import main as run_main

        return run_main(rest)
    if command == "report":
        from cli.report import main as report_main

        return report_main(rest)
    if command == "gate":
        from cli.gate import main as gate_main

        return gate_main(rest)
    if command == "scan-artifacts":
        from cli.scan_artifacts import main as scan_main

        return scan_main(rest)
    if command == "guide":
        from cli.guide import main as guide_main

        return guide_main(rest)
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
