"""One emulator per test session, started through tests/emulator/serve; state is reset before every test."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

SERVE = pathlib.Path(__file__).resolve().parents[1] / "serve"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"


class Emu:
    def __init__(self, url: str) -> None:
        self.url = url

    def control(self, method: str, path: str, body: object | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def reset(self) -> None:
        self.control("POST", "reset")

    def calls(self, **filters: str) -> list[dict]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self.control("GET", "calls" + (f"?{query}" if query else ""))  # type: ignore[return-value]

    def inventory(self) -> dict:
        return self.control("GET", "inventory")  # type: ignore[return-value]

    def client(self, service: str, region: str = PRIMARY, **config: object):
        settings = {"connect_timeout": 5, "read_timeout": 30, **config}
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"}, **settings)
        if service == "s3":
            cfg = cfg.merge(Config(s3={"addressing_style": "path"}))
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="AKIDEMULATOR",
            aws_secret_access_key="emulator-secret",
            config=cfg,
        )


@pytest.fixture(scope="session")
def emulator_process():
    proc = subprocess.Popen(
        [str(SERVE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    line = proc.stdout.readline().strip()
    if not line.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {line!r} {proc.stderr.read()}")
    emu = Emu(line)
    deadline = time.time() + 60
    while not emu.control("GET", "ping")["ready"]:
        if time.time() > deadline:
            raise RuntimeError("emulator never became ready")
        time.sleep(0.05)
    yield emu, proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture()
def emu(emulator_process):
    emu, _ = emulator_process
    emu.reset()
    return emu


@pytest.fixture()
def rds1(emu):
    return emu.client("rds", PRIMARY)


@pytest.fixture()
def rds2(emu):
    return emu.client("rds", SECONDARY)
