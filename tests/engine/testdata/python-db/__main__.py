"""dr-engine's partial-failure test program: one GlobalDatabase (Aurora global database in both
regions) on the default provider, configured from the stack config."""

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
)

pulumi.export("writerRegion", db.writer_region)
