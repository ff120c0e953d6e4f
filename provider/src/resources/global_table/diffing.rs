//! Diff: which inputs changed, which of those need a new table, and what the state says AWS lacks.
//!
//! A new table is needed for what DynamoDB cannot change: the name, the key schema (hash and range
//! keys and their attribute types) and the regions. Everything else (indexes, billing, point-in-time
//! recovery, TTL, encryption, deletion protection, tags, and attributes that only indexes use)
//! changes in place.

use crate::diff::{diff_replacing, ChangeKind, Diff, PropertyChange};
use crate::error::ProviderError;
use crate::regions::Role;
use crate::resources::DiffRequest;
use crate::value::Value;

use super::inputs::TOKEN;

/// The input properties of a state or of old inputs.
pub fn only_inputs(v: &Value) -> Value {
    crate::schema::only_inputs(TOKEN, v)
}

pub fn diff(req: &DiffRequest<'_>) -> Result<Diff, ProviderError> {
    // The state echoes the inputs as AWS had them at the last refresh or partial failure.
    let state_inputs = only_inputs(req.olds);
    let old_inputs = req
        .sent_old_inputs()
        .map_or_else(|| state_inputs.clone(), only_inputs);
    // The schema marks what needs a new table (`willReplaceOnChanges`).
    let replace = crate::schema::replace_paths(TOKEN);
    let mut d = diff_replacing(&old_inputs, req.news, &replace);
    // What AWS lacks compared with the program is work for an Update even when the program did not
    // change (a Create that stopped half way).
    for change in diff_replacing(&state_inputs, req.news, &replace).changes {
        if !d.changes.iter().any(|c| c.path == change.path) {
            d.changes.push(change);
        }
    }
    if key_types_change(&old_inputs, req.news) {
        for change in d
            .changes
            .iter_mut()
            .filter(|c| c.top_level() == "attributes")
        {
            change.replace = true;
        }
    }
    for change in missing_pieces(req.olds) {
        if !d.changes.iter().any(|c| c.top_level() == change.path) {
            d.changes.push(change);
        }
    }
    Ok(d)
}

/// The types of the table's key attributes; `None` while any of it is unknown.
fn key_types(v: &Value) -> Option<Vec<(String, String)>> {
    let parts = ["hashKey", "rangeKey", "attributes"];
    if parts
        .iter()
        .any(|k| v.get(k).is_some_and(Value::contains_unknowns))
    {
        return None;
    }
    let attributes = v.get("attributes").map(Value::to_plain_json);
    let type_of = |name: &str| {
        attributes
            .iter()
            .flat_map(|a| a.as_array().into_iter().flatten())
            .find(|a| a["name"] == name)
            .and_then(|a| a["type"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    Some(
        ["hashKey", "rangeKey"]
            .iter()
            .filter_map(|k| v.get(k).and_then(Value::as_str))
            .map(|name| (name.to_string(), type_of(name)))
            .collect(),
    )
}

/// A key attribute whose type changes needs a new table; an unknown one may (preview says so).
fn key_types_change(old: &Value, new: &Value) -> bool {
    match (key_types(old), key_types(new)) {
        (Some(o), Some(n)) => n.iter().any(|(name, kind)| {
            o.iter()
                .find(|(old_name, _)| old_name == name)
                .is_some_and(|(_, old_kind)| old_kind != kind)
        }),
        _ => true,
    }
}

/// A state whose region lacks its table, or whose replica is not ACTIVE in the replication group,
/// means that piece is missing in AWS (deleted out of band, or a Create that stopped half way): an
/// Update puts it back. The change is reported on the region's input, without replacement.
fn missing_pieces(olds: &Value) -> Vec<PropertyChange> {
    // A state with no outputs at all is not one this resource wrote; nothing to infer from it.
    if olds.get("tableName").and_then(Value::as_str).is_none() {
        return Vec::new();
    }
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let has_table = |role: Role| text(olds.get(&format!("{role}TableArn"))).is_some();
    Role::BOTH
        .into_iter()
        .filter(|&role| {
            let replica = olds.get(&format!("{role}Replica"));
            let status = |key: &str| text(replica.and_then(|r| r.get(key)));
            !has_table(role)
                || status("tableStatus").as_deref() != Some("ACTIVE")
                || (has_table(role.other()) && status("replicaStatus").as_deref() != Some("ACTIVE"))
        })
        .map(|role| PropertyChange {
            path: format!("{role}Region"),
            kind: ChangeKind::Update,
            replace: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::UnknownKind;

    fn inputs() -> serde_json::Value {
        serde_json::json!({
            "name": "orders", "hashKey": "pk", "rangeKey": "sk",
            "attributes": [{"name": "gsiPk", "type": "S"}, {"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}],
            "globalSecondaryIndexes": [{"name": "byGsi", "hashKey": "gsiPk", "projectionType": "ALL"}],
            "billingMode": "PAY_PER_REQUEST", "pointInTimeRecovery": true, "deletionProtection": false,
            "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2", "tags": {"team": "a"},
        })
    }

    fn state() -> serde_json::Value {
        let mut s = inputs();
        let replica = |region: &str| serde_json::json!({"region": region, "tableStatus": "ACTIVE", "replicaStatus": "ACTIVE", "pointInTimeRecovery": true, "deletionProtection": false});
        s.as_object_mut().unwrap().extend(
            serde_json::json!({
                "tableName": "orders",
                "primaryTableArn": "arn:aws:dynamodb:us-east-1:1:table/orders",
                "secondaryTableArn": "arn:aws:dynamodb:us-east-2:1:table/orders",
                "primaryReplica": replica("us-east-1"),
                "secondaryReplica": replica("us-east-2"),
            })
            .as_object()
            .unwrap()
            .clone(),
        );
        s
    }

    fn merged(patch: serde_json::Value) -> Value {
        let mut v = inputs();
        v.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        Value::from_json(&v)
    }

    fn run(olds: &serde_json::Value, news: &Value) -> Diff {
        let old_inputs = Value::from_json(&inputs());
        diff(&DiffRequest {
            id: "orders",
            olds: &Value::from_json(olds),
            news,
            old_inputs: Some(&old_inputs),
        })
        .unwrap()
    }

    #[test]
    fn no_change_is_no_diff() {
        assert!(!run(&state(), &Value::from_json(&inputs())).has_changes());
    }

    #[test]
    fn the_key_schema_name_and_regions_replace() {
        for patch in [
            serde_json::json!({"name": "orders2"}),
            serde_json::json!({"hashKey": "sk", "rangeKey": "pk"}),
            serde_json::json!({"rangeKey": null, "attributes": [{"name": "gsiPk", "type": "S"}, {"name": "pk", "type": "S"}]}),
            serde_json::json!({"attributes": [{"name": "gsiPk", "type": "S"}, {"name": "pk", "type": "B"}, {"name": "sk", "type": "N"}]}),
            serde_json::json!({"secondaryRegion": "us-west-2"}),
        ] {
            let d = run(&state(), &merged(patch.clone()));
            assert!(d.replaces(), "{patch} must replace: {d:?}");
        }
    }

    #[test]
    fn indexes_billing_and_settings_change_in_place() {
        for patch in [
            serde_json::json!({"globalSecondaryIndexes": [], "attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}]}),
            serde_json::json!({"attributes": [{"name": "gsiPk", "type": "N"}, {"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}]}),
            serde_json::json!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5}),
            serde_json::json!({"pointInTimeRecovery": false}),
            serde_json::json!({"ttlAttribute": "expiresAt"}),
            serde_json::json!({"serverSideEncryption": {"enabled": true}}),
            serde_json::json!({"deletionProtection": true}),
            serde_json::json!({"tags": {"team": "b"}}),
        ] {
            let d = run(&state(), &merged(patch.clone()));
            assert!(d.has_changes() && !d.replaces(), "{patch}: {d:?}");
        }
    }

    #[test]
    fn an_unknown_key_attribute_type_may_replace() {
        let mut news = merged(serde_json::json!({}));
        if let Value::Object(o) = &mut news {
            o.insert("attributes".into(), Value::Unknown(UnknownKind::Array));
        }
        assert!(run(&state(), &news).replaces());
    }

    #[test]
    fn a_missing_replica_in_the_state_asks_for_an_update() {
        let mut s = state();
        let o = s.as_object_mut().unwrap();
        o.remove("secondaryTableArn");
        o.remove("secondaryReplica");
        o["primaryReplica"]
            .as_object_mut()
            .unwrap()
            .remove("replicaStatus");
        let d = run(&s, &Value::from_json(&inputs()));
        let paths: Vec<_> = d
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.replace))
            .collect();
        assert_eq!(paths, [("secondaryRegion", false)]);
    }

    #[test]
    fn drift_echoed_in_the_state_asks_for_an_update() {
        let mut s = state();
        s["pointInTimeRecovery"] = serde_json::json!(false);
        let d = run(&s, &Value::from_json(&inputs()));
        assert_eq!(d.changes.len(), 1, "{d:?}");
        assert_eq!(d.changes[0].path, "pointInTimeRecovery");
        assert!(!d.replaces());
    }
}
