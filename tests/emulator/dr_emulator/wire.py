"""Responses and error bodies in each service's own wire format, so the AWS SDK for Rust parses the code."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

_QUERY_NAMESPACES = {
    "rds": "http://rds.amazonaws.com/doc/2014-10-31/",
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}

_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    reason: str | None = None

    def status_line(self) -> str:
        return f"{self.status} {self.reason or _REASONS.get(self.status, 'Unknown')}"

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    def final_headers(self) -> list[tuple[str, str]]:
        skip = {"content-length", "transfer-encoding", "connection"}
        out = [(k, v) for k, v in self.headers if k.lower() not in skip]
        out.append(("Content-Length", str(len(self.body))))
        return out


# Marker: answer nothing and drop the connection (a client-side timeout / connection reset).
DROP = Response(status=0)


def default_error_code(service: str, http_status: int) -> str:
    if http_status >= 500:
        return {"s3": "InternalError", "dynamodb": "InternalServerError"}.get(service, "InternalFailure")
    return {"dynamodb": "ThrottlingException", "s3": "SlowDown"}.get(service, "Throttling")


def error_response(service: str, code: str, message: str, http_status: int) -> Response:
    request_id = str(uuid.uuid4())
    if service == "dynamodb":
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message})
        headers = [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("x-amzn-RequestId", request_id),
            ("x-amzn-ErrorType", code),
        ]
        return Response(http_status, headers, body.encode())
    if service == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>emulator</HostId></Error>"
        )
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
        return Response(http_status, headers, body.encode())
    kind = "Receiver" if http_status >= 500 else "Sender"
    if service == "route53":
        ns = "https://route53.amazonaws.com/doc/2013-04-01/"
    else:
        ns = _QUERY_NAMESPACES.get(service, f"http://{service}.amazonaws.com/doc/")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ErrorResponse xmlns="{ns}"><Error><Type>{kind}</Type><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)]
    return Response(http_status, headers, body.encode())


_CODE_RE = re.compile(rb"<Code>([^<]+)</Code>")


def error_code_of(resp: Response) -> str | None:
    if resp.status < 400:
        return None
    header = resp.header("x-amzn-ErrorType")
    if header:
        return header.split(":")[0].split("#")[-1]
    body = resp.body or b""
    if body[:1] == b"{":
        try:
            kind = json.loads(body).get("__type")
            if kind:
                return str(kind).split("#")[-1]
        except ValueError:
            pass
    m = _CODE_RE.search(body)
    if m:
        return m.group(1).decode("utf-8", "replace")
    return str(resp.status)
