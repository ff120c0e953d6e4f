"""dr-engine's killed-plugin test program: a GlobalTable, a ReplicatedBucket and a DnsFailover on
the default provider. The table's name and the buckets' prefix are left to the provider (derived at
Check), as most programs leave them, so a create that dies half way and runs again must derive the
same names. (GlobalDatabase is left out while it is being rewritten; its identifier is derived from
the random seed too, see the report of issue #11.)"""

import pulumi
import pulumi_multiregion_dr as dr

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
pulumi.export("tableName", table.table_name)
pulumi.export("fqdn", dns.fqdn)
