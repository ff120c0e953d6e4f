"""A plain JavaScript program on the real Node.js SDK, run by the real Pulumi CLI through preview, up,
an unchanged up, an in-place update, refresh (unchanged, then after an out-of-band change), the repair
of that drift, Resource.get, removal of a resource from the program, and destroy; Route 53 in the
emulator is checked after each step."""

from __future__ import annotations

import pathlib

from harness import REPO, Emulator, Stack, hosted_zone, ok, plain_occurrences, resource, scratch_copy

PROGRAM = pathlib.Path(__file__).resolve().parent / "programs" / "node-dns"
DNS = "multiregion-dr:index:DnsFailover"
SITE = "drtest:index:Site"
SECONDARY_ENDPOINT = "api-use2-secret.example.net"


def failover_records(emulator: Emulator, zone: str) -> list[dict]:
    sets = emulator.client("route53").list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    return [s for s in sets if s.get("Failover")]


def change_primary_ttl(emulator: Emulator, zone: str, ttl: int) -> None:
    """The primary record's TTL changed behind the program's back."""
    primary = next(s for s in failover_records(emulator, zone) if s["Failover"] == "PRIMARY")
    emulator.client("route53").change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {**primary, "TTL": ttl}}]})


def test_a_javascript_program_through_its_whole_lifecycle(emulator: Emulator, tmp_path) -> None:
    emulator.reset()
    zone = hosted_zone(emulator, "example.com")
    work = scratch_copy(PROGRAM, tmp_path / "node-dns", node_modules=REPO / "examples" / "typescript" / "node_modules")
    stack = Stack(workdir=work, emulator=emulator,
                  config={"multiregion-dr:endpoints": emulator.endpoints(), "drtest-node:zoneId": zone},
                  secrets={"drtest-node:secondaryEndpoint": SECONDARY_ENDPOINT})
    ttls = lambda: sorted(s["TTL"] for s in failover_records(emulator, zone))  # noqa: E731

    emulator.clear_calls()
    preview = ok(stack.run("preview"))
    assert preview.ops("create") == sorted([DNS, SITE]), preview.describe()
    assert "Previewing update (dev):" in preview.stdout, preview.describe()
    assert emulator.writes() == []

    up = ok(stack.run("up"))
    assert up.changes.get("create") == 3, up.changes  # the stack, the component, the DnsFailover
    assert len(failover_records(emulator, zone)) == 2
    outputs = up.outputs
    assert outputs["fqdn"] == "api.example.com" and outputs["ttl"] == 60, outputs
    assert outputs["lookedUpId"] == outputs["dnsId"] and outputs["dnsId"], outputs
    dns = resource(up, DNS)
    for where in ("inputs", "outputs"):
        assert not plain_occurrences(dns[where], SECONDARY_ENDPOINT), f"{where}: {dns[where]}"

    assert ok(stack.run("up", "--expect-no-changes")).ops("same") == sorted([DNS, SITE])

    stack.config["drtest-node:ttl"] = "30"
    changed = stack.run("preview", "--expect-no-changes")
    assert changed.code != 0 and changed.ops("update") == [DNS], changed.describe()
    update = ok(stack.run("up"))
    assert update.ops("update") == [DNS] and update.ops("same") == [SITE], update.describe()
    assert ttls() == [30, 30]
    assert resource(update, DNS)["id"] == dns["id"], "an update keeps the id"

    emulator.clear_calls()
    refresh = ok(stack.run("refresh"))
    assert refresh.ops("same") == sorted([DNS, SITE]) and emulator.writes() == [], refresh.describe()

    change_primary_ttl(emulator, zone, 300)
    drifted = ok(stack.run("refresh"))
    assert drifted.ops("update") == [DNS], drifted.describe()
    assert resource(drifted, DNS)["outputs"]["ttl"] == 300, resource(drifted, DNS)["outputs"]
    repaired = ok(stack.run("up"))
    assert repaired.ops("update") == [DNS], repaired.describe()
    assert ttls() == [30, 30]

    # Resource.get: a read, recorded as external; dropping it later deletes nothing in AWS.
    stack.config["drtest-node:readId"] = dns["id"]
    read = ok(stack.run("up"))
    assert read.ops("read") == [DNS], read.describe()
    assert read.outputs["readFqdn"] == "api.example.com"
    external = next(r for r in read.resources() if r["urn"].endswith("::read"))
    assert external.get("external") is True and external["id"] == dns["id"], external
    del stack.config["drtest-node:readId"]
    unread = ok(stack.run("up"))
    assert not [r for r in unread.resources() if r["urn"].endswith("::read")]
    assert len(failover_records(emulator, zone)) == 2, "an external resource is not deleted"

    # Taken out of the program: a preview plans the deletes, the up makes them.
    stack.config["drtest-node:withDns"] = "false"
    planned = ok(stack.run("preview"))
    assert planned.ops("delete") == sorted([DNS, SITE]) and len(failover_records(emulator, zone)) == 2
    removed = ok(stack.run("up"))
    assert removed.ops("delete") == sorted([DNS, SITE]), removed.describe()
    assert failover_records(emulator, zone) == []
    assert [r["type"] for r in removed.resources()] == ["pulumi:pulumi:Stack"], "the default provider goes too"

    del stack.config["drtest-node:withDns"]
    ok(stack.run("up"))
    assert len(failover_records(emulator, zone)) == 2
    destroyed = ok(stack.run("destroy"))
    assert "Destroying (dev):" in destroyed.stdout
    assert destroyed.ops("delete") == sorted([DNS, SITE]), destroyed.describe()
    assert failover_records(emulator, zone) == []
    assert destroyed.resources() == [], destroyed.resources()
