"""Reset wipes all state between tests; the inventory shows what exists per service and Region."""

from __future__ import annotations

from helpers import global_db


def test_inventory_lists_resources_in_both_regions(emu, rds1, rds2):
    global_db(rds1, rds2)
    emu.client("route53").create_hosted_zone(Name="example.com", CallerReference="z")
    emu.client("dynamodb", "us-east-2").create_table(
        TableName="t", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="inv")
    s3.put_object(Bucket="inv", Key="a", Body=b"1")
    emu.client("iam").create_role(RoleName="replication", AssumeRolePolicyDocument="{}")
    inv = emu.inventory()
    assert [g["id"] for g in inv["rds"]["global_clusters"]] == ["g1"]
    assert sorted((c["id"], c["region"], c["is_writer"]) for c in inv["rds"]["clusters"]) == [
        ("g1-p", "us-east-1", True), ("g1-s", "us-east-2", False)]
    assert sorted((i["id"], i["region"]) for i in inv["rds"]["instances"]) == [("g1-p-1", "us-east-1"), ("g1-s-1", "us-east-2")]
    assert [z["name"] for z in inv["route53"]["hosted_zones"]] == ["example.com."]
    assert [(t["name"], t["region"]) for t in inv["dynamodb"]["tables"]] == [("t", "us-east-2")]
    assert [(b["name"], b["objects"]) for b in inv["s3"]["buckets"]] == [("inv", 1)]
    assert [r["name"] for r in inv["iam"]["roles"]] == ["replication"]


def test_reset_wipes_resources_and_every_control_setting(emu, rds1, rds2):
    global_db(rds1, rds2)
    emu.control("POST", "faults", {"service": "rds", "count": -1})
    emu.control("POST", "latency", {"fixed_ms": 1})
    emu.control("POST", "ratelimits", {"route53": {"rate": 5}})
    emu.control("POST", "health", {"health_check_id": "x", "healthy": False})
    emu.control("POST", "lifecycle", {"rds": {"creating": 5}})
    emu.control("POST", "options", {"route53_refuse_delete_health_check_in_use": True})
    emu.reset()
    inv = emu.inventory()
    assert all(inv["rds"][k] == [] for k in ("global_clusters", "clusters", "instances", "cluster_snapshots"))
    assert emu.calls() == []
    assert emu.control("GET", "faults") == [] and emu.control("GET", "latency") == []
    assert emu.control("GET", "ratelimits") == {} and emu.control("GET", "lifecycle") == {}
    assert emu.control("GET", "health") == {"id": {}, "fqdn": {}, "ip": {}}
    assert emu.control("GET", "options") == {"route53_refuse_delete_health_check_in_use": False}
    rds1.describe_db_clusters()  # no fault left
