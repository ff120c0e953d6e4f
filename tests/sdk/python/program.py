"""
Uses every resource, input type, output type and config value of the multiregion-dr SDK with
explicit annotations, so that `mypy --strict` proves the generated types are the ones users rely
on. Only type-checked, never run.
"""
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_multiregion_dr as mrdr
from pulumi_multiregion_dr import outputs

provider: mrdr.Provider = mrdr.Provider(
    "dr",
    primary_region="us-east-1",
    secondary_region=pulumi.Output.from_input("us-west-2"),
    profile="dr-admin",
    endpoints={"rds": "http://127.0.0.1:5000"},
    max_retries=3,
    default_tags={"team": pulumi.Output.from_input("dr")},
)
provider_from_args = mrdr.Provider("dr2", mrdr.ProviderArgs(max_retries=1, endpoints={"s3": "http://s3"}))
provider_region: pulumi.Output[Optional[str]] = provider.primary_region

serverless = mrdr.ServerlessV2ScalingArgs(min_capacity=0.5, max_capacity=pulumi.Output.from_input(8.0))
primary_dict: mrdr.RegionSettingsArgsDict = {
    "instance_count": 2,
    "db_subnet_group_name": "db-subnets",
    "vpc_security_group_ids": ["sg-1", pulumi.Output.from_input("sg-2")],
    "kms_key_id": "alias/primary",
}
db = mrdr.GlobalDatabase(
    "orders",
    global_cluster_identifier="orders",
    engine="aurora-postgresql",
    engine_version="16.4",
    database_name="orders",
    master_username="admin",
    master_password=pulumi.Output.secret("correct-horse-battery"),
    instance_class=None,
    serverless_v2=serverless,
    primary=primary_dict,
    secondary=mrdr.RegionSettingsArgs(instance_count=0),
    backup_retention_period=7,
    preferred_backup_window="03:00-04:00",
    deletion_protection=False,
    skip_final_snapshot=True,
    final_snapshot_identifier="orders-final",
    storage_encrypted=True,
    tags={"app": "orders"},
    primary_region="us-east-1",
    secondary_region="us-west-2",
    active_region="secondary",
    allow_data_loss=False,
    max_replication_lag_seconds=15,
    opts=pulumi.ResourceOptions(provider=provider),
)
db_from_args = mrdr.GlobalDatabase(
    "orders2",
    mrdr.GlobalDatabaseArgs(engine="aurora-mysql", master_username="a", master_password="b"),
)

arn: pulumi.Output[str] = db.global_cluster_arn
writer: pulumi.Output[str] = db.global_writer_endpoint
writer_region: pulumi.Output[str] = db.writer_region
password: pulumi.Output[str] = db.master_password
cluster: pulumi.Output[outputs.ClusterState] = db.primary_cluster
reader_endpoint: pulumi.Output[str] = db.secondary_cluster.apply(lambda c: c.reader_endpoint)
instances: pulumi.Output[Sequence[str]] = db.primary_cluster.apply(lambda c: c.instance_identifiers)
is_writer: pulumi.Output[bool] = cluster.apply(lambda c: c.is_writer)
cluster_fields: pulumi.Output[str] = cluster.apply(
    lambda c: f"{c.region} {c.cluster_identifier} {c.cluster_arn} {c.endpoint} {c.status}"
)
settings: pulumi.Output[Optional[outputs.RegionSettings]] = db.primary
instance_count: pulumi.Output[Optional[int]] = db.secondary.apply(lambda s: s.instance_count if s else None)
scaling: pulumi.Output[Optional[outputs.ServerlessV2Scaling]] = db.serverless_v2
min_acu: pulumi.Output[Optional[float]] = scaling.apply(lambda s: s.min_capacity if s else None)
retention: pulumi.Output[int] = db.backup_retention_period
tags: pulumi.Output[Optional[Mapping[str, str]]] = db.tags
last_switch: pulumi.Output[Optional[outputs.SwitchRecord]] = db.last_switch


def describe_phase(p: outputs.SwitchPhase) -> str:
    return f"{p.name} in {p.region}: {p.seconds}s"


phases: pulumi.Output[list[str]] = db.last_switch.apply(
    lambda r: [describe_phase(p) for p in (r.phases if r else [])]
)
allow_data_loss: pulumi.Output[bool] = db.allow_data_loss

alias = mrdr.AliasTargetArgs(dns_name="lb.example.com", hosted_zone_id="Z123", evaluate_target_health=True)
check: mrdr.HealthCheckSettingsArgsDict = {
    "type": "HTTPS",
    "port": 443,
    "resource_path": "/health",
    "search_string": "ok",
    "request_interval": 10,
    "failure_threshold": 3,
    "regions": ["us-east-1", "us-west-1", "eu-west-1"],
    "measure_latency": False,
    "inverted": False,
    "disabled": False,
}
dns = mrdr.DnsFailover(
    "api",
    hosted_zone_id="Z0123",
    zone_name="example.com",
    record_name="api",
    record_type="CNAME",
    primary_endpoint=db.primary_cluster.apply(lambda c: c.endpoint),
    secondary_endpoint=db.secondary_cluster.apply(lambda c: c.endpoint),
    primary_alias=alias,
    secondary_alias={"dns_name": "lb2.example.com", "hosted_zone_id": "Z456"},
    ttl=60,
    health_check=check,
    active_region="primary",
    primary_region="us-east-1",
    secondary_region="us-west-2",
    tags={"app": "api"},
    opts=pulumi.ResourceOptions(provider=provider, depends_on=[db]),
)
dns_args = mrdr.DnsFailoverArgs(
    record_name="www",
    primary_endpoint="a",
    secondary_endpoint="b",
    health_check=mrdr.HealthCheckSettingsArgs(port=80, type="HTTP"),
)

fqdn: pulumi.Output[str] = dns.fqdn
answering: pulumi.Output[str] = dns.answering_region
health_check: pulumi.Output[outputs.HealthCheckSettings] = dns.health_check
interval: pulumi.Output[Optional[int]] = health_check.apply(lambda h: h.request_interval)
primary_alias: pulumi.Output[Optional[outputs.AliasTarget]] = dns.primary_alias
check_ids: pulumi.Output[Sequence[str]] = pulumi.Output.all(dns.primary_health_check_id, dns.secondary_health_check_id)
sets = [dns.primary_set_identifier, dns.secondary_set_identifier, dns.record_type, dns.zone_name]

looked: mrdr.GlobalDatabase = mrdr.GlobalDatabase.get("existing", "orders", opts=pulumi.ResourceOptions(provider=provider))
looked_dns: mrdr.DnsFailover = mrdr.DnsFailover.get("existing-dns", "Z1_api")

table = mrdr.GlobalTable(
    "sessions",
    name="sessions",
    hash_key="sessionId",
    range_key="createdAt",
    attributes=[mrdr.GlobalTableAttributeArgs(name="sessionId", type="S"), mrdr.GlobalTableAttributeArgs(name="createdAt", type="N"),
                mrdr.GlobalTableAttributeArgs(name="customerId", type="S")],
    global_secondary_indexes=[mrdr.GlobalTableIndexArgs(name="byCustomer", hash_key="customerId", projection_type="KEYS_ONLY")],
    billing_mode="PAY_PER_REQUEST",
    point_in_time_recovery=True,
    ttl_attribute="expiresAt",
    server_side_encryption=mrdr.GlobalTableEncryptionArgs(enabled=True),
    deletion_protection=False,
    tags={"app": "sessions"},
    opts=pulumi.ResourceOptions(provider=provider),
)
table_name: pulumi.Output[str] = table.table_name
replica: pulumi.Output[Optional[outputs.GlobalTableReplicaState]] = table.secondary_replica
replica_status: pulumi.Output[Optional[str]] = replica.apply(lambda r: r.replica_status if r else None)

bucket = mrdr.ReplicatedBucket(
    "documents",
    name_prefix="acme-documents",
    encryption=mrdr.BucketEncryptionArgs(sse_algorithm="AES256"),
    replication_time_control=True,
    delete_marker_replication=True,
    two_way=False,
    noncurrent_version_expiration_days=90,
    force_destroy=False,
    tags={"data": "documents"},
    opts=pulumi.ResourceOptions(provider=provider),
)
bucket_name: pulumi.Output[str] = bucket.primary_bucket_name
rules: pulumi.Output[Sequence[outputs.ReplicationRuleSummary]] = bucket.replication_rules
role_managed: pulumi.Output[bool] = bucket.replication_role_managed

# The component: each block is typed as its child's arguments; regions come from the component.
dr = mrdr.MultiRegionDR(
    "payments",
    primary_region="us-east-1",
    secondary_region="us-west-2",
    active_region="primary",
    database=mrdr.MultiRegionDRDatabaseArgs(
        engine="aurora-postgresql", master_username="admin", master_password=pulumi.Output.secret("pw-long-enough"),
        instance_class="db.r6g.large",
    ),
    dns=mrdr.MultiRegionDRDnsArgs(record_name="api", primary_endpoint="a", secondary_endpoint="b"),
    bucket=mrdr.MultiRegionDRBucketArgs(name_prefix="acme-audit", two_way=True, force_destroy=True),
    session_table=mrdr.MultiRegionDRSessionTableArgs(hash_key="id", attributes=[mrdr.GlobalTableAttributeArgs(name="id", type="S")]),
    opts=pulumi.ResourceOptions(providers=[provider], protect=True),
)
dr_fqdn: pulumi.Output[Optional[str]] = dr.fqdn
dr_active: pulumi.Output[str] = dr.active_region

# get_readiness: the output form takes a MultiRegionDR's and a DnsFailover's outputs as they are;
# the plain form takes plain values and returns its result at once.
readiness: pulumi.Output[mrdr.GetReadinessResult] = mrdr.get_readiness_output(
    global_cluster_identifier=db.id,
    primary_region=dr.primary_region,
    secondary_region=dr.secondary_region,
    target_region="us-west-2",
    max_replication_lag_seconds=10,
    primary_health_check_id=dr.primary_health_check_id,
    secondary_health_check_id=dr.secondary_health_check_id,
    hosted_zone_id=dns.hosted_zone_id,
    fqdn=dr.fqdn,
    record_type=dns.record_type,
    opts=pulumi.InvokeOutputOptions(provider=provider),
)
ready: pulumi.Output[bool] = readiness.ready
failing_checks: pulumi.Output[Sequence[str]] = readiness.checks.apply(
    lambda checks: [f"{c.name} ({c.region or 'pair'}): {c.reason}" for c in checks if not c.passed]
)
readiness_writer: pulumi.Output[Optional[str]] = readiness.writer_region
plain_readiness: mrdr.AwaitableGetReadinessResult = mrdr.get_readiness(
    global_cluster_identifier="orders", max_replication_lag_seconds=30.0, opts=pulumi.InvokeOptions(provider=provider)
)
first_check: Optional[outputs.ReadinessCheck] = next(iter(plain_readiness.checks), None)
plain_ready: bool = plain_readiness.ready

region_from_config: str = mrdr.config.primary_region
secondary_from_config: str = mrdr.config.secondary_region
retries: int = mrdr.config.max_retries
endpoints: Optional[str] = mrdr.config.endpoints
default_tags: Optional[str] = mrdr.config.default_tags
profile: Optional[str] = mrdr.config.profile

pulumi.export("arn", arn)
pulumi.export("phases", phases)
pulumi.export("drFqdn", dr_fqdn)
pulumi.export("tableName", table_name)
pulumi.export("bucketName", bucket_name)
pulumi.export("rules", rules)
pulumi.export("roleManaged", role_managed)
pulumi.export("drBucket", dr.primary_bucket_name)
pulumi.export("replicaStatus", replica_status)
pulumi.export("drActive", dr_active)
pulumi.export("ready", ready)
pulumi.export("failingChecks", failing_checks)
pulumi.export("readinessWriter", readiness_writer)
