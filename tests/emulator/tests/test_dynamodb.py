"""DynamoDB global tables 2019.11.21: replicas through UpdateTable ReplicaUpdates (developer guide "Global
tables: how it works"; API reference UpdateTable, ReplicaDescription)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error_code, wait_for


@pytest.fixture()
def ddb(emu):
    return emu.client("dynamodb", "us-east-1"), emu.client("dynamodb", "us-east-2")


def create(ddb1, name: str = "orders", stream: bool = True) -> None:
    kw = {}
    if stream:
        kw["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    ddb1.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}], **kw,
    )


def add_replica(ddb1, region: str = "us-east-2", name: str = "orders") -> dict:
    return ddb1.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": region}}])["TableDescription"]


def test_replica_is_created_with_same_schema_streams_and_billing(ddb):
    ddb1, ddb2 = ddb
    create(ddb1)
    desc = add_replica(ddb1)
    assert [r["RegionName"] for r in desc["Replicas"]] == ["us-east-2"]
    t1 = ddb1.describe_table(TableName="orders")["Table"]
    t2 = ddb2.describe_table(TableName="orders")["Table"]
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in t1["Replicas"]] == [("us-east-2", "ACTIVE")]
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in t2["Replicas"]] == [("us-east-1", "ACTIVE")]
    for key in ("KeySchema", "AttributeDefinitions"):
        assert t1[key] == t2[key]
    assert t2["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert t2["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert t2["TableArn"].startswith("arn:aws:dynamodb:us-east-2:")
    assert t1.get("GlobalTableVersion") == "2019.11.21"


def test_items_written_in_either_region_appear_in_the_other(ddb):
    ddb1, ddb2 = ddb
    create(ddb1)
    ddb1.put_item(TableName="orders", Item={"pk": {"S": "before"}, "sk": {"N": "0"}})
    add_replica(ddb1)
    assert "Item" in ddb2.get_item(TableName="orders", Key={"pk": {"S": "before"}, "sk": {"N": "0"}})
    ddb1.put_item(TableName="orders", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "east-1"}})
    ddb2.put_item(TableName="orders", Item={"pk": {"S": "b"}, "sk": {"N": "2"}, "v": {"S": "east-2"}})
    ddb1.update_item(TableName="orders", Key={"pk": {"S": "b"}, "sk": {"N": "2"}}, UpdateExpression="SET v = :v",
                     ExpressionAttributeValues={":v": {"S": "changed"}})
    ddb2.batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "3"}}}}]})
    got = ddb2.get_item(TableName="orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
    assert got["v"] == {"S": "east-1"}
    assert ddb2.get_item(TableName="orders", Key={"pk": {"S": "b"}, "sk": {"N": "2"}})["Item"]["v"] == {"S": "changed"}
    assert "Item" in ddb1.get_item(TableName="orders", Key={"pk": {"S": "c"}, "sk": {"N": "3"}})
    ddb2.delete_item(TableName="orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert "Item" not in ddb1.get_item(TableName="orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})


def test_replica_delete_removes_the_table_in_that_region(emu, ddb):
    ddb1, ddb2 = ddb
    create(ddb1)
    add_replica(ddb1)
    ddb1.update_table(TableName="orders", ReplicaUpdates=[{"Delete": {"RegionName": "us-east-2"}}])
    with pytest.raises(ClientError) as e:
        ddb2.describe_table(TableName="orders")
    assert error_code(e) == "ResourceNotFoundException"
    assert "Replicas" not in ddb1.describe_table(TableName="orders")["Table"]
    with pytest.raises(ClientError) as e:
        ddb1.update_table(TableName="orders", ReplicaUpdates=[{"Delete": {"RegionName": "us-east-2"}}])
    assert error_code(e) == "ValidationException"


def test_replica_creating_and_deleting_take_time_on_request(emu, ddb):
    emu.control("POST", "lifecycle", {"dynamodb": {"replica-creating": 2.5, "replica-deleting": 2.5}})
    ddb1, ddb2 = ddb
    create(ddb1)
    add_replica(ddb1)
    t1 = ddb1.describe_table(TableName="orders")["Table"]
    assert t1["TableStatus"] == "UPDATING" and t1["Replicas"][0]["ReplicaStatus"] == "CREATING"
    assert ddb2.describe_table(TableName="orders")["Table"]["TableStatus"] == "CREATING"
    wait_for(lambda: ddb1.describe_table(TableName="orders")["Table"]["Replicas"][0]["ReplicaStatus"] == "ACTIVE")
    assert ddb1.describe_table(TableName="orders")["Table"]["TableStatus"] == "ACTIVE"
    ddb1.update_table(TableName="orders", ReplicaUpdates=[{"Delete": {"RegionName": "us-east-2"}}])
    assert ddb1.describe_table(TableName="orders")["Table"]["Replicas"][0]["ReplicaStatus"] == "DELETING"

    def gone() -> bool:
        try:
            ddb2.describe_table(TableName="orders")
            return False
        except ClientError:
            return True

    wait_for(gone)


def test_replica_into_a_region_that_already_has_the_table_is_refused(ddb):
    ddb1, ddb2 = ddb
    create(ddb1)
    create(ddb2)
    with pytest.raises(ClientError) as e:
        add_replica(ddb1)
    assert error_code(e) == "ValidationException"


def test_adding_a_replica_turns_streams_on(ddb):
    ddb1, ddb2 = ddb
    create(ddb1, stream=False)
    add_replica(ddb1)
    spec = ddb2.describe_table(TableName="orders")["Table"]["StreamSpecification"]
    assert spec["StreamEnabled"] is True and spec["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_replication_delay_on_request(emu, ddb):
    emu.control("POST", "lifecycle", {"dynamodb": {"replication": 2.5}})
    ddb1, ddb2 = ddb
    create(ddb1)
    add_replica(ddb1)
    ddb1.put_item(TableName="orders", Item={"pk": {"S": "late"}, "sk": {"N": "1"}})
    assert "Item" not in ddb2.get_item(TableName="orders", Key={"pk": {"S": "late"}, "sk": {"N": "1"}})
    wait_for(lambda: "Item" in ddb2.get_item(TableName="orders", Key={"pk": {"S": "late"}, "sk": {"N": "1"}}))
