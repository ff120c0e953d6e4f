"""Issue 19: programs written the way a user writes them, run against the emulator, each for one
defect found by trying the provider as a new user would.

Uses only the harness's public surface (harness.py), so that the same tests run on whichever engine
the harness drives (the real Pulumi CLI)."""

from __future__ import annotations

import json
import pathlib
import re
import textwrap

import pytest

from harness import PRIMARY, SECONDARY, Emulator, Stack, example_stack, ok

LANGUAGES = ["typescript", "python"]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SCHEMA = json.loads((pathlib.Path(__file__).resolve().parents[2] / "schema.json").read_text())
PKG = "multiregion-dr:index:"


def program_file(stack: Stack, language: str) -> pathlib.Path:
    return stack.workdir / ("index.ts" if language == "typescript" else "__main__.py")


def leftovers(emu: Emulator) -> dict:
    inv = emu.inventory()
    roles = [r for r in inv.get("iam", {}).get("roles", []) if "/multiregion-dr/" in r.get("arn", "")]
    return {k: v for k, v in {
        "global clusters": inv["rds"]["global_clusters"],
        "clusters": inv["rds"]["clusters"],
        "instances": inv["rds"]["instances"],
        "health checks": inv["route53"]["health_checks"],
        "failover records": [r for z in inv["route53"]["hosted_zones"] for r in z["records"] if r["failover"]],
        "tables": inv["dynamodb"]["tables"],
        "buckets": inv["s3"]["buckets"],
        "replication roles": roles,
    }.items() if v}


# ---------------------------------------------------------------------------------------------
# 1. Object- and array-typed outputs are unknown in the preview of a new stack, in both SDKs.

# (resource or function, output) -> the apply a user writes over it, in TypeScript and in Python.
# The program declares `dr` and `readiness` (the example), and `db`, `table`, `bucket` below.
PROBES = {
    ("GlobalDatabase", "primaryCluster"): ("db.primaryCluster.apply(c => c.endpoint)",
                                           "db.primary_cluster.apply(lambda c: c.endpoint)"),
    ("GlobalDatabase", "secondaryCluster"): ("db.secondaryCluster.apply(c => c.instanceIdentifiers.length)",
                                             "db.secondary_cluster.apply(lambda c: len(c.instance_identifiers))"),
    ("GlobalDatabase", "lastSwitch"): ("db.lastSwitch.apply(s => s!.kind)",
                                       "db.last_switch.apply(lambda s: s.kind)"),
    ("GlobalTable", "primaryReplica"): ("table.primaryReplica.apply(r => r!.tableStatus)",
                                        "table.primary_replica.apply(lambda r: r.table_status)"),
    ("GlobalTable", "secondaryReplica"): ("table.secondaryReplica.apply(r => r!.region)",
                                          "table.secondary_replica.apply(lambda r: r.region)"),
    ("ReplicatedBucket", "replicationRules"): ("bucket.replicationRules.apply(rs => rs.map(r => r.status))",
                                               "bucket.replication_rules.apply(lambda rs: [r.status for r in rs])"),
    ("MultiRegionDR", "lastSwitch"): ("dr.lastSwitch.apply(s => s!.phases.map(p => p.name))",
                                      "dr.last_switch.apply(lambda s: [p.name for p in s.phases])"),
    ("getReadiness", "checks"): ("readiness.checks.apply(cs => cs.map(c => c.name))",
                                 "readiness.checks.apply(lambda cs: [c.name for c in cs])"),
}

PROBE_RESOURCES = {
    "typescript": """
const db = new mrdr.GlobalDatabase("probe-db", {
    engine: "aurora-postgresql", masterUsername: "app", masterPassword: config.requireSecret("dbPassword"),
    instanceClass: "db.r6g.large", skipFinalSnapshot: true, activeRegion: "secondary",
});
const table = new mrdr.GlobalTable("probe-table", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }] });
const bucket = new mrdr.ReplicatedBucket("probe-bucket", { namePrefix: "probe-docs" });
""",
    "python": """
db = mrdr.GlobalDatabase("probe-db", engine="aurora-postgresql", master_username="app",
                         master_password=pulumi.Config().require_secret("dbPassword"),
                         instance_class="db.r6g.large", skip_final_snapshot=True, active_region="secondary")
table = mrdr.GlobalTable("probe-table", hash_key="pk",
                         attributes=[mrdr.GlobalTableAttributeArgs(name="pk", type="S")])
bucket = mrdr.ReplicatedBucket("probe-bucket", name_prefix="probe-docs")
""",
}


def structured_outputs() -> set[tuple[str, str]]:
    """Every output that is an object or an array and that only AWS can tell (not an input echoed)."""
    found = set()
    for token, spec in SCHEMA["resources"].items():
        inputs = spec.get("inputProperties", {})
        for prop, p in spec["properties"].items():
            if prop not in inputs and ("$ref" in p or p.get("type") in ("object", "array")):
                found.add((token.removeprefix(PKG), prop))
    for token, spec in SCHEMA["functions"].items():
        for prop, p in spec["outputs"]["properties"].items():
            if "$ref" in p or p.get("type") in ("object", "array"):
                found.add((token.removeprefix(PKG), prop))
    return found


def test_probes_cover_every_object_and_array_output() -> None:
    assert set(PROBES) == structured_outputs(), "a new object or array output needs a probe in PROBES"


@pytest.mark.parametrize("language", LANGUAGES)
def test_preview_keeps_object_and_array_outputs_unknown(emulator: Emulator, tmp_path, language: str) -> None:
    stack = example_stack(emulator, tmp_path, language)
    # A new stack whose writer is declared in the secondary: the moves are planned, their records unknown.
    stack.config["payments-dr:activeRegion"] = "secondary"
    main = program_file(stack, language)
    lines = [PROBE_RESOURCES[language]]
    for n, (ts, py) in enumerate(PROBES.values()):
        lines.append(f"export const probe{n} = {ts};" if language == "typescript" else f'pulumi.export("probe{n}", {py})')
    main.write_text(main.read_text() + "\n".join(lines) + "\n")

    emulator.clear_calls()
    preview = ok(stack.run("preview"))
    out = preview.summary["outputs"]
    for n, key in enumerate(PROBES):
        assert out.get(f"probe{n}") == UNKNOWN, (
            f"{key} reached the program as a known value during preview: {out.get(f'probe{n}')!r}", preview.describe())
    assert emulator.writes() == [], f"preview wrote to AWS: {emulator.writes()}"


# ---------------------------------------------------------------------------------------------
# 2. A TCP health check is declared from either SDK with no path.

TCP_PROGRAM = {
    "typescript": """
import * as mrdr from "pulumi-multiregion-dr";

// The database endpoints behind one name: Route 53 checks them on the PostgreSQL port.
const db = new mrdr.DnsFailover("db-dns", {
    zoneName: "payments.example.com", recordName: "db", recordType: "A",
    primaryEndpoint: "192.0.2.10", secondaryEndpoint: "192.0.2.20",
    healthCheck: { type: "TCP", port: 5432 },
});
export const checks = [db.primaryHealthCheckId, db.secondaryHealthCheckId];
""",
    "python": """
import pulumi
import pulumi_multiregion_dr as mrdr

# The database endpoints behind one name: Route 53 checks them on the PostgreSQL port.
db = mrdr.DnsFailover("db-dns", zone_name="payments.example.com", record_name="db", record_type="A",
                      primary_endpoint="192.0.2.10", secondary_endpoint="192.0.2.20",
                      health_check=mrdr.HealthCheckSettingsArgs(type="TCP", port=5432))
pulumi.export("checks", [db.primary_health_check_id, db.secondary_health_check_id])
""",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tcp_health_check_needs_no_path(emulator: Emulator, tmp_path, language: str) -> None:
    stack = example_stack(emulator, tmp_path, language)
    program_file(stack, language).write_text(textwrap.dedent(TCP_PROGRAM[language]).lstrip())
    ok(stack.run("preview"))
    up = ok(stack.run("up"))
    r53 = emulator.client("route53")
    configs = [r53.get_health_check(HealthCheckId=i)["HealthCheck"]["HealthCheckConfig"]
               for i in up.summary["outputs"]["checks"]]
    assert sorted(c["IPAddress"] for c in configs) == ["192.0.2.10", "192.0.2.20"], configs
    for c in configs:
        assert (c["Type"], c["Port"], c.get("ResourcePath")) == ("TCP", 5432, None), c
    ok(stack.run("destroy"))
    assert leftovers(emulator) == {}


# ---------------------------------------------------------------------------------------------
# 3. Every output the component declares is set after an up; the demo's program warns of nothing.

COMPONENT_OUTPUTS = sorted(SCHEMA["resources"][f"{PKG}MultiRegionDR"]["properties"])


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_the_demo_program_warns_of_nothing(emulator: Emulator, tmp_path) -> None:
    """`make demo` runs the TypeScript example: its up must print no warning a user would wonder about."""
    stack = example_stack(emulator, tmp_path, "typescript")
    up = ok(stack.run("up"))
    warnings = [e["message"] for e in up.events
                if e.get("kind") in ("log", "diag") and e.get("severity") in ("warning", "error")]
    assert warnings == [], warnings
    assert "lastSwitch" in up.summary["outputs"], "lastSwitch is exported even before any move"
    ok(stack.run("destroy"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_component_output_is_set_after_an_up(emulator: Emulator, tmp_path, language: str) -> None:
    stack = example_stack(emulator, tmp_path, language)
    # Created with the writer in the secondary: the database is built, then switched over, so the
    # component has a last switch to report as well.
    stack.config["payments-dr:activeRegion"] = "secondary"
    emulator.control("POST", "lifecycle", {"rds": {"switching-over": 1}})
    main = program_file(stack, language)
    if language == "typescript":
        lines = [f"export const component_{k} = dr.{k};" for k in COMPONENT_OUTPUTS]
    else:
        lines = [f'pulumi.export("component_{k}", dr.{snake(k)})' for k in COMPONENT_OUTPUTS]
    main.write_text(main.read_text() + "\n" + "\n".join(lines) + "\n")
    up = ok(stack.run("up"))
    emulator.control("DELETE", "lifecycle")
    out = {k: up.summary["outputs"].get(f"component_{k}") for k in COMPONENT_OUTPUTS}
    assert [k for k, v in out.items() if v in (None, "", [], {})] == [], out
    # each regional cluster's ARN is that region's cluster
    clusters = {c["region"]: c["arn"] for c in emulator.inventory()["rds"]["clusters"]}
    assert (out["primaryClusterArn"], out["secondaryClusterArn"]) == (clusters[PRIMARY], clusters[SECONDARY]), (
        out, clusters)
    assert (out["lastSwitch"]["kind"], out["lastSwitch"]["toRegion"]) == ("switchover", SECONDARY), out["lastSwitch"]
    ok(stack.run("destroy"))
    assert leftovers(emulator) == {}


# ---------------------------------------------------------------------------------------------
# 4. A child that fails during construct leaves nothing a destroy cannot remove.

def test_a_failing_child_orphans_nothing(emulator: Emulator, tmp_path) -> None:
    stack = example_stack(emulator, tmp_path, "python")
    # The secondary bucket is refused while the database and the table are still being created.
    emulator.control("POST", "lifecycle", {"rds": {"instance.creating": 4}, "dynamodb": {"replica-creating": 3}})
    emulator.control("POST", "faults", {"service": "s3", "operation": "CreateBucket", "region": SECONDARY,
                                        "count": -1, "error_code": "AccessDenied", "http_status": 403,
                                        "message": "Access Denied"})
    failed = stack.run("up")
    emulator.control("DELETE", "faults")
    emulator.control("DELETE", "lifecycle")
    assert failed.code != 0, failed.describe()
    inv = emulator.inventory()
    # the siblings ran to their end: both regions of the database and of the table exist
    assert {c["region"] for c in inv["rds"]["clusters"]} == {PRIMARY, SECONDARY}, inv["rds"]
    assert {t["region"] for t in inv["dynamodb"]["tables"]} == {PRIMARY, SECONDARY}, inv["dynamodb"]

    destroyed = ok(stack.run("destroy"))
    deleted = destroyed.ops("delete")
    for child in ("GlobalDatabase", "GlobalTable", "ReplicatedBucket"):
        assert f"{PKG}{child}" in deleted, (child, destroyed.describe())
    assert leftovers(emulator) == {}, "left in AWS after destroy"
