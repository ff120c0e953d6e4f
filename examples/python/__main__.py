"""A payments system's disaster-recovery topology across two AWS regions, in one declaration.

- An Aurora PostgreSQL global database: the writer in the primary region, a reader cluster in the
  secondary, replicated by storage with a lag of about a second.
- DNS failover: a Route 53 health check per region and a PRIMARY/SECONDARY failover record pair.
- A DynamoDB global table for sessions, replicated both ways.
- S3 buckets for documents, replicated to the secondary region under Replication Time Control.

The regions come from the provider config (multiregion-dr:primaryRegion / secondaryRegion).
"""

import pulumi
import pulumi_multiregion_dr as mrdr

config = pulumi.Config()

dr = mrdr.MultiRegionDR(
    "payments",
    # The side that writes and answers DNS. Change it to "secondary" and run `pulumi up` to switch
    # over: the database's writer moves first (after a readiness preflight), then DNS follows.
    active_region=config.get("activeRegion") or "primary",
    database=mrdr.MultiRegionDRDatabaseArgs(
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
    ),
    dns=mrdr.MultiRegionDRDnsArgs(
        zone_name=config.require("zoneName"),
        record_name="api",
        record_type="CNAME",
        primary_endpoint=config.require("primaryApi"),
        secondary_endpoint=config.require("secondaryApi"),
        ttl=config.get_int("ttl") or 60,
        health_check=mrdr.HealthCheckSettingsArgs(type="HTTPS", resource_path="/health", failure_threshold=3, request_interval=30),
        tags={"tier": "edge"},
    ),
    session_table=mrdr.MultiRegionDRSessionTableArgs(
        hash_key="sessionId",
        attributes=[mrdr.GlobalTableAttributeArgs(name="sessionId", type="S")],
        ttl_attribute="expiresAt",
        tags={"tier": "sessions"},
    ),
    bucket=mrdr.MultiRegionDRBucketArgs(
        name_prefix=config.require("bucketPrefix"),
        noncurrent_version_expiration_days=30,
        tags={"tier": "documents"},
    ),
)

pulumi.export("writerRegion", dr.writer_region)
pulumi.export("writerEndpoint", dr.writer_endpoint)
pulumi.export("globalClusterArn", dr.global_cluster_arn)
pulumi.export("secondaryReaderEndpoint", dr.secondary_reader_endpoint)
pulumi.export("apiFqdn", dr.fqdn)
pulumi.export("healthCheckIds", {"primary": dr.primary_health_check_id, "secondary": dr.secondary_health_check_id})
pulumi.export("sessionTable", dr.session_table_name)
pulumi.export("buckets", {"primary": dr.primary_bucket_name, "secondary": dr.secondary_bucket_name})
pulumi.export("activeRegion", dr.active_region)
# The last move of the writer (kind, regions, phases, RTO); "none" until the first one.
pulumi.export("lastSwitch", dr.last_switch.apply(lambda s: s if s is not None else "none"))

# Could the writer move to the other side right now? Every rule with pass or fail and a reason.
readiness = mrdr.get_readiness_output(
    global_cluster_identifier=dr.global_cluster_identifier,
    primary_health_check_id=dr.primary_health_check_id,
    secondary_health_check_id=dr.secondary_health_check_id,
    hosted_zone_id=dr.hosted_zone_id,
    fqdn=dr.fqdn,
    record_type=dr.record_type,
)
pulumi.export("ready", readiness.ready)
pulumi.export("readinessChecks", readiness.checks)
