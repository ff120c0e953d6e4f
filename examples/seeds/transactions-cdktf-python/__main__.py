"""The database tier of a financial transaction-processing system (99.99% uptime; RTO < 60 seconds,
RPO < 1 second), first written with CDKTF Python, across us-east-1 (primary) and us-west-2 (secondary).

- An Aurora MySQL global database on Serverless v2 (from 0.5 ACU): a writer in us-east-1, a reader
  in us-west-2 replicated by storage in under a second, 7 days of point-in-time recovery.

The seed has no DNS records, tables or buckets to fail over, so the component holds the database
only. VPCs and peering, the health-monitor and failover Lambdas, CloudWatch alarms, SNS and
EventBridge are not part of this package: see README.md. The regions come from the provider config.
"""

import pulumi
import pulumi_multiregion_dr as mrdr

config = pulumi.Config()
env = config.get("environmentSuffix") or "dev"

dr = mrdr.MultiRegionDR(
    "transactions",
    database=mrdr.MultiRegionDRDatabaseArgs(
        global_cluster_identifier=f"transactions-global-{env}",
        engine="aurora-mysql",
        engine_version=config.get("engineVersion") or "8.0.mysql_aurora.3.08.0",
        database_name="transactions",
        master_username="txn_admin",
        master_password=config.require_secret("dbPassword"),
        serverless_v2=mrdr.ServerlessV2ScalingArgs(
            min_capacity=0.5,
            max_capacity=config.get_float("maxCapacity") or 4,
        ),
        primary=mrdr.RegionSettingsArgs(
            instance_count=1,
            db_subnet_group_name=config.get("primaryDbSubnetGroup"),
        ),
        secondary=mrdr.RegionSettingsArgs(
            instance_count=1,
            db_subnet_group_name=config.get("secondaryDbSubnetGroup"),
        ),
        backup_retention_period=7,
        storage_encrypted=True,
        tags={"tier": "database"},
    ),
)

pulumi.export("activeRegion", dr.active_region)
pulumi.export("primaryRegion", dr.primary_region)
pulumi.export("secondaryRegion", dr.secondary_region)
pulumi.export("globalClusterIdentifier", dr.global_cluster_identifier)
pulumi.export("globalClusterArn", dr.global_cluster_arn)
pulumi.export("writerRegion", dr.writer_region)
pulumi.export("writerEndpoint", dr.writer_endpoint)
pulumi.export("primaryClusterArn", dr.primary_cluster_arn)
pulumi.export("secondaryClusterArn", dr.secondary_cluster_arn)
pulumi.export("primaryClusterEndpoint", dr.primary_cluster_endpoint)
pulumi.export("secondaryReaderEndpoint", dr.secondary_reader_endpoint)
