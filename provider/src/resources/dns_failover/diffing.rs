//! Diff: which inputs changed, which of those replace the resource, and what the state says is
//! missing in Route 53.
//!
//! Only the zone, the record name and the record type replace the resource. A health check's type,
//! request interval or latency measurement cannot change in Route 53 either, but that replaces only
//! the health checks, inside an in-place Update (records repointed in the same step), so they are
//! plain updates here.

use crate::diff::{diff_inputs, ChangeKind, Diff, PropertyChange};
use crate::error::ProviderError;
use crate::regions::Role;
use crate::resources::DiffRequest;
use crate::value::{Object, Value};

use super::spec::{fqdn, normalize_name, normalize_zone_id, role_key, INPUT_KEYS, REPLACE_KEYS};

pub fn diff(req: &DiffRequest<'_>) -> Result<Diff, ProviderError> {
    let old_inputs = match req.old_inputs {
        Some(v) if v.as_object().is_some_and(|o| !o.is_empty()) => v.clone(),
        _ => inputs_of_state(req.olds, req.news),
    };
    let mut d = diff_inputs(&old_inputs, req.news, &REPLACE_KEYS);
    d.changes.retain(|c| !same_target(c, req.olds, req.news));
    for change in missing_pieces(req.olds, req.news) {
        if !d.changes.iter().any(|c| c.top_level() == change.path) {
            d.changes.push(change);
        }
    }
    Ok(d)
}

/// Without the old inputs, the state's input properties stand in for them, except the zone as looked
/// up (an output the user never gave).
fn inputs_of_state(olds: &Value, news: &Value) -> Value {
    let mut obj: Object = olds
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| INPUT_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    for derived in ["hostedZoneId", "zoneName"] {
        if news.get(derived).is_none_or(Value::is_null) {
            obj.remove(derived);
        }
    }
    Value::Object(obj)
}

fn known_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .filter(|v| !v.is_unknown())
        .and_then(Value::as_str)
}

/// A zone or name spelled differently but resolving to what the state already has (the zone id
/// instead of its name, a fully qualified record name instead of a relative one) is not a new record.
fn same_target(change: &PropertyChange, olds: &Value, news: &Value) -> bool {
    let old_zone_id = known_str(olds, "hostedZoneId").map(normalize_zone_id);
    let old_zone_name = known_str(olds, "zoneName").map(normalize_name);
    let new_zone_id = known_str(news, "hostedZoneId").map(normalize_zone_id);
    let new_zone_name = known_str(news, "zoneName").map(normalize_name);
    let zone_unchanged = |given_id: bool, given_name: bool| {
        let id_ok = match (&new_zone_id, &old_zone_id) {
            (Some(n), Some(o)) => n == o,
            (None, _) => !given_id,
            _ => false,
        };
        let name_ok = match (&new_zone_name, &old_zone_name) {
            (Some(n), Some(o)) => n == o,
            (None, _) => !given_name,
            _ => false,
        };
        id_ok && name_ok && (new_zone_id.is_some() || new_zone_name.is_some())
    };
    let given = |key: &str| news.get(key).is_some_and(|v| !v.is_null());
    match change.top_level() {
        "hostedZoneId" | "zoneName" => zone_unchanged(given("hostedZoneId"), given("zoneName")),
        "recordName" => match (
            known_str(news, "recordName"),
            &old_zone_name,
            known_str(olds, "fqdn"),
        ) {
            (Some(name), Some(zone), Some(old_fqdn)) => {
                zone_unchanged(given("hostedZoneId"), given("zoneName"))
                    && fqdn(name, zone).is_ok_and(|f| f == normalize_name(old_fqdn))
            }
            _ => false,
        },
        _ => false,
    }
}

/// A state without a side's health check id or set identifier means that piece is missing in Route 53
/// (a Create that stopped half way, or a refresh that found it deleted): an Update puts it back.
fn missing_pieces(olds: &Value, news: &Value) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    // A state with no outputs at all is not one this resource wrote; nothing to infer from it.
    if known_str(olds, "fqdn").is_none() {
        return out;
    }
    let update = |path: String| PropertyChange {
        path,
        kind: ChangeKind::Update,
        replace: false,
    };
    for role in Role::BOTH {
        if known_str(olds, &role_key(role, "HealthCheckId")).is_none() {
            out.push(update("healthCheck".into()));
        }
        if known_str(olds, &role_key(role, "SetIdentifier")).is_none() {
            let alias = news
                .get(&role_key(role, "Alias"))
                .is_some_and(|v| !v.is_null());
            out.push(update(role_key(
                role,
                if alias { "Alias" } else { "Endpoint" },
            )));
        }
    }
    out.dedup_by(|a, b| a.path == b.path);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }

    fn inputs() -> serde_json::Value {
        serde_json::json!({
            "zoneName": "example.com",
            "recordName": "api",
            "recordType": "CNAME",
            "primaryEndpoint": "a.example.net",
            "secondaryEndpoint": "b.example.net",
            "ttl": 60,
            "activeRegion": "primary",
            "primaryRegion": "us-east-1",
            "secondaryRegion": "us-east-2",
            "healthCheck": {"type": "HTTPS", "port": 443, "resourcePath": "/", "requestInterval": 30,
                            "failureThreshold": 3, "regions": ["eu-west-1", "us-east-1", "us-west-2"],
                            "measureLatency": false, "inverted": false, "disabled": false},
        })
    }

    fn state() -> serde_json::Value {
        let mut s = inputs();
        let o = s.as_object_mut().unwrap();
        for (k, val) in [
            ("hostedZoneId", "Z1"),
            ("fqdn", "api.example.com"),
            ("primaryHealthCheckId", "hc-p"),
            ("secondaryHealthCheckId", "hc-s"),
            ("primarySetIdentifier", "api.example.com-cname-us-east-1"),
            ("secondarySetIdentifier", "api.example.com-cname-us-east-2"),
            ("answeringRegion", "us-east-1"),
        ] {
            o.insert(k.into(), val.into());
        }
        s
    }

    fn run(
        olds: serde_json::Value,
        old_inputs: Option<serde_json::Value>,
        news: serde_json::Value,
    ) -> Diff {
        let (olds, news) = (v(olds), v(news));
        let old_inputs = old_inputs.map(v);
        diff(&DiffRequest {
            id: "Z1/api.example.com/CNAME",
            olds: &olds,
            news: &news,
            old_inputs: old_inputs.as_ref(),
        })
        .unwrap()
    }

    fn changed(patch: serde_json::Value) -> Diff {
        let mut news = inputs();
        merge(&mut news, &patch);
        run(state(), Some(inputs()), news)
    }

    fn merge(into: &mut serde_json::Value, patch: &serde_json::Value) {
        match (into, patch) {
            (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
                for (k, pv) in b {
                    merge(a.entry(k.clone()).or_insert(serde_json::Value::Null), pv);
                }
            }
            (slot, p) => *slot = p.clone(),
        }
    }

    fn summary(d: &Diff) -> Vec<(String, bool)> {
        d.changes
            .iter()
            .map(|c| (c.path.clone(), c.replace))
            .collect()
    }

    #[test]
    fn no_change_is_no_diff() {
        assert!(!run(state(), Some(inputs()), inputs()).has_changes());
        // Without old inputs the state stands in, looked-up zone id and all.
        assert!(!run(state(), None, inputs()).has_changes());
    }

    #[test]
    fn the_zone_name_and_type_replace() {
        for patch in [
            serde_json::json!({"recordName": "www"}),
            serde_json::json!({"recordType": "A"}),
            serde_json::json!({"zoneName": "example.org"}),
            serde_json::json!({"hostedZoneId": "Z2"}),
        ] {
            let d = changed(patch.clone());
            assert!(d.replaces(), "{patch} should replace: {:?}", summary(&d));
            assert!(!d.delete_before_replace);
        }
    }

    #[test]
    fn health_check_type_and_interval_update_in_place() {
        for (patch, path) in [
            (
                serde_json::json!({"healthCheck": {"type": "HTTP", "port": 80}}),
                "healthCheck.type",
            ),
            (
                serde_json::json!({"healthCheck": {"requestInterval": 10}}),
                "healthCheck.requestInterval",
            ),
            (
                serde_json::json!({"healthCheck": {"measureLatency": true}}),
                "healthCheck.measureLatency",
            ),
            (
                serde_json::json!({"healthCheck": {"failureThreshold": 5}}),
                "healthCheck.failureThreshold",
            ),
            (
                serde_json::json!({"healthCheck": {"resourcePath": "/health"}}),
                "healthCheck.resourcePath",
            ),
            (
                serde_json::json!({"healthCheck": {"port": 8443}}),
                "healthCheck.port",
            ),
            (
                serde_json::json!({"healthCheck": {"inverted": true}}),
                "healthCheck.inverted",
            ),
        ] {
            let d = changed(patch);
            assert!(
                d.changes.iter().any(|c| c.path == path),
                "{path}: {:?}",
                summary(&d)
            );
            assert!(!d.replaces(), "{path}: {:?}", summary(&d));
        }
    }

    #[test]
    fn records_and_roles_update_in_place() {
        for patch in [
            serde_json::json!({"primaryEndpoint": "c.example.net"}),
            serde_json::json!({"ttl": 30}),
            serde_json::json!({"activeRegion": "secondary"}),
            serde_json::json!({"secondaryRegion": "us-west-2"}),
            serde_json::json!({"tags": {"team": "dr"}}),
            serde_json::json!({"primaryAlias": {"dnsName": "lb.example.net", "hostedZoneId": "Z3", "evaluateTargetHealth": true}}),
        ] {
            let d = changed(patch.clone());
            assert!(
                d.has_changes() && !d.replaces(),
                "{patch}: {:?}",
                summary(&d)
            );
        }
    }

    #[test]
    fn the_same_zone_or_name_spelled_differently_is_no_change() {
        let d = changed(serde_json::json!({"recordName": "api.example.com"}));
        assert!(!d.has_changes(), "{:?}", summary(&d));
        let d = changed(serde_json::json!({"hostedZoneId": "Z1"}));
        assert!(!d.has_changes(), "{:?}", summary(&d));
        let mut news = inputs();
        news.as_object_mut().unwrap().remove("zoneName");
        news["hostedZoneId"] = "/hostedzone/Z1".into();
        let d = run(state(), Some(inputs()), news);
        assert!(!d.has_changes(), "{:?}", summary(&d));
    }

    #[test]
    fn pieces_missing_from_the_state_ask_for_an_update() {
        let mut olds = state();
        olds.as_object_mut()
            .unwrap()
            .remove("secondarySetIdentifier");
        olds.as_object_mut().unwrap().remove("primaryHealthCheckId");
        let d = run(olds, Some(inputs()), inputs());
        assert_eq!(
            summary(&d),
            [
                ("healthCheck".to_string(), false),
                ("secondaryEndpoint".to_string(), false)
            ]
        );
    }
}
