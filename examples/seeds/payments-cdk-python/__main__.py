"""The DR layer of a payment-processing system (99.99% availability), first written with CDK Python,
across us-east-1 (primary) and us-east-2 (secondary).

- Aurora PostgreSQL global database payment-global-<env>: two instances per region, encrypted with the
  AWS-managed RDS key; the secondary is promoted during a failover.
- A DynamoDB global table (on demand) with its replica in the secondary region.
- S3 cross-region replication from the primary bucket to the secondary (versioned, SSE-S3, private).
- Route 53: a health check of each region's API Gateway (3 consecutive failures) and a failover
  record pair, the primary answering first (the seed's weighted 100/0 records).

Lambda, API Gateway, Step Functions, VPCs, CloudWatch, SNS, Secrets Manager and SSM are not part of
this package: see README.md. The regions come from the provider config.
"""

import pulumi
import pulumi_multiregion_dr as mrdr

config = pulumi.Config()
env = config.get("environmentSuffix") or "dev"

dr = mrdr.MultiRegionDR(
    "payments",
    database=mrdr.MultiRegionDRDatabaseArgs(
        global_cluster_identifier=f"payment-global-{env}",
        engine="aurora-postgresql",
        engine_version=config.get("engineVersion") or "16.4",
        database_name="payments",
        master_username="payments_admin",
        master_password=config.require_secret("dbPassword"),
        # The seed's db.t3.medium cannot join a global database (memory-optimized classes only).
        instance_class=config.get("instanceClass") or "db.r5.large",
        primary=mrdr.RegionSettingsArgs(instance_count=2, db_subnet_group_name=config.get("primaryDbSubnetGroup")),
        secondary=mrdr.RegionSettingsArgs(instance_count=2, db_subnet_group_name=config.get("secondaryDbSubnetGroup")),
        backup_retention_period=config.get_int("backupRetentionDays") or 7,
        storage_encrypted=True,
        tags={"tier": "database"},
    ),
    session_table=mrdr.MultiRegionDRSessionTableArgs(
        name=f"payment-transactions-{env}",
        hash_key="transactionId",
        attributes=[mrdr.GlobalTableAttributeArgs(name="transactionId", type="S")],
        billing_mode="PAY_PER_REQUEST",
        point_in_time_recovery=True,
        tags={"tier": "data"},
    ),
    bucket=mrdr.MultiRegionDRBucketArgs(
        name_prefix=f"payment-data-{env}",
        encryption=mrdr.BucketEncryptionArgs(sse_algorithm="AES256"),
        # The seed replicates without Replication Time Control; turn it on for a 15-minute bound.
        replication_time_control=False,
        tags={"tier": "storage"},
    ),
    dns=mrdr.MultiRegionDRDnsArgs(
        zone_name=config.require("zoneName"),
        record_name="api",
        record_type="CNAME",
        primary_endpoint=config.require("primaryApi"),
        secondary_endpoint=config.require("secondaryApi"),
        ttl=60,
        health_check=mrdr.HealthCheckSettingsArgs(
            type="HTTPS",
            resource_path=config.get("healthCheckPath") or "/prod/health",
            failure_threshold=3,
            request_interval=30,
        ),
        tags={"tier": "edge"},
    ),
)

pulumi.export("activeRegion", dr.active_region)
pulumi.export("globalClusterIdentifier", dr.global_cluster_identifier)
pulumi.export("globalClusterArn", dr.global_cluster_arn)
pulumi.export("writerRegion", dr.writer_region)
pulumi.export("writerEndpoint", dr.writer_endpoint)
pulumi.export("primaryClusterEndpoint", dr.primary_cluster_endpoint)
pulumi.export("secondaryReaderEndpoint", dr.secondary_reader_endpoint)
pulumi.export("transactionsTable", dr.session_table_name)
pulumi.export("tableArns", {"primary": dr.primary_table_arn, "secondary": dr.secondary_table_arn})
pulumi.export("buckets", {"primary": dr.primary_bucket_name, "secondary": dr.secondary_bucket_name})
pulumi.export("apiFqdn", dr.fqdn)
pulumi.export("healthCheckIds", {"primary": dr.primary_health_check_id, "secondary": dr.secondary_health_check_id})
pulumi.export("answeringRegion", dr.answering_region)
