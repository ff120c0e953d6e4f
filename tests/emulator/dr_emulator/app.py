"""The WSGI layer in front of moto: call log, latency, rate limits, faults, the control API."""

from __future__ import annotations

import io
import json
import socket
import sys
import time
import traceback
import urllib.parse
from typing import Any, Callable, Iterable

from . import state
from .ident import CallInfo, identify
from .wire import DROP, Response, default_error_code, error_code_of, error_response

# Hooks the service patches register: rewrite a moto answer before the caller sees it.
POSTPROCESSORS: list[Callable[[CallInfo, Response], Response]] = []


def _read_body(environ: dict) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", ""):
        body = stream.read()
        environ.pop("HTTP_TRANSFER_ENCODING", None)
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _json_response(start_response: Callable, status: int, payload: Any) -> Iterable[bytes]:
    body = json.dumps(payload, default=str).encode()
    resp = Response(status, [("Content-Type", "application/json")], body)
    start_response(resp.status_line(), resp.final_headers())
    return [body]


class EmulatorApp:
    def __init__(self, moto_app: Any) -> None:
        self.moto = moto_app

    # ------------------------------------------------------------------ AWS calls

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_emulator"):
            return self.control(environ, start_response)
        body = _read_body(environ)
        state.READY.wait()
        if path.startswith("/moto-api"):
            with state.LOCK:
                return self.moto(environ, start_response)
        info = identify(environ, body)
        rec = state.begin_call(info)
        try:
            resp = self.handle(environ, info, rec)
        except Exception as exc:  # an emulator bug must surface as a 500 the SDK can parse
            traceback.print_exc(file=sys.stderr)
            resp = error_response(info.service, default_error_code(info.service, 500), f"emulator error: {exc}", 500)
        rec["end"] = time.time()
        if resp is DROP:
            rec["status"] = 0
            rec["error_code"] = "ConnectionDropped"
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            start_response("500 Dropped", [("Content-Length", "0")])
            return []
        rec["status"] = resp.status
        rec["error_code"] = error_code_of(resp)
        if environ.get("REQUEST_METHOD") == "HEAD":
            # HEAD answers carry the object's Content-Length without its body.
            headers = [(k, v) for k, v in resp.headers if k.lower() not in ("transfer-encoding", "connection")]
            start_response(resp.status_line(), headers)
            return []
        start_response(resp.status_line(), resp.final_headers())
        return [resp.body]

    def handle(self, environ: dict, info: CallInfo, rec: dict) -> Response:
        delay = state.latency_for(info)
        if delay > 0:
            time.sleep(delay)
        throttle = state.take_token(info)
        if throttle is not None:
            rec["injected"] = "throttle"
            status = int(throttle.get("http_status") or (503 if info.service == "s3" else 400))
            code = throttle.get("error_code") or default_error_code(info.service, 400)
            return error_response(info.service, code, throttle.get("message") or "Rate exceeded", status)
        fault = state.take_fault(info)
        if fault is None:
            return self.call_moto(environ, info)
        rec["injected"] = "fault" if fault.mode == "error" else "timeout"
        real: Response | None = None
        if fault.when == "after":
            real = self.call_moto(environ, info)
        if fault.mode == "timeout":
            time.sleep(fault.delay_seconds)
            if fault.then == "drop":
                return DROP
            if fault.then == "pass":
                return real if real is not None else self.call_moto(environ, info)
        status = int(fault.http_status or (500 if fault.error_code is None else 400))
        code = fault.error_code or default_error_code(info.service, status)
        message = fault.message or ("Rate exceeded" if "hrottl" in code or code == "SlowDown" else "Injected fault")
        return error_response(info.service, code, message, status)

    def call_moto(self, environ: dict, info: CallInfo) -> Response:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"] = status
            captured["headers"] = headers
            return chunks.append

        with state.LOCK:
            state.advance()
            result = self.moto(environ, start_response)
            try:
                for chunk in result:
                    chunks.append(chunk)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
            code, _, reason = captured["status"].partition(" ")
            resp = Response(int(code), list(captured["headers"]), b"".join(chunks), reason or None)
            for post in POSTPROCESSORS:
                resp = post(info, resp)
            return resp

    # ------------------------------------------------------------------ control API

    def control(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "").rstrip("/")
        raw = _read_body(environ)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            payload = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            return _json_response(start_response, 400, {"error": f"invalid JSON: {exc}"})
        route = (method, path[len("/_emulator"):] or "/")
        if route == ("GET", "/ping"):
            return _json_response(start_response, 200, {"ok": True, "ready": state.READY.is_set()})
        state.READY.wait()
        try:
            result = self.dispatch_control(route, payload, query)
        except state.ControlError as exc:
            return _json_response(start_response, 400, {"error": str(exc)})
        except KeyError:
            return _json_response(start_response, 404, {"error": f"no control endpoint {method} {path}"})
        return _json_response(start_response, 200, result)

    def dispatch_control(self, route: tuple[str, str], payload: Any, query: dict) -> Any:
        from . import inventory

        method, path = route
        if route == ("POST", "/reset"):
            with state.LOCK:
                from moto.moto_api._internal.models import moto_api_backend

                moto_api_backend.reset()
                state.reset_all()
            return {"ok": True}
        if path == "/faults":
            if method == "POST":
                specs = payload if isinstance(payload, list) else [payload]
                return {"ids": [state.add_fault(s).id for s in specs]}
            if method == "GET":
                return state.list_faults()
            if method == "DELETE":
                state.clear_faults()
                return {"ok": True}
        if path == "/latency":
            if method == "POST":
                for rule in payload if isinstance(payload, list) else [payload]:
                    state.add_latency(rule)
                return {"ok": True}
            if method == "GET":
                return state.list_latency()
            if method == "DELETE":
                state.clear_latency()
                return {"ok": True}
        if path == "/ratelimits":
            if method == "POST":
                state.set_rate_limits(payload)
                return {"ok": True}
            if method == "GET":
                return state.list_rate_limits()
            if method == "DELETE":
                state.clear_rate_limits()
                return {"ok": True}
        if path == "/health":
            if method == "POST":
                for item in payload if isinstance(payload, list) else [payload]:
                    set_health(item)
                return {"ok": True}
            if method == "GET":
                return state.health
            if method == "DELETE":
                for v in state.health.values():
                    v.clear()
                return {"ok": True}
        if path == "/lifecycle":
            if method == "POST":
                with state.LOCK:
                    state.set_lifecycle(payload)
                return {"ok": True}
            if method == "GET":
                return state.lifecycle_cfg
            if method == "DELETE":
                with state.LOCK:
                    state.lifecycle_cfg.clear()
                return {"ok": True}
        if path == "/options":
            if method == "POST":
                state.set_options(payload)
                return dict(state.options)
            if method == "GET":
                return dict(state.options)
        if path == "/calls":
            if method == "GET":
                return state.list_calls(query)
            if method == "DELETE":
                state.clear_calls()
                return {"ok": True}
        if route == ("GET", "/inventory"):
            with state.LOCK:
                state.advance()
                return inventory.snapshot()
        raise KeyError(route)


def set_health(item: dict) -> None:
    if not isinstance(item, dict):
        raise state.ControlError("health: expected an object")
    state._check_keys(item, {"health_check_id", "fqdn", "ip_address", "healthy"}, "health")
    if not isinstance(item.get("healthy"), bool):
        raise state.ControlError("health.healthy: true or false")
    keys = [k for k in ("health_check_id", "fqdn", "ip_address") if k in item]
    if len(keys) != 1:
        raise state.ControlError("health: give exactly one of health_check_id, fqdn, ip_address")
    table = {"health_check_id": "id", "fqdn": "fqdn", "ip_address": "ip"}[keys[0]]
    value = item[keys[0]]
    if table == "fqdn":
        value = value.rstrip(".").lower()
    state.health[table][value] = item["healthy"]
