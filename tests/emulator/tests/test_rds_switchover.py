"""SwitchoverGlobalCluster and FailoverGlobalCluster (RDS model; Aurora DR guide "Performing switchovers",
"Performing managed failovers"; aws-dr.md 1.4, 1.5, 1.7)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import add_instance, error_code, global_db, members, wait_for, writer


def test_switchover_moves_the_writer_and_keeps_the_old_primary_as_secondary(emu, rds1, rds2):
    emu.control("POST", "lifecycle", {"rds": {"switching-over": 3}})
    p_arn, s_arn = global_db(rds1, rds2)
    out = rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)["GlobalCluster"]
    assert out["FailoverState"] == {"Status": "switching-over", "FromDbClusterArn": p_arn, "ToDbClusterArn": s_arn, "IsDataLossAllowed": False}
    during = rds2.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]
    assert during["Status"] == "switching-over" and during["FailoverState"]["Status"] == "switching-over"
    assert writer(rds2, "g1") == p_arn, "the writer moves when the switchover completes"
    with pytest.raises(ClientError) as e:
        rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)
    assert error_code(e) == "InvalidGlobalClusterStateFault"
    wait_for(lambda: writer(rds1, "g1") == s_arn)
    after = rds1.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]
    assert "FailoverState" not in after and after["Status"] == "available"
    assert set(members(rds1, "g1")) == {p_arn, s_arn}, "topology kept: the old primary is now a secondary"


@pytest.mark.parametrize("api", ["switchover", "failover-without-data-loss"])
def test_switchover_refused_while_a_member_is_not_available(emu, rds1, rds2, api):
    p_arn, s_arn = global_db(rds1, rds2)
    emu.control("POST", "lifecycle", {"rds": {"modifying": 30}})
    rds1.modify_db_cluster(DBClusterIdentifier="g1-p", ApplyImmediately=True, BackupRetentionPeriod=3)
    with pytest.raises(ClientError) as e:
        if api == "switchover":
            rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)
        else:
            rds2.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)
    assert error_code(e) == "InvalidDBClusterStateFault"
    assert writer(rds1, "g1") == p_arn


def test_switchover_refused_for_mismatched_engine_versions(rds1, rds2):
    _, s_arn = global_db(rds1, rds2, secondary_version="15.5")
    with pytest.raises(ClientError) as e:
        rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)
    assert error_code(e) == "InvalidGlobalClusterStateFault"


def test_no_switchover_or_failover_to_a_headless_secondary(rds1, rds2):
    _, s_arn = global_db(rds1, rds2, instances=False)
    add_instance(rds1, "g1-p")
    for call in (
        lambda: rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn),
        lambda: rds2.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn, AllowDataLoss=True),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == "InvalidDBClusterStateFault"


def test_switchover_errors_for_unknown_names_and_the_current_primary(rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    with pytest.raises(ClientError) as e:
        rds1.switchover_global_cluster(GlobalClusterIdentifier="nope", TargetDbClusterIdentifier=s_arn)
    assert error_code(e) == "GlobalClusterNotFoundFault"
    with pytest.raises(ClientError) as e:
        rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn.replace("g1-s", "ghost"))
    assert error_code(e) == "DBClusterNotFoundFault"
    with pytest.raises(ClientError) as e:
        rds1.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=p_arn)
    assert error_code(e) == "InvalidGlobalClusterStateFault"


def test_failover_with_data_loss_promotes_without_waiting_for_sync(emu, rds1, rds2):
    emu.control("POST", "lifecycle", {"rds": {"failing-over": 1.0, "resync": 1.0, "modifying": 60}})
    p_arn, s_arn = global_db(rds1, rds2)
    # The primary Region is "down": its cluster is busy and could not take part in a switchover.
    rds1.modify_db_cluster(DBClusterIdentifier="g1-p", ApplyImmediately=True, BackupRetentionPeriod=3)
    out = rds2.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn, AllowDataLoss=True)["GlobalCluster"]
    assert out["FailoverState"]["Status"] == "failing-over" and out["FailoverState"]["IsDataLossAllowed"] is True
    wait_for(lambda: writer(rds2, "g1") == s_arn)
    old = members(rds2, "g1")[p_arn]
    assert old["IsWriter"] is False and old["SynchronizationStatus"] == "pending-resync"
    wait_for(lambda: members(rds2, "g1")[p_arn]["SynchronizationStatus"] == "connected")
    snaps = [s["DBClusterSnapshotIdentifier"] for s in rds1.describe_db_cluster_snapshots()["DBClusterSnapshots"]]
    assert any(s.startswith("rds:unplanned-global-failover-g1-p-") for s in snaps), snaps
    calls = [(c["operation"], c["region"]) for c in emu.calls(operation="FailoverGlobalCluster")]
    assert calls == [("FailoverGlobalCluster", "us-east-2")]


def test_failover_without_allow_data_loss_is_a_switchover(emu, rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    out = rds1.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn)["GlobalCluster"]
    assert writer(rds1, "g1") == s_arn
    snaps = [s["DBClusterSnapshotIdentifier"] for s in rds1.describe_db_cluster_snapshots()["DBClusterSnapshots"]]
    assert not any("unplanned" in s for s in snaps)
    assert members(rds1, "g1")[p_arn]["SynchronizationStatus"] == "connected"
    rds1.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=p_arn, Switchover=True)
    assert writer(rds1, "g1") == p_arn


def test_allow_data_loss_and_switchover_cannot_both_be_given(rds1, rds2):
    _, s_arn = global_db(rds1, rds2)
    with pytest.raises(ClientError) as e:
        rds2.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn, AllowDataLoss=True, Switchover=True)
    assert error_code(e) == "InvalidParameterCombination"


def test_switchover_refused_while_a_member_is_out_of_sync(emu, rds1, rds2):
    emu.control("POST", "lifecycle", {"rds": {"resync": 60}})
    p_arn, s_arn = global_db(rds1, rds2)
    rds2.failover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=s_arn, AllowDataLoss=True)
    assert members(rds2, "g1")[p_arn]["SynchronizationStatus"] == "pending-resync"
    with pytest.raises(ClientError) as e:
        rds2.switchover_global_cluster(GlobalClusterIdentifier="g1", TargetDbClusterIdentifier=p_arn)
    assert error_code(e) == "InvalidGlobalClusterStateFault"
