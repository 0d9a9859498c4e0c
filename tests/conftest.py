"""Shared test settings.

Under ``CI=true`` (set by ``.ci/run``) a skipped test is a failure: every test skips only when a
dependency is missing (Java for Spark, a console script, GNU sort, …), and CI installs them all, so
a skip there means a test that silently does not exist.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every dependency must be installed: {reason}"
