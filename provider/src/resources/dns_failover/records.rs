//! The failover records: what they should be, and the one change batch that turns what Route 53 has
//! into that. Planning compares against the records as listed, never against the state, so the same
//! code creates, repairs records removed out of band, completes a half-finished create and moves
//! `activeRegion`.

use std::net::IpAddr;

use aws_sdk_route53::types::{
    AliasTarget as SdkAlias, Change, ChangeAction, ResourceRecord, ResourceRecordSet,
    ResourceRecordSetFailover, RrType,
};

use crate::error::ProviderError;
use crate::regions::{Regions, Role};

use super::spec::{normalize_name, set_identifier, AliasTarget, FailoverRole, Spec};

fn build_error(what: &str, e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Internal(format!("building {what}: {e}"))
}

fn sdk_failover(role: FailoverRole) -> ResourceRecordSetFailover {
    ResourceRecordSetFailover::from(role.as_str())
}

/// The record of one side.
pub fn desired_record(
    spec: &Spec,
    fqdn: &str,
    side_role: Role,
    health_check_id: &str,
) -> Result<ResourceRecordSet, ProviderError> {
    let side = spec.sides.get(side_role);
    let mut b = ResourceRecordSet::builder()
        .name(fqdn)
        .r#type(RrType::from(spec.record_type.as_str()))
        .set_identifier(set_identifier(fqdn, &spec.record_type, &side.region))
        .failover(sdk_failover(spec.failover_role(side_role)))
        .health_check_id(health_check_id);
    b = match &side.alias {
        Some(alias) => b.alias_target(
            SdkAlias::builder()
                .dns_name(&alias.dns_name)
                .hosted_zone_id(&alias.hosted_zone_id)
                .evaluate_target_health(alias.evaluate_target_health)
                .build()
                .map_err(|e| build_error("an alias target", e))?,
        ),
        None => b.ttl(spec.ttl).resource_records(
            ResourceRecord::builder()
                .value(&side.endpoint)
                .build()
                .map_err(|e| build_error("a resource record", e))?,
        ),
    };
    b.build().map_err(|e| build_error("a failover record", e))
}

pub fn desired_records(
    spec: &Spec,
    fqdn: &str,
    check_ids: &Regions<String>,
) -> Result<Regions<ResourceRecordSet>, ProviderError> {
    Regions::from_fn(|role| desired_record(spec, fqdn, role, check_ids.get(role))).transpose()
}

/// A record value as Route 53 compares it: addresses by value, names without case or the root dot.
fn canonical_value(v: &str) -> String {
    match v.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => normalize_name(v),
    }
}

/// Everything that matters about a failover record, comparable.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    failover: Option<String>,
    health_check_id: Option<String>,
    ttl: Option<i64>,
    values: Vec<String>,
    alias: Option<(String, String, bool)>,
}

fn shape(r: &ResourceRecordSet) -> Shape {
    let mut values: Vec<String> = r
        .resource_records()
        .iter()
        .map(|v| canonical_value(v.value()))
        .collect();
    values.sort();
    Shape {
        failover: r.failover().map(|f| f.as_str().to_string()),
        health_check_id: r.health_check_id().map(str::to_string),
        ttl: r.alias_target().is_none().then(|| r.ttl()).flatten(),
        values,
        alias: r.alias_target().map(|a| {
            (
                normalize_name(a.dns_name()),
                a.hosted_zone_id().to_string(),
                a.evaluate_target_health(),
            )
        }),
    }
}

fn same_name_and_type(r: &ResourceRecordSet, fqdn: &str, record_type: &str) -> bool {
    normalize_name(r.name()) == fqdn && r.r#type().as_str() == record_type
}

fn change(action: ChangeAction, record: &ResourceRecordSet) -> Result<Change, ProviderError> {
    Change::builder()
        .action(action)
        .resource_record_set(record.clone())
        .build()
        .map_err(|e| build_error("a record change", e))
}

/// The changes that turn `current` (the records listed for the name and type) into `desired`, as one
/// batch. A record whose failover role must change is deleted and created again: Route 53 refuses to
/// swap PRIMARY and SECONDARY with UPSERT. Records of `stale_set_ids` (set identifiers this resource
/// used before, e.g. for a region it no longer uses) are deleted. Deletions come first and carry the
/// values as listed, which is what Route 53 requires of a DELETE.
pub fn plan_changes(
    current: &[ResourceRecordSet],
    desired: &Regions<ResourceRecordSet>,
    stale_set_ids: &[String],
) -> Result<Vec<Change>, ProviderError> {
    let mut deletes = Vec::new();
    let mut writes = Vec::new();
    for (_, want) in desired.iter() {
        let existing = current
            .iter()
            .find(|r| r.set_identifier() == want.set_identifier() && r.r#type() == want.r#type());
        match existing {
            None => writes.push(change(ChangeAction::Create, want)?),
            Some(have) if shape(have) == shape(want) => {}
            Some(have) if have.failover() == want.failover() => {
                writes.push(change(ChangeAction::Upsert, want)?)
            }
            Some(have) => {
                deletes.push(change(ChangeAction::Delete, have)?);
                writes.push(change(ChangeAction::Create, want)?);
            }
        }
    }
    let wanted: Vec<Option<&str>> = desired.iter().map(|(_, r)| r.set_identifier()).collect();
    for have in current {
        let set_id = have.set_identifier();
        if set_id.is_some_and(|s| stale_set_ids.iter().any(|x| x == s)) && !wanted.contains(&set_id)
        {
            deletes.push(change(ChangeAction::Delete, have)?);
        }
    }
    deletes.extend(writes);
    Ok(deletes)
}

/// Keeps the records of this name and type (a listing that starts at the name runs on into others).
pub fn filter_name_and_type(
    records: Vec<ResourceRecordSet>,
    fqdn: &str,
    record_type: &str,
) -> Vec<ResourceRecordSet> {
    records
        .into_iter()
        .filter(|r| same_name_and_type(r, fqdn, record_type))
        .collect()
}

/// What one side's record says, read back for drift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedRecord {
    pub failover: Option<FailoverRole>,
    pub health_check_id: Option<String>,
    pub ttl: Option<i64>,
    /// The first value of an address record (a failover record has one).
    pub value: Option<String>,
    pub alias: Option<AliasTarget>,
}

pub fn observe(r: &ResourceRecordSet) -> ObservedRecord {
    ObservedRecord {
        failover: r.failover().and_then(|f| match f.as_str() {
            "PRIMARY" => Some(FailoverRole::Primary),
            "SECONDARY" => Some(FailoverRole::Secondary),
            _ => None,
        }),
        health_check_id: r.health_check_id().map(str::to_string),
        ttl: r.ttl(),
        value: r
            .resource_records()
            .first()
            .map(|v| v.value().trim_end_matches('.').to_string()),
        alias: r.alias_target().map(|a| AliasTarget {
            dns_name: a.dns_name().trim_end_matches('.').to_string(),
            hosted_zone_id: a.hosted_zone_id().to_string(),
            evaluate_target_health: a.evaluate_target_health(),
        }),
    }
}

/// Whether two endpoint spellings mean the same thing to Route 53.
pub fn same_endpoint(a: &str, b: &str) -> bool {
    canonical_value(a) == canonical_value(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProviderConfig;
    use crate::value::Value;

    fn spec(active: &str) -> Spec {
        Spec::from_value(
            &Value::from_json(&serde_json::json!({
                "hostedZoneId": "Z1",
                "recordName": "api",
                "recordType": "A",
                "primaryEndpoint": "198.51.100.1",
                "secondaryEndpoint": "198.51.100.2",
                "activeRegion": active,
            })),
            &ProviderConfig::default(),
        )
        .unwrap()
    }

    fn ids() -> Regions<String> {
        Regions::new("hc-p".to_string(), "hc-s".to_string())
    }

    fn actions(changes: &[Change]) -> Vec<(String, String, String)> {
        changes
            .iter()
            .map(|c| {
                let r = c.resource_record_set().unwrap();
                (
                    c.action().as_str().to_string(),
                    r.set_identifier().unwrap().to_string(),
                    r.failover().unwrap().as_str().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn nothing_there_creates_both_records() {
        let want = desired_records(&spec("primary"), "api.example.com", &ids()).unwrap();
        let got = actions(&plan_changes(&[], &want, &[]).unwrap());
        assert_eq!(
            got,
            [
                (
                    "CREATE".into(),
                    "api.example.com-a-us-east-1".into(),
                    "PRIMARY".into()
                ),
                (
                    "CREATE".into(),
                    "api.example.com-a-us-east-2".into(),
                    "SECONDARY".into()
                ),
            ]
        );
    }

    #[test]
    fn records_in_place_need_no_change_whatever_the_spelling() {
        let want = desired_records(&spec("primary"), "api.example.com", &ids()).unwrap();
        // Route 53 lists names with the root dot.
        let listed: Vec<_> = want
            .iter()
            .map(|(_, r)| {
                let mut r = r.clone();
                r.name = "api.example.com.".into();
                r
            })
            .collect();
        assert!(plan_changes(&listed, &want, &[]).unwrap().is_empty());
    }

    #[test]
    fn flipping_the_active_region_deletes_then_creates_both() {
        let now = desired_records(&spec("primary"), "api.example.com", &ids()).unwrap();
        let current = vec![now.primary.clone(), now.secondary.clone()];
        let want = desired_records(&spec("secondary"), "api.example.com", &ids()).unwrap();
        let got = actions(&plan_changes(&current, &want, &[]).unwrap());
        assert_eq!(
            got,
            [
                (
                    "DELETE".into(),
                    "api.example.com-a-us-east-1".into(),
                    "PRIMARY".into()
                ),
                (
                    "DELETE".into(),
                    "api.example.com-a-us-east-2".into(),
                    "SECONDARY".into()
                ),
                (
                    "CREATE".into(),
                    "api.example.com-a-us-east-1".into(),
                    "SECONDARY".into()
                ),
                (
                    "CREATE".into(),
                    "api.example.com-a-us-east-2".into(),
                    "PRIMARY".into()
                ),
            ]
        );
    }

    #[test]
    fn a_changed_endpoint_is_an_upsert_and_a_missing_record_a_create() {
        let now = desired_records(&spec("primary"), "api.example.com", &ids()).unwrap();
        let mut s = spec("primary");
        s.sides.secondary.endpoint = "203.0.113.9".into();
        let want = desired_records(&s, "api.example.com", &ids()).unwrap();
        let got = actions(&plan_changes(std::slice::from_ref(&now.primary), &want, &[]).unwrap());
        assert_eq!(
            got,
            [(
                "CREATE".into(),
                "api.example.com-a-us-east-2".into(),
                "SECONDARY".into()
            )]
        );
        let got = actions(
            &plan_changes(&[now.primary.clone(), now.secondary.clone()], &want, &[]).unwrap(),
        );
        assert_eq!(
            got,
            [(
                "UPSERT".into(),
                "api.example.com-a-us-east-2".into(),
                "SECONDARY".into()
            )]
        );
    }

    #[test]
    fn a_region_change_deletes_the_old_regions_record() {
        let now = desired_records(&spec("primary"), "api.example.com", &ids()).unwrap();
        let mut s = spec("primary");
        s.sides.secondary.region = "us-west-2".into();
        let want = desired_records(&s, "api.example.com", &ids()).unwrap();
        let stale = vec!["api.example.com-a-us-east-2".to_string()];
        let got = actions(
            &plan_changes(&[now.primary.clone(), now.secondary.clone()], &want, &stale).unwrap(),
        );
        assert_eq!(
            got,
            [
                (
                    "DELETE".into(),
                    "api.example.com-a-us-east-2".into(),
                    "SECONDARY".into()
                ),
                (
                    "CREATE".into(),
                    "api.example.com-a-us-west-2".into(),
                    "SECONDARY".into()
                ),
            ]
        );
    }

    #[test]
    fn alias_records_carry_no_ttl_and_keep_their_health_check() {
        let mut s = spec("primary");
        s.sides.primary.alias = Some(AliasTarget {
            dns_name: "lb.example.net".into(),
            hosted_zone_id: "Z35SXDOTRQ7X7K".into(),
            evaluate_target_health: true,
        });
        let r = desired_record(&s, "api.example.com", Role::Primary, "hc-p").unwrap();
        assert!(r.ttl().is_none());
        assert!(r.resource_records().is_empty());
        assert_eq!(r.health_check_id(), Some("hc-p"));
        let o = observe(&r);
        assert_eq!(o.alias.unwrap().dns_name, "lb.example.net");
        assert_eq!(o.failover, Some(FailoverRole::Primary));
    }

    #[test]
    fn endpoints_compare_as_route53_does() {
        assert!(same_endpoint("2001:db8:0::1", "2001:db8::1"));
        assert!(same_endpoint("A.example.net.", "a.example.net"));
        assert!(!same_endpoint("a.example.net", "b.example.net"));
    }
}
