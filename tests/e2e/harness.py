"""End-to-end harness: the AWS emulator, and the real Pulumi CLI (built by tools/pulumi/build.sh) driving
the examples (real TypeScript and Python programs on the real Pulumi SDKs) with the built plugin.

Each stack has its own scratch PULUMI_HOME, a local file backend and passphrase secrets, with update
checks and plugin downloads off; the plugin is found through Pulumi.yaml `plugins.providers`, or, for
a stack made with `plugin_install=True`, through `pulumi plugin install resource ... -f <binary>`.
Programs are served by the Automation API's language server (program_host/): the module proxy serves
no Pulumi language host, so this is how the real CLI runs our programs here. What a run did is read
from the CLI's own `--event-log` and `pulumi stack export`."""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

import boto3
import pytest
import yaml
from botocore.config import Config

REPO = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"
PLUGIN = TARGET / "pulumi-resource-multiregion-dr"
SERVE = REPO / "tests" / "emulator" / "serve"
HOSTS = pathlib.Path(__file__).resolve().parent / "program_host"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDEMULATOR", "AWS_SECRET_ACCESS_KEY": "emulator-secret"}
PASSPHRASE = "e2e-passphrase"
# The AWS operations that change something; a preview must make none of them.
READ_PREFIXES = ("Describe", "List", "Get", "Head")
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")
# Flags that make a command run unattended, as a CI job runs it.
UNATTENDED = {"up": ["--yes", "--skip-preview"], "refresh": ["--yes", "--skip-preview"],
              "destroy": ["--yes", "--skip-preview"], "preview": []}

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
COLOR_TAG = re.compile(r"<\{%[^%]*%\}>")


@functools.cache
def pulumi_cli() -> pathlib.Path:
    """The `pulumi` binary, built from Pulumi's Go modules on first use on this machine."""
    build = subprocess.run(["bash", str(REPO / "tools" / "pulumi" / "build.sh")], capture_output=True, text=True)
    if build.returncode != 0:
        raise RuntimeError(f"building the Pulumi CLI failed:\n{build.stderr[-6000:]}")
    return pathlib.Path(build.stdout.strip().splitlines()[-1]) / "pulumi"


def _prune_old_sessions() -> None:
    if not LOG_ROOT.is_dir():
        return
    sessions = sorted((p for p in LOG_ROOT.iterdir() if p.is_dir() and p != SESSION_LOGS), key=lambda p: p.name)
    for old in sessions[:-KEEP_SESSIONS]:
        shutil.rmtree(old, ignore_errors=True)


def _run_dir(operation: str) -> pathlib.Path:
    if not SESSION_LOGS.exists():
        _prune_old_sessions()
    test = os.environ.get("PYTEST_CURRENT_TEST", "no-test").split(" ")[0].split("::")[-1]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test)[-80:]
    run_dir = SESSION_LOGS / f"{next(_run_numbers):03d}-{name}-{operation}"
    run_dir.mkdir(parents=True)
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


def start_emulator() -> tuple[subprocess.Popen, Emulator]:
    """The emulator on a free loopback port, once it serves AWS calls."""
    proc = subprocess.Popen([str(SERVE)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    url = (proc.stdout.readline() if proc.stdout else "").strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {url!r}")
    emu = Emulator(url)
    deadline = time.time() + 60
    while not emu.control("GET", "ping")["ready"]:
        if time.time() > deadline:
            proc.kill()
            raise RuntimeError("emulator never became ready")
        time.sleep(0.05)
    return proc, emu


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def plain_occurrences(value: object, needle: str, path: str = "") -> list[str]:
    """The paths where `needle` appears in a JSON value outside a secret envelope."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
            return []
        return [p for k, v in value.items() for p in plain_occurrences(v, needle, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in plain_occurrences(v, needle, f"{path}[{i}]")]
    return [path or "."] if isinstance(value, str) and needle in value else []


@dataclass
class Run:
    """One CLI command: its exit code, its output, and what its event log and the state say."""

    code: int
    stdout: str
    stderr: str
    # The CLI's engine events (`--event-log`), one dict per event, as the CLI wrote them.
    engine_events: list[dict]
    # `pulumi stack export --show-secrets` after the command (secrets stay inside their envelopes).
    state: dict
    log_dir: pathlib.Path | None = None

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def steps(self) -> list[dict]:
        """One {op, urn, type, name} per resource step (the step's last word: a refresh that found
        drift is an `update`, one that found the resource gone a `delete`)."""
        steps: dict[str, dict] = {}
        for event in self.engine_events:
            for kind in ("resourcePreEvent", "resOutputsEvent"):
                meta = (event.get(kind) or {}).get("metadata")
                if meta:
                    op = meta["op"]
                    if op == "refresh":
                        op = _refresh_outcome(meta)
                    steps[meta["urn"]] = {"op": op, "urn": meta["urn"], "type": meta["type"],
                                          "name": meta["urn"].split("::")[-1]}
        return list(steps.values())

    @property
    def summary(self) -> dict:
        """The shape the tests read: ok, steps, outputs, changes (the CLI's resource change counts)."""
        return {"ok": self.ok, "steps": self.steps, "outputs": self.outputs, "changes": self.changes}

    @property
    def outputs(self) -> dict:
        """The stack's outputs as the engine last reported them (unknowns as UNKNOWN in a preview)."""
        outputs: dict = {}
        for event in self.engine_events:
            for kind in ("resourcePreEvent", "resOutputsEvent"):
                meta = (event.get(kind) or {}).get("metadata") or {}
                if meta.get("type") == "pulumi:pulumi:Stack" and (meta.get("new") or {}).get("outputs") is not None:
                    outputs = meta["new"]["outputs"]
        return outputs

    @property
    def changes(self) -> dict:
        for event in reversed(self.engine_events):
            if "summaryEvent" in event:
                return event["summaryEvent"].get("resourceChanges") or {}
        return {}

    @property
    def events(self) -> list[dict]:
        """Every diagnostic the engine showed (the provider's Log messages among them) as
        {kind: "log", severity, message, urn, ephemeral}, colour tags and trailing newlines removed."""
        out = []
        for event in self.engine_events:
            diag = event.get("diagnosticEvent")
            if diag:
                out.append({"kind": "log", "severity": diag.get("severity"), "urn": diag.get("urn") or "",
                            "ephemeral": bool(diag.get("ephemeral")),
                            "message": COLOR_TAG.sub("", diag.get("message") or "").strip()})
        return out

    def ops(self, op: str) -> list[str]:
        """The types of the resources the run applied `op` to (the stack and providers excluded)."""
        return sorted(s["type"] for s in self.steps if s["op"] == op and s["type"] != "pulumi:pulumi:Stack"
                      and not s["type"].startswith("pulumi:providers:"))

    def resources(self) -> list[dict]:
        return self.state.get("deployment", {}).get("resources") or []

    def describe(self) -> str:
        return (f"exit {self.code} (all logs in {self.log_dir})\n--- stdout\n{self.stdout[-6000:]}\n"
                f"--- stderr (tail)\n{self.stderr[-4000:]}")


def _refresh_outcome(meta: dict) -> str:
    if not meta.get("new"):
        return "delete"
    return "update" if meta.get("diffs") or meta.get("detailedDiff") else "same"


@dataclass
class Stack:
    """A program in a scratch directory with its own Pulumi home and file backend, run by the real CLI."""

    workdir: pathlib.Path
    emulator: Emulator
    config: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    name: str = "dev"
    # True: the plugin is installed with `pulumi plugin install ... -f`, else found through Pulumi.yaml.
    plugin_install: bool = False
    # The folder Pulumi.yaml `plugins.providers` points at (unless plugin_install).
    plugin_dir: pathlib.Path = PLUGIN.parent
    _applied: dict[str, tuple[str, bool]] = field(default_factory=dict)
    _initialised: bool = False
    _kept: dict[pathlib.Path, tuple[int, int]] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return "typescript" if (self.workdir / "package.json").exists() else "python"

    @property
    def home(self) -> pathlib.Path:
        return self.workdir.parent / f".pulumi-home-{self.workdir.name}"

    @property
    def backend(self) -> pathlib.Path:
        return self.workdir.parent / f".pulumi-backend-{self.workdir.name}"

    def env(self) -> dict[str, str]:
        return {**os.environ, **CREDENTIALS, "AWS_EC2_METADATA_DISABLED": "true",
                "PULUMI_HOME": str(self.home), "PULUMI_BACKEND_URL": f"file://{self.backend}",
                "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE, "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
                # Makes the CLI take `--event-log`, as the Automation API has it do.
                "PULUMI_DEBUG_COMMANDS": "true",
                "MULTIREGION_DR_LOG": os.environ.get("MULTIREGION_DR_LOG", PLUGIN_LOG_LEVEL)}

    def cli(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """A CLI command that runs no program (stack, config, plugin, cancel, export ...)."""
        proc = subprocess.run([str(pulumi_cli()), *args, "--non-interactive"], cwd=self.workdir, env=self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise RuntimeError(f"pulumi {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
        return proc

    def _initialise(self) -> None:
        if self._initialised:
            return
        self.backend.mkdir(parents=True, exist_ok=True)
        project = yaml.safe_load((self.workdir / "Pulumi.yaml").read_text())
        if self.plugin_install:
            self.cli("plugin", "install", "resource", "multiregion-dr", plugin_version(), "-f", str(PLUGIN))
        else:
            project.setdefault("plugins", {})["providers"] = [{"name": "multiregion-dr", "path": str(self.plugin_dir)}]
        (self.workdir / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))
        self.cli("stack", "init", self.name)
        self._initialised = True

    def _sync_config(self) -> None:
        """Writes the stack's config as `pulumi config` would: what changed since the last run."""
        wanted = {**{k: (v, False) for k, v in self.config.items()}, **{k: (v, True) for k, v in self.secrets.items()}}
        for key in [k for k in self._applied if k not in wanted]:
            self.cli("config", "rm", key, "--stack", self.name)
            del self._applied[key]
        changed = {k: v for k, v in wanted.items() if self._applied.get(k) != v}
        if changed:
            args = []
            for key, (value, secret) in changed.items():
                args += ["--secret" if secret else "--plaintext", f"{key}={value}"]
                if secret:
                    SECRETS_USED.add(value)
            self.cli("config", "set-all", "--stack", self.name, *args)
            self._applied.update(changed)

    def command(self, operation: str, *extra: str, event_log: pathlib.Path) -> list[str]:
        """The whole command line of one program-running CLI command, served by the program host."""
        cli = [str(pulumi_cli()), operation, "--stack", self.name, "--non-interactive", "--color", "never",
               "--event-log", str(event_log), *UNATTENDED.get(operation, []), *extra]
        if self.language == "python":
            return [sys.executable, str(HOSTS / "python_host.py"), str(self.workdir), *cli]
        return ["node", str(HOSTS / "node_host.js"), str(self.workdir), self._compile(), *cli]

    def _compile(self) -> str:
        """The program's JavaScript entry: a TypeScript program is compiled with its own tsc into bin/,
        as its users build it; a JavaScript one is its package.json `main`."""
        if not (self.workdir / "tsconfig.json").exists():
            return json.loads((self.workdir / "package.json").read_text()).get("main", "index.js")
        tsc = self.workdir / "node_modules" / ".bin" / "tsc"
        proc = subprocess.run([str(tsc), "-p", str(self.workdir)], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"tsc failed for {self.workdir}:\n{proc.stdout}{proc.stderr}")
        return "bin/index.js"

    def start(self, operation: str, *extra: str) -> "Running":
        """Starts a deployment command (preview, up, refresh, destroy) and returns at once."""
        self._initialise()
        self._sync_config()
        run_dir = _run_dir(operation)
        event_log = run_dir / "events.jsonl"
        stdout, stderr = (run_dir / "stdout.txt").open("w"), (run_dir / "stderr.txt").open("w")
        proc = subprocess.Popen(self.command(operation, *extra, event_log=event_log), cwd=self.workdir,
                                env=self.env(), stdout=stdout, stderr=stderr, start_new_session=True)
        return Running(self, proc, run_dir, event_log, time.monotonic())

    def run(self, operation: str, *extra: str, timeout: float = 900) -> Run:
        return self.start(operation, *extra).finish(timeout)

    def _keep_home(self, run_dir: pathlib.Path) -> None:
        """What the CLI wrote into its home since the last run (its logs, gzipped JSON lines, as text;
        workspace settings), for the secrets scan."""
        for kept in sorted(self.home.rglob("*")):
            parts = kept.relative_to(self.home).parts
            if not kept.is_file() or "plugins" in parts:
                continue
            stamp = (kept.stat().st_mtime_ns, kept.stat().st_size)
            if self._kept.get(kept) == stamp:
                continue
            self._kept[kept] = stamp
            data = kept.read_bytes()
            (run_dir / ("home-" + "-".join(parts))).write_bytes(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)

    def export(self) -> dict:
        proc = self.cli("stack", "export", "--stack", self.name, "--show-secrets", check=False)
        return json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else {}

    def record(self, code: int, run_dir: pathlib.Path, event_log: pathlib.Path) -> Run:
        """What one command left: its output, events and the state after it, kept in run_dir."""
        state = self.export()
        (run_dir / "state.json").write_text(json.dumps(state, indent=1))
        self._keep_home(run_dir)
        events = []
        if event_log.exists():
            events = [json.loads(line) for line in event_log.read_text().splitlines() if line.strip()]
        run = Run(code=code, stdout=(run_dir / "stdout.txt").read_text(), stderr=(run_dir / "stderr.txt").read_text(),
                  engine_events=events, state=state, log_dir=run_dir)
        (run_dir / "log.txt").write_text("\n".join(e["message"] for e in run.events))
        self.runs.append(run)
        return run


@dataclass
class Running:
    """A command under way: its process (a signal to it reaches the CLI) and where it logs."""

    stack: Stack
    proc: subprocess.Popen
    run_dir: pathlib.Path
    event_log: pathlib.Path
    started: float

    def cli_pid(self) -> int | None:
        """The `pulumi` process the program host started."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid), "-x", "pulumi"], capture_output=True, text=True)
        return int(out.stdout.split()[0]) if out.stdout.split() else None

    def signal_cli(self, sig: signal.Signals) -> None:
        pid = self.cli_pid()
        assert pid, "the pulumi process is not running"
        os.kill(pid, sig)

    def finish(self, timeout: float = 900) -> Run:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = self.proc.wait()
        return self.stack.record(code, self.run_dir, self.event_log)


@functools.cache
def plugin_version() -> str:
    """The version the plugin reports, for `pulumi plugin install`."""
    cargo = (REPO / "Cargo.toml").read_text()
    return re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def emulator():
    if not PLUGIN.exists():
        pytest.fail(f"build first: {PLUGIN} (cargo build --workspace)")
    pulumi_cli()
    proc, emu = start_emulator()
    yield emu
    stop(proc)


def scratch_copy(src: pathlib.Path, dst: pathlib.Path, node_modules: pathlib.Path | None = None) -> pathlib.Path:
    """A program in a scratch directory, its node_modules linked, not copied."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("node_modules", "venv", "__pycache__", "bin",
                                                            ".mypy_cache"))
    modules = node_modules or src / "node_modules"
    if (src / "package.json").exists() and modules.exists():
        (dst / "node_modules").symlink_to(modules)
    return dst


def ok(run: Run) -> Run:
    """The run, once it is known to have succeeded."""
    assert run.ok, run.describe()
    return run


def hosted_zone(emulator: Emulator, name: str) -> str:
    zone = emulator.client("route53").create_hosted_zone(Name=name, CallerReference=f"e2e-{name}-{time.time()}")
    return zone["HostedZone"]["Id"].split("/")[-1]


def objects(emulator: Emulator, fixture_zone: str = "example.com") -> list[str]:
    """Everything a resource made, as `kind[@region] name`: the fixture zone and automated backups left out."""
    inv = emulator.inventory()
    out = [f"rds.global_cluster {g['id']}" for g in inv["rds"]["global_clusters"]]
    out += [f"rds.{kind}@{c['region']} {c['id']}" for key, kind in (("clusters", "cluster"), ("instances", "instance"))
            for c in inv["rds"][key]]
    out += [f"rds.snapshot@{c['region']} {c['id']}" for c in inv["rds"].get("cluster_snapshots", [])
            if c.get("type") != "automated"]
    for zone in inv["route53"]["hosted_zones"]:
        fixture = zone["name"].rstrip(".") == fixture_zone
        out += [] if fixture else [f"route53.zone {zone['name']}"]
        out += [f"route53.record {r['name']} {r['type']} {r.get('set_identifier')}" for r in zone["records"]
                if not (fixture and r["type"] in ("SOA", "NS"))]
    out += [f"route53.health_check {h['id']}" for h in inv["route53"]["health_checks"]]
    out += [f"dynamodb.table@{t['region']} {t['name']}" for t in inv["dynamodb"]["tables"]]
    out += [f"s3.bucket@{b['region']} {b['name']}" for b in inv["s3"]["buckets"]]
    out += [f"iam.role {r['name']}" for r in inv.get("iam", {}).get("roles", [])]
    return sorted(out)


def counts(found: list[str]) -> dict[str, int]:
    return dict(Counter(o.split(" ")[0] for o in found))


def resource(run: Run, type_: str) -> dict:
    found = [r for r in run.resources() if r["type"] == type_]
    assert len(found) == 1, f"{type_} in the state: {found}\n{run.describe()}"
    return found[0]


def example_stack(emulator: Emulator, tmp_path: pathlib.Path, language: str, **options) -> Stack:
    """A copy of examples/<language> with a hosted zone in the emulator."""
    dst = scratch_copy(REPO / "examples" / language, tmp_path / language)
    emulator.reset()
    emulator.client("route53").create_hosted_zone(Name="payments.example.com", CallerReference=f"e2e-{language}")
    return Stack(
        workdir=dst,
        emulator=emulator,
        config={"multiregion-dr:endpoints": emulator.endpoints(), "multiregion-dr:maxRetries": "2"},
        secrets={"payments-dr:dbPassword": DB_PASSWORD},
        **options,
    )


DB_PASSWORD = "e2e-Sup3r-secret-pw"
