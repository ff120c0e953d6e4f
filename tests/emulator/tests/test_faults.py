"""Faults: fail the next N calls matching service/operation/Region with an AWS error in the service's own
wire format (so SDKs parse the code), a 500, or a timeout; optionally after the call took effect."""

from __future__ import annotations

import time
import urllib.error

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError, ConnectionClosedError, EndpointConnectionError

from helpers import error_code, error_message


def test_next_n_matching_calls_fail_then_calls_pass(emu):
    emu.control("POST", "faults", {"service": "rds", "operation": "DescribeDBClusters", "region": "us-east-2", "count": 2,
                                   "error_code": "Throttling", "message": "Rate exceeded"})
    east1, east2 = emu.client("rds", "us-east-1"), emu.client("rds", "us-east-2")
    east1.describe_db_clusters()  # other Region: not matched
    emu.client("rds", "us-east-2").describe_db_instances()  # other operation: not matched
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            east2.describe_db_clusters()
        assert error_code(e) == "Throttling" and error_message(e) == "Rate exceeded"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    east2.describe_db_clusters()
    injected = [c for c in emu.calls() if c["injected"]]
    assert [(c["operation"], c["error_code"], c["injected"]) for c in injected] == [("DescribeDBClusters", "Throttling", "fault")] * 2
    assert emu.control("GET", "faults") == []


@pytest.mark.parametrize(
    "service,call,code",
    [
        ("rds", lambda c: c.describe_db_clusters(), "InternalFailure"),
        ("iam", lambda c: c.list_roles(), "InternalFailure"),
        ("route53", lambda c: c.list_hosted_zones(), "InternalFailure"),
        ("dynamodb", lambda c: c.list_tables(), "InternalServerError"),
        ("s3", lambda c: c.list_buckets(), "InternalError"),
    ],
)
def test_http_500_in_each_service_format(emu, service, call, code):
    emu.control("POST", "faults", {"service": service, "http_status": 500})
    with pytest.raises(ClientError) as e:
        call(emu.client(service))
    assert error_code(e) == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_skip_and_every(emu):
    emu.control("POST", "faults", {"service": "dynamodb", "operation": "ListTables", "skip": 1, "count": -1, "error_code": "ThrottlingException"})
    ddb = emu.client("dynamodb")
    ddb.list_tables()
    for _ in range(3):
        with pytest.raises(ClientError) as e:
            ddb.list_tables()
        assert error_code(e) == "ThrottlingException"
    emu.control("DELETE", "faults")
    ddb.list_tables()


def test_after_fault_executes_the_call_but_the_client_sees_the_error(emu):
    emu.control("POST", "faults", {"service": "route53", "operation": "CreateHostedZone", "when": "after", "http_status": 500})
    r53 = emu.client("route53")
    with pytest.raises(ClientError):
        r53.create_hosted_zone(Name="after.example.com", CallerReference="after-1")
    zones = r53.list_hosted_zones()["HostedZones"]
    assert [z["Name"] for z in zones] == ["after.example.com."]


def test_timeout_drops_the_connection_after_the_delay(emu):
    emu.control("POST", "faults", {"service": "sts", "mode": "timeout", "delay_seconds": 1.5})
    sts = emu.client("sts", read_timeout=0.5)
    began = time.time()
    with pytest.raises((ReadTimeoutError, ConnectionClosedError, EndpointConnectionError)):
        sts.get_caller_identity()
    assert time.time() - began < 5
    sts.get_caller_identity()  # count 1: the next call passes


def test_timeout_then_pass_answers_late(emu):
    emu.control("POST", "faults", {"service": "sts", "mode": "timeout", "delay_seconds": 0.6, "then": "pass"})
    began = time.time()
    emu.client("sts").get_caller_identity()
    assert time.time() - began >= 0.55
    [call] = emu.calls(service="sts")
    assert call["status"] == 200 and call["injected"] == "timeout"


def test_malformed_fault_is_refused(emu):
    with pytest.raises(urllib.error.HTTPError) as e:
        emu.control("POST", "faults", {"servcie": "rds"})
    assert e.value.code == 400
