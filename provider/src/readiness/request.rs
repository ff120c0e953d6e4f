//! The arguments of `getReadiness`, decoded and validated: every wrong one is named with what is
//! wrong about it, all at once.

use std::time::Duration;

use crate::check::{CheckFailure, Failures};
use crate::config::{is_known_region, region_key, ProviderConfig};
use crate::regions::{Regions, Role};
use crate::resources::dns_failover::spec::{DEFAULT_RECORD_TYPE, RECORD_TYPES};
use crate::value::{Object, Value};

/// The function's arguments, as the schema names them.
pub const ARGS: [&str; 10] = [
    "globalClusterIdentifier",
    "primaryRegion",
    "secondaryRegion",
    "targetRegion",
    "maxReplicationLagSeconds",
    "primaryHealthCheckId",
    "secondaryHealthCheckId",
    "hostedZoneId",
    "fqdn",
    "recordType",
];

/// AWS's guidance for a planned switchover: downtime follows the lag, so a lag above this is not
/// ready.
pub const DEFAULT_MAX_LAG_SECONDS: f64 = 30.0;

/// What `getReadiness` is asked to judge.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// No database rules without it.
    pub global_cluster_identifier: Option<String>,
    pub regions: Regions<String>,
    /// `None`: the member that is not the writer now.
    pub target_region: Option<String>,
    pub max_lag: Duration,
    pub health_check_ids: Regions<Option<String>>,
    /// No `recordsPresent` rule without it.
    pub records: Option<Records>,
    /// Whether any argument was secret: the reasons quote the arguments.
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Records {
    pub hosted_zone_id: String,
    pub fqdn: String,
    pub record_type: String,
}

/// Decoded arguments: known, or (in preview) waiting on the named unknown arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Args {
    Known(Box<Request>),
    Unknown(Vec<String>),
}

/// A short description of a value for a failure message, e.g. `number 5`.
fn describe(v: &Value) -> String {
    match v.unwrap_secret() {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string '{s}'"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        _ => "a value of another kind".into(),
    }
}

struct Reader<'a> {
    obj: &'a Object,
    failures: Failures,
}

impl Reader<'_> {
    fn present(&self, key: &str) -> Option<&Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    /// A non-empty string, trimmed.
    fn string(&mut self, key: &str) -> Option<String> {
        let v = self.present(key)?;
        match v.as_str().map(str::trim) {
            Some("") => {
                self.failures.push(key, "must not be empty");
                None
            }
            Some(s) => Some(s.to_string()),
            None => {
                let got = describe(v);
                self.failures
                    .push(key, format!("must be a string, got {got}"));
                None
            }
        }
    }

    fn region(&mut self, key: &str) -> Option<String> {
        let name = self.string(key)?;
        if is_known_region(&name) {
            Some(name)
        } else {
            self.failures.push(
                key,
                format!("'{name}' is not an AWS region name (for example us-east-1, eu-west-1)"),
            );
            None
        }
    }

    fn seconds(&mut self, key: &str) -> Option<f64> {
        let v = self.present(key)?;
        match v.unwrap_secret() {
            Value::Number(n) if n.is_finite() && *n >= 0.0 => Some(*n),
            Value::Number(n) => {
                self.failures.push(
                    key,
                    format!("must be a number of seconds, 0 or more, got {n}"),
                );
                None
            }
            other => {
                let got = describe(other);
                self.failures
                    .push(key, format!("must be a number of seconds, got {got}"));
                None
            }
        }
    }
}

/// Decodes the arguments of an invoke. Unknown arguments are only possible in preview (the SDKs do
/// not even send those invokes; other clients may): the answer is then unknown as a whole.
pub fn invoke_args(
    args: &Value,
    config: &ProviderConfig,
    preview: bool,
) -> Result<Args, Vec<CheckFailure>> {
    let empty = Object::new();
    let obj = match args.unwrap_secret() {
        Value::Object(obj) => obj,
        Value::Null => &empty,
        other => {
            return Err(vec![CheckFailure::new(
                "",
                format!("the arguments must be an object, got {}", describe(other)),
            )])
        }
    };
    let mut failures = Failures::default();
    for key in obj.keys() {
        if !ARGS.contains(&key.as_str()) && !key.starts_with("__") {
            failures.push(
                key.clone(),
                format!(
                    "is not an argument of getReadiness, which takes {}",
                    ARGS.join(", ")
                ),
            );
        }
    }
    let unknown: Vec<String> = obj
        .iter()
        .filter(|(k, v)| ARGS.contains(&k.as_str()) && v.contains_unknowns())
        .map(|(k, _)| k.clone())
        .collect();
    if !unknown.is_empty() {
        if preview && failures.is_empty() {
            return Ok(Args::Unknown(unknown));
        }
        for key in unknown {
            failures.push(
                key,
                "is unknown: getReadiness needs known values (the output form, getReadinessOutput, waits for them)",
            );
        }
        return Err(failures.into_vec());
    }

    let mut r = Reader { obj, failures };
    let global_cluster_identifier = r.string("globalClusterIdentifier");
    let regions = Regions::from_fn(|role| {
        r.region(region_key(role))
            .unwrap_or_else(|| config.regions.get(role).clone())
    });
    let regions_given_ok = Role::BOTH
        .iter()
        .all(|role| r.failures.0.iter().all(|f| f.property != region_key(*role)));
    if regions_given_ok && regions.primary == regions.secondary {
        r.failures.push(
            "secondaryRegion",
            format!(
                "must differ from primaryRegion (both are '{}')",
                regions.primary
            ),
        );
    }
    let target_region = r.region("targetRegion");
    if let Some(target) = &target_region {
        if target != &regions.primary && target != &regions.secondary {
            r.failures.push(
                "targetRegion",
                format!(
                    "'{target}' is neither primaryRegion ({}) nor secondaryRegion ({}): the writer can only move within the pair",
                    regions.primary, regions.secondary
                ),
            );
        }
    }
    let max_lag = r
        .seconds("maxReplicationLagSeconds")
        .unwrap_or(DEFAULT_MAX_LAG_SECONDS);
    let health_check_ids = Regions::from_fn(|role| r.string(&format!("{role}HealthCheckId")));
    let zone = r.string("hostedZoneId");
    let fqdn = r.string("fqdn");
    let record_type = r.string("recordType").and_then(|t| {
        let upper = t.to_ascii_uppercase();
        if RECORD_TYPES.contains(&upper.as_str()) {
            Some(upper)
        } else {
            r.failures.push(
                "recordType",
                format!("'{t}' is not one of {}", RECORD_TYPES.join(", ")),
            );
            None
        }
    });
    let records = match (zone, fqdn) {
        (Some(hosted_zone_id), Some(fqdn)) => Some(Records {
            hosted_zone_id,
            fqdn,
            record_type: record_type.unwrap_or_else(|| DEFAULT_RECORD_TYPE.to_string()),
        }),
        (Some(_), None) if r.present("fqdn").is_none() => {
            r.failures.push(
                "fqdn",
                "is required with hostedZoneId: recordsPresent needs both",
            );
            None
        }
        (None, Some(_)) if r.present("hostedZoneId").is_none() => {
            r.failures.push(
                "hostedZoneId",
                "is required with fqdn: recordsPresent needs both",
            );
            None
        }
        (None, None) if r.present("recordType").is_some() => {
            r.failures.push(
                "recordType",
                "is only used with hostedZoneId and fqdn (recordsPresent)",
            );
            None
        }
        _ => None,
    };
    let anything = global_cluster_identifier.is_some()
        || health_check_ids.iter().any(|(_, id)| id.is_some())
        || records.is_some();
    if !anything && r.failures.is_empty() {
        r.failures.push(
            "",
            "nothing to judge: give globalClusterIdentifier, primaryHealthCheckId or secondaryHealthCheckId, or hostedZoneId and fqdn (a MultiRegionDR's or DnsFailover's outputs)",
        );
    }
    if !r.failures.is_empty() {
        return Err(r.failures.into_vec());
    }
    Ok(Args::Known(Box::new(Request {
        global_cluster_identifier,
        regions,
        target_region,
        max_lag: Duration::from_secs_f64(max_lag),
        health_check_ids,
        records,
        secret: args.contains_secrets(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::UnknownKind;

    fn parse(json: serde_json::Value) -> Result<Args, Vec<CheckFailure>> {
        invoke_args(&Value::from_json(&json), &ProviderConfig::default(), false)
    }

    fn known(json: serde_json::Value) -> Request {
        match parse(json) {
            Ok(Args::Known(r)) => *r,
            other => panic!("expected known arguments, got {other:?}"),
        }
    }

    fn failures(json: serde_json::Value) -> Vec<String> {
        parse(json)
            .expect_err("expected failures")
            .iter()
            .map(|f| f.to_string())
            .collect()
    }

    #[test]
    fn defaults_come_from_the_provider_and_the_schema() {
        let r = known(serde_json::json!({"globalClusterIdentifier": "orders"}));
        assert_eq!(r.global_cluster_identifier.as_deref(), Some("orders"));
        assert_eq!(r.regions, ProviderConfig::default().regions);
        assert_eq!(r.target_region, None);
        assert_eq!(r.max_lag, Duration::from_secs(30));
        assert_eq!(r.health_check_ids, Regions::new(None, None));
        assert_eq!(r.records, None);
        assert!(!r.secret);
    }

    #[test]
    fn a_dns_failovers_outputs_are_taken_as_they_are() {
        let r = known(serde_json::json!({
            "primaryRegion": "eu-west-1", "secondaryRegion": "eu-central-1",
            "primaryHealthCheckId": "hc-p", "secondaryHealthCheckId": "hc-s",
            "hostedZoneId": "/hostedzone/Z1", "fqdn": "api.example.com", "recordType": "a",
            "maxReplicationLagSeconds": 2.5,
        }));
        assert_eq!(
            r.regions,
            Regions::new("eu-west-1".into(), "eu-central-1".into())
        );
        assert_eq!(
            r.health_check_ids,
            Regions::new(Some("hc-p".into()), Some("hc-s".into()))
        );
        assert_eq!(
            r.records,
            Some(Records {
                hosted_zone_id: "/hostedzone/Z1".into(),
                fqdn: "api.example.com".into(),
                record_type: "A".into()
            })
        );
        assert_eq!(r.max_lag, Duration::from_millis(2500));
    }

    #[test]
    fn wrong_arguments_are_named() {
        let got = failures(serde_json::json!({
            "globalClusterIdentifier": 5,
            "primaryRegion": "us-middle-1",
            "maxReplicationLagSeconds": "30",
            "hostedZoneId": "Z1",
            "colour": "blue",
        }));
        assert_eq!(
            got,
            [
                "colour: is not an argument of getReadiness, which takes globalClusterIdentifier, primaryRegion, secondaryRegion, targetRegion, maxReplicationLagSeconds, primaryHealthCheckId, secondaryHealthCheckId, hostedZoneId, fqdn, recordType",
                "globalClusterIdentifier: must be a string, got number 5",
                "primaryRegion: 'us-middle-1' is not an AWS region name (for example us-east-1, eu-west-1)",
                "maxReplicationLagSeconds: must be a number of seconds, got string '30'",
                "fqdn: is required with hostedZoneId: recordsPresent needs both",
            ]
        );
    }

    #[test]
    fn regions_and_the_target_must_make_a_pair() {
        let got = failures(serde_json::json!({
            "globalClusterIdentifier": "g", "primaryRegion": "us-east-2", "targetRegion": "us-west-2",
        }));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with("secondaryRegion: must differ from primaryRegion"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("targetRegion: 'us-west-2' is neither"),
            "{got:?}"
        );
        assert_eq!(
            failures(
                serde_json::json!({"globalClusterIdentifier": "g", "maxReplicationLagSeconds": -1})
            ),
            ["maxReplicationLagSeconds: must be a number of seconds, 0 or more, got -1"]
        );
        assert_eq!(
            failures(serde_json::json!({"recordType": "A"})),
            ["recordType: is only used with hostedZoneId and fqdn (recordsPresent)"]
        );
    }

    #[test]
    fn nothing_to_judge_is_refused() {
        let got = failures(serde_json::json!({"primaryRegion": "us-west-2"}));
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with(": nothing to judge"), "{got:?}");
        assert!(parse(serde_json::Value::Null).is_err());
    }

    #[test]
    fn unknowns_make_an_unknown_answer_in_preview_only() {
        let args = Value::object([
            (
                "globalClusterIdentifier",
                Value::Unknown(UnknownKind::String),
            ),
            ("fqdn", Value::from("api.example.com")),
        ]);
        let cfg = ProviderConfig::default();
        assert_eq!(
            invoke_args(&args, &cfg, true),
            Ok(Args::Unknown(vec!["globalClusterIdentifier".into()]))
        );
        let err = invoke_args(&args, &cfg, false).unwrap_err();
        assert_eq!(err[0].property, "globalClusterIdentifier");
        assert!(err[0].reason.starts_with("is unknown"), "{err:?}");
    }

    #[test]
    fn secrets_are_unwrapped_and_remembered() {
        let args = Value::object([(
            "globalClusterIdentifier",
            Value::secret(Value::from("orders")),
        )]);
        match invoke_args(&args, &ProviderConfig::default(), false) {
            Ok(Args::Known(r)) => {
                assert_eq!(r.global_cluster_identifier.as_deref(), Some("orders"));
                assert!(r.secret);
            }
            other => panic!("{other:?}"),
        }
    }
}
