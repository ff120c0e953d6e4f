"""Fixtures for the end-to-end runs; the harness itself is in harness.py."""

from harness import emulator  # noqa: F401
