"""What exists, per service and Region, read straight from the backends: for "nothing left" and "no duplicate"."""

from __future__ import annotations

from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID


def _regions(backend_dict: Any, account: str) -> list[tuple[str, Any]]:
    per_account = backend_dict.get(account) if hasattr(backend_dict, "get") else None
    if per_account is None:
        return []
    return sorted(dict.items(per_account))


def rds(account: str) -> dict:
    from moto.rds.models import rds_backends

    from .patches import rds as p

    out: dict[str, list] = {"global_clusters": [], "clusters": [], "instances": [], "cluster_snapshots": []}
    for region, backend in _regions(rds_backends, account):
        for gc in list(backend.global_clusters.values()) + list(p._ghosts(backend, "globals").values()):
            out["global_clusters"].append(
                {
                    "id": gc.global_cluster_identifier,
                    "arn": gc.global_cluster_arn,
                    "status": gc.status,
                    "engine_version": gc.engine_version,
                    "deletion_protection": bool(gc.deletion_protection),
                    "failover_state": gc.failover_state,
                    "members": [
                        {
                            "arn": c.db_cluster_arn,
                            "region": c.region,
                            "is_writer": bool(c.is_writer),
                            "synchronization_status": getattr(c, "_emu_sync", "connected"),
                        }
                        for c in gc.members
                    ],
                }
            )
        for c in list(backend.clusters.values()) + list(p._ghosts(backend, "clusters").values()):
            gc = p.global_of(c)
            out["clusters"].append(
                {
                    "id": c.db_cluster_identifier,
                    "arn": c.db_cluster_arn,
                    "region": region,
                    "status": p.raw_status(c),
                    "engine": c.engine,
                    "engine_version": c.engine_version,
                    "global_cluster": gc.global_cluster_identifier if gc else None,
                    "is_writer": bool(c.is_writer) if gc else None,
                }
            )
        for db in list(backend.databases.values()) + list(p._ghosts(backend, "instances").values()):
            out["instances"].append(
                {
                    "id": db.db_instance_identifier,
                    "region": region,
                    "status": db.status,
                    "cluster": getattr(db, "db_cluster_identifier", None),
                }
            )
        for sid, snap in backend.cluster_snapshots.items():
            out["cluster_snapshots"].append(
                {"id": sid, "region": region, "type": snap.snapshot_type, "cluster": snap.cluster.db_cluster_identifier}
            )
    return out


def route53(account: str) -> dict:
    from moto.route53.models import route53_backends

    zones, checks, dangling = [], [], []
    for _, backend in _regions(route53_backends, account):
        for zone in backend.zones.values():
            records = []
            for rr in zone.rrsets:
                records.append(
                    {
                        "name": rr.name,
                        "type": rr.type,
                        "set_identifier": rr.set_identifier,
                        "failover": rr.failover,
                        "health_check_id": rr.health_check_id,
                        "values": list(rr.records or []),
                        "alias_target": rr.alias_target,
                    }
                )
                if rr.health_check_id and rr.health_check_id not in backend.health_checks:
                    dangling.append({"zone": zone.id, "name": rr.name, "health_check_id": rr.health_check_id})
            zones.append({"id": zone.id, "name": zone.name, "private": bool(zone.private_zone), "records": records})
        from .patches.route53 import endpoint_healthy

        for hc in backend.health_checks.values():
            checks.append(
                {
                    "id": hc.id,
                    "caller_reference": hc.caller_reference,
                    "type": hc.type_,
                    "fqdn": hc.fqdn,
                    "ip_address": hc.ip_address,
                    "healthy": endpoint_healthy(hc),
                }
            )
    return {"hosted_zones": zones, "health_checks": checks, "dangling_health_check_refs": dangling}


def dynamodb(account: str) -> dict:
    from moto.dynamodb.models import dynamodb_backends

    from .patches.dynamodb import group_of

    tables = []
    for region, backend in _regions(dynamodb_backends, account):
        for table in backend.tables.values():
            g = group_of(table) or {}
            tables.append(
                {
                    "name": table.name,
                    "region": region,
                    "status": getattr(table, "_emu_status", None) or "ACTIVE",
                    "items": len(table),
                    "replicas": {k: v for k, v in sorted(g.items()) if k != region},
                    "stream_enabled": bool((table.stream_specification or {}).get("StreamEnabled")),
                    "billing_mode": table.billing_mode,
                }
            )
    return {"tables": tables}


def s3(account: str) -> dict:
    from moto.s3.models import s3_backends

    buckets = []
    for _, backend in _regions(s3_backends, account):
        for bucket in backend.buckets.values():
            names = [name for name, versions in bucket.keys.lists() if versions]
            versions = sum(len(v) for _, v in bucket.keys.lists())
            buckets.append(
                {
                    "name": bucket.name,
                    "region": bucket.region_name,
                    "objects": len(names),
                    "object_versions": versions,
                    "versioning": bucket.versioning_status,
                    "replication_rules": len((getattr(bucket, "replication", None) or {}).get("Rule") or [])
                    if isinstance((getattr(bucket, "replication", None) or {}).get("Rule"), list)
                    else (1 if getattr(bucket, "replication", None) else 0),
                }
            )
    return {"buckets": buckets}


def iam(account: str) -> dict:
    from moto.iam.models import iam_backends

    roles = []
    for _, backend in _regions(iam_backends, account):
        roles.extend({"name": role.name, "arn": role.arn} for role in backend.roles.values())
    return {"roles": roles}


def snapshot(account: str = DEFAULT_ACCOUNT_ID) -> dict:
    return {
        "account": account,
        "rds": rds(account),
        "route53": route53(account),
        "dynamodb": dynamodb(account),
        "s3": s3(account),
        "iam": iam(account),
    }
