"""The demo: the TypeScript example (examples/typescript) goes through `preview`, `up` and `destroy`
against the local AWS emulator, and what exists in each region is printed after up and after destroy.

It runs on the real Pulumi CLI, built from Pulumi's Go modules on first use (tools/pulumi/build.sh), with a
local file backend and its own PULUMI_HOME in a scratch directory, as the end-to-end tests run it
(tests/e2e/harness.py). Run it with `make demo`, which builds the plugin and the SDKs first.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import tempfile
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from harness import PRIMARY, SECONDARY, example_stack, pulumi_cli, start_emulator, stop  # noqa: E402


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


def main() -> int:
    proc, emu = start_emulator()
    try:
        with tempfile.TemporaryDirectory(prefix="dr-demo-") as tmp:
            stack = example_stack(emu, pathlib.Path(tmp), "typescript")
            cli = pulumi_cli()
            version = subprocess.run([str(cli), "version"], capture_output=True, text=True).stdout.strip()
            print(f"AWS emulator at {emu.url}; program: examples/typescript (scratch copy in {stack.workdir})")
            print(f"Pulumi CLI {version} ({cli}), built from Pulumi's Go modules; a local file backend in the scratch directory")
            for operation, title in (("preview", None), ("up", "what exists after up"), ("destroy", "what exists after destroy")):
                print(f"\n$ pulumi {operation}", flush=True)
                run = stack.run(operation)
                print(run.stdout.rstrip())
                if not run.ok:
                    print(run.describe())
                    return 1
                if title:
                    print_regions(emu.url, title)
            return 0
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
