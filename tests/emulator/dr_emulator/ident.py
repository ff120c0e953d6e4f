"""Names every AWS call by service, operation and region, the way AWS itself scopes it.

The service and region come from the SigV4 credential scope (what the caller signed for), never from
the Host header: every service shares one loopback endpoint here.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from dataclasses import dataclass

DEFAULT_REGION = "us-east-1"

# REST services whose operation is only known from method + path (+ query subresource).
_REST_SERVICES = {"route53", "s3"}

_SCOPE_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


@dataclass
class CallInfo:
    service: str
    operation: str
    region: str
    method: str
    path: str


def _scope(environ: dict) -> tuple[str | None, str | None]:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = _SCOPE_RE.search(auth)
    if m:
        return m.group(4).lower(), m.group(3)
    # Presigned URLs carry the scope in the query string instead.
    qs = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    cred = (qs.get("X-Amz-Credential") or [""])[0]
    parts = cred.split("/")
    if len(parts) == 5:
        return parts[3].lower(), parts[2]
    return None, None


def _form_action(environ: dict, body: bytes) -> str | None:
    qs = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in qs:
        return qs["Action"][0]
    ctype = environ.get("CONTENT_TYPE", "")
    if body and ctype.startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0]
    return None


@functools.lru_cache(maxsize=None)
def _rest_rules(service: str) -> list[tuple[str, list[str], dict[str, str | None], str, bool]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    rules = []
    for name in model.operation_names:
        op = model.operation_model(name)
        http = op.http
        path, _, query = http["requestUri"].partition("?")
        segs = [s for s in path.split("/") if s]
        literal_query: dict[str, str | None] = {}
        for part in filter(None, query.split("&")):
            key, eq, value = part.partition("=")
            literal_query[key] = value if eq else None
        rules.append((http["method"], segs, literal_query, name, bool(op.deprecated)))
    return rules


def _match_segments(template: list[str], actual: list[str]) -> int | None:
    """Number of literal segments matched, or None when the path does not fit the template."""
    literal = 0
    i = 0
    for j, seg in enumerate(template):
        if seg.startswith("{") and seg.endswith("+}"):
            # Greedy label (an S3 key): it takes the rest, at least one segment.
            return literal if len(actual) - i >= 1 and j == len(template) - 1 else None
        if i >= len(actual):
            return None
        if seg.startswith("{") and seg.endswith("}"):
            i += 1
            continue
        if seg != actual[i]:
            return None
        literal += 1
        i += 1
    return literal if i == len(actual) else None


def rest_operation(service: str, method: str, path: str, query: str, environ: dict) -> str | None:
    actual = [urllib.parse.unquote(s) for s in path.split("/") if s]
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    best: tuple[tuple[int, int, bool], str] | None = None
    for rule_method, segs, literal_query, name, deprecated in _rest_rules(service):
        if rule_method != method:
            continue
        ok = True
        for key, value in literal_query.items():
            if key not in params or (value is not None and params[key][0] != value):
                ok = False
                break
        if not ok:
            continue
        literal = _match_segments(segs, actual)
        if literal is None:
            continue
        # Deprecated operations share their successors' URIs (GetBucketNotification...): prefer the current one.
        score = (len(literal_query), literal, not deprecated)
        if best is None or score > best[0]:
            best = (score, name)
    if best is None:
        return None
    name = best[1]
    # Same method and path: the copy source header is what makes a PUT a copy.
    if service == "s3" and name in ("PutObject", "CopyObject"):
        name = "CopyObject" if environ.get("HTTP_X_AMZ_COPY_SOURCE") else "PutObject"
    if service == "s3" and name in ("UploadPart", "UploadPartCopy"):
        name = "UploadPartCopy" if environ.get("HTTP_X_AMZ_COPY_SOURCE") else "UploadPart"
    return name


def identify(environ: dict, body: bytes) -> CallInfo:
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "")
    service, region = _scope(environ)
    region = region or DEFAULT_REGION
    operation = None
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        operation = target.split(".")[-1]
        if service is None and target.startswith("DynamoDB"):
            service = "dynamodb"
    if operation is None:
        operation = _form_action(environ, body)
    if operation is None and service in _REST_SERVICES:
        try:
            operation = rest_operation(service, method, path, environ.get("QUERY_STRING", ""), environ)
        except Exception:  # an unknown shape must never break the call itself
            operation = None
    return CallInfo(
        service=service or "unknown",
        operation=operation or f"{method} {path}",
        region=region,
        method=method,
        path=path,
    )
