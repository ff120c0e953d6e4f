"""Small builders shared by the emulator tests."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

ENGINE, VERSION = "aurora-postgresql", "15.4"


def error_code(excinfo: pytest.ExceptionInfo) -> str:
    assert isinstance(excinfo.value, ClientError), excinfo.value
    return excinfo.value.response["Error"]["Code"]


def error_message(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.response["Error"]["Message"]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.time() < deadline, "condition never became true"
        time.sleep(interval)


def global_db(rds1, rds2, gid: str = "g1", instances: bool = True, secondary_version: str = VERSION) -> tuple[str, str]:
    """A global cluster with a primary in rds1's Region and a secondary in rds2's; returns both ARNs."""
    rds1.create_global_cluster(GlobalClusterIdentifier=gid, Engine=ENGINE, EngineVersion=VERSION)
    p = rds1.create_db_cluster(
        DBClusterIdentifier=f"{gid}-p", Engine=ENGINE, EngineVersion=VERSION, GlobalClusterIdentifier=gid,
        MasterUsername="dbadmin", MasterUserPassword="secret-password",
    )["DBCluster"]
    s = rds2.create_db_cluster(
        DBClusterIdentifier=f"{gid}-s", Engine=ENGINE, EngineVersion=secondary_version, GlobalClusterIdentifier=gid
    )["DBCluster"]
    if instances:
        add_instance(rds1, f"{gid}-p")
        add_instance(rds2, f"{gid}-s")
    return p["DBClusterArn"], s["DBClusterArn"]


def add_instance(rds, cluster: str, suffix: str = "1") -> str:
    iid = f"{cluster}-{suffix}"
    rds.create_db_instance(DBInstanceIdentifier=iid, DBClusterIdentifier=cluster, Engine=ENGINE, DBInstanceClass="db.r6g.large")
    return iid


def members(rds, gid: str) -> dict[str, dict]:
    gc = rds.describe_global_clusters(GlobalClusterIdentifier=gid)["GlobalClusters"][0]
    return {m["DBClusterArn"]: m for m in gc["GlobalClusterMembers"]}


def writer(rds, gid: str) -> str | None:
    return next((arn for arn, m in members(rds, gid).items() if m["IsWriter"]), None)


def cluster_status(rds, cid: str) -> str:
    return rds.describe_db_clusters(DBClusterIdentifier=cid)["DBClusters"][0]["Status"]
