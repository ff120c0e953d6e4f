"""Fixtures for the end-to-end runs; the harness itself is in harness.py. The secrets scan runs after
every other test of the session, and its figures are printed in the terminal summary."""

from __future__ import annotations

import harness
from harness import emulator  # noqa: F401

SCAN_LAST = "test_secrets_scan.py"


def pytest_collection_modifyitems(session, config, items) -> None:  # noqa: ARG001
    """The scan reads the logs the other tests leave: it goes last."""
    items.sort(key=lambda item: item.nodeid.split("::")[0].endswith(SCAN_LAST))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    for line in harness.FIGURES:
        terminalreporter.write_line(f"[figures] {line}")
