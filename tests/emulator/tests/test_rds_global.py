"""Aurora global database membership rules (RDS API model; Aurora user guide; AWS errors in aws-dr.md 1.3, 1.9)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import ENGINE, VERSION, add_instance, cluster_status, error_code, error_message, global_db, members, wait_for, writer


def test_global_cluster_is_account_level_and_arns_carry_the_member_region(rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    assert p_arn.startswith("arn:aws:rds:us-east-1:") and s_arn.startswith("arn:aws:rds:us-east-2:")
    for rds in (rds1, rds2):
        gc = rds.describe_global_clusters(GlobalClusterIdentifier="g1")["GlobalClusters"][0]
        assert gc["GlobalClusterArn"] == "arn:aws:rds::123456789012:global-cluster:g1"
        m = {x["DBClusterArn"]: x for x in gc["GlobalClusterMembers"]}
        assert m[p_arn]["IsWriter"] is True and m[s_arn]["IsWriter"] is False
        assert {x["SynchronizationStatus"] for x in m.values()} == {"connected"}


def test_describe_global_clusters_filters_by_identifier_and_reports_not_found(rds1):
    rds1.create_global_cluster(GlobalClusterIdentifier="one", Engine=ENGINE)
    rds1.create_global_cluster(GlobalClusterIdentifier="two", Engine=ENGINE)
    got = rds1.describe_global_clusters(GlobalClusterIdentifier="two")["GlobalClusters"]
    assert [g["GlobalClusterIdentifier"] for g in got] == ["two"]
    with pytest.raises(ClientError) as e:
        rds1.describe_global_clusters(GlobalClusterIdentifier="three")
    assert error_code(e) == "GlobalClusterNotFoundFault"
    with pytest.raises(ClientError) as e:
        rds1.create_global_cluster(GlobalClusterIdentifier="one", Engine=ENGINE)
    assert error_code(e) == "GlobalClusterAlreadyExistsFault"


def test_cluster_naming_a_missing_global_cluster_is_refused(rds2):
    with pytest.raises(ClientError) as e:
        rds2.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, GlobalClusterIdentifier="nope",
                               MasterUsername="a", MasterUserPassword="password1")
    assert error_code(e) == "GlobalClusterNotFoundFault"
    assert rds2.describe_db_clusters()["DBClusters"] == []


def test_creating_an_existing_cluster_id_is_refused(rds1):
    kw = dict(DBClusterIdentifier="dup", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    rds1.create_db_cluster(**kw)
    with pytest.raises(ClientError) as e:
        rds1.create_db_cluster(**kw)
    assert error_code(e) == "DBClusterAlreadyExistsFault"


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"MasterUsername": "dbadmin"}, "Cannot specify user name for cross region replication cluster"),
        ({"MasterUserPassword": "secret-password"}, "Cannot specify password for cross region replication cluster"),
        ({"DatabaseName": "orders"}, "Cannot specify database name for cross region replication cluster"),
    ],
)
def test_secondary_with_primary_only_parameters_is_refused(rds1, rds2, extra, message):
    rds1.create_global_cluster(GlobalClusterIdentifier="g1", Engine=ENGINE, EngineVersion=VERSION)
    rds1.create_db_cluster(DBClusterIdentifier="p", Engine=ENGINE, GlobalClusterIdentifier="g1",
                           MasterUsername="dbadmin", MasterUserPassword="secret-password")
    with pytest.raises(ClientError) as e:
        rds2.create_db_cluster(DBClusterIdentifier="s", Engine=ENGINE, GlobalClusterIdentifier="g1", **extra)
    assert error_code(e) == "InvalidParameterCombination"
    assert error_message(e) == message
    assert rds2.describe_db_clusters()["DBClusters"] == []


def test_primary_needs_a_master_user(rds1):
    rds1.create_global_cluster(GlobalClusterIdentifier="g1", Engine=ENGINE)
    with pytest.raises(ClientError) as e:
        rds1.create_db_cluster(DBClusterIdentifier="p", Engine=ENGINE, GlobalClusterIdentifier="g1")
    assert error_code(e) == "InvalidParameterValue"


def test_remove_from_global_cluster_works_for_a_member_in_any_region(emu, rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    # Called through the primary Region's endpoint for a us-east-2 member (stock moto ignored this).
    rds1.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier=s_arn)
    assert list(members(rds2, "g1")) == [p_arn]
    s = rds2.describe_db_clusters(DBClusterIdentifier="g1-s")["DBClusters"][0]
    assert s["Status"] == "available" and "GlobalClusterIdentifier" not in s
    # Now standalone: it can be deleted.
    rds2.delete_db_instance(DBInstanceIdentifier="g1-s-1")
    rds2.delete_db_cluster(DBClusterIdentifier="g1-s", SkipFinalSnapshot=True)


def test_detached_cluster_passes_through_promoting(emu, rds1, rds2):
    emu.control("POST", "lifecycle", {"rds": {"promoting": 3}})
    p_arn, s_arn = global_db(rds1, rds2)
    rds2.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier=s_arn)
    assert cluster_status(rds2, "g1-s") == "promoting"
    # Membership ends when the promotion completes; until then the global cluster is not empty.
    assert s_arn in members(rds1, "g1") and members(rds1, "g1")[s_arn]["IsWriter"] is False
    with pytest.raises(ClientError) as e:
        rds2.delete_db_cluster(DBClusterIdentifier="g1-s", FinalDBSnapshotIdentifier="final-s")
    assert error_code(e) == "InvalidDBClusterStateFault"
    with pytest.raises(ClientError) as e:
        rds2.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier=s_arn)
    assert error_code(e) == "InvalidDBClusterStateFault"
    wait_for(lambda: cluster_status(rds2, "g1-s") == "available")
    assert list(members(rds1, "g1")) == [p_arn]


def test_remove_needs_an_arn_an_existing_global_cluster_and_a_member(rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    with pytest.raises(ClientError) as e:
        rds2.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier="g1-s")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        rds2.remove_from_global_cluster(GlobalClusterIdentifier="missing", DbClusterIdentifier=s_arn)
    assert error_code(e) == "GlobalClusterNotFoundFault"
    with pytest.raises(ClientError) as e:
        rds2.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier=s_arn.replace("g1-s", "other"))
    assert error_code(e) == "DBClusterNotFoundFault"


def test_primary_cannot_be_removed_while_secondaries_remain(rds1, rds2):
    p_arn, _ = global_db(rds1, rds2)
    with pytest.raises(ClientError) as e:
        rds1.remove_from_global_cluster(GlobalClusterIdentifier="g1", DbClusterIdentifier=p_arn)
    assert error_code(e) == "InvalidGlobalClusterStateFault"
    assert writer(rds1, "g1") == p_arn


def test_delete_order_is_enforced(rds1, rds2):
    p_arn, s_arn = global_db(rds1, rds2)
    with pytest.raises(ClientError) as e:
        rds1.delete_db_cluster(DBClusterIdentifier="g1-p", SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidGlobalClusterStateFault"
    assert "primary member of global cluster" in error_message(e)
    with pytest.raises(ClientError) as e:
        rds1.delete_db_instance(DBInstanceIdentifier="g1-p-1")
    assert error_code(e) == "InvalidDBClusterStateFault"
    assert "last instance of the master cluster" in error_message(e)
    rds2.delete_db_instance(DBInstanceIdentifier="g1-s-1")
    with pytest.raises(ClientError) as e:
        rds2.delete_db_cluster(DBClusterIdentifier="g1-s", SkipFinalSnapshot=True)
    assert error_code(e) == "InvalidDBClusterStateFault"
    assert "remove it from globalcluster first" in error_message(e)
    with pytest.raises(ClientError) as e:
        rds1.delete_global_cluster(GlobalClusterIdentifier="g1")
    assert error_code(e) == "InvalidGlobalClusterStateFault"


def test_delete_cluster_needs_a_final_snapshot_decision(rds1):
    rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")
    with pytest.raises(ClientError) as e:
        rds1.delete_db_cluster(DBClusterIdentifier="c")
    assert error_code(e) == "InvalidParameterCombination"
    rds1.delete_db_cluster(DBClusterIdentifier="c", FinalDBSnapshotIdentifier="c-final")
    snaps = {s["DBClusterSnapshotIdentifier"]: s["SnapshotType"] for s in rds1.describe_db_cluster_snapshots()["DBClusterSnapshots"]}
    assert snaps == {"c-final": "manual"}, "automated backups go with the cluster, the final snapshot stays"
    # Re-creating the same identifier at once works (no stale automated backup name in the way).
    rds1.create_db_cluster(DBClusterIdentifier="c", Engine=ENGINE, MasterUsername="a", MasterUserPassword="password1")


def test_global_cluster_deletion_protection(rds1):
    rds1.create_global_cluster(GlobalClusterIdentifier="g1", Engine=ENGINE, DeletionProtection=True)
    with pytest.raises(ClientError) as e:
        rds1.delete_global_cluster(GlobalClusterIdentifier="g1")
    assert error_code(e) == "InvalidParameterCombination"
    rds1.modify_global_cluster(GlobalClusterIdentifier="g1", DeletionProtection=False)
    rds1.delete_global_cluster(GlobalClusterIdentifier="g1")
    with pytest.raises(ClientError) as e:
        rds1.delete_global_cluster(GlobalClusterIdentifier="g1")
    assert error_code(e) == "GlobalClusterNotFoundFault"


def test_global_cluster_from_an_existing_cluster_in_another_region(emu, rds1, rds2):
    src = rds2.create_db_cluster(DBClusterIdentifier="src", Engine=ENGINE, EngineVersion=VERSION,
                                 MasterUsername="a", MasterUserPassword="password1")["DBCluster"]
    with pytest.raises(ClientError) as e:
        rds1.create_global_cluster(GlobalClusterIdentifier="g1", SourceDBClusterIdentifier=src["DBClusterArn"], Engine=ENGINE)
    assert error_code(e) == "InvalidParameterCombination"
    gc = rds1.create_global_cluster(GlobalClusterIdentifier="g1", SourceDBClusterIdentifier=src["DBClusterArn"])["GlobalCluster"]
    assert gc["Engine"] == ENGINE and gc["EngineVersion"] == VERSION
    assert writer(rds1, "g1") == src["DBClusterArn"]


def test_secondary_refused_while_the_source_is_being_promoted(emu, rds1, rds2):
    emu.control("POST", "lifecycle", {"rds": {"source-promotion": 3}})
    src = rds1.create_db_cluster(DBClusterIdentifier="src", Engine=ENGINE, EngineVersion=VERSION,
                                 MasterUsername="a", MasterUserPassword="password1")["DBCluster"]
    rds1.create_global_cluster(GlobalClusterIdentifier="g1", SourceDBClusterIdentifier=src["DBClusterArn"])
    assert writer(rds1, "g1") is None
    with pytest.raises(ClientError) as e:
        rds2.create_db_cluster(DBClusterIdentifier="s", Engine=ENGINE, GlobalClusterIdentifier="g1")
    assert error_code(e) == "InvalidDBClusterStateFault"
    assert "not valid for physical replication" in error_message(e)
    wait_for(lambda: writer(rds1, "g1") == src["DBClusterArn"])
    rds2.create_db_cluster(DBClusterIdentifier="s", Engine=ENGINE, GlobalClusterIdentifier="g1")


def test_global_clusters_are_tagged_by_their_arn(rds1, rds2):
    rds1.create_global_cluster(GlobalClusterIdentifier="tagged", Engine=ENGINE)
    arn = "arn:aws:rds::123456789012:global-cluster:tagged"
    rds2.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "team", "Value": "payments"}, {"Key": "env", "Value": "prod"}])
    rds1.remove_tags_from_resource(ResourceName=arn, TagKeys=["env"])
    assert rds1.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "team", "Value": "payments"}]
    with pytest.raises(ClientError) as e:
        rds1.add_tags_to_resource(ResourceName="arn:aws:rds::123456789012:global-cluster:missing", Tags=[{"Key": "a", "Value": "b"}])
    assert error_code(e) == "GlobalClusterNotFoundFault"
