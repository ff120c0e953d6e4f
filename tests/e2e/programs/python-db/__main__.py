"""The end-to-end tests' partial-failure test program: one GlobalDatabase (Aurora global database in both
regions) on the default provider, configured from the stack config. With `importId` set, the database
is adopted from AWS (the `import` resource option) instead of created."""

import pulumi
import pulumi_multiregion_dr as dr

config = pulumi.Config()

db = dr.GlobalDatabase(
    "orders",
    global_cluster_identifier="orders",
    engine="aurora-postgresql",
    engine_version="16.4",
    database_name="orders",
    master_username="app",
    master_password=config.require_secret("dbPassword"),
    instance_class="db.r6g.large",
    skip_final_snapshot=True,
    opts=pulumi.ResourceOptions(import_=config.get("importId")),
)

pulumi.export("writerRegion", db.writer_region)
