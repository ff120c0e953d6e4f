"""The end-to-end tests' killed-plugin test program: a GlobalDatabase, a GlobalTable, a ReplicatedBucket and a
DnsFailover on the default provider. The global cluster's identifier, the table's name and the
buckets' prefix are left to the provider (derived at Check), as most programs leave them, so a create
that dies half way and runs again must derive the same names."""

import pulumi
import pulumi_multiregion_dr as dr

db = dr.GlobalDatabase(
    "ledger",
    engine="aurora-postgresql",
    engine_version="16.4",
    master_username="app",
    master_password=pulumi.Output.secret("kill-test-Passw0rd"),
    instance_class="db.r6g.large",
    skip_final_snapshot=True,
)
table = dr.GlobalTable(
    "orders",
    hash_key="pk",
    attributes=[dr.GlobalTableAttributeArgs(name="pk", type="S")],
)
bucket = dr.ReplicatedBucket("assets", force_destroy=True)
dns = dr.DnsFailover(
    "api",
    zone_name="example.com",
    record_name="api",
    primary_endpoint="api-use1.example.net",
    secondary_endpoint="api-use2.example.net",
    health_check=dr.HealthCheckSettingsArgs(resource_path="/health"),
)
pulumi.export("globalCluster", db.global_cluster_identifier)
pulumi.export("tableName", table.table_name)
pulumi.export("fqdn", dns.fqdn)
