"""`count` MultiRegionDR components, each with all four blocks as in examples/python (an Aurora global
database, DNS failover, a DynamoDB global table, replicated buckets), each under its own names.

    config: dr-scale:count (int), dr-scale:dbPassword (secret); multiregion-dr:* as usual
"""

import pulumi
import pulumi_multiregion_dr as mrdr

config = pulumi.Config()
count = config.require_int("count")
password = config.require_secret("dbPassword")

for i in range(count):
    dr = mrdr.MultiRegionDR(
        f"app{i}",
        database=mrdr.MultiRegionDRDatabaseArgs(
            engine="aurora-postgresql",
            engine_version="16.4",
            database_name="app",
            master_username="app_admin",
            master_password=password,
            serverless_v2=mrdr.ServerlessV2ScalingArgs(min_capacity=0.5, max_capacity=4),
            primary=mrdr.RegionSettingsArgs(instance_count=1),
            secondary=mrdr.RegionSettingsArgs(instance_count=1),
            skip_final_snapshot=True,
        ),
        dns=mrdr.MultiRegionDRDnsArgs(
            zone_name="scale.example.com",
            record_name=f"api{i}",
            record_type="CNAME",
            primary_endpoint=f"api{i}.us-east-1.scale.example.com",
            secondary_endpoint=f"api{i}.us-east-2.scale.example.com",
            health_check=mrdr.HealthCheckSettingsArgs(type="HTTPS", resource_path="/health"),
        ),
        session_table=mrdr.MultiRegionDRSessionTableArgs(
            hash_key="sessionId",
            attributes=[mrdr.GlobalTableAttributeArgs(name="sessionId", type="S")],
            ttl_attribute="expiresAt",
        ),
        bucket=mrdr.MultiRegionDRBucketArgs(name_prefix=f"scale-docs-{i}"),
    )
    pulumi.export(f"writer{i}", dr.writer_endpoint)
