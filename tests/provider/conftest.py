"""Fixtures: the plugin started as the engine starts it, talking through Pulumi's own generated
Python stubs (pulumi.runtime.proto), so a wrong field number cannot hide."""

import pytest

from plugin_process import REPO, launch, start_engine, wait_exit  # noqa: F401


@pytest.fixture(scope="session")
def engine():
    recorder = start_engine()
    yield recorder
    recorder.server.stop(0)


@pytest.fixture
def plugin(engine):
    p = launch(engine.address)
    yield p
    p.stop()
