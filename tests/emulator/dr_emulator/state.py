"""Everything the emulator holds besides moto's own backends; all of it is wiped by reset."""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .ident import CallInfo

# One lock for moto's backends and the emulator's model state: moto is not written for concurrent
# mutation, and a DR test must never see half of a switchover. Waiting (latency, timeouts) happens
# outside it, so concurrent calls still overlap in time as they would against AWS.
LOCK = threading.RLock()
READY = threading.Event()

_reset_hooks: list[Callable[[], None]] = []


def on_reset(fn: Callable[[], None]) -> Callable[[], None]:
    _reset_hooks.append(fn)
    return fn


class ControlError(Exception):
    """A malformed control-API request (answered with HTTP 400)."""


def _check_keys(obj: dict, allowed: set[str], what: str) -> None:
    unknown = set(obj) - allowed
    if unknown:
        raise ControlError(f"unknown field(s) in {what}: {sorted(unknown)}; allowed: {sorted(allowed)}")


def _matches(rule: dict, info: CallInfo) -> bool:
    for key in ("service", "operation", "region"):
        want = rule.get(key)
        if want is not None and want != getattr(info, key):
            return False
    return True


# ---------------------------------------------------------------- scheduled transitions (lifecycles)

_seq = itertools.count()
_tasks: list[tuple[float, int, Callable[[], None]]] = []
lifecycle_cfg: dict[str, dict[str, float]] = {}

LIFECYCLE_SERVICES = {"rds", "route53", "dynamodb", "s3"}


def duration(service: str, state: str, kind: str | None = None) -> float:
    cfg = lifecycle_cfg.get(service, {})
    if kind is not None and f"{kind}.{state}" in cfg:
        return float(cfg[f"{kind}.{state}"])
    return float(cfg.get(state, 0.0))


def schedule(delay: float, fn: Callable[[], None]) -> None:
    """Run fn after delay seconds of wall time, at the first request after that (under LOCK)."""
    if delay <= 0:
        fn()
    else:
        heapq.heappush(_tasks, (time.time() + delay, next(_seq), fn))


def advance() -> None:
    now = time.time()
    while _tasks and _tasks[0][0] <= now:
        _, _, fn = heapq.heappop(_tasks)
        fn()


def set_lifecycle(body: dict) -> None:
    if not isinstance(body, dict):
        raise ControlError("lifecycle: expected an object keyed by service")
    _check_keys(body, LIFECYCLE_SERVICES, "lifecycle")
    for service, states in body.items():
        if not isinstance(states, dict):
            raise ControlError(f"lifecycle.{service}: expected an object of state -> seconds")
        for state, secs in states.items():
            if not isinstance(secs, (int, float)) or secs < 0:
                raise ControlError(f"lifecycle.{service}.{state}: expected seconds >= 0")
        lifecycle_cfg.setdefault(service, {}).update({k: float(v) for k, v in states.items()})


# ---------------------------------------------------------------- faults

_FAULT_KEYS = {
    "service", "operation", "region", "count", "skip", "error_code", "http_status", "message",
    "mode", "delay_seconds", "then", "when",
}


@dataclass
class Fault:
    id: int
    service: str | None = None
    operation: str | None = None
    region: str | None = None
    count: int = 1  # -1: every matching call until cleared
    skip: int = 0
    error_code: str | None = None
    http_status: int | None = None
    message: str | None = None
    mode: str = "error"  # error | timeout
    delay_seconds: float = 30.0
    then: str = "drop"  # after a timeout: drop | error | pass
    when: str = "before"  # before: the call is not executed; after: it is, and the answer is replaced
    seen: int = 0
    fired: int = 0

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


_faults: list[Fault] = []
_fault_ids = itertools.count(1)
_fault_lock = threading.Lock()


def add_fault(spec: dict) -> Fault:
    if not isinstance(spec, dict):
        raise ControlError("fault: expected an object")
    _check_keys(spec, _FAULT_KEYS, "fault")
    f = Fault(id=next(_fault_ids), **spec)
    if f.mode not in ("error", "timeout"):
        raise ControlError("fault.mode: error | timeout")
    if f.then not in ("drop", "error", "pass"):
        raise ControlError("fault.then: drop | error | pass")
    if f.when not in ("before", "after"):
        raise ControlError("fault.when: before | after")
    if f.count == 0 or f.count < -1:
        raise ControlError("fault.count: a positive number, or -1 for every matching call")
    with _fault_lock:
        _faults.append(f)
    return f


def take_fault(info: CallInfo) -> Fault | None:
    with _fault_lock:
        for f in _faults:
            if not _matches(f.__dict__, info):
                continue
            f.seen += 1
            if f.seen <= f.skip:
                continue
            f.fired += 1
            if f.count != -1 and f.fired >= f.count:
                _faults.remove(f)
            return f
    return None


def list_faults() -> list[dict]:
    with _fault_lock:
        return [f.to_json() for f in _faults]


def clear_faults() -> None:
    with _fault_lock:
        _faults.clear()


# ---------------------------------------------------------------- latency

_LATENCY_KEYS = {"service", "operation", "region", "fixed_ms", "jitter_ms"}
_latency: list[dict] = []


def add_latency(rule: dict) -> None:
    if not isinstance(rule, dict):
        raise ControlError("latency: expected an object")
    _check_keys(rule, _LATENCY_KEYS, "latency")
    rule = {"fixed_ms": 0, "jitter_ms": 0, **rule}
    if rule["fixed_ms"] < 0 or rule["jitter_ms"] < 0:
        raise ControlError("latency: fixed_ms and jitter_ms must be >= 0")
    _latency.append(rule)


def latency_for(info: CallInfo) -> float:
    for rule in reversed(_latency):  # the most recently added matching rule wins
        if _matches(rule, info):
            return (rule["fixed_ms"] + random.uniform(0, rule["jitter_ms"])) / 1000.0
    return 0.0


def list_latency() -> list[dict]:
    return list(_latency)


def clear_latency() -> None:
    _latency.clear()


# ---------------------------------------------------------------- rate limits (token buckets)

# Route 53's and IAM's limits are per account; RDS's, DynamoDB's and S3's are per account per Region.
_ACCOUNT_WIDE = {"route53", "iam", "sts"}
_RATE_KEYS = {"rate", "burst", "per_region", "error_code", "http_status", "message"}


@dataclass
class Bucket:
    rate: float
    burst: float
    tokens: float
    last: float


_rate_cfg: dict[str, dict] = {}
_buckets: dict[tuple[str, str], Bucket] = {}
_rate_lock = threading.Lock()


def set_rate_limits(body: dict) -> None:
    if not isinstance(body, dict):
        raise ControlError("ratelimits: expected an object keyed by service")
    new = {}
    for service, cfg in body.items():
        if not isinstance(cfg, dict):
            raise ControlError(f"ratelimits.{service}: expected an object")
        _check_keys(cfg, _RATE_KEYS, f"ratelimits.{service}")
        if "rate" not in cfg or cfg["rate"] <= 0:
            raise ControlError(f"ratelimits.{service}.rate: requests per second, > 0")
        c = dict(cfg)
        c.setdefault("burst", c["rate"])
        c.setdefault("per_region", service not in _ACCOUNT_WIDE)
        new[service] = c
    with _rate_lock:
        _rate_cfg.update(new)
        for key in [k for k in _buckets if k[0] in new]:
            del _buckets[key]


def take_token(info: CallInfo) -> dict | None:
    """None when the call may go ahead, else the throttling config that refuses it."""
    with _rate_lock:
        cfg = _rate_cfg.get(info.service)
        if cfg is None:
            return None
        key = (info.service, info.region if cfg["per_region"] else "*")
        now = time.monotonic()
        b = _buckets.get(key)
        if b is None:
            b = _buckets[key] = Bucket(cfg["rate"], cfg["burst"], float(cfg["burst"]), now)
        b.tokens = min(b.burst, b.tokens + (now - b.last) * b.rate)
        b.last = now
        if b.tokens >= 1.0:
            b.tokens -= 1.0
            return None
        return cfg


def list_rate_limits() -> dict:
    with _rate_lock:
        return {k: dict(v) for k, v in _rate_cfg.items()}


def clear_rate_limits() -> None:
    with _rate_lock:
        _rate_cfg.clear()
        _buckets.clear()


# ---------------------------------------------------------------- call log

_calls: list[dict] = []
_call_ids = itertools.count(1)
_calls_lock = threading.Lock()


def begin_call(info: CallInfo) -> dict:
    rec = {
        "id": next(_call_ids),
        "service": info.service,
        "operation": info.operation,
        "region": info.region,
        "method": info.method,
        "path": info.path,
        "status": None,
        "error_code": None,
        "injected": None,
        "start": time.time(),
        "end": None,
    }
    with _calls_lock:
        _calls.append(rec)
    return rec


def list_calls(filters: dict[str, str]) -> list[dict]:
    with _calls_lock:
        out = [dict(c) for c in _calls]
    for key, want in filters.items():
        if key == "since":
            out = [c for c in out if c["id"] > int(want)]
        elif key in ("service", "operation", "region", "error_code", "injected"):
            out = [c for c in out if str(c[key]) == want]
        elif key == "status":
            out = [c for c in out if str(c["status"]) == want]
    return out


def clear_calls() -> None:
    with _calls_lock:
        _calls.clear()


# ---------------------------------------------------------------- endpoint health (Route 53 checkers)

health: dict[str, dict[str, bool]] = {"id": {}, "fqdn": {}, "ip": {}}

# Behaviour switches that differ between documented AWS behaviours (see README).
OPTION_DEFAULTS: dict[str, Any] = {"route53_refuse_delete_health_check_in_use": False}
options: dict[str, Any] = dict(OPTION_DEFAULTS)


def set_options(body: dict) -> None:
    if not isinstance(body, dict):
        raise ControlError("options: expected an object")
    _check_keys(body, set(OPTION_DEFAULTS), "options")
    options.update(body)


def reset_all() -> None:
    _tasks.clear()
    lifecycle_cfg.clear()
    clear_faults()
    clear_latency()
    clear_rate_limits()
    clear_calls()
    for v in health.values():
        v.clear()
    options.clear()
    options.update(OPTION_DEFAULTS)
    for hook in _reset_hooks:
        hook()
