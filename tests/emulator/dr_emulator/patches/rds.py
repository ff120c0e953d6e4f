"""Aurora global database behaviour that disaster recovery depends on, added to moto's RDS.

Sources (see README): the RDS API model (aws-sdk-rds / botocore rds-2014-10-31), the Aurora global database
disaster-recovery guide, and AWS error texts users have reported (cited in /work/shared/reference/aws-dr.md).
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

from moto.core.responses import ActionResult
from moto.rds import models as m
from moto.rds import responses as r
from moto.rds.exceptions import (
    DBClusterNotFoundError,
    DBInstanceNotFoundError,
    InvalidParameterCombination,
    InvalidParameterValue,
    RDSClientError,
)

from .. import state

GLOBAL_REGION = "us-east-1"  # where moto keeps the account's global clusters
TRANSITIONAL = {"creating", "modifying", "deleting", "promoting", "switching-over", "failing-over", "upgrading"}


def _err(code: str, message: str) -> RDSClientError:
    return RDSClientError(code, message)


def global_not_found(gid: str) -> RDSClientError:
    return _err("GlobalClusterNotFoundFault", f"Global cluster {gid} not found.")


def _backend(account: str, region: str) -> m.RDSBackend:
    return m.rds_backends[account][region]


def _global_backend(account: str) -> m.RDSBackend:
    return m.rds_backends[account][GLOBAL_REGION]


def _gid(ident: str) -> str:
    return ident.split(":")[-1].lower() if ident.startswith("arn:") else ident.lower()


def find_global(account: str, ident: str) -> m.GlobalCluster | None:
    return _global_backend(account).global_clusters.get(_gid(ident))


def global_of(cluster: m.DBCluster) -> m.GlobalCluster | None:
    for gc in _global_backend(cluster.account_id).global_clusters.values():
        if any(member is cluster for member in gc.members):
            return gc
    return None


def resolve_cluster(account: str, ident: str, default_region: str) -> m.DBCluster | None:
    if ident.startswith("arn:"):
        parts = ident.split(":")
        if len(parts) < 7:
            return None
        return _backend(account, parts[3]).clusters.get(parts[-1])
    return _backend(account, default_region).clusters.get(ident)


def raw_status(obj: Any) -> str:
    """The status a rule should see. moto's DBCluster.status flips "creating" to "available" on its first
    read; reading it here must not consume that, and an unheld "creating" is already available."""
    if isinstance(obj, m.DBCluster):
        status = obj._status
        if status == "creating" and not getattr(obj, "_emu_hold", False):
            return "available"
        return status
    return getattr(obj, "status", "available")


def writer_of(gc: m.GlobalCluster) -> m.DBCluster | None:
    return next((c for c in gc.members if c.is_writer), None)


def live_instances(cluster: m.DBCluster) -> list[m.DBInstanceClustered]:
    return [i for i in cluster._members if i.status != "deleting"]


def transition(obj: Any, kind: str, name: str, then: Callable[[], None] | None = None, final: str = "available") -> None:
    """Show `name` as the object's status for the configured time, then `final`; run `then` at the end."""
    seconds = state.duration("rds", name, kind)
    if seconds <= 0:
        if then:
            then()
        return
    token = object()
    obj._emu_token = token
    obj._emu_hold = True
    if isinstance(obj, m.DBCluster):
        obj._status = name
    else:
        obj.status = name

    def done() -> None:
        if getattr(obj, "_emu_token", None) is not token:
            return
        obj._emu_hold = False
        if isinstance(obj, m.DBCluster):
            obj._status = final
        else:
            obj.status = final
        if then:
            then()

    state.schedule(seconds, done)


def _ghosts(backend: m.RDSBackend, kind: str) -> dict:
    attr = f"_emu_ghost_{kind}"
    if not hasattr(backend, attr):
        setattr(backend, attr, {})
    return getattr(backend, attr)


def _linger(backend: m.RDSBackend, kind: str, obj: Any, ident: str, seconds: float) -> None:
    """Keep a deleted object visible (status deleting) for the configured time, as AWS does."""
    if seconds <= 0:
        return
    if isinstance(obj, m.DBCluster):
        obj._status = "deleting"
        obj._emu_hold = True
    else:
        obj.status = "deleting"
    ghosts = _ghosts(backend, kind)
    ghosts[ident.lower()] = obj
    state.schedule(seconds, lambda: ghosts.pop(ident.lower(), None))


# ------------------------------------------------------------------ model patches


def _cluster_status_get(self: m.DBCluster) -> str:
    if getattr(self, "_emu_hold", False):
        return self._status
    return _orig_cluster_status.fget(self)  # type: ignore[misc]


_orig_cluster_status = m.DBCluster.status
_orig_members = m.GlobalCluster.global_cluster_members


def _global_members(self: m.GlobalCluster) -> list[dict[str, Any]]:
    out = _orig_members.fget(self)  # type: ignore[misc]
    by_arn = {c.db_cluster_arn: c for c in self.members}
    for entry in out:
        cluster = by_arn.get(entry["DBClusterArn"])
        entry["SynchronizationStatus"] = getattr(cluster, "_emu_sync", "connected")
    return out


def _save_automated_backup(self: m.DBCluster) -> None:
    # AWS names automated snapshots by the minute; a cluster re-created within that minute must not collide.
    stamp = time.strftime("%Y-%m-%d-%H-%M", time.gmtime())
    snapshot_id = f"rds:{self.db_cluster_identifier}-{stamp}"
    if snapshot_id not in self.backend.cluster_snapshots:
        self.backend.create_auto_cluster_snapshot(self.db_cluster_identifier, snapshot_id)


# ------------------------------------------------------------------ response handlers

_orig = {
    name: getattr(r.RDSResponse, name)
    for name in (
        "create_db_cluster",
        "create_db_instance",
        "modify_db_cluster",
        "modify_db_instance",
        "delete_db_cluster",
        "delete_db_instance",
        "create_global_cluster",
        "delete_global_cluster",
        "describe_db_clusters",
        "describe_db_instances",
    )
}


def _param(self: r.RDSResponse, name: str) -> Any:
    value = self.params.get(name)
    return value


def create_global_cluster(self: r.RDSResponse) -> ActionResult:
    gid = str(_param(self, "GlobalClusterIdentifier") or "").lower()
    gb = _global_backend(self.current_account)
    if gid in gb.global_clusters or gid in _ghosts(gb, "globals"):
        raise _err("GlobalClusterAlreadyExistsFault", f"Global cluster {gid} already exists")
    source_ident = _param(self, "SourceDBClusterIdentifier")
    if source_ident:
        source = resolve_cluster(self.current_account, source_ident, self.region)
        if source is not None and global_of(source) is not None:
            raise _err("InvalidDBClusterStateFault", f"Cluster {source.db_cluster_arn} is already a member of a global cluster.")
    if not source_ident:
        result = _orig["create_global_cluster"](self)
        gc = gb.global_clusters[gid]
    else:
        # moto looks the source up in us-east-1 only; AWS takes a source in any Region (by ARN).
        if not source_ident.startswith("arn:"):
            raise InvalidParameterValue(f"Malformed db cluster arn {source_ident}")
        source = resolve_cluster(self.current_account, source_ident, self.region)
        if source is None:
            raise DBClusterNotFoundError(source_ident)
        for inherited in ("Engine", "EngineVersion", "DatabaseName", "StorageEncrypted"):
            if _param(self, inherited) is not None:
                raise InvalidParameterCombination(
                    f"When creating a global cluster from an existing DB cluster, {inherited} must not be specified: it is inherited from the source cluster."
                )
        gc = m.GlobalCluster(
            backend=gb,
            global_cluster_identifier=gid,
            engine=source.engine,
            engine_version=source.engine_version,
            storage_encrypted=source.storage_encrypted,
            deletion_protection=_param(self, "DeletionProtection"),
        )
        gb.global_clusters[gid] = gc
        gc.members.append(source)
        source.global_cluster_identifier = gc.global_cluster_identifier
        source.is_writer = False
        result = ActionResult({"GlobalCluster": gc})
    if gc.members:
        source = gc.members[0]

        def promoted() -> None:
            source.is_writer = True
            source._emu_pending_primary = False

        # The source becomes the global primary asynchronously (observed: 30-60 s, tpa#48769).
        source._emu_pending_primary = True
        seconds = state.duration("rds", "source-promotion")
        if seconds > 0:
            state.schedule(seconds, promoted)
        else:
            promoted()
    transition(gc, "global-cluster", "creating")
    return result


def create_db_cluster(self: r.RDSResponse) -> ActionResult:
    account, region = self.current_account, self.region
    cid = str(_param(self, "DBClusterIdentifier") or "")
    backend = _backend(account, region)
    if cid and (cid in backend.clusters or cid.lower() in _ghosts(backend, "clusters")):
        raise _err("DBClusterAlreadyExistsFault", "DB Cluster already exists")
    gid_param = _param(self, "GlobalClusterIdentifier")
    gc = None
    if gid_param:
        gc = find_global(account, gid_param)
        if gc is None:
            raise global_not_found(gid_param)
        if gc.failover_state:
            raise _err("InvalidGlobalClusterStateFault", f"Global cluster {gc.global_cluster_identifier} is not in a valid state: a switchover or failover is in progress.")
        if gc.members:
            pending = [c for c in gc.members if getattr(c, "_emu_pending_primary", False)]
            if pending:
                raise _err(
                    "InvalidDBClusterStateFault",
                    f"Source cluster: {pending[0].db_cluster_arn} is in a state which is not valid for physical replication.",
                )
            # A secondary takes its credentials and database from the primary (aws-dr.md 1.3).
            if _param(self, "MasterUsername"):
                raise InvalidParameterCombination("Cannot specify user name for cross region replication cluster")
            if _param(self, "MasterUserPassword"):
                raise InvalidParameterCombination("Cannot specify password for cross region replication cluster")
            if _param(self, "DatabaseName"):
                raise InvalidParameterCombination("Cannot specify database name for cross region replication cluster")
        else:
            if not _param(self, "MasterUsername"):
                raise InvalidParameterValue("The parameter MasterUsername must be provided and must not be blank.")
            if not _param(self, "MasterUserPassword") and not _param(self, "ManageMasterUserPassword"):
                raise InvalidParameterValue("The parameter MasterUserPassword must be provided and must not be blank.")
    result = _orig["create_db_cluster"](self)
    cluster = backend.clusters[cid]
    if gc is not None:
        cluster.global_cluster_identifier = gc.global_cluster_identifier
        if not any(c is cluster for c in gc.members):
            cluster.is_writer = writer_of(gc) is None
            gc.members.append(cluster)
    transition(cluster, "cluster", "creating")
    return result


def create_db_instance(self: r.RDSResponse) -> ActionResult:
    iid = str(_param(self, "DBInstanceIdentifier") or "")
    backend = _backend(self.current_account, self.region)
    if iid.lower() in _ghosts(backend, "instances"):
        raise _err("DBInstanceAlreadyExists", "DB instance already exists")
    result = _orig["create_db_instance"](self)
    transition(backend.databases[iid], "instance", "creating")
    return result


def modify_db_cluster(self: r.RDSResponse) -> ActionResult:
    cid = str(_param(self, "DBClusterIdentifier") or "")
    backend = _backend(self.current_account, self.region)
    cluster = backend.clusters.get(cid)
    if cluster is None:
        raise DBClusterNotFoundError(cid)
    status = raw_status(cluster)
    if status in TRANSITIONAL and status != "creating":
        raise _err("InvalidDBClusterStateFault", f"DB cluster {cid} is not in available state: it is {status}.")
    result = _orig["modify_db_cluster"](self)
    new_id = _param(self, "NewDBClusterIdentifier") or cid
    cluster = backend.clusters[new_id]
    transition(cluster, "cluster", "modifying")
    copy = result.result.get("DBCluster") if isinstance(result.result, dict) else None
    if copy is not None and copy is not cluster and getattr(cluster, "_emu_hold", False):
        copy._status = "modifying"
        copy._emu_hold = True
    return result


def modify_db_instance(self: r.RDSResponse) -> ActionResult:
    result = _orig["modify_db_instance"](self)
    iid = _param(self, "NewDBInstanceIdentifier") or _param(self, "DBInstanceIdentifier")
    db = _backend(self.current_account, self.region).databases.get(iid)
    if db is not None:
        transition(db, "instance", "modifying")
    return result


def delete_db_instance(self: r.RDSResponse) -> ActionResult:
    iid = str(_param(self, "DBInstanceIdentifier") or "")
    backend = _backend(self.current_account, self.region)
    db = backend.databases.get(iid)
    if db is None:
        if iid.lower() in _ghosts(backend, "instances"):
            raise _err("InvalidDBInstanceState", f"Instance {iid} is already being deleted.")
        raise DBInstanceNotFoundError(iid)
    cluster = getattr(db, "cluster", None)
    if cluster is not None:
        gc = global_of(cluster)
        others = [i for i in live_instances(cluster) if i is not db]
        if gc is not None and cluster.is_writer and len(gc.members) > 1 and not others:
            # rebuy-de/aws-nuke#570
            raise _err(
                "InvalidDBClusterStateFault",
                "Cannot delete the last instance of the master cluster. Delete the replica cluster before deleting the last master cluster instance.",
            )
    result = _orig["delete_db_instance"](self)
    _linger(backend, "instances", db, iid, state.duration("rds", "deleting", "instance"))
    return result


def delete_db_cluster(self: r.RDSResponse) -> ActionResult:
    cid = str(_param(self, "DBClusterIdentifier") or "")
    backend = _backend(self.current_account, self.region)
    cluster = backend.clusters.get(cid)
    if cluster is None:
        if cid.lower() in _ghosts(backend, "clusters"):
            raise _err("InvalidDBClusterStateFault", f"DB cluster {cid} is already being deleted.")
        raise DBClusterNotFoundError(cid)
    skip = _param(self, "SkipFinalSnapshot")
    final = _param(self, "FinalDBSnapshotIdentifier")
    if not skip and not final:
        raise InvalidParameterCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
    if skip and final:
        raise InvalidParameterCombination("FinalDBSnapshotIdentifier cannot be specified when SkipFinalSnapshot is true.")
    gc = global_of(cluster)
    if gc is not None:
        if cluster.is_writer and len(gc.members) > 1:
            # gruntwork-io/cloud-nuke#597, tpa#26236
            raise _err(
                "InvalidGlobalClusterStateFault",
                "Unable to delete cluster that is a primary member of global cluster while there are other global cluster members",
            )
        # hashicorp/terraform#20929
        raise _err("InvalidDBClusterStateFault", "This cluster is a part of a global cluster, please remove it from globalcluster first")
    status = raw_status(cluster)
    if final and status != "available":
        # tpa PR#40333: a final snapshot needs an available cluster (e.g. not while promoting)
        raise _err(
            "InvalidDBClusterStateFault",
            f"Can't create a snapshot because the database cluster {cid} isn't currently in the available state.",
        )
    if status in ("promoting", "deleting"):
        raise _err("InvalidDBClusterStateFault", f"DB cluster {cid} is in {status} state and cannot be deleted now.")
    result = _orig["delete_db_cluster"](self)
    # Automated backups go with the cluster; the unplanned-failover snapshot is kept for its retention period.
    for sid, snap in list(backend.cluster_snapshots.items()):
        if (
            snap.snapshot_type == "automated"
            and sid.startswith(f"rds:{cluster.db_cluster_identifier}-")
        ):
            del backend.cluster_snapshots[sid]
    _linger(backend, "clusters", cluster, cid, state.duration("rds", "deleting", "cluster"))
    return result


def delete_global_cluster(self: r.RDSResponse) -> ActionResult:
    gid_param = str(_param(self, "GlobalClusterIdentifier") or "")
    gb = _global_backend(self.current_account)
    gc = find_global(self.current_account, gid_param)
    if gc is None:
        if _gid(gid_param) in _ghosts(gb, "globals"):
            raise _err("InvalidGlobalClusterStateFault", f"Global cluster {gid_param} is already being deleted.")
        raise global_not_found(gid_param)
    if gc.deletion_protection:
        raise InvalidParameterCombination("Cannot delete protected Global Cluster, please disable deletion protection and try again.")
    if gc.members:
        raise _err("InvalidGlobalClusterStateFault", f"Global Cluster {gc.global_cluster_arn} is not empty")
    result = _orig["delete_global_cluster"](self)
    _linger(gb, "globals", gc, gc.global_cluster_identifier, state.duration("rds", "deleting", "global-cluster"))
    return result


def describe_global_clusters(self: r.RDSResponse) -> ActionResult:
    gb = _global_backend(self.current_account)
    ident = _param(self, "GlobalClusterIdentifier")
    everything = list(gb.global_clusters.values()) + list(_ghosts(gb, "globals").values())
    if ident:
        wanted = _gid(ident)
        found = [g for g in everything if g.global_cluster_identifier == wanted]
        if not found:
            raise global_not_found(ident)
        return ActionResult({"GlobalClusters": found})
    return ActionResult({"GlobalClusters": everything})


def _cluster_filter_ids(self: r.RDSResponse) -> list[str] | None:
    for f in self.params.get("Filters", []) or []:
        if f["Name"] == "db-cluster-id":
            return [v.split(":")[-1].lower() for v in f["Values"]]
    return None


def describe_db_clusters(self: r.RDSResponse) -> ActionResult:
    backend = _backend(self.current_account, self.region)
    ident = _param(self, "DBClusterIdentifier")
    ghosts = list(_ghosts(backend, "clusters").values())
    try:
        result = _orig["describe_db_clusters"](self)
    except DBClusterNotFoundError:
        match = [g for g in ghosts if g.db_cluster_identifier == str(ident).split(":")[-1].lower()]
        if match:
            return ActionResult({"DBClusters": match})
        raise
    if ident:
        return result
    wanted = _cluster_filter_ids(self)
    extra = [g for g in ghosts if wanted is None or g.db_cluster_identifier in wanted]
    result.result["DBClusters"] = list(result.result["DBClusters"]) + extra
    return result


def describe_db_instances(self: r.RDSResponse) -> ActionResult:
    backend = _backend(self.current_account, self.region)
    ident = _param(self, "DBInstanceIdentifier")
    ghosts = list(_ghosts(backend, "instances").values())
    try:
        result = _orig["describe_db_instances"](self)
    except DBInstanceNotFoundError:
        match = [g for g in ghosts if g.db_instance_identifier.lower() == str(ident).split(":")[-1].lower()]
        if match:
            return ActionResult({"DBInstances": match})
        raise
    if ident:
        return result
    wanted = _cluster_filter_ids(self)
    extra = [
        g for g in ghosts if wanted is None or (getattr(g, "db_cluster_identifier", None) or "").lower() in wanted
    ]
    result.result["DBInstances"] = list(result.result["DBInstances"]) + extra
    return result


def remove_from_global_cluster(self: r.RDSResponse) -> ActionResult:
    account = self.current_account
    gid_param = str(_param(self, "GlobalClusterIdentifier") or "")
    cid = str(_param(self, "DbClusterIdentifier") or "")
    gc = find_global(account, gid_param)
    if gc is None:
        raise global_not_found(gid_param)
    if not cid.startswith("arn:"):
        # The API takes the member's ARN (RDS model; aws-cloudformation-resource-providers-rds PR#103).
        raise InvalidParameterValue(f"The parameter DbClusterIdentifier must be the ARN of a DB cluster, got {cid}.")
    cluster = resolve_cluster(account, cid, self.region)
    if cluster is None:
        raise DBClusterNotFoundError(cid)
    if not any(c is cluster for c in gc.members):
        raise _err("InvalidGlobalClusterStateFault", f"The DB cluster {cid} is not a member of global cluster {gc.global_cluster_identifier}.")
    if gc.failover_state:
        raise _err("InvalidGlobalClusterStateFault", f"Global cluster {gc.global_cluster_identifier} has a switchover or failover in progress.")
    status = raw_status(cluster)
    if status == "promoting" or getattr(cluster, "_emu_detaching", False):
        raise _err("InvalidDBClusterStateFault", f"DB cluster {cid} is already being removed from the global cluster.")
    if cluster.is_writer and len(gc.members) > 1:
        # ekristen/aws-nuke PR#1018: "AWS rejects the removal of the writer while another member is attached".
        raise _err(
            "InvalidGlobalClusterStateFault",
            f"The primary cluster {cid} cannot be removed while the global cluster has other members; remove the secondary clusters first.",
        )

    def detached() -> None:
        if any(c is cluster for c in gc.members):
            gc.members.remove(cluster)
        cluster.global_cluster_identifier = None
        cluster.is_writer = False
        cluster._emu_sync = "connected"
        cluster._emu_detaching = False

    # The detached cluster is promoted to a standalone read/write cluster; membership ends when that completes.
    cluster._emu_detaching = True
    transition(cluster, "cluster", "promoting", then=detached)
    return ActionResult({"GlobalCluster": gc})


def _begin_global_switch(self: r.RDSResponse, allow_data_loss: bool) -> ActionResult:
    account = self.current_account
    gid_param = str(_param(self, "GlobalClusterIdentifier") or "")
    target_ident = str(_param(self, "TargetDbClusterIdentifier") or "")
    gc = find_global(account, gid_param)
    if gc is None:
        raise global_not_found(gid_param)
    target = resolve_cluster(account, target_ident, self.region)
    if target is None:
        target = next((c for c in gc.members if c.db_cluster_identifier == target_ident.lower()), None)
    if target is None:
        raise DBClusterNotFoundError(target_ident)
    if not any(c is target for c in gc.members):
        raise _err("InvalidGlobalClusterStateFault", f"The DB cluster {target.db_cluster_arn} is not a member of global cluster {gc.global_cluster_identifier}.")
    if gc.failover_state or gc.status != "available":
        raise _err("InvalidGlobalClusterStateFault", f"Global cluster {gc.global_cluster_identifier} is in {gc.status} state; another operation is in progress.")
    old = writer_of(gc)
    if old is target:
        raise _err("InvalidGlobalClusterStateFault", f"The DB cluster {target.db_cluster_arn} is already the primary cluster of global cluster {gc.global_cluster_identifier}.")
    if getattr(target, "_emu_detaching", False) or raw_status(target) != "available":
        raise _err("InvalidDBClusterStateFault", f"DB cluster {target.db_cluster_arn} is in {raw_status(target)} state, not available.")
    instances = live_instances(target)
    if not instances:
        # Aurora DR guide: no switchover or failover to a headless secondary.
        raise _err("InvalidDBClusterStateFault", f"DB cluster {target.db_cluster_arn} has no DB instances; add an instance before switching over or failing over to it.")
    if not any(i.status == "available" for i in instances):
        raise _err("InvalidDBClusterStateFault", f"DB cluster {target.db_cluster_arn} has no available DB instance.")
    if not allow_data_loss:
        # A switchover needs every member healthy, synchronised and on the same engine version.
        for member in gc.members:
            mstatus = raw_status(member)
            if mstatus != "available" or getattr(member, "_emu_detaching", False):
                raise _err("InvalidDBClusterStateFault", f"DB cluster {member.db_cluster_arn} is in {mstatus} state; every member must be available for a switchover.")
            if getattr(member, "_emu_sync", "connected") != "connected":
                raise _err("InvalidGlobalClusterStateFault", f"DB cluster {member.db_cluster_arn} is not synchronized ({member._emu_sync}); a switchover needs every member connected.")
        versions = {member.engine_version for member in gc.members}
        if len(versions) > 1:
            raise _err(
                "InvalidGlobalClusterStateFault",
                f"The members of global cluster {gc.global_cluster_identifier} run different engine versions ({', '.join(sorted(versions))}); a switchover needs the same engine version.",
            )

    name = "failing-over" if allow_data_loss else "switching-over"
    gc.failover_state = {
        "Status": name,
        "ToDbClusterArn": target.db_cluster_arn,
        "IsDataLossAllowed": allow_data_loss,
    }
    if old is not None:
        gc.failover_state["FromDbClusterArn"] = old.db_cluster_arn
    gc.status = name
    if allow_data_loss and old is not None:
        _failover_snapshot(old)

    def finished() -> None:
        if old is not None:
            old.is_writer = False
        target.is_writer = True
        gc.failover_state = None
        gc.status = "available"
        if allow_data_loss and old is not None:
            # The old primary is rebuilt as a secondary on a new volume before it is in sync again.
            old._emu_sync = "pending-resync"
            resync = state.duration("rds", "resync")

            def synced() -> None:
                old._emu_sync = "connected"

            state.schedule(resync, synced)

    seconds = state.duration("rds", name)
    snapshot_of_answer = ActionResult({"GlobalCluster": gc})
    if seconds <= 0:
        finished()
    else:
        state.schedule(seconds, finished)
    return snapshot_of_answer


def _failover_snapshot(old: m.DBCluster) -> None:
    stamp = time.strftime("%Y-%m-%d-%H-%M", time.gmtime())
    snapshot_id = f"rds:unplanned-global-failover-{old.db_cluster_identifier}-{stamp}"
    if snapshot_id not in old.backend.cluster_snapshots:
        old.backend.create_db_cluster_snapshot(old.db_cluster_identifier, snapshot_id, snapshot_type="automated")


def switchover_global_cluster(self: r.RDSResponse) -> ActionResult:
    return _begin_global_switch(self, allow_data_loss=False)


def failover_global_cluster(self: r.RDSResponse) -> ActionResult:
    allow = _param(self, "AllowDataLoss")
    switch = _param(self, "Switchover")
    if allow is not None and switch is not None:
        raise InvalidParameterCombination("AllowDataLoss and Switchover cannot be specified together.")
    return _begin_global_switch(self, allow_data_loss=bool(allow))


def modify_global_cluster(self: r.RDSResponse) -> ActionResult:
    account = self.current_account
    gid_param = str(_param(self, "GlobalClusterIdentifier") or "")
    gc = find_global(account, gid_param)
    if gc is None:
        raise global_not_found(gid_param)
    if gc.status != "available" or gc.failover_state:
        raise _err("InvalidGlobalClusterStateFault", f"Global cluster {gc.global_cluster_identifier} is in {gc.status} state.")
    protection = _param(self, "DeletionProtection")
    if protection is not None:
        gc.deletion_protection = bool(protection)
    version = _param(self, "EngineVersion")
    if version and version != gc.engine_version:
        if version.split(".")[0] == str(gc.engine_version).split(".")[0]:
            # tpa#45398, #36107
            raise InvalidParameterCombination(
                "ModifyGlobalCluster doesn't support minor version upgrades. Call ModifyDBCluster for each member cluster instead."
            )
        if not _param(self, "AllowMajorVersionUpgrade"):
            raise InvalidParameterCombination("The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
        gc.engine_version = version
        for member in gc.members:
            member.engine_version = version
    new_id = _param(self, "NewGlobalClusterIdentifier")
    if new_id:
        gb = _global_backend(account)
        if new_id.lower() in gb.global_clusters:
            raise _err("GlobalClusterAlreadyExistsFault", f"Global cluster {new_id} already exists")
        del gb.global_clusters[gc.global_cluster_identifier]
        gc.global_cluster_identifier = new_id
        gb.global_clusters[gc.global_cluster_identifier] = gc
        for member in gc.members:
            member.global_cluster_identifier = gc.global_cluster_identifier
    transition(gc, "global-cluster", "modifying")
    return ActionResult({"GlobalCluster": gc})


_GLOBAL_ARN = re.compile(r"^arn:aws[a-z-]*:rds::(\d{12}):global-cluster:(.+)$")
_orig_resource_for_tagging = m.RDSBackend._get_resource_for_tagging


def _resource_for_tagging(self: m.RDSBackend, arn: str) -> Any:
    """Global clusters are tagged by their region-less ARN (RDS API: AddTagsToResource,
    ListTagsForResource and RemoveTagsFromResource accept any RDS resource ARN); moto only
    recognises regional ARNs."""
    match = _GLOBAL_ARN.match(arn)
    if not match:
        return _orig_resource_for_tagging(self, arn)
    gc = find_global(match.group(1), match.group(2))
    if gc is None:
        raise global_not_found(match.group(2))
    return gc


def install() -> None:
    m.RDSBackend._get_resource_for_tagging = _resource_for_tagging
    m.DBCluster.status = property(_cluster_status_get, _orig_cluster_status.fset)
    m.DBCluster.save_automated_backup = _save_automated_backup
    m.GlobalCluster.global_cluster_members = property(_global_members)
    m.GlobalCluster.failover_state = None
    for fn in (
        create_global_cluster,
        create_db_cluster,
        create_db_instance,
        modify_db_cluster,
        modify_db_instance,
        delete_db_instance,
        delete_db_cluster,
        delete_global_cluster,
        describe_global_clusters,
        describe_db_clusters,
        describe_db_instances,
        remove_from_global_cluster,
        switchover_global_cluster,
        failover_global_cluster,
        modify_global_cluster,
    ):
        setattr(r.RDSResponse, fn.__name__, fn)
