"""Every AWS call is logged with its service, operation (AWS's name) and Region, status and times."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from helpers import error_code


def ops(emu, service: str) -> list[tuple[str, str]]:
    return [(c["operation"], c["region"]) for c in emu.calls(service=service)]


def test_query_json_and_rest_operations_are_named_like_aws(emu):
    began = time.time()
    emu.client("rds", "us-east-2").describe_db_clusters()
    emu.client("iam").list_roles()
    emu.client("sts", "eu-west-1").get_caller_identity()
    ddb = emu.client("dynamodb", "us-east-2")
    ddb.list_tables()
    r53 = emu.client("route53")
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="z1")["HostedZone"]["Id"]
    hc = r53.create_health_check(CallerReference="h1", HealthCheckConfig={"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 5432})
    hc_id = hc["HealthCheck"]["Id"]
    change = r53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": {"Name": "db.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}}]},
    )
    r53.get_change(Id=change["ChangeInfo"]["Id"])
    r53.get_health_check_status(HealthCheckId=hc_id)
    r53.list_resource_record_sets(HostedZoneId=zone)
    r53.delete_health_check(HealthCheckId=hc_id)
    s3 = emu.client("s3", "us-east-1")
    s3.create_bucket(Bucket="logbucket")
    s3.put_bucket_versioning(Bucket="logbucket", VersioningConfiguration={"Status": "Enabled"})
    s3.get_bucket_versioning(Bucket="logbucket")
    s3.put_object(Bucket="logbucket", Key="k/one.txt", Body=b"1")
    s3.copy_object(Bucket="logbucket", Key="k/two.txt", CopySource={"Bucket": "logbucket", "Key": "k/one.txt"})
    s3.get_object(Bucket="logbucket", Key="k/two.txt")
    s3.list_objects_v2(Bucket="logbucket")

    assert ops(emu, "rds") == [("DescribeDBClusters", "us-east-2")]
    assert ops(emu, "iam") == [("ListRoles", "us-east-1")]
    assert ops(emu, "sts") == [("GetCallerIdentity", "eu-west-1")]
    assert ops(emu, "dynamodb") == [("ListTables", "us-east-2")]
    assert [o for o, _ in ops(emu, "route53")] == [
        "CreateHostedZone", "CreateHealthCheck", "ChangeResourceRecordSets", "GetChange",
        "GetHealthCheckStatus", "ListResourceRecordSets", "DeleteHealthCheck",
    ]
    assert [o for o, _ in ops(emu, "s3")] == [
        "CreateBucket", "PutBucketVersioning", "GetBucketVersioning", "PutObject", "CopyObject", "GetObject", "ListObjectsV2",
    ]
    for call in emu.calls():
        assert call["status"] in (200, 201, 204), call
        assert began <= call["start"] <= call["end"] <= time.time()
        assert call["error_code"] is None and call["injected"] is None


def test_errors_are_logged_with_their_code_and_the_log_can_be_filtered_and_cleared(emu):
    rds = emu.client("rds", "us-east-2")
    with pytest.raises(ClientError) as e:
        rds.describe_db_clusters(DBClusterIdentifier="missing")
    assert error_code(e) == "DBClusterNotFoundFault"
    [call] = emu.calls(operation="DescribeDBClusters")
    assert call["status"] == 404 and call["error_code"] == "DBClusterNotFoundFault"
    assert emu.calls(region="us-east-1") == []
    emu.control("DELETE", "calls")
    assert emu.calls() == []


def test_control_api_calls_are_not_logged(emu):
    emu.inventory()
    emu.control("GET", "faults")
    assert emu.calls() == []
