"""The examples, run as users run them (`pulumi preview`, `up`, an unchanged `up`, a changed `up`,
`refresh`, `destroy`) by the real Pulumi CLI with the real Pulumi SDKs, against the AWS emulator. After
each step the emulator is checked in both regions, and the state is read with `pulumi stack export`."""

from __future__ import annotations

import json
import re

import pytest

from harness import DB_PASSWORD, PRIMARY, SECONDARY, UNKNOWN, Emulator, example_stack, ok, plain_occurrences

LANGUAGES = ["typescript", "python"]
COMPONENT = "multiregion-dr:index:MultiRegionDR"
CHILDREN = [f"multiregion-dr:index:{t}" for t in ("DnsFailover", "GlobalDatabase", "GlobalTable", "ReplicatedBucket")]
EVERYTHING = sorted([COMPONENT, *CHILDREN])


def aurora(emu: Emulator) -> dict:
    rds = emu.inventory()["rds"]
    return {
        "globals": rds["global_clusters"],
        "clusters": {region: [c for c in rds["clusters"] if c["region"] == region] for region in (PRIMARY, SECONDARY)},
        "instances": {region: [i for i in rds["instances"] if i["region"] == region] for region in (PRIMARY, SECONDARY)},
    }


def failover_records(emu: Emulator) -> list[dict]:
    zones = emu.inventory()["route53"]["hosted_zones"]
    return [r for z in zones for r in z["records"] if r["failover"]]


def record_ttls(emu: Emulator) -> set[int]:
    r53 = emu.client("route53")
    zone = r53.list_hosted_zones_by_name(DNSName="payments.example.com")["HostedZones"][0]["Id"]
    sets = r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return {s["TTL"] for s in sets if s.get("Failover")}


def tables(emu: Emulator) -> dict[str, dict]:
    return {t["region"]: t for t in emu.inventory()["dynamodb"]["tables"]}


def buckets(emu: Emulator) -> dict[str, dict]:
    return {b["region"]: b for b in emu.inventory()["s3"]["buckets"]}


def managed_roles(emu: Emulator) -> list[str]:
    return [r["RoleName"] for r in emu.client("iam").list_roles(PathPrefix="/multiregion-dr/")["Roles"]]


def assert_nothing_left(emu: Emulator) -> None:
    inv = emu.inventory()
    leftovers = {
        "global clusters": inv["rds"]["global_clusters"],
        "clusters": inv["rds"]["clusters"],
        "instances": inv["rds"]["instances"],
        "health checks": inv["route53"]["health_checks"],
        "failover records": failover_records(emu),
        "tables": inv["dynamodb"]["tables"],
        "buckets": inv["s3"]["buckets"],
        "replication roles": managed_roles(emu),
    }
    assert all(not v for v in leftovers.values()), f"left in AWS after destroy: {json.dumps(leftovers, indent=1)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_example_lifecycle(emulator: Emulator, tmp_path, language: str) -> None:
    # TypeScript finds the plugin through Pulumi.yaml `plugins.providers`; Python through
    # `pulumi plugin install resource multiregion-dr <version> -f <binary>`: the two flows the README gives.
    stack = example_stack(emulator, tmp_path, language, plugin_install=language == "python")

    # preview: the component and its four children planned, nothing written to AWS
    emulator.clear_calls()
    preview = ok(stack.run("preview"))
    assert preview.ops("create") == EVERYTHING, preview.describe()
    planned = preview.summary["outputs"]
    assert planned["writerEndpoint"] == UNKNOWN and planned["healthCheckIds"]["primary"] == UNKNOWN, planned
    assert planned["apiFqdn"].rstrip(".") == "api.payments.example.com", "what is known before AWS answers is shown"
    assert emulator.writes() == [], f"preview wrote to AWS: {emulator.writes()}"
    assert aurora(emulator)["globals"] == []
    assert [r["type"] for r in preview.resources() if r["type"] != "pulumi:pulumi:Stack"] == [], "a preview saved resources"

    # up: a global cluster with its writer in the primary and a reader in the secondary; the DNS
    # pair; the global table with its replica; both buckets, replicating.
    # Instances take 6 s to become available, so the user sees progress while the provider waits.
    emulator.control("POST", "lifecycle", {"rds": {"instance.creating": 6}})
    up = ok(stack.run("up"))
    emulator.control("DELETE", "lifecycle")
    assert up.ops("create") == EVERYTHING, up.describe()
    # Each status line names the phase, the region and the time so far.
    status = [e for e in up.events if e.get("kind") == "log" and e.get("ephemeral")]
    progress = re.compile(rf"^waiting for .+ in {SECONDARY} \(\d+s so far\)$")
    assert any("GlobalDatabase" in (e.get("urn") or "") and progress.match(e["message"]) for e in status), (
        f"no progress for the database wait in the engine log: {status}")
    # ... and the CLI shows them on the resource's line, as a user watching `pulumi up` sees them.
    assert re.search(rf"GlobalDatabase payments-db creating \(\d+s\) waiting for .+ in {SECONDARY} \(\d+s so far\)",
                     up.stdout), up.describe()
    db = aurora(emulator)
    assert len(db["globals"]) == 1, db
    members = {m["region"]: m["is_writer"] for m in db["globals"][0]["members"]}
    assert members == {PRIMARY: True, SECONDARY: False}, members
    for region in (PRIMARY, SECONDARY):
        assert len(db["clusters"][region]) == 1, (region, db)
        assert len(db["instances"][region]) == 1, (region, db)
    records = failover_records(emulator)
    assert sorted(r["failover"] for r in records) == ["PRIMARY", "SECONDARY"], records
    assert len(emulator.inventory()["route53"]["health_checks"]) == 2
    table = tables(emulator)
    assert set(table) == {PRIMARY, SECONDARY}, table
    assert table[PRIMARY]["replicas"] == {SECONDARY: "ACTIVE"} and table[PRIMARY]["stream_enabled"], table
    bucket = buckets(emulator)
    assert set(bucket) == {PRIMARY, SECONDARY}, bucket
    assert bucket[PRIMARY]["versioning"] == bucket[SECONDARY]["versioning"] == "Enabled", bucket
    assert bucket[PRIMARY]["replication_rules"] == 1 and bucket[SECONDARY]["replication_rules"] == 0, bucket
    outputs = up.summary["outputs"]
    assert outputs["writerRegion"] == PRIMARY, outputs
    # getReadiness from the program: every rule judged against what was just built
    rules = {(c["name"], c.get("region")) for c in outputs["readinessChecks"]}
    assert {("membersSynchronized", SECONDARY), ("healthCheck", PRIMARY), ("healthCheck", SECONDARY),
            ("recordsPresent", None), ("targetHasInstance", SECONDARY)} <= rules, rules
    assert outputs["ready"] is True, outputs["readinessChecks"]
    assert outputs["apiFqdn"].rstrip(".") == "api.payments.example.com", outputs
    assert set(outputs["healthCheckIds"]) == {"primary", "secondary"}, outputs
    assert outputs["sessionTable"] == table[PRIMARY]["name"], outputs
    assert outputs["buckets"] == {"primary": bucket[PRIMARY]["name"], "secondary": bucket[SECONDARY]["name"]}, outputs
    assert record_ttls(emulator) == {60}
    # the password is a secret: in `pulumi stack export --show-secrets` only inside secret envelopes
    assert DB_PASSWORD in json.dumps(up.state) and not plain_occurrences(up.state, DB_PASSWORD), (
        "the master password is in the state outside a secret envelope")

    # a second up with nothing changed changes nothing
    emulator.clear_calls()
    same = ok(stack.run("up", "--expect-no-changes"))
    assert same.ops("same") == EVERYTHING, same.describe()
    assert emulator.writes() == [], f"an unchanged up wrote to AWS: {emulator.writes()}"

    # a changed up: the TTL of the DNS child is updated in place; nothing else is touched
    stack.config["payments-dr:ttl"] = "30"
    changed = ok(stack.run("up"))
    assert changed.ops("update") == ["multiregion-dr:index:DnsFailover"], changed.describe()
    assert changed.ops("same") == [t for t in EVERYTHING if not t.endswith("DnsFailover")], changed.describe()
    assert changed.ops("replace") == [] and changed.ops("create") == [] and changed.ops("delete") == []
    assert record_ttls(emulator) == {30}
    assert len(aurora(emulator)["globals"]) == 1

    # refresh: the state matches AWS
    refreshed = ok(stack.run("refresh", "--expect-no-changes"))
    assert set(CHILDREN) <= set(refreshed.ops("same")), refreshed.describe()
    assert refreshed.ops("update") == [] and refreshed.ops("delete") == [], refreshed.describe()

    # failover as code: activeRegion moves the database's writer (a switchover), then DNS follows;
    # and back again. The switchover takes 3 s, so DNS must wait for it.
    emulator.control("POST", "lifecycle", {"rds": {"switching-over": 3}})
    for side, region in (("secondary", SECONDARY), ("primary", PRIMARY)):
        stack.config["payments-dr:activeRegion"] = side
        emulator.clear_calls()
        moved = ok(stack.run("up"))
        assert moved.ops("update") == ["multiregion-dr:index:DnsFailover", "multiregion-dr:index:GlobalDatabase"], (
            moved.describe())
        out = moved.summary["outputs"]
        assert out["writerRegion"] == region and out["activeRegion"] == side, out
        record = out["lastSwitch"]
        assert (record["kind"], record["toRegion"], record["completed"]) == ("switchover", region, True), record
        assert [p["name"] for p in record["phases"]] == ["preflight", "switchover", "promotion"], record
        writers = [m["region"] for m in aurora(emulator)["globals"][0]["members"] if m["is_writer"]]
        assert writers == [region], writers
        answering = [r["set_identifier"] for r in failover_records(emulator) if r["failover"] == "PRIMARY"]
        assert len(answering) == 1 and region in answering[0], answering
        calls = emulator.calls()
        switched = [c for c in calls if c["operation"] == "SwitchoverGlobalCluster"]
        assert [c["region"] for c in switched] == [PRIMARY if region == SECONDARY else SECONDARY], switched
        dns_changes = [c for c in calls if c["operation"] == "ChangeResourceRecordSets"]
        assert dns_changes and min(c["start"] for c in dns_changes) >= switched[0]["end"] + 2.5, (
            "DNS moved before the database's writer had moved", switched, dns_changes)
        assert out["ready"] is True, out["readinessChecks"]
    emulator.control("DELETE", "lifecycle")

    # destroy: nothing left in either region
    destroyed = ok(stack.run("destroy"))
    assert destroyed.ops("delete") == EVERYTHING, destroyed.describe()
    assert_nothing_left(emulator)
    assert [r["type"] for r in destroyed.resources() if r["type"] != "pulumi:pulumi:Stack"] == [], destroyed.resources()

    # the password appears in no output, log or event of any run
    for n, run in enumerate(stack.runs):
        for where, text in (("stdout", run.stdout), ("stderr", run.stderr), ("events", json.dumps(run.events))):
            assert DB_PASSWORD not in text, f"run {n} leaked the master password in its {where}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_input_fails_at_preview_naming_the_property(emulator: Emulator, tmp_path, language: str) -> None:
    stack = example_stack(emulator, tmp_path, language)
    stack.config["payments-dr:ttl"] = "-5"
    emulator.clear_calls()
    run = stack.run("preview")
    assert run.code != 0, run.describe()
    assert "dns.ttl" in run.stdout + run.stderr, run.describe()
    assert emulator.writes() == []


def test_program_error_deletes_nothing(emulator: Emulator, tmp_path) -> None:
    """A program that fails half-way must not be taken as "these resources are gone"."""
    stack = example_stack(emulator, tmp_path, "python")
    ok(stack.run("up"))
    main = stack.workdir / "__main__.py"
    main.write_text(main.read_text().replace("dr = mrdr.MultiRegionDR(", 'raise RuntimeError("boom")\ndr = mrdr.MultiRegionDR('))
    failed = stack.run("up")
    assert failed.code != 0, failed.describe()
    assert failed.ops("delete") == [], failed.describe()
    assert len(failover_records(emulator)) == 2, "a failed program's resources were deleted"
    assert set(tables(emulator)) == {PRIMARY, SECONDARY}
    ok(stack.run("destroy"))
    assert_nothing_left(emulator)
