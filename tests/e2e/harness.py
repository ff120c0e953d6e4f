"""End-to-end harness: the AWS emulator, and the stand-in engine (target/debug/dr-engine) driving the
examples (real TypeScript and Python programs on the real Pulumi SDKs) with the built plugin."""

from __future__ import annotations

import itertools
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

import boto3
import pytest
from botocore.config import Config

REPO = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"
ENGINE = TARGET / "dr-engine"
PLUGIN = TARGET / "pulumi-resource-multiregion-dr"
SERVE = REPO / "tests" / "emulator" / "serve"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDEMULATOR", "AWS_SECRET_ACCESS_KEY": "emulator-secret"}
# The AWS operations that change something; a preview must make none of them.
READ_PREFIXES = ("Describe", "List", "Get", "Head")

# Every run's captured output is kept here, one directory per run, for the secrets scan
# (test_secrets_scan.py) and for whoever reads a failed CI run: <target>/e2e-logs/<session>/.
LOG_ROOT = pathlib.Path(os.environ.get("DR_E2E_LOG_DIR", TARGET.parent / "e2e-logs"))
SESSION_LOGS = LOG_ROOT / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
KEEP_SESSIONS = 5
# The secret values given to any stack in this session; the scan looks for each of them.
SECRETS_USED: set[str] = set()
_run_numbers = itertools.count()
# Lines the terminal summary prints (conftest.py), e.g. what the secrets scan covered.
FIGURES: list[str] = []
# The plugin traces at debug level in end-to-end runs: more of what it says is scanned.
PLUGIN_LOG_LEVEL = "info,multiregion_dr=debug"


def _prune_old_sessions() -> None:
    if not LOG_ROOT.is_dir():
        return
    sessions = sorted((p for p in LOG_ROOT.iterdir() if p.is_dir() and p != SESSION_LOGS), key=lambda p: p.name)
    for old in sessions[:-KEEP_SESSIONS]:
        shutil.rmtree(old, ignore_errors=True)


def keep_logs(run: "Run", operation: str, files: dict[str, pathlib.Path]) -> pathlib.Path:
    """Copies everything one run printed, logged and stored into the session's log directory: CLI
    stdout/stderr, the engine's events (Log messages, diagnostics, plugin stderr, program output),
    the summary (with its errors) and the state after the run."""
    if not SESSION_LOGS.exists():
        _prune_old_sessions()
    test = os.environ.get("PYTEST_CURRENT_TEST", "no-test").split(" ")[0].split("::")[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test)[-80:]
    run_dir = SESSION_LOGS / f"{next(_run_numbers):03d}-{name}-{operation}"
    run_dir.mkdir(parents=True)
    (run_dir / "stdout.txt").write_text(run.stdout)
    (run_dir / "stderr.txt").write_text(run.stderr)
    for target, source in files.items():
        if source.exists():
            shutil.copyfile(source, run_dir / target)
    by_kind: dict[str, list[str]] = {"plugin-stderr": [], "log": [], "diag": [], "program-output": []}
    for event in run.events:
        kind = event.get("kind")
        if kind in by_kind:
            by_kind[kind].append(event.get("line") or event.get("message") or json.dumps(event))
    for kind, lines in by_kind.items():
        (run_dir / f"{kind}.txt").write_text("\n".join(lines))
    return run_dir


class Emulator:
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

    def calls(self) -> list[dict]:
        return self.control("GET", "calls")  # type: ignore[return-value]

    def clear_calls(self) -> None:
        self.control("DELETE", "calls")

    def writes(self) -> list[str]:
        """The changing AWS calls in the call log."""
        return [f"{c['service']}:{c['operation']}@{c.get('region')}" for c in self.calls()
                if not c["operation"].startswith(READ_PREFIXES)]

    def inventory(self) -> dict:
        return self.control("GET", "inventory")  # type: ignore[return-value]

    def client(self, service: str, region: str = PRIMARY):
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
        if service == "s3":
            cfg = cfg.merge(Config(s3={"addressing_style": "path"}))
        return boto3.client(service, region_name=region, endpoint_url=self.url,
                            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"], config=cfg)

    def endpoints(self) -> str:
        return json.dumps({s: self.url for s in ("rds", "route53", "dynamodb", "s3", "iam", "sts", "cloudwatch")})


@dataclass
class Run:
    """One engine run: its exit code, CLI output, summary and events."""

    code: int
    stdout: str
    stderr: str
    summary: dict
    events: list[dict]
    state: dict
    # Where keep_logs put everything this run left behind.
    log_dir: pathlib.Path | None = None

    def ops(self, op: str) -> list[str]:
        """The types of the resources the run applied `op` to (the stack itself excluded)."""
        return sorted(s["type"] for s in self.summary["steps"] if s["op"] == op and s["type"] != "pulumi:pulumi:Stack")

    def describe(self) -> str:
        return (f"exit {self.code} (all logs in {self.log_dir})\n--- stdout\n{self.stdout}\n"
                f"--- stderr (tail)\n{self.stderr[-4000:]}")


@dataclass
class Stack:
    """An example program in a scratch copy, with its state, driven by the stand-in engine."""

    workdir: pathlib.Path
    emulator: Emulator
    config: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)

    def run(self, operation: str, *extra: str) -> Run:
        n = len(self.runs)
        summary, events = self.workdir / f".run{n}-summary.json", self.workdir / f".run{n}-events.jsonl"
        state = self.workdir / ".dr-engine" / "dev.json"
        args = [str(ENGINE), operation, "--cwd", str(self.workdir), "--stack", "dev", "--state", str(state),
                "--plugin", str(PLUGIN), "--python", sys.executable,
                "--summary", str(summary), "--events", str(events), *extra]
        for k, v in self.config.items():
            args += ["--config", f"{k}={v}"]
        for k, v in self.secrets.items():
            args += ["--secret-config", f"{k}={v}"]
            SECRETS_USED.add(v)
        env = {**os.environ, **CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
               "MULTIREGION_DR_LOG": os.environ.get("MULTIREGION_DR_LOG", PLUGIN_LOG_LEVEL)}
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
        run = Run(
            code=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            summary=json.loads(summary.read_text()) if summary.exists() else {"steps": [], "ok": False},
            events=[json.loads(line) for line in events.read_text().splitlines() if line.strip()] if events.exists() else [],
            state=json.loads(state.read_text()) if state.exists() else {"resources": []},
        )
        self.runs.append(run)
        run.log_dir = keep_logs(run, operation, {"summary.json": summary, "events.jsonl": events, "state.json": state})
        return run


@pytest.fixture(scope="session")
def emulator():
    if not ENGINE.exists() or not PLUGIN.exists():
        pytest.fail(f"build first: {ENGINE} and {PLUGIN} (cargo build --workspace)")
    proc = subprocess.Popen([str(SERVE)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {url!r}")
    emu = Emulator(url)
    deadline = time.time() + 60
    while not emu.control("GET", "ping")["ready"]:
        assert time.time() < deadline, "emulator never became ready"
        time.sleep(0.05)
    yield emu
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def example_stack(emulator: Emulator, tmp_path: pathlib.Path, language: str) -> Stack:
    """A copy of examples/<language> (its node_modules linked, not copied), with a hosted zone."""
    src = REPO / "examples" / language
    dst = tmp_path / language
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("node_modules", ".dr-engine", "venv", "__pycache__", "bin"))
    if (src / "node_modules").exists():
        (dst / "node_modules").symlink_to(src / "node_modules")
    emulator.reset()
    emulator.client("route53").create_hosted_zone(Name="payments.example.com", CallerReference=f"e2e-{language}")
    return Stack(
        workdir=dst,
        emulator=emulator,
        config={"multiregion-dr:endpoints": emulator.endpoints(), "multiregion-dr:maxRetries": "2"},
        secrets={"payments-dr:dbPassword": DB_PASSWORD},
    )


DB_PASSWORD = "e2e-Sup3r-secret-pw"
