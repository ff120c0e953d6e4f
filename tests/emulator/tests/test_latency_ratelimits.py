"""Per-call latency and token-bucket rate limits answering Throttling in the service's format."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from helpers import error_code


def test_fixed_latency_applies_to_matching_calls_only(emu):
    emu.control("POST", "latency", {"service": "rds", "operation": "DescribeDBClusters", "fixed_ms": 400})
    rds = emu.client("rds")
    began = time.time()
    rds.describe_db_clusters()
    assert time.time() - began >= 0.38
    rds.describe_db_instances()
    [fast] = emu.calls(operation="DescribeDBInstances")
    assert fast["end"] - fast["start"] < 0.38
    emu.control("DELETE", "latency")
    assert emu.control("GET", "latency") == []


def test_jitter_stays_within_bounds(emu):
    emu.control("POST", "latency", {"service": "sts", "fixed_ms": 100, "jitter_ms": 200})
    sts = emu.client("sts")
    for _ in range(3):
        sts.get_caller_identity()
    for call in emu.calls(service="sts"):
        assert 0.09 <= call["end"] - call["start"] < 2.0


def test_route53_token_bucket_throttles_a_burst(emu):
    # A slow refill keeps the burst decisive however slow the machine is.
    emu.control("POST", "ratelimits", {"route53": {"rate": 1, "burst": 5}})
    r53 = emu.client("route53")
    outcomes = []
    for _ in range(12):
        try:
            r53.list_hosted_zones()
            outcomes.append("ok")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "Throttling"
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            outcomes.append("throttled")
    assert outcomes[:5] == ["ok"] * 5
    assert "throttled" in outcomes
    throttled = [c for c in emu.calls(service="route53") if c["injected"] == "throttle"]
    assert len(throttled) == outcomes.count("throttled")
    time.sleep(1.2)  # the bucket refills at 1 per second
    r53.list_hosted_zones()


def test_rds_limit_is_per_region(emu):
    emu.control("POST", "ratelimits", {"rds": {"rate": 0.1, "burst": 2}})
    east1, east2 = emu.client("rds", "us-east-1"), emu.client("rds", "us-east-2")
    east1.describe_db_clusters()
    east1.describe_db_clusters()
    with pytest.raises(ClientError) as e:
        east1.describe_db_clusters()
    assert error_code(e) == "Throttling"
    east2.describe_db_clusters()  # a separate bucket


def test_dynamodb_throttle_uses_json(emu):
    emu.control("POST", "ratelimits", {"dynamodb": {"rate": 0.1, "burst": 1}})
    ddb = emu.client("dynamodb")
    ddb.list_tables()
    with pytest.raises(ClientError) as e:
        ddb.list_tables()
    assert error_code(e) == "ThrottlingException"
