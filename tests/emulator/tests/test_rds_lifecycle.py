"""Slow lifecycles on request: creating, modifying, deleting show in Describe* for the configured time
(Aurora user guide: DB cluster and instance status; creation takes minutes)."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from helpers import ENGINE, VERSION, add_instance, cluster_status, error_code, wait_for


def instance_status(rds, iid: str) -> str:
    return rds.describe_db_instances(DBInstanceIdentifier=iid)["DBInstances"][0]["DBInstanceStatus"]


def test_default_is_instant(rds1):
    rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    assert cluster_status(rds1, "c") == "available"


def test_cluster_instance_and_global_cluster_creating(emu, rds1):
    emu.control("POST", "lifecycle", {"rds": {"creating": 3}})
    gc = rds1.create_global_cluster(GlobalClusterIdentifier="g1", Engine=ENGINE)["GlobalCluster"]
    assert gc["Status"] == "creating"
    out = rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    assert out["DBCluster"]["Status"] == "creating"
    add_instance(rds1, "c")
    assert cluster_status(rds1, "c") == "creating"
    assert instance_status(rds1, "c-1") == "creating"
    began = time.time()
    wait_for(lambda: cluster_status(rds1, "c") == "available")
    wait_for(lambda: instance_status(rds1, "c-1") == "available")
    wait_for(lambda: rds1.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]["Status"] == "available")
    assert time.time() - began > 0.5


def test_per_kind_durations_override_the_default(emu, rds1):
    emu.control("POST", "lifecycle", {"rds": {"creating": 30, "instance.creating": 0}})
    rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    add_instance(rds1, "c")
    assert cluster_status(rds1, "c") == "creating"
    assert instance_status(rds1, "c-1") == "available"


def test_modifying_and_deleting(emu, rds1):
    rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    add_instance(rds1, "c")
    emu.control("POST", "lifecycle", {"rds": {"modifying": 3, "deleting": 3}})
    out = rds1.modify_db_cluster(DBClusterIdentifier="c", ApplyImmediately=True, BackupRetentionPeriod=5)
    assert out["DBCluster"]["Status"] == "modifying"
    assert cluster_status(rds1, "c") == "modifying"
    with pytest.raises(ClientError) as e:
        rds1.modify_db_cluster(DBClusterIdentifier="c", ApplyImmediately=True, BackupRetentionPeriod=6)
    assert error_code(e) == "InvalidDBClusterStateFault"
    wait_for(lambda: cluster_status(rds1, "c") == "available")

    rds1.delete_db_instance(DBInstanceIdentifier="c-1")
    assert instance_status(rds1, "c-1") == "deleting"
    # An instance in deleting state no longer blocks deleting its cluster.
    rds1.delete_db_cluster(DBClusterIdentifier="c", SkipFinalSnapshot=True)
    assert cluster_status(rds1, "c") == "deleting"
    listed = [c["DBClusterIdentifier"] for c in rds1.describe_db_clusters()["DBClusters"]]
    assert listed == ["c"]
    with pytest.raises(ClientError) as e:
        rds1.delete_db_cluster(DBClusterIdentifier="c", SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidDBClusterStateFault"

    def gone() -> bool:
        try:
            rds1.describe_db_clusters(DBClusterIdentifier="c")
            return False
        except ClientError as err:
            return err.response["Error"]["Code"] == "DBClusterNotFoundFault"

    wait_for(gone)
    assert emu.inventory()["rds"]["instances"] == []


def test_malformed_lifecycle_is_refused(emu):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        emu.control("POST", "lifecycle", {"rds": {"creating": -1}})
    assert e.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as e:
        emu.control("POST", "lifecycle", {"ec2": {"creating": 1}})
    assert e.value.code == 400
