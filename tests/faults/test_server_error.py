"""An application answers one route with HTTP 500: a product failure (red, in the category of server errors), with
the response shown in the message and attached to the report; never "broken"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.harness import run_suite

pytestmark = [pytest.mark.faults, pytest.mark.stack, pytest.mark.browser, pytest.mark.slow]


def test_a_route_answering_500_is_a_product_failure_with_the_response(
    workdir: Path, stack_info: dict, fault_timings: dict[str, float]
) -> None:
    tab = f"{stack_info['apps']['base_url']}/famhp-connect/apikeys"
    run = run_suite(
        workdir,
        "create_an_api_key_from_the_dashboard",
        when='before:they open the "API Keys" tab',
        action="fail-route:GET /famhp-connect/apikeys",
    )
    verdict = run.verdict("Create an API key from the dashboard")
    assert verdict.status == "failed", run.tail()
    assert verdict.category == "Product failure: an application answered with a server error (5xx)", verdict.message
    assert f"FAMHP Connect answered with a server error: HTTP 500 Internal Server Error to GET {tab}" in verdict.message
    assert "Injected by" in verdict.message  # the response itself
    assert any(name.startswith("server error: HTTP 500") for name in verdict.attachments), verdict.attachments
    fault_timings["application answering 500"] = verdict.stop_s - run.injected_at()
