"""What only a real engine shows, each on the real Pulumi CLI against the emulator: a partial failure in
the secondary region, the plugin SIGKILLed mid-create, SIGINT and SIGKILL to `pulumi up`, `pulumi
import` (as the resource option), an out-of-band failover shown as drift, and a program with an explicit provider through
update, replacement, protect, deleteBeforeReplace and its failures. Each ends with nothing in AWS that
the state does not know."""

from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import time

import pytest

from harness import (DB_PASSWORD, PRIMARY, REPO, SECONDARY, Emulator, Run, Running, Stack, counts, hosted_zone,
                     objects, ok, plain_occurrences, resource, scratch_copy)

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
DATABASE = "multiregion-dr:index:GlobalDatabase"
DNS = "multiregion-dr:index:DnsFailover"


def program_stack(emulator: Emulator, tmp_path: pathlib.Path, program: str, **config: str) -> Stack:
    """One of programs/ in a scratch copy, on the default provider pointed at the emulator."""
    emulator.reset()
    return Stack(workdir=scratch_copy(PROGRAMS / program, tmp_path / program), emulator=emulator,
                 config={"multiregion-dr:endpoints": emulator.endpoints(), **config})


def destroy_leaves_nothing(stack: Stack) -> None:
    """`pulumi destroy` succeeds and nothing any resource made is left in either region."""
    ok(stack.run("destroy"))
    assert objects(stack.emulator) == []


def wait_for_call(emulator: Emulator, running: Running, *operations: str, timeout: float = 180) -> None:
    """Until every named AWS operation has been called (the command must still be running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = {c["operation"] for c in emulator.calls()}
        if all(op in seen for op in operations):
            return
        assert running.proc.poll() is None, f"the command ended before {operations}: {running.finish().describe()}"
        time.sleep(0.05)
    raise AssertionError(f"{operations} not called within {timeout} s")


def plugins_under(pid: int) -> list[int]:
    """The provider plugin processes that `pid` started."""
    out = subprocess.run(["pgrep", "-P", str(pid), "-f", "pulumi-resource-multiregion-dr"],
                         capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def kill_strays() -> None:
    """Plugins left running by a killed CLI die with the test, as they would with the machine."""
    subprocess.run(["pkill", "-KILL", "-f", str(REPO / "target")], capture_output=True)


ONE_DATABASE = {"rds.global_cluster": 1, "rds.cluster@us-east-1": 1, "rds.cluster@us-east-2": 1,
                "rds.instance@us-east-1": 1, "rds.instance@us-east-2": 1}


def test_a_fault_in_the_secondary_region_is_recorded_and_the_next_up_converges(emulator: Emulator, tmp_path) -> None:
    stack = program_stack(emulator, tmp_path, "python-db", **{"multiregion-dr:maxRetries": "0"})
    stack.secrets["dbPassword"] = DB_PASSWORD
    emulator.control("POST", "faults", {"service": "rds", "operation": "CreateDBCluster", "region": SECONDARY,
                                        "count": -1, "http_status": 500, "error_code": "InternalFailure"})
    failed = stack.run("up")
    assert failed.code != 0, failed.describe()
    assert "CreateDBCluster in us-east-2 failed (InternalFailure)" in failed.stdout, failed.describe()
    assert "run `pulumi up` again to finish from what exists" in failed.stdout, failed.describe()
    db = resource(failed, DATABASE)
    assert db["id"] == "orders" and db.get("initErrors"), db
    assert isinstance(db["outputs"]["primaryCluster"], dict), db
    assert db["inputs"]["engine"] == "aurora-postgresql", db

    emulator.control("DELETE", "faults")
    completed = ok(stack.run("up"))
    # The real engine updates a resource with initErrors even though Diff finds nothing changed.
    assert completed.ops("update") == [DATABASE], completed.describe()
    db = resource(completed, DATABASE)
    assert not db.get("initErrors"), db
    assert db["outputs"]["secondaryCluster"]["status"] == "available", db
    assert completed.outputs["writerRegion"] == PRIMARY
    assert counts(objects(emulator)) == ONE_DATABASE, objects(emulator)

    destroy_leaves_nothing(stack)


KILL_PROGRAM_OBJECTS = {**ONE_DATABASE, "dynamodb.table@us-east-1": 1, "dynamodb.table@us-east-2": 1,
                        "s3.bucket@us-east-1": 1, "s3.bucket@us-east-2": 1, "iam.role": 1,
                        "route53.health_check": 2, "route53.record": 2}


def test_a_plugin_killed_mid_create_converges_on_the_next_up(emulator: Emulator, tmp_path) -> None:
    stack = program_stack(emulator, tmp_path, "python-kill")
    hosted_zone(emulator, "example.com")
    # Creates take their time, as in AWS, so every resource is half way when the plugin dies.
    emulator.control("POST", "lifecycle", {"dynamodb": {"replica-creating": 3}, "route53": {"pending": 3}})
    emulator.control("POST", "latency", {"service": "s3", "fixed_ms": 300})
    running = stack.start("up")
    wait_for_call(emulator, running, "CreateGlobalCluster", "CreateTable", "CreateHealthCheck", "CreateBucket")
    cli = running.cli_pid()
    assert cli, "no pulumi process"
    plugins = plugins_under(cli)
    assert len(plugins) == 1, plugins
    subprocess.run(["kill", "-KILL", str(plugins[0])], check=True)
    killed = running.finish(timeout=180)
    assert killed.code != 0, killed.describe()
    left = objects(emulator)

    again = ok(stack.run("up"))
    found = objects(emulator)
    assert counts(found) == KILL_PROGRAM_OBJECTS, f"after the kill: {left}\nafter the next up: {found}"
    assert f"dynamodb.table@us-east-1 {again.outputs['tableName']}" in found, found
    ok(stack.run("up", "--expect-no-changes"))
    emulator.control("DELETE", "lifecycle")
    emulator.control("DELETE", "latency")
    destroy_leaves_nothing(stack)


def test_sigint_during_a_long_wait_cancels_promptly_and_the_next_up_converges(emulator: Emulator, tmp_path) -> None:
    stack = program_stack(emulator, tmp_path, "python-db")
    stack.secrets["dbPassword"] = DB_PASSWORD
    emulator.control("POST", "lifecycle", {"rds": {"instance.creating": 300}})
    running = stack.start("up")
    wait_for_call(emulator, running, "CreateDBInstance")
    time.sleep(2)
    interrupted_at = time.monotonic()
    running.signal_cli(signal.SIGINT)
    cancelled = running.finish(timeout=120)
    took = time.monotonic() - interrupted_at
    assert cancelled.code != 0, cancelled.describe()
    assert took < 15, f"the CLI took {took:.1f} s to exit after SIGINT\n{cancelled.describe()}"
    assert "cancel" in (cancelled.stdout + cancelled.stderr).lower(), cancelled.describe()

    emulator.control("DELETE", "lifecycle")
    ok(stack.run("up"))
    assert counts(objects(emulator)) == ONE_DATABASE, objects(emulator)
    destroy_leaves_nothing(stack)


def test_sigkill_of_the_cli_is_recovered_as_the_readme_says(emulator: Emulator, tmp_path) -> None:
    """`pulumi cancel`, `pulumi refresh --clear-pending-creates`, then `pulumi up` (README, Troubleshooting)."""
    stack = program_stack(emulator, tmp_path, "python-db")
    stack.secrets["dbPassword"] = DB_PASSWORD
    emulator.control("POST", "lifecycle", {"rds": {"instance.creating": 4}})
    running = stack.start("up")
    wait_for_call(emulator, running, "CreateDBCluster")
    running.signal_cli(signal.SIGKILL)
    killed = running.finish(timeout=60)
    assert killed.code != 0, killed.describe()
    # The CLI died with the create under way: the state has it as pending.
    pending = killed.state.get("deployment", {}).get("pending_operations") or []
    assert [p["type"] for p in pending] == ["creating"], killed.state
    blocked = stack.run("up")
    assert blocked.code != 0, "an up right after a SIGKILLed one should meet the lock or the pending create"

    stack.cli("cancel", "--yes", "--stack", stack.name, check=False)
    refreshed = ok(stack.run("refresh", "--clear-pending-creates"))
    assert not (refreshed.state.get("deployment", {}).get("pending_operations") or []), refreshed.state
    kill_strays()
    emulator.control("DELETE", "lifecycle")
    ok(stack.run("up"))
    assert counts(objects(emulator)) == ONE_DATABASE, objects(emulator)
    ok(stack.run("up", "--expect-no-changes"))
    destroy_leaves_nothing(stack)


def test_import_a_global_database_then_an_unchanged_up(emulator: Emulator, tmp_path) -> None:
    """`pulumi import` needs the program's language host, which cannot be built here (README), so the
    database is adopted with the `import` resource option: the same Read-by-ID, then Check and Diff
    against the program's inputs, in the engine."""
    made = program_stack(emulator, tmp_path / "made", "python-db")
    made.secrets["dbPassword"] = DB_PASSWORD
    ok(made.run("up"))
    # A second project adopts what the first made, by identifier.
    adopter = Stack(workdir=scratch_copy(PROGRAMS / "python-db", tmp_path / "adopter" / "python-db"),
                    emulator=emulator, config={**made.config, "importId": "orders"}, secrets=dict(made.secrets))
    emulator.clear_calls()
    imported = ok(adopter.run("up"))
    # The real engine adopts it, then updates it in place to the program's inputs in the same run:
    # The imported inputs lack what AWS cannot tell (the password, skipFinalSnapshot) and, for now,
    # the schema defaults that import's Read does not fill in.
    urn = resource(imported, DATABASE)["urn"]
    assert step_ops(imported, urn) == ["import", "update"], imported.describe()
    assert imported.ops("create") == [] and imported.ops("replace") == [], imported.describe()
    assert not [w for w in emulator.writes() if "Create" in w or "Delete" in w], emulator.writes()
    assert resource(imported, DATABASE)["outputs"]["writerRegion"] == PRIMARY
    del adopter.config["importId"]
    ok(adopter.run("up", "--expect-no-changes"))
    assert counts(objects(emulator)) == ONE_DATABASE, objects(emulator)
    destroy_leaves_nothing(adopter)


def test_a_failover_made_outside_pulumi_shows_as_drift_and_is_never_reverted(emulator: Emulator, tmp_path) -> None:
    stack = program_stack(emulator, tmp_path, "python-db")
    stack.secrets["dbPassword"] = DB_PASSWORD
    ok(stack.run("up"))
    rds = emulator.client("rds", SECONDARY)
    target = next(m["DBClusterArn"] for m in rds.describe_global_clusters()["GlobalClusters"][0]["GlobalClusterMembers"]
                  if not m["IsWriter"])
    emulator.client("rds", PRIMARY).switchover_global_cluster(GlobalClusterIdentifier="orders",
                                                              TargetDbClusterIdentifier=target)
    ok(stack.run("refresh"))
    emulator.clear_calls()
    preview = ok(stack.run("preview"))
    warning = "the global database's writer is in us-east-2, but activeRegion is primary"
    assert warning in preview.stdout, preview.describe()
    assert emulator.writes() == []
    up = ok(stack.run("up"))
    assert warning in up.stdout, up.describe()
    moves = [w for w in emulator.writes() if "Switchover" in w or "Failover" in w]
    assert moves == [], f"an up tried to move the writer back: {moves}"
    assert up.outputs["writerRegion"] == SECONDARY, up.outputs
    destroy_leaves_nothing(stack)


def test_an_explicit_provider_through_update_replace_protect_and_failures(emulator: Emulator, tmp_path) -> None:
    stack = program_stack(emulator, tmp_path, "python-dns")
    zone = hosted_zone(emulator, "example.com")
    stack.config.update({"drtest-python:zoneId": zone, "drtest-python:endpoints": emulator.endpoints()})
    stack.secrets["drtest-python:password"] = DB_PASSWORD
    records = lambda: [o for o in objects(emulator) if o.startswith("route53.record")]  # noqa: E731

    emulator.clear_calls()
    preview = ok(stack.run("preview"))
    assert preview.ops("create") == sorted(["drtest:index:Site", DNS]), preview.describe()
    assert emulator.writes() == []

    up = ok(stack.run("up"))
    assert up.outputs["fqdn"] == "www.example.com"
    assert len(records()) == 2
    provider = next(r for r in up.resources() if r["urn"].endswith("::explicit"))
    assert provider["type"] == "pulumi:providers:multiregion-dr" and provider["inputs"]["maxRetries"] == "2", provider
    dns = resource(up, DNS)
    assert dns["provider"] == f"{provider['urn']}::{provider['id']}", dns
    assert not [r for r in up.resources() if r["urn"].endswith("::default_0_1_0")], "a default provider was loaded"
    assert not plain_occurrences(up.state, DB_PASSWORD) and DB_PASSWORD in json.dumps(up.state)

    stack.config["drtest-python:ttl"] = "45"
    updated = ok(stack.run("up"))
    assert updated.ops("update") == [DNS], updated.describe()

    # A new record name replaces it, create before delete.
    stack.config.update({"drtest-python:recordName": "www2", "drtest-python:protect": "true"})
    replaced = ok(stack.run("up"))
    new_dns = resource(replaced, DNS)
    assert new_dns["id"] != dns["id"] and new_dns["protect"] is True, new_dns
    assert new_dns["customTimeouts"]["create"] in ("5m", 300, 300_000_000_000), new_dns["customTimeouts"]
    assert all(r.split(" ")[1].startswith("www2.") for r in records()), records()
    assert step_ops(replaced, dns["urn"]) == ["create-replacement", "replace", "delete-replaced"], replaced.describe()

    # Protected: the replacement is refused and nothing changes.
    stack.config["drtest-python:recordName"] = "www3"
    refused = stack.run("up")
    assert refused.code != 0 and "protect" in refused.stdout, refused.describe()
    assert resource(refused, DNS)["id"] == new_dns["id"]

    # Unprotected, deleteBeforeReplace: the old one goes first.
    stack.config.update({"drtest-python:protect": "false", "drtest-python:deleteBeforeReplace": "true"})
    dbr = ok(stack.run("up"))
    # The real engine reports the delete first, then the replace, then the create of the new one.
    assert step_ops(dbr, dns["urn"]) == ["delete-replaced", "replace", "create-replacement"], dbr.describe()
    assert all(r.split(" ")[1].startswith("www3.") for r in records()) and len(records()) == 2, records()

    # A Check failure names the property; nothing is written or deleted.
    emulator.clear_calls()
    stack.config["drtest-python:recordType"] = "MX"
    bad = stack.run("up")
    assert bad.code != 0 and "recordType" in bad.stdout, bad.describe()
    assert bad.ops("delete") == [] and emulator.writes() == []
    del stack.config["drtest-python:recordType"]

    # A program that raises: nothing is deleted.
    stack.config["drtest-python:fail"] = "true"
    raised = stack.run("up")
    assert raised.code != 0 and "the program failed on purpose" in raised.stdout, raised.describe()
    assert raised.ops("delete") == [] and len(records()) == 2
    del stack.config["drtest-python:fail"]

    # A remote component no provider implements: the error reaches the CLI, nothing is deleted.
    stack.config["drtest-python:remoteError"] = "true"
    remote = stack.run("up")
    assert remote.code != 0 and "NoSuchComponent" in remote.stdout, remote.describe()
    assert remote.ops("delete") == [] and len(records()) == 2
    del stack.config["drtest-python:remoteError"]

    ok(stack.run("destroy"))
    assert records() == []


def step_ops(run: Run, urn: str) -> list[str]:
    """The ops of every step event of one resource, in order."""
    return [e["resourcePreEvent"]["metadata"]["op"] for e in run.engine_events
            if "resourcePreEvent" in e and e["resourcePreEvent"]["metadata"]["urn"] == urn]


@pytest.fixture(autouse=True)
def _no_stray_plugins():
    yield
    kill_strays()
