"""Route 53: CallerReference idempotency, health-check references, endpoint health for GetHealthCheckStatus,
transactional change batches and change propagation (R53 API model and API reference)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from helpers import error_code, wait_for

CONFIG = {"Type": "HTTPS", "FullyQualifiedDomainName": "db.example.com", "ResourcePath": "/health", "Port": 443,
          "RequestInterval": 10, "FailureThreshold": 3}


@pytest.fixture()
def r53(emu):
    return emu.client("route53")


def zone(r53, name: str = "example.com") -> str:
    return r53.create_hosted_zone(Name=name, CallerReference=f"zone-{name}")["HostedZone"]["Id"]


def failover_pair(r53, zone_id: str, primary_hc: str, secondary_hc: str | None = None) -> dict:
    def rr(role: str, value: str, hc: str | None) -> dict:
        rrset = {"Name": "app.example.com", "Type": "A", "TTL": 60, "SetIdentifier": role.lower(), "Failover": role,
                 "ResourceRecords": [{"Value": value}]}
        if hc:
            rrset["HealthCheckId"] = hc
        return rrset

    return r53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": rr("PRIMARY", "192.0.2.1", primary_hc)},
            {"Action": "CREATE", "ResourceRecordSet": rr("SECONDARY", "192.0.2.2", secondary_hc)},
        ]},
    )


def test_caller_reference_idempotency(r53):
    first = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=CONFIG)["HealthCheck"]
    again = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=CONFIG)["HealthCheck"]
    assert again["Id"] == first["Id"]
    assert len(r53.list_health_checks()["HealthChecks"]) == 1
    with pytest.raises(ClientError) as e:
        r53.create_health_check(CallerReference="ref-1", HealthCheckConfig={**CONFIG, "ResourcePath": "/other"})
    assert error_code(e) == "HealthCheckAlreadyExists"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    r53.delete_health_check(HealthCheckId=first["Id"])
    with pytest.raises(ClientError) as e:
        r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=CONFIG)
    assert error_code(e) == "HealthCheckAlreadyExists", "a deleted check's reference is not reused"


def test_record_naming_an_unknown_health_check_is_refused(r53):
    z = zone(r53)
    with pytest.raises(ClientError) as e:
        failover_pair(r53, z, "11111111-2222-3333-4444-555555555555")
    assert error_code(e) == "NoSuchHealthCheck"
    names = [r["Name"] for r in r53.list_resource_record_sets(HostedZoneId=z)["ResourceRecordSets"]]
    assert "app.example.com." not in names, "the batch is all or nothing"


def test_deleting_a_health_check_in_use_follows_the_current_api_reference(emu, r53):
    z = zone(r53)
    hc = r53.create_health_check(CallerReference="ref-2", HealthCheckConfig=CONFIG)["HealthCheck"]["Id"]
    failover_pair(r53, z, hc)
    # Current DeleteHealthCheck reference: Route 53 does not prevent it; the emulator makes the dangling
    # reference visible instead.
    r53.delete_health_check(HealthCheckId=hc)
    dangling = emu.inventory()["route53"]["dangling_health_check_refs"]
    assert [d["health_check_id"] for d in dangling] == [hc]


def test_health_check_in_use_when_the_strict_option_is_on(emu, r53):
    emu.control("POST", "options", {"route53_refuse_delete_health_check_in_use": True})
    z = zone(r53)
    hc = r53.create_health_check(CallerReference="ref-3", HealthCheckConfig=CONFIG)["HealthCheck"]["Id"]
    failover_pair(r53, z, hc)
    with pytest.raises(ClientError) as e:
        r53.delete_health_check(HealthCheckId=hc)
    assert error_code(e) == "HealthCheckInUse"
    r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "app.example.com.", "Type": "A", "TTL": 60, "SetIdentifier": "primary",
                                                   "Failover": "PRIMARY", "HealthCheckId": hc, "ResourceRecords": [{"Value": "192.0.2.1"}]}}]})
    r53.delete_health_check(HealthCheckId=hc)
    with pytest.raises(ClientError) as e:
        r53.delete_health_check(HealthCheckId=hc)
    assert error_code(e) == "NoSuchHealthCheck"


def statuses(r53, hc: str) -> set[str]:
    obs = r53.get_health_check_status(HealthCheckId=hc)["HealthCheckObservations"]
    assert len(obs) >= 3
    return {o["StatusReport"]["Status"].split(":")[0] for o in obs}


def test_endpoint_health_control(emu, r53):
    hc = r53.create_health_check(CallerReference="ref-4", HealthCheckConfig=CONFIG)["HealthCheck"]["Id"]
    assert statuses(r53, hc) == {"Success"}, "new checks count as healthy"
    emu.control("POST", "health", {"health_check_id": hc, "healthy": False})
    assert statuses(r53, hc) == {"Failure"}
    emu.control("POST", "health", {"health_check_id": hc, "healthy": True})
    assert statuses(r53, hc) == {"Success"}
    other = r53.create_health_check(CallerReference="ref-5", HealthCheckConfig={**CONFIG, "FullyQualifiedDomainName": "dr.example.com"})["HealthCheck"]["Id"]
    emu.control("POST", "health", {"fqdn": "dr.example.com", "healthy": False})
    assert statuses(r53, other) == {"Failure"} and statuses(r53, hc) == {"Success"}
    regions = [o["Region"] for o in r53.get_health_check_status(HealthCheckId=hc)["HealthCheckObservations"]]
    assert len(regions) == 8
    with pytest.raises(ClientError) as e:
        r53.get_health_check_status(HealthCheckId="00000000-0000-0000-0000-000000000000")
    assert error_code(e) == "NoSuchHealthCheck"


def test_change_batches_are_transactional_and_exact(r53):
    z = zone(r53)
    hc = r53.create_health_check(CallerReference="ref-6", HealthCheckConfig=CONFIG)["HealthCheck"]["Id"]
    failover_pair(r53, z, hc)
    with pytest.raises(ClientError) as e:
        failover_pair(r53, z, hc)
    assert error_code(e) == "InvalidChangeBatch"
    # A DELETE must match the record exactly; a wrong value is refused.
    with pytest.raises(ClientError) as e:
        r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
            {"Action": "DELETE", "ResourceRecordSet": {"Name": "app.example.com", "Type": "A", "TTL": 60, "SetIdentifier": "secondary",
                                                       "Failover": "SECONDARY", "ResourceRecords": [{"Value": "203.0.113.9"}]}}]})
    assert error_code(e) == "InvalidChangeBatch"
    # Another record in the zone with the same SetIdentifier is untouched by a DELETE of this one.
    r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "api.example.com", "Type": "A", "TTL": 60, "SetIdentifier": "secondary",
                                                   "Failover": "SECONDARY", "ResourceRecords": [{"Value": "192.0.2.9"}]}}]})
    r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "app.example.com", "Type": "A", "TTL": 60, "SetIdentifier": "secondary",
                                                   "Failover": "SECONDARY", "ResourceRecords": [{"Value": "192.0.2.2"}]}}]})
    left = {(r["Name"], r.get("SetIdentifier")) for r in r53.list_resource_record_sets(HostedZoneId=z)["ResourceRecordSets"] if r["Type"] == "A"}
    assert left == {("app.example.com.", "primary"), ("api.example.com.", "secondary")}
    # Re-creating what was just deleted works.
    r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "app.example.com", "Type": "A", "TTL": 60, "SetIdentifier": "secondary",
                                                   "Failover": "SECONDARY", "ResourceRecords": [{"Value": "192.0.2.2"}]}}]})


def test_changes_are_pending_then_insync(emu, r53):
    emu.control("POST", "lifecycle", {"route53": {"pending": 2.5}})
    z = zone(r53)
    info = r53.change_resource_record_sets(HostedZoneId=z, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "www.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.3"}]}}]})["ChangeInfo"]
    assert info["Status"] == "PENDING"
    assert r53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "PENDING"
    wait_for(lambda: r53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "INSYNC")
    with pytest.raises(ClientError) as e:
        r53.get_change(Id="/change/CNOSUCHCHANGE")
    assert error_code(e) == "NoSuchChange"
