"""
Constructs every resource of the multiregion-dr SDK under Pulumi's own mocks and reads the
outputs back: inputs with schema defaults filled in, secrets marked secret, provider inputs
JSON-encoded, and outputs deserialized into the generated output classes.
"""
from typing import Any, Dict, List, Tuple

import pulumi
import pytest

REGISTERED: List[Tuple[str, str, Dict[str, Any]]] = []
INVOKED: List[Tuple[str, Dict[str, Any]]] = []


def cluster(region: str) -> Dict[str, Any]:
    return {
        "region": region,
        "clusterIdentifier": f"orders-{region}",
        "clusterArn": f"arn:aws:rds:{region}:1:cluster:orders",
        "endpoint": f"orders.{region}.rds",
        "readerEndpoint": f"orders-ro.{region}.rds",
        "status": "available",
        "instanceIdentifiers": [f"orders-{region}-1"],
        "isWriter": region == "us-east-1",
    }


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> Tuple[str, Dict[str, Any]]:
        REGISTERED.append((args.typ, args.name, dict(args.inputs)))
        state = dict(args.inputs)
        if args.typ == "multiregion-dr:index:GlobalDatabase":
            state.update(
                globalClusterArn="arn:aws:rds::1:global-cluster:orders",
                globalWriterEndpoint="orders.global.rds",
                primaryCluster=cluster("us-east-1"),
                secondaryCluster=cluster("us-west-2"),
                writerRegion="us-east-1",
            )
            return "orders", state
        if args.typ == "multiregion-dr:index:DnsFailover":
            state.update(
                fqdn="api.example.com",
                primaryHealthCheckId="hc-1",
                secondaryHealthCheckId="hc-2",
                primarySetIdentifier="us-east-1",
                secondarySetIdentifier="us-west-2",
                answeringRegion="us-east-1",
            )
            return "Z1_api", state
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        INVOKED.append((args.token, dict(args.args)))
        if args.token == "multiregion-dr:index:getReadiness":
            return {
                "ready": False,
                "writerRegion": "us-east-1",
                "checks": [
                    {"name": "healthCheck", "region": "us-east-1", "passed": True, "reason": "8 of 8 checkers report healthy"},
                    {"name": "recordsPresent", "passed": False, "reason": "no failover record for us-west-2"},
                ],
            }
        return dict(args.args)


MOCKS = Mocks()


@pytest.fixture(autouse=True)
def mocks() -> None:
    # Per test, because pytest imports every test module before running any of them.
    pulumi.runtime.set_mocks(MOCKS, project="project", stack="stack", preview=False)


import pulumi_multiregion_dr as mrdr  # noqa: E402  (imported after the mocks, as a program would)


def registration(typ: str, name: str) -> Dict[str, Any]:
    for t, n, inputs in REGISTERED:
        if t == typ and n == name:
            return inputs
    raise AssertionError(f"{typ} {name} was not registered")


@pulumi.runtime.test
def test_provider_encodes_inputs() -> Any:
    provider = mrdr.Provider("dr", endpoints={"rds": "http://127.0.0.1:5000"}, default_tags={"team": "dr"})

    def check(values: List[Any]) -> None:
        urn, region = values
        assert urn.endswith("pulumi:providers:multiregion-dr::dr")
        assert region == "us-east-1"
        inputs = registration("pulumi:providers:multiregion-dr", "dr")
        assert inputs["endpoints"] == '{"rds": "http://127.0.0.1:5000"}'
        assert inputs["defaultTags"] == '{"team": "dr"}'
        assert inputs["maxRetries"] == "5"
        assert inputs["primaryRegion"] == "us-east-1"
        assert inputs["secondaryRegion"] == "us-east-2"

    return pulumi.Output.all(provider.urn, provider.primary_region).apply(check)


@pulumi.runtime.test
def test_global_database() -> Any:
    db = mrdr.GlobalDatabase(
        "orders",
        engine="aurora-postgresql",
        master_username="admin",
        master_password="correct-horse-battery",
        serverless_v2=mrdr.ServerlessV2ScalingArgs(min_capacity=0.5, max_capacity=8),
        secondary={"instance_count": 0},
    )

    def check(values: List[Any]) -> None:
        db_id, arn, writer, retention, encrypted, protected, skip = values
        assert db_id == "orders"
        assert arn == "arn:aws:rds::1:global-cluster:orders"
        assert writer == "us-east-1"
        # Schema defaults are filled in by the SDK before registration.
        assert (retention, encrypted, protected, skip) == (7, True, False, False)
        inputs = registration("multiregion-dr:index:GlobalDatabase", "orders")
        assert inputs["secondary"] == {"instanceCount": 0}
        assert inputs["serverlessV2"] == {"minCapacity": 0.5, "maxCapacity": 8}

    # Output objects are checked one by one: Output.all would copy them into plain dicts.
    def check_primary(c: Any) -> None:
        assert isinstance(c, mrdr.outputs.ClusterState)
        assert c.reader_endpoint == "orders-ro.us-east-1.rds"
        assert list(c.instance_identifiers) == ["orders-us-east-1-1"]
        assert c.is_writer is True

    def check_secondary(c: Any) -> None:
        assert isinstance(c, mrdr.outputs.ClusterState) and c.is_writer is False

    def check_scaling(s: Any) -> None:
        assert isinstance(s, mrdr.outputs.ServerlessV2Scaling)
        assert (s.min_capacity, s.max_capacity) == (0.5, 8)

    return pulumi.Output.all(
        pulumi.Output.all(
            db.id, db.global_cluster_arn, db.writer_region, db.backup_retention_period, db.storage_encrypted,
            db.deletion_protection, db.skip_final_snapshot,
        ).apply(check),
        db.primary_cluster.apply(check_primary),
        db.secondary_cluster.apply(check_secondary),
        db.serverless_v2.apply(check_scaling),
    )


@pulumi.runtime.test
def test_secret_input_stays_secret() -> Any:
    db = mrdr.GlobalDatabase("secret", engine="aurora-mysql", master_username="a", master_password="pw")

    async def check() -> None:
        assert await db.master_password.is_secret()
        assert not await db.master_username.is_secret()

    return pulumi.Output.from_input(check())


def test_required_inputs_are_checked() -> None:
    with pytest.raises(TypeError, match="Missing required property 'master_password'"):
        mrdr.GlobalDatabase("bad", engine="aurora-mysql", master_username="a")


@pulumi.runtime.test
def test_dns_failover() -> Any:
    dns = mrdr.DnsFailover(
        "api",
        record_name="api",
        primary_endpoint="a.example.com",
        secondary_endpoint="b.example.com",
        health_check=mrdr.HealthCheckSettingsArgs(resource_path="/health"),
        primary_alias={"dns_name": "lb.example.com", "hosted_zone_id": "Z1"},
    )

    def check(values: List[Any]) -> None:
        fqdn, answering, hc_id, ttl, record_type, active = values
        assert (fqdn, answering, hc_id) == ("api.example.com", "us-east-1", "hc-1")
        assert (ttl, record_type, active) == (60, "CNAME", "primary")

    def check_health(h: Any) -> None:
        assert isinstance(h, mrdr.outputs.HealthCheckSettings)
        # The args class filled its own schema defaults.
        assert (h.type, h.resource_path, h.request_interval) == ("HTTPS", "/health", 30)
        assert h.failure_threshold == 3 and h.measure_latency is False

    def check_alias(a: Any) -> None:
        assert isinstance(a, mrdr.outputs.AliasTarget)
        # The SDK builds AliasTargetArgs from the dict, which fills the evaluate_target_health default.
        assert a.dns_name == "lb.example.com" and a.evaluate_target_health is True

    return pulumi.Output.all(
        pulumi.Output.all(
            dns.fqdn, dns.answering_region, dns.primary_health_check_id, dns.ttl, dns.record_type, dns.active_region,
        ).apply(check),
        dns.health_check.apply(check_health),
        dns.primary_alias.apply(check_alias),
    )


@pulumi.runtime.test
def test_get_existing() -> Any:
    db = mrdr.GlobalDatabase.get("existing", "orders-existing")
    return db.id.apply(lambda i: None if i == "orders-existing" else pytest.fail(i))


def test_get_readiness_plain() -> None:
    result = mrdr.get_readiness(global_cluster_identifier="orders", max_replication_lag_seconds=10)
    assert result.ready is False
    assert result.writer_region == "us-east-1"
    assert isinstance(result.checks[0], mrdr.outputs.ReadinessCheck)
    assert (result.checks[0].name, result.checks[0].region) == ("healthCheck", "us-east-1")
    assert result.checks[1].region is None
    token, args = INVOKED[-1]
    assert token == "multiregion-dr:index:getReadiness"
    # Arguments go out camelCase; the ones not given are not sent.
    assert args == {"globalClusterIdentifier": "orders", "maxReplicationLagSeconds": 10}


@pulumi.runtime.test
def test_get_readiness_output_takes_outputs() -> Any:
    dns = mrdr.DnsFailover("api-ready", record_name="api", primary_endpoint="a", secondary_endpoint="b")
    result = mrdr.get_readiness_output(
        primary_health_check_id=dns.primary_health_check_id,
        secondary_health_check_id=dns.secondary_health_check_id,
        fqdn=dns.fqdn,
        hosted_zone_id="Z1",
    )

    def check(checks: Any) -> None:
        assert [c.name for c in checks if not c.passed] == ["recordsPresent"]
        assert INVOKED[-1][1] == {
            "primaryHealthCheckId": "hc-1", "secondaryHealthCheckId": "hc-2", "fqdn": "api.example.com",
            "hostedZoneId": "Z1",
        }

    return result.checks.apply(check)
