"""S3: answers the AWS SDK for Rust can read, and cross-Region replication of new objects
(S3 user guide "Replicating objects"; API reference PutBucketReplication, ReplicationRule, HeadObject)."""

from __future__ import annotations

import re
import threading
from typing import Any

from moto.s3 import models as m
from moto.s3.exceptions import S3ClientError

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


def _rules(bucket: Any) -> list[dict]:
    config = getattr(bucket, "replication", None)
    if not config:
        return []
    rules = config.get("Rule") or []
    return rules if isinstance(rules, list) else [rules]


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


def put_bucket_replication(self: m.S3Backend, bucket_name: str, replication: dict[str, Any]) -> None:
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise S3ClientError(
            "InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
        )
    _orig_put_replication(self, bucket_name, replication)


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
    m.FakeKey.response_dict = property(response_dict)
