"""
Each line marked expect-error must fail mypy --strict, and no other line may. mypy reports a
mismatched overloaded call on its first line, so every wrong call fits on one line.
"""
import pulumi
import pulumi_multiregion_dr as mrdr

ok = mrdr.GlobalDatabase("ok", engine="aurora-mysql", master_username="admin", master_password="secret")
mrdr.GlobalDatabase("a", engine=42, master_username="admin", master_password="pw")  # expect-error: a number is not a string
mrdr.GlobalDatabase("b", engine="e", master_username="a", master_password="p", backup_retention_period="7")  # expect-error: int input
mrdr.GlobalDatabase("c", engine="e", master_username="a", master_password="p", primary={"instance_count": "2"})  # expect-error: nested
mrdr.GlobalDatabase("d", engine="e", master_username="a", master_password="p", tags={"app": 1})  # expect-error: map of strings
mrdr.GlobalDatabase("e", engine="e", master_username="a", master_password="p", serverless_v2=mrdr.RegionSettingsArgs())  # expect-error: wrong args class
mrdr.RegionSettingsArgs(instance_count="one")  # expect-error: args classes are typed
mrdr.ServerlessV2ScalingArgs(min_capacity=0.5)  # expect-error: max_capacity is required
mrdr.DnsFailover("dns", record_name="api", primary_endpoint="a", secondary_endpoint="b", no_such_input=True)  # expect-error: unknown input
mrdr.DnsFailover("dns", record_name="api", primary_endpoint="a", secondary_endpoint="b", health_check={"port": "443"})  # expect-error: int
arn: pulumi.Output[int] = ok.global_cluster_arn  # expect-error: outputs are typed
state: pulumi.Output[str] = ok.primary_cluster  # expect-error: an object output is not a string
writer: pulumi.Output[str] = ok.primary_cluster.apply(lambda c: c.is_writer)  # expect-error: output classes are typed
mrdr.Provider("p", max_retries="3")  # expect-error: provider inputs are typed too
region: int = mrdr.config.primary_region  # expect-error: config values are typed
mrdr.get_readiness_output(max_replication_lag_seconds="30")  # expect-error: the lag is a number
mrdr.get_readiness(global_cluster_identifier=pulumi.Output.from_input("orders"))  # expect-error: the plain form takes plain values
not_ready: pulumi.Output[str] = mrdr.get_readiness_output(fqdn="api.example.com").apply(lambda r: r.ready)  # expect-error: ready is a bool
mrdr.get_readiness_output(cluster_id="orders")  # expect-error: unknown argument
