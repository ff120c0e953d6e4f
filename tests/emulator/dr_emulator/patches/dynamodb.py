"""DynamoDB global tables, version 2019.11.21: UpdateTable ReplicaUpdates creates and deletes the replica
table in the other Region, DescribeTable lists Replicas, and writes reach every replica (DynamoDB developer
guide, "Global tables: how it works"; API reference UpdateTable / ReplicaUpdate / TableDescription)."""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb import responses as r
from moto.dynamodb.exceptions import MockValidationException, ResourceNotFoundException
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from .. import state

# (account, table name) -> {region: ReplicaStatus}; a table with one Region left is no longer global.
groups: dict[tuple[str, str], dict[str, str]] = {}


@state.on_reset
def _reset() -> None:
    groups.clear()


def group_of(table: Table) -> dict[str, str] | None:
    g = groups.get((table.account_id, table.name))
    if g is not None and table.region_name in g:
        return g
    return None


_orig_describe = Table.describe


def describe(self: Table, base_key: str = "TableDescription") -> dict[str, Any]:
    out = _orig_describe(self, base_key)
    desc = out[base_key]
    status = getattr(self, "_emu_status", None)
    if status:
        desc["TableStatus"] = status
    g = group_of(self)
    if g is not None:
        # A table lists the other Regions' replicas, not itself.
        desc["Replicas"] = [
            {"RegionName": region, "ReplicaStatus": replica_status}
            for region, replica_status in sorted(g.items())
            if region != self.region_name
        ]
        desc["GlobalTableVersion"] = "2019.11.21"
    return out


def _backend(account: str, region: str) -> Any:
    return dynamodb_backends[account][region]


def _clone_table(src: Table, region: str) -> Table:
    gsis = []
    for index in src.global_indexes:
        d = index.describe()
        gsi = {k: d[k] for k in ("IndexName", "KeySchema", "Projection") if k in d}
        if src.billing_mode != "PAY_PER_REQUEST" and "ProvisionedThroughput" in d:
            pt = d["ProvisionedThroughput"]
            gsi["ProvisionedThroughput"] = {
                "ReadCapacityUnits": pt.get("ReadCapacityUnits", 1),
                "WriteCapacityUnits": pt.get("WriteCapacityUnits", 1),
            }
        gsis.append(gsi)
    lsis = []
    for index in src.indexes:
        d = index.describe()
        lsis.append({k: d[k] for k in ("IndexName", "KeySchema", "Projection") if k in d})
    throughput = None
    if src.billing_mode != "PAY_PER_REQUEST":
        throughput = {
            "ReadCapacityUnits": src.throughput.get("ReadCapacityUnits", 1),
            "WriteCapacityUnits": src.throughput.get("WriteCapacityUnits", 1),
        }
    streams = dict(src.stream_specification) if src.stream_specification else None
    return _backend(src.account_id, region).create_table(
        src.name,
        schema=copy.deepcopy(src.schema),
        throughput=throughput,
        attr=copy.deepcopy(src.attr),
        global_indexes=gsis,
        indexes=lsis,
        streams=streams,
        billing_mode=src.billing_mode or "PROVISIONED",
        sse_specification=copy.deepcopy(src.sse_specification),
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )


def replicate_items(account: str, name: str, from_region: str) -> None:
    g = groups.get((account, name))
    if not g:
        return
    src = _backend(account, from_region).tables.get(name)
    if src is None:
        return
    for region in g:
        if region == from_region:
            continue
        dst = _backend(account, region).tables.get(name)
        if dst is not None:
            dst.items = copy.deepcopy(src.items)


def _schedule_replication(account: str, name: str, region: str) -> None:
    if (account, name) not in groups:
        return
    delay = state.duration("dynamodb", "replication")
    state.schedule(delay, lambda: replicate_items(account, name, region))


_orig_update_table = r.DynamoHandler.update_table


def update_table(self: r.DynamoHandler) -> ActionResult:
    updates = self.body.get("ReplicaUpdates")
    if not updates:
        return _orig_update_table(self)
    account, region = self.current_account, self.region
    name = self.body["TableName"]
    backend = self.dynamodb_backend
    table = backend.tables.get(name)
    if table is None:
        raise ResourceNotFoundException(table_name=name)
    others = [k for k in self.body if k not in ("TableName", "ReplicaUpdates")]
    if others:
        raise MockValidationException(
            f"ReplicaUpdates cannot be combined with other table updates in one UpdateTable request: {sorted(others)}"
        )
    g = groups.setdefault((account, name), {region: "ACTIVE"})
    try:
        _apply_replica_updates(account, region, name, table, g, updates)
    finally:
        if len(g) <= 1:
            groups.pop((account, name), None)
    return r.DynamoResult(table.describe())


def _apply_replica_updates(account: str, region: str, name: str, table: Table, g: dict, updates: list) -> None:
    for update in updates:
        if "Create" in update:
            target = update["Create"]["RegionName"]
            if target in g or target == region:
                raise MockValidationException(
                    f"Failed to create a the new replica of table with name: '{name}' because one or more replicas already existed as tables."
                )
            if name in _backend(account, target).tables:
                raise MockValidationException(
                    f"Failed to create a the new replica of table with name: '{name}' because one or more replicas already existed as tables."
                )
            if not (table.stream_specification or {}).get("StreamEnabled"):
                # Version 2019.11.21 turns on streams (new and old images) for the replication it runs.
                table.set_stream_specification({"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
            replica = _clone_table(table, target)
            replica.items = copy.deepcopy(table.items)
            seconds = state.duration("dynamodb", "replica-creating")
            if seconds > 0:
                g[target] = "CREATING"
                replica._emu_status = "CREATING"
                table._emu_status = "UPDATING"

                def created(target: str = target, replica: Table = replica) -> None:
                    if target in g:
                        g[target] = "ACTIVE"
                    replica._emu_status = None
                    if not any(s != "ACTIVE" for s in g.values()):
                        table._emu_status = None

                state.schedule(seconds, created)
            else:
                g[target] = "ACTIVE"
        elif "Delete" in update:
            target = update["Delete"]["RegionName"]
            if target not in g or target == region:
                raise MockValidationException(
                    "Replica specified in the Replica Update or Replica Delete action of the request was not found."
                )

            def deleted(target: str = target) -> None:
                g.pop(target, None)
                _backend(account, target).tables.pop(name, None)
                if len(g) <= 1:
                    groups.pop((account, name), None)
                if not any(s != "ACTIVE" for s in g.values()):
                    table._emu_status = None

            seconds = state.duration("dynamodb", "replica-deleting")
            if seconds > 0:
                g[target] = "DELETING"
                table._emu_status = "UPDATING"
                state.schedule(seconds, deleted)
            else:
                deleted()
        elif "Update" in update:
            target = update["Update"]["RegionName"]
            if target not in g:
                raise MockValidationException(
                    "Replica specified in the Replica Update or Replica Delete action of the request was not found."
                )


_orig_delete_table = r.DynamoHandler.delete_table


def delete_table(self: r.DynamoHandler) -> ActionResult:
    result = _orig_delete_table(self)
    key = (self.current_account, self.body["TableName"])
    g = groups.get(key)
    if g is not None:
        g.pop(self.region, None)
        if len(g) <= 1:
            groups.pop(key, None)
    return result


def _touched_tables(body: dict) -> set[str]:
    names = set()
    if "TableName" in body:
        names.add(body["TableName"])
    names.update((body.get("RequestItems") or {}).keys())
    for item in body.get("TransactItems") or []:
        for op in item.values():
            if isinstance(op, dict) and "TableName" in op:
                names.add(op["TableName"])
    return names


def _wrap_write(name: str) -> None:
    orig = getattr(r.DynamoHandler, name)

    def wrapped(self: r.DynamoHandler) -> Any:
        result = orig(self)
        account, region = self.current_account, self.region
        touched = _touched_tables(self.body)
        if not touched:  # PartiQL names tables inside statements: replicate every global table here
            touched = {n for (a, n), g in groups.items() if a == account and region in g}
        for table_name in touched:
            _schedule_replication(account, table_name, region)
        return result

    wrapped.__name__ = name
    setattr(r.DynamoHandler, name, wrapped)


def install() -> None:
    Table.describe = describe
    r.DynamoHandler.update_table = update_table
    r.DynamoHandler.delete_table = delete_table
    for name in (
        "put_item",
        "update_item",
        "delete_item",
        "batch_write_item",
        "transact_write_items",
        "execute_statement",
        "execute_transaction",
        "batch_execute_statement",
    ):
        if hasattr(r.DynamoHandler, name):
            _wrap_write(name)
