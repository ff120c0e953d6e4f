"""The demo: the TypeScript example (examples/typescript) goes through `preview`, `up` and `destroy`
against the local AWS emulator, and what exists in each region is printed after up and after destroy.

With a `pulumi` CLI on PATH it uses that (a local file backend in a scratch directory, the passphrase
from PULUMI_CONFIG_PASSPHRASE or "demo"); otherwise the stand-in engine (tests/engine), which plays the
engine's part of the protocol for the same program on the same SDK. It says which it used.
Run it with `make demo`, which builds the plugin, the engine and the SDK first.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import boto3

REPO = pathlib.Path(__file__).resolve().parents[2]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug"
EXAMPLE = REPO / "examples" / "typescript"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "AWS_EC2_METADATA_DISABLED": "true"}
PASSWORD = "demo-Passw0rd-only"


def start_emulator() -> tuple[subprocess.Popen, str]:
    serve = REPO / "tests" / "emulator" / "serve"
    proc = subprocess.Popen([str(serve)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = (proc.stdout.readline() if proc.stdout else "").strip()
    if not url.startswith("http://"):
        raise SystemExit(f"the emulator did not start (got {url!r})")
    return proc, url


def print_regions(url: str, title: str) -> None:
    with urllib.request.urlopen(f"{url}/_emulator/inventory") as r:
        inv = json.load(r)
    rds, r53 = inv["rds"], inv["route53"]
    print(f"\n== {title}")
    for g in rds["global_clusters"]:
        writer = next((m["region"] for m in g["members"] if m["is_writer"]), "-")
        print(f"  global cluster {g['id']} ({g['status']}): writer in {writer}, {len(g['members'])} member(s)")
    for region in (PRIMARY, SECONDARY):
        clusters = [c for c in rds["clusters"] if c["region"] == region]
        instances = [i for i in rds["instances"] if i["region"] == region]
        tables = [t for t in inv.get("dynamodb", {}).get("tables", []) if t["region"] == region]
        buckets = [b for b in inv.get("s3", {}).get("buckets", []) if b["region"] == region]
        print(f"  {region}:")
        for c in clusters:
            role = "writer" if c["is_writer"] else "reader"
            print(f"    Aurora cluster {c['id']} ({c['status']}, {role}, {c['engine']} {c['engine_version']})")
        for i in instances:
            print(f"    Aurora instance {i['id']} ({i['status']}) in {i['cluster']}")
        for t in tables:
            print(f"    DynamoDB table {t['name']} ({t['status']}), replicas: {', '.join(t['replicas']) or '-'}")
        for b in buckets:
            print(f"    S3 bucket {b['name']} ({b['objects']} object(s), versioning {b['versioning']})")
        if not (clusters or instances or tables or buckets):
            print("    (nothing)")
    checks = r53["health_checks"]
    records = [r for z in r53["hosted_zones"] for r in z["records"] if r["failover"]]
    print(f"  Route 53 (global): {len(checks)} health check(s), {len(records)} failover record(s)")
    for r in records:
        print(f"    {r['failover']:9} {r['name']} {r['type']} -> {', '.join(r['values'])}")


def run(cmd: list[str], cwd: pathlib.Path, env: dict[str, str]) -> None:
    print(f"\n$ {' '.join(cmd)}", flush=True)
    code = subprocess.run(cmd, cwd=cwd, env=env).returncode
    if code != 0:
        raise SystemExit(f"`{' '.join(cmd[:2])}` failed with exit code {code}")


class RealCli:
    """The real pulumi CLI, with a file backend in the scratch directory."""

    def __init__(self, cli: str, work: pathlib.Path, endpoints: str) -> None:
        self.cli, self.work = cli, work
        # The plugin is found on PATH as an ambient plugin, as for a locally built provider.
        self.env = {
            **os.environ,
            **CREDENTIALS,
            "PATH": f"{TARGET}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_BACKEND_URL": f"file://{work / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": os.environ.get("PULUMI_CONFIG_PASSPHRASE", "demo"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        }
        (work / "backend").mkdir()
        run([cli, "stack", "init", "dev", "--non-interactive"], work / "program", self.env)
        run([cli, "config", "set", "multiregion-dr:endpoints", endpoints], work / "program", self.env)
        run([cli, "config", "set", "--secret", "dbPassword", PASSWORD], work / "program", self.env)

    def __call__(self, operation: str) -> None:
        flags = {"preview": [], "up": ["--yes", "--skip-preview"], "destroy": ["--yes", "--skip-preview"]}[operation]
        run([self.cli, operation, "--non-interactive", *flags], self.work / "program", self.env)


class StandIn:
    """The stand-in engine (tests/engine)."""

    def __init__(self, work: pathlib.Path, endpoints: str) -> None:
        self.work = work
        self.env = {**os.environ, **CREDENTIALS}
        self.args = ["--cwd", str(work / "program"), "--stack", "dev", "--state", str(work / "state.json"),
                     "--plugin", str(TARGET / "pulumi-resource-multiregion-dr"),
                     "--config", f"multiregion-dr:endpoints={endpoints}",
                     "--secret-config", f"payments-dr:dbPassword={PASSWORD}"]

    def __call__(self, operation: str) -> None:
        run([str(TARGET / "dr-engine"), operation, *self.args], self.work, self.env)


def main() -> None:
    emulator, url = start_emulator()
    work = pathlib.Path(tempfile.mkdtemp(prefix="dr-demo-"))
    try:
        shutil.copytree(EXAMPLE, work / "program", ignore=shutil.ignore_patterns("node_modules", ".dr-engine", "bin"))
        (work / "program" / "node_modules").symlink_to(EXAMPLE / "node_modules")
        # The example points DNS at an existing hosted zone, as a real account would have.
        r53 = boto3.client("route53", endpoint_url=url, region_name=PRIMARY,
                           aws_access_key_id="demo", aws_secret_access_key="demo")
        r53.create_hosted_zone(Name="payments.example.com", CallerReference="dr-demo")
        endpoints = json.dumps({s: url for s in ("rds", "route53", "dynamodb", "s3", "iam", "sts", "cloudwatch")})

        print(f"AWS emulator at {url}; program: examples/typescript (scratch copy in {work})")
        cli = shutil.which("pulumi")
        engine: RealCli | StandIn
        if cli:
            print(f"using the real Pulumi CLI: {cli}")
            engine = RealCli(cli, work, endpoints)
        else:
            print("no `pulumi` on PATH: using the stand-in engine (tests/engine), which drives the same program")
            engine = StandIn(work, endpoints)

        engine("preview")
        engine("up")
        print_regions(url, "what exists after up")
        engine("destroy")
        print_regions(url, "what exists after destroy")
    finally:
        emulator.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
