"""Route 53 behaviour DNS failover depends on, added to moto (R53 API model and API reference)."""

from __future__ import annotations

import json
import random
import string

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.route53 import models as m
from moto.route53 import responses as r
from moto.route53.exceptions import DnsNameInvalidForZone, NoSuchHealthCheck, Route53ClientError

from .. import state

# Route 53 health checkers' Regions (R53 model HealthCheckRegion; the default is all of them).
CHECKER_REGIONS = [
    "us-east-1", "us-west-1", "us-west-2", "eu-west-1",
    "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1",
]
_CHECKER_IPS = {region: f"15.177.{i * 8}.{10 + i}" for i, region in enumerate(CHECKER_REGIONS)}


def _backend(self: r.Route53) -> m.Route53Backend:
    return self.backend


def _refs(backend: m.Route53Backend) -> dict:
    if not hasattr(backend, "_emu_refs"):
        backend._emu_refs = {}
    return backend._emu_refs


def _changes(backend: m.Route53Backend) -> dict:
    if not hasattr(backend, "_emu_changes"):
        backend._emu_changes = {}
    return backend._emu_changes


def _canonical(config: dict) -> str:
    return json.dumps(config, sort_keys=True, default=str)


def health_check_in_use(backend: m.Route53Backend, health_check_id: str) -> list[str]:
    users = []
    for zone in backend.zones.values():
        for rr in zone.rrsets:
            if rr.health_check_id == health_check_id:
                users.append(f"{zone.id} {rr.name} {rr.type} {rr.set_identifier or ''}".strip())
    return users


_orig_create_hc = r.Route53.create_health_check


def create_health_check(self: r.Route53) -> ActionResult:
    backend = _backend(self)
    ref = self._get_param("CallerReference")
    config = _canonical(self._get_param("HealthCheckConfig"))
    refs = _refs(backend)
    known = refs.get(ref)
    if known is not None:
        existing = backend.health_checks.get(known["id"])
        if existing is not None and known["config"] == config:
            # Same reference and settings: AWS returns the existing health check.
            return ActionResult({"HealthCheck": existing})
        raise Route53ClientError(
            "HealthCheckAlreadyExists",
            f"A health check with the CallerReference {ref} already exists"
            + (" with different settings." if existing is not None else " (it was deleted; references are not reused)."),
        )
    result = _orig_create_hc(self)
    health_check = result.result["HealthCheck"]
    refs[ref] = {"id": health_check.id, "config": config}
    return result


def delete_health_check(self: r.Route53) -> EmptyResult:
    backend = _backend(self)
    hc_id = self._get_param("HealthCheckId")
    if hc_id not in backend.health_checks:
        raise NoSuchHealthCheck(hc_id)
    users = health_check_in_use(backend, hc_id)
    if users and state.options.get("route53_refuse_delete_health_check_in_use"):
        raise Route53ClientError(
            "HealthCheckInUse",
            f"The health check {hc_id} is still referenced by resource record sets: {', '.join(users)}",
        )
    backend.delete_health_check(hc_id)
    return EmptyResult()


def endpoint_healthy(hc: m.HealthCheck) -> bool:
    if hc.id in state.health["id"]:
        return state.health["id"][hc.id]
    if hc.fqdn and hc.fqdn.rstrip(".").lower() in state.health["fqdn"]:
        return state.health["fqdn"][hc.fqdn.rstrip(".").lower()]
    if hc.ip_address and hc.ip_address in state.health["ip"]:
        return state.health["ip"][hc.ip_address]
    # New health checks count as healthy until there is data (R53 guide).
    return True


def get_health_check_status(self: r.Route53) -> ActionResult:
    backend = _backend(self)
    hc = backend.get_health_check(self._get_param("HealthCheckId"))
    healthy = endpoint_healthy(hc)
    kind = (hc.type_ or "HTTP").upper()
    if healthy:
        report = "Success: TCP connection established." if kind == "TCP" else "Success: HTTP Status Code 200, OK"
    else:
        report = (
            "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being "
            "blocked by your firewall."
        )
    now = utcnow()
    observations = [
        {
            "Region": region,
            "IPAddress": _CHECKER_IPS.get(region, "15.177.0.1"),
            "StatusReport": {"Status": report, "CheckedTime": now},
        }
        for region in (hc.regions or CHECKER_REGIONS)
    ]
    return ActionResult({"HealthCheckObservations": observations})


def _normalize_name(name: str) -> str:
    return name if name.endswith(".") else name + "."


def _key(rrset: dict) -> tuple[str, str, str | None]:
    return (_normalize_name(rrset["Name"]).lower(), rrset["Type"], rrset.get("SetIdentifier"))


def _describe(key: tuple[str, str, str | None]) -> str:
    name, kind, set_id = key
    extra = f", set-identifier='{set_id}'" if set_id is not None else ""
    return f"[name='{name}', type='{kind}'{extra}]"


def _as_dict(rr: m.RecordSet) -> dict:
    out = {
        "TTL": str(rr.ttl) if rr.ttl is not None else None,
        "ResourceRecords": sorted(rr.records or []),
        "AliasTarget": rr.alias_target,
        "HealthCheckId": rr.health_check_id,
        "Failover": rr.failover,
        "Weight": str(rr.weight) if rr.weight is not None else None,
        "Region": rr.region,
    }
    return out


def change_resource_record_sets(self: m.Route53Backend, zoneid: str, change_list: list[dict]) -> None:
    """All-or-nothing, validated change by change against a working copy (API reference, "Change Batches
    and Transactional Changes"); CREATE of an existing set and DELETE of a missing or different set fail."""
    zone = self.get_hosted_zone(zoneid)
    work = list(zone.rrsets)
    for change in change_list:
        action = change["Action"]
        rrset = dict(change["ResourceRecordSet"])
        if action not in ("CREATE", "UPSERT", "DELETE"):
            raise Route53ClientError("InvalidInput", f"Invalid XML ; Value '{action}' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'.")
        rrset["Name"] = _normalize_name(rrset["Name"])
        if not rrset["Name"].rstrip(".").lower().endswith(zone.name.rstrip(".").lower()):
            raise DnsNameInvalidForZone(name=rrset["Name"], zone_name=zone.name)
        if "ResourceRecords" in rrset:
            rrset["ResourceRecords"] = [x["Value"] if isinstance(x, dict) else x for x in rrset["ResourceRecords"]]
        key = _key(rrset)
        index = next((i for i, rr in enumerate(work) if (rr.name.lower(), rr.type, rr.set_identifier) == key), None)
        if action in ("CREATE", "UPSERT"):
            hc_id = rrset.get("HealthCheckId")
            if hc_id and hc_id not in self.health_checks:
                raise NoSuchHealthCheck(hc_id)
            if action == "CREATE" and index is not None:
                raise Route53ClientError("InvalidChangeBatch", f"[Tried to create resource record set {_describe(key)} but it already exists]")
            new = m.RecordSet(rrset)
            if index is None:
                work.append(new)
            else:
                work[index] = new
        else:
            if index is None:
                raise Route53ClientError("InvalidChangeBatch", f"[Tried to delete resource record set {_describe(key)} but it was not found]")
            current = _as_dict(work[index])
            given = _as_dict(m.RecordSet(rrset))
            if current != given:
                raise Route53ClientError(
                    "InvalidChangeBatch",
                    f"[Tried to delete resource record set {_describe(key)} but the values provided do not match the current values]",
                )
            del work[index]
    zone.rrsets = work


def _change_info(self: r.Route53) -> dict:
    backend = _backend(self)
    change_id = "C" + "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(20))
    info = {"Id": f"/change/{change_id}", "Status": "PENDING", "SubmittedAt": utcnow()}
    _changes(backend)[change_id] = info
    seconds = state.duration("route53", "pending")

    def insync() -> None:
        info["Status"] = "INSYNC"

    state.schedule(seconds, insync)
    return dict(info)


_orig_change_rrsets = r.Route53.change_resource_record_sets


def change_resource_record_sets_response(self: r.Route53) -> ActionResult:
    _orig_change_rrsets(self)
    return ActionResult({"ChangeInfo": _change_info(self)})


def get_change(self: r.Route53) -> ActionResult:
    change_id = self._get_param("Id").split("/")[-1]
    info = _changes(_backend(self)).get(change_id)
    if info is None:
        raise Route53ClientError("NoSuchChange", f"A change with the specified change ID {change_id} does not exist.")
    return ActionResult({"ChangeInfo": dict(info)})


def install() -> None:
    m.Route53Backend.change_resource_record_sets = change_resource_record_sets
    r.Route53.create_health_check = create_health_check
    r.Route53.delete_health_check = delete_health_check
    r.Route53.get_health_check_status = get_health_check_status
    r.Route53.change_resource_record_sets = change_resource_record_sets_response
    r.Route53.get_change = get_change
