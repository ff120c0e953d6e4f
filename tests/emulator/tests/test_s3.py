"""S3: root elements the AWS SDK for Rust accepts (S3 model), and cross-Region replication of new objects
(S3 user guide "Replicating objects"; API reference PutBucketReplication, HeadObject x-amz-replication-status)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error_code, wait_for


@pytest.fixture()
def s3(emu):
    return emu.client("s3", "us-east-1"), emu.client("s3", "us-east-2")


def raw_body(client, operation: str, call) -> bytes:
    seen = {}

    def grab(response_dict, **_):
        seen["body"] = response_dict["body"]

    client.meta.events.register(f"before-parse.s3.{operation}", grab)
    call()
    return seen["body"]


@pytest.mark.parametrize(
    "operation,root,call",
    [
        ("GetBucketVersioning", b"VersioningConfiguration", lambda c: c.get_bucket_versioning(Bucket="bkt1")),
        ("GetBucketAccelerateConfiguration", b"AccelerateConfiguration", lambda c: c.get_bucket_accelerate_configuration(Bucket="bkt1")),
        ("GetBucketNotificationConfiguration", b"NotificationConfiguration", lambda c: c.get_bucket_notification_configuration(Bucket="bkt1")),
    ],
)
def test_answers_have_the_modelled_root_element(s3, operation, root, call):
    s1, _ = s3
    s1.create_bucket(Bucket="bkt1")
    s1.put_bucket_versioning(Bucket="bkt1", VersioningConfiguration={"Status": "Enabled"})
    body = raw_body(s1, operation, lambda: call(s1))
    start = body.lstrip()
    if start.startswith(b"<?xml"):
        start = start[start.index(b"?>") + 2:].lstrip()
    assert start.startswith(b"<" + root), body
    if operation == "GetBucketVersioning":
        assert s1.get_bucket_versioning(Bucket="bkt1")["Status"] == "Enabled"


def buckets(s1, s2, versioned_dest: bool = True) -> None:
    s1.create_bucket(Bucket="src")
    s2.create_bucket(Bucket="dst", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
    s1.put_bucket_versioning(Bucket="src", VersioningConfiguration={"Status": "Enabled"})
    if versioned_dest:
        s2.put_bucket_versioning(Bucket="dst", VersioningConfiguration={"Status": "Enabled"})


def replicate(s1, prefix: str = "") -> None:
    s1.put_bucket_replication(Bucket="src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "r1", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": prefix},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::dst", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                                   "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}}],
    })


def test_new_objects_appear_in_the_destination(s3):
    s1, s2 = s3
    buckets(s1, s2)
    replicate(s1, prefix="data/")
    s1.put_object(Bucket="src", Key="data/a.txt", Body=b"payload", ContentType="text/plain")
    s1.put_object(Bucket="src", Key="logs/b.txt", Body=b"not replicated")
    head = s1.head_object(Bucket="src", Key="data/a.txt")
    assert head["ReplicationStatus"] == "COMPLETED" and head["ContentLength"] == len(b"payload")
    assert "ReplicationStatus" not in s1.head_object(Bucket="src", Key="logs/b.txt")
    copy = s2.get_object(Bucket="dst", Key="data/a.txt")
    assert copy["Body"].read() == b"payload"
    assert copy["ReplicationStatus"] == "REPLICA"
    with pytest.raises(ClientError) as e:
        s2.head_object(Bucket="dst", Key="logs/b.txt")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    # Replicas are not replicated again, even with a rule back (bidirectional setups).
    s2.put_bucket_replication(Bucket="dst", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "back", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::src"}}],
    })
    s1.put_object(Bucket="src", Key="data/c.txt", Body=b"once")
    versions = s1.list_object_versions(Bucket="src", Prefix="data/c.txt")["Versions"]
    assert len(versions) == 1


def test_replication_needs_versioning(s3):
    s1, s2 = s3
    s1.create_bucket(Bucket="src")
    with pytest.raises(ClientError) as e:
        replicate(s1)
    assert error_code(e) == "InvalidRequest"


def test_unversioned_destination_fails_replication(s3):
    s1, s2 = s3
    buckets(s1, s2, versioned_dest=False)
    replicate(s1)
    s1.put_object(Bucket="src", Key="x", Body=b"1")
    assert s1.head_object(Bucket="src", Key="x")["ReplicationStatus"] == "FAILED"


def test_replication_delay_on_request(emu, s3):
    emu.control("POST", "lifecycle", {"s3": {"replication": 2.5}})
    s1, s2 = s3
    buckets(s1, s2)
    replicate(s1)
    s1.put_object(Bucket="src", Key="slow", Body=b"1")
    assert s1.head_object(Bucket="src", Key="slow")["ReplicationStatus"] == "PENDING"

    def arrived() -> bool:
        try:
            s2.head_object(Bucket="dst", Key="slow")
            return True
        except ClientError:
            return False

    wait_for(arrived)
    assert s1.head_object(Bucket="src", Key="slow")["ReplicationStatus"] == "COMPLETED"


def test_the_replication_configuration_reads_back_as_it_was_put(s3):
    s1, s2 = s3
    buckets(s1, s2)
    rule = {
        "ID": "dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Enabled"},
        "SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"},
                                    "SseKmsEncryptedObjects": {"Status": "Enabled"}},
        "Destination": {"Bucket": "arn:aws:s3:::dst",
                        "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-2:123456789012:key/k"},
                        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                        "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}},
    }
    s1.put_bucket_replication(Bucket="src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": [rule]})
    got = s1.get_bucket_replication(Bucket="src")["ReplicationConfiguration"]
    assert got["Role"] == "arn:aws:iam::123456789012:role/replication"
    assert got["Rules"] == [rule]
    # Without DeleteMarkerReplication a Filter rule reads back Disabled (the current schema's default).
    del rule["DeleteMarkerReplication"]
    s1.put_bucket_replication(Bucket="src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": [rule]})
    got = s1.get_bucket_replication(Bucket="src")["ReplicationConfiguration"]["Rules"][0]
    assert got["DeleteMarkerReplication"] == {"Status": "Disabled"}


@pytest.mark.parametrize(
    "destination,code",
    [
        ({"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}, "InvalidRequest"),
        ({"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 10}},
          "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 10}}}, "InvalidArgument"),
        ({"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
          "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 30}}}, "InvalidArgument"),
    ],
)
def test_replication_time_control_needs_metrics_and_fifteen_minutes(s3, destination, code):
    s1, s2 = s3
    buckets(s1, s2)
    with pytest.raises(ClientError) as e:
        s1.put_bucket_replication(Bucket="src", ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/replication",
            "Rules": [{"ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": "arn:aws:s3:::dst", **destination}}]})
    assert error_code(e) == code
    with pytest.raises(ClientError) as e:
        s1.get_bucket_replication(Bucket="src")
    assert error_code(e) == "ReplicationConfigurationNotFoundError"
