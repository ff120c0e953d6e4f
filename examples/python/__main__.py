"""A payments system's disaster-recovery pair across two AWS regions.

- An Aurora PostgreSQL global database: the writer in the primary region, a reader cluster in the
  secondary, replicated by storage with a lag of about a second.
- DNS failover: a Route 53 health check per region and a PRIMARY/SECONDARY failover record pair, so
  clients follow the healthy region.

The regions come from the provider config (multiregion-dr:primaryRegion / secondaryRegion).
"""

import pulumi
import pulumi_multiregion_dr as mrdr

config = pulumi.Config()

db = mrdr.GlobalDatabase(
    "payments-db",
    engine="aurora-postgresql",
    engine_version="16.4",
    database_name="payments",
    master_username="payments_admin",
    master_password=config.require_secret("dbPassword"),
    serverless_v2=mrdr.ServerlessV2ScalingArgs(min_capacity=0.5, max_capacity=config.get_float("maxCapacity") or 4),
    primary=mrdr.RegionSettingsArgs(instance_count=1),
    secondary=mrdr.RegionSettingsArgs(instance_count=1),
    backup_retention_period=config.get_int("backupRetentionDays") or 7,
    skip_final_snapshot=True,
    tags={"tier": "database"},
)

api = mrdr.DnsFailover(
    "payments-api",
    zone_name=config.require("zoneName"),
    record_name="api",
    record_type="CNAME",
    primary_endpoint=config.require("primaryApi"),
    secondary_endpoint=config.require("secondaryApi"),
    ttl=config.get_int("ttl") or 60,
    health_check=mrdr.HealthCheckSettingsArgs(type="HTTPS", resource_path="/health", failure_threshold=3, request_interval=30),
    tags={"tier": "edge"},
)

pulumi.export("globalClusterArn", db.global_cluster_arn)
pulumi.export("writerRegion", db.writer_region)
pulumi.export("writerEndpoint", db.global_writer_endpoint)
pulumi.export("primaryClusterEndpoint", db.primary_cluster.endpoint)
pulumi.export("secondaryReaderEndpoint", db.secondary_cluster.reader_endpoint)
pulumi.export("apiFqdn", api.fqdn)
pulumi.export("healthCheckIds", {"primary": api.primary_health_check_id, "secondary": api.secondary_health_check_id})
pulumi.export("answeringRegion", api.answering_region)
