"""S3: answers the AWS SDK for Rust can read, and cross-Region replication of new objects
(S3 user guide "Replicating objects"; API reference PutBucketReplication, ReplicationRule, HeadObject)."""

from __future__ import annotations

import re
import threading
from typing import Any

from moto.core.responses import ActionResult
from moto.s3 import models as m
from moto.s3 import responses as r
from moto.s3.exceptions import ReplicationConfigurationNotFoundError, S3ClientError

from .. import state
from ..app import POSTPROCESSORS
from ..ident import CallInfo
from ..wire import Response

# moto answers these with a root element the S3 model does not have; botocore ignores the root name, the
# AWS SDK for Rust rejects it ("encountered invalid XML root").
_ROOTS = {
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
}
_ROOT_RE = re.compile(rb"^(\s*(?:<\?xml[^>]*\?>\s*)?)<([A-Za-z0-9_]+)([^>]*?)>(.*)</\2>(\s*)$", re.S)
_EMPTY_ROOT_RE = re.compile(rb"^(\s*(?:<\?xml[^>]*\?>\s*)?)<([A-Za-z0-9_]+)([^>]*?)/>(\s*)$", re.S)


def fix_root(info: CallInfo, resp: Response) -> Response:
    want = _ROOTS.get(info.operation) if info.service == "s3" else None
    if want is None or resp.status != 200:
        return resp
    match = _ROOT_RE.match(resp.body)
    if match is not None:
        prolog, root, attrs, inner, tail = match.groups()
    else:
        empty = _EMPTY_ROOT_RE.match(resp.body)
        if empty is None:
            return resp
        prolog, root, attrs, tail = empty.groups()
        inner = b""
    if root.decode() == want:
        return resp
    if b"xmlns" not in attrs:
        attrs = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    body = prolog + b"<" + want.encode() + attrs + b">" + inner + b"</" + want.encode() + b">" + tail
    return Response(resp.status, resp.headers, body, resp.reason)


_replicating = threading.local()


def _rules_of(replication: dict) -> list[dict]:
    rules = replication.get("Rule") or []
    return rules if isinstance(rules, list) else [rules]


def _rules(bucket: Any) -> list[dict]:
    config = getattr(bucket, "replication", None)
    return _rules_of(config) if config else []


def _prefix(rule: dict) -> str:
    flt = rule.get("Filter")
    if isinstance(flt, dict):
        if "Prefix" in flt:
            return flt.get("Prefix") or ""
        conj = flt.get("And")
        if isinstance(conj, dict):
            return conj.get("Prefix") or ""
        return ""
    return rule.get("Prefix") or ""


def _destinations(bucket: Any, key_name: str) -> list[tuple[str, dict]]:
    """Destination bucket names for a new object; per destination the enabled matching rule of highest priority."""
    best: dict[str, tuple[int, dict]] = {}
    for rule in _rules(bucket):
        if rule.get("Status") != "Enabled" or not key_name.startswith(_prefix(rule)):
            continue
        dest = (rule.get("Destination") or {}).get("Bucket", "")
        name = dest.split(":::")[-1]
        priority = int(rule.get("Priority") or 0)
        if name and (name not in best or priority > best[name][0]):
            best[name] = (priority, rule)
    return [(name, rule) for name, (_, rule) in best.items()]


def _replicate(backend: m.S3Backend, source_bucket: str, key: Any, dest_name: str, rule: dict) -> None:
    dest_backend = m.s3_backends[backend.account_id][backend.partition]
    try:
        dest = dest_backend.get_bucket(dest_name)
    except Exception:
        key._emu_replication = "FAILED"
        return
    if not dest.is_versioned:
        # Replication needs versioning on the destination too.
        key._emu_replication = "FAILED"
        return
    storage = (rule.get("Destination") or {}).get("StorageClass")
    _replicating.active = True
    try:
        replica = dest_backend.put_object(dest_name, key.name, key.value, storage=storage)
    finally:
        _replicating.active = False
    replica.set_metadata(dict(key.metadata))
    replica._emu_replication = "REPLICA"
    key._emu_replication = "COMPLETED"


_orig_put_object = m.S3Backend.put_object


def put_object(self: m.S3Backend, bucket_name: str, key_name: str, value: bytes, *args: Any, **kwargs: Any) -> Any:
    key = _orig_put_object(self, bucket_name, key_name, value, *args, **kwargs)
    if getattr(_replicating, "active", False):
        return key
    bucket = self.get_bucket(bucket_name)
    targets = _destinations(bucket, key_name)
    if not targets:
        return key
    key._emu_replication = "PENDING"
    delay = state.duration("s3", "replication")
    for dest_name, rule in targets:
        state.schedule(delay, lambda d=dest_name, rl=rule: _replicate(self, bucket_name, key, d, rl))
    return key


_orig_put_replication = m.S3Backend.put_bucket_replication


def _check_rtc(rule: dict) -> None:
    """Replication Time Control: `ReplicationTime` and `Metrics` go together, and 15 is the only valid number of
    minutes (API reference ReplicationTime, ReplicationTimeValue, Metrics; aws-dr.md 3.7). Code and messages are
    ours: AWS documents the rule, not its error."""
    dest = rule.get("Destination") or {}
    rtc, metrics = dest.get("ReplicationTime"), dest.get("Metrics")
    rtc_on = isinstance(rtc, dict) and rtc.get("Status") == "Enabled"
    metrics_on = isinstance(metrics, dict) and metrics.get("Status") == "Enabled"
    if rtc_on and not metrics_on:
        raise S3ClientError("InvalidRequest", "Replication Time Control (ReplicationTime) must be used together with Metrics")
    for block, key in ((rtc, "Time"), (metrics, "EventThreshold")):
        if not isinstance(block, dict) or block.get("Status") != "Enabled" or key not in block:
            continue
        minutes = str((block.get(key) or {}).get("Minutes"))
        if minutes != "15":
            raise S3ClientError("InvalidArgument", f"{key} Minutes must be 15, got {minutes}")


def put_bucket_replication(self: m.S3Backend, bucket_name: str, replication: dict[str, Any]) -> None:
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise S3ClientError(
            "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
        )
    for rule in _rules_of(replication):
        _check_rtc(rule)
    _orig_put_replication(self, bucket_name, replication)


# What GetBucketReplication returns of a rule: every member the ReplicationRule shape has, as it was put. moto
# answers a fixed `DeleteMarkerReplication: Disabled` and `Filter: {Prefix: ""}` and drops
# `SourceSelectionCriteria`, so a reader could not tell what is configured.
_RULE_MEMBERS = (
    "ID",
    "Priority",
    "Prefix",
    "Filter",
    "Status",
    "SourceSelectionCriteria",
    "ExistingObjectReplication",
    "Destination",
    "DeleteMarkerReplication",
)


def _empty_as_text(value: Any) -> Any:
    """xmltodict reads `<Prefix></Prefix>` as None, which the serializer drops; AWS returns the empty element."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return {k: _empty_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_empty_as_text(v) for v in value]
    return value


def get_bucket_replication_response(self: r.S3Response) -> Any:
    self.data["Action"] = "GetBucketReplication"
    replication = self.backend.get_bucket_replication(self.bucket_name)
    if not replication:
        raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
    rules = []
    for rule in _rules_of(replication):
        out = {k: _empty_as_text(rule[k]) for k in _RULE_MEMBERS if k in rule}
        if "Filter" in rule and "DeleteMarkerReplication" not in rule:
            # A rule with a Filter (the current schema) does not replicate delete markers unless asked.
            out["DeleteMarkerReplication"] = {"Status": "Disabled"}
        rules.append(out)
    return self.serialized(
        ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}})
    )


_orig_response_dict = m.FakeKey.response_dict


def response_dict(self: Any) -> dict[str, Any]:
    res = _orig_response_dict.fget(self)  # type: ignore[misc]
    status = getattr(self, "_emu_replication", None)
    if status:
        res["x-amz-replication-status"] = status
    return res


def install() -> None:
    POSTPROCESSORS.append(fix_root)
    m.S3Backend.put_object = put_object
    m.S3Backend.put_bucket_replication = put_bucket_replication
    r.S3Response.get_bucket_replication = get_bucket_replication_response
    m.FakeKey.response_dict = property(response_dict)
