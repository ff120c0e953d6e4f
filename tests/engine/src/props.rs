//! Pulumi property values as JSON: the `google.protobuf.Struct` wire form converted to
//! `serde_json::Value` and back, and the special objects the protocol encodes inside it (secrets,
//! resource references, output values, unknowns).
//!
//! The engine keeps values in this wire form everywhere (state file included), so that secrets stay
//! wrapped and resource references survive a round trip.

use std::collections::BTreeSet;

use prost_types::value::Kind;
use serde_json::{Map, Value as Json};

/// The key that marks a special object, and the signatures of the kinds the engine handles.
pub const SIG_KEY: &str = "4dabf18193072939515e22adb298388d";
pub const SECRET_SIG: &str = "1b47061264138c4ac30d75fd1eb44270";
pub const RESOURCE_REF_SIG: &str = "5cf8f73096256a8f31e491e813e4eb8e";
pub const OUTPUT_VALUE_SIG: &str = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/// The unknown sentinel SDKs and the engine send for every kind of unknown value.
pub const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/// Every unknown sentinel (string, bool, number, array, asset, archive, object).
const UNKNOWN_SENTINELS: [&str; 7] = [
    UNKNOWN,
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];

pub fn struct_to_json(s: &prost_types::Struct) -> Json {
    Json::Object(
        s.fields
            .iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    )
}

pub fn opt_struct_to_json(s: Option<&prost_types::Struct>) -> Json {
    s.map(struct_to_json)
        .unwrap_or_else(|| Json::Object(Map::new()))
}

pub fn value_to_json(v: &prost_types::Value) -> Json {
    match &v.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::StringValue(s)) => Json::String(s.clone()),
        Some(Kind::NumberValue(n)) => number_to_json(*n),
        Some(Kind::StructValue(s)) => struct_to_json(s),
        Some(Kind::ListValue(l)) => Json::Array(l.values.iter().map(value_to_json).collect()),
    }
}

/// Integral numbers are written as integers so that a state file reads `20`, not `20.0`.
fn number_to_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Json::Number)
            .unwrap_or(Json::Null)
    }
}

/// A JSON object as a Struct; anything else becomes an empty Struct.
pub fn json_to_struct(v: &Json) -> prost_types::Struct {
    match v {
        Json::Object(map) => prost_types::Struct {
            fields: map
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        },
        _ => prost_types::Struct::default(),
    }
}

pub fn json_to_value(v: &Json) -> prost_types::Value {
    let kind = match v {
        Json::Null => Kind::NullValue(0),
        Json::Bool(b) => Kind::BoolValue(*b),
        Json::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(0.0)),
        Json::String(s) => Kind::StringValue(s.clone()),
        Json::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(json_to_value).collect(),
        }),
        Json::Object(_) => Kind::StructValue(json_to_struct(v)),
    };
    prost_types::Value { kind: Some(kind) }
}

pub fn empty_object() -> Json {
    Json::Object(Map::new())
}

fn signature(v: &Json) -> Option<&str> {
    v.as_object()?.get(SIG_KEY)?.as_str()
}

pub fn is_unknown(v: &Json) -> bool {
    matches!(v, Json::String(s) if UNKNOWN_SENTINELS.contains(&s.as_str()))
        || (signature(v) == Some(OUTPUT_VALUE_SIG) && v.get("value").is_none())
}

pub fn contains_unknowns(v: &Json) -> bool {
    if is_unknown(v) {
        return true;
    }
    match v {
        Json::Array(items) => items.iter().any(contains_unknowns),
        Json::Object(map) => map.values().any(contains_unknowns),
        _ => false,
    }
}

pub fn is_secret(v: &Json) -> bool {
    signature(v) == Some(SECRET_SIG)
}

pub fn contains_secrets(v: &Json) -> bool {
    if is_secret(v)
        || (signature(v) == Some(OUTPUT_VALUE_SIG)
            && v.get("secret").and_then(Json::as_bool) == Some(true))
    {
        return true;
    }
    match v {
        Json::Array(items) => items.iter().any(contains_secrets),
        Json::Object(map) => map.values().any(contains_secrets),
        _ => false,
    }
}

pub fn secret(v: Json) -> Json {
    if is_secret(&v) {
        return v;
    }
    serde_json::json!({SIG_KEY: SECRET_SIG, "value": v})
}

/// Every secret replaced by its plain value, for a peer that did not accept secrets.
pub fn unwrap_secrets(v: &Json) -> Json {
    if is_secret(v) {
        return unwrap_secrets(v.get("value").unwrap_or(&Json::Null));
    }
    map_children(v, unwrap_secrets)
}

/// Top-level keys whose input value was secret are marked secret in the outputs: what the real
/// engine does for a provider that returned them in the clear.
pub fn annotate_secrets(outputs: Json, inputs: &Json) -> Json {
    let (Json::Object(mut out), Some(ins)) = (outputs.clone(), inputs.as_object()) else {
        return outputs;
    };
    for (k, v) in ins {
        if contains_secrets(v) {
            if let Some(slot) = out.get_mut(k) {
                if !slot.is_null() && !is_secret(slot) {
                    *slot = secret(slot.take());
                }
            }
        }
    }
    Json::Object(out)
}

/// Output values (`d0e6…`) turned into plain values as the engine stores them for resources that
/// are not remote: a known value stays (secret-wrapped when secret), an unknown one becomes the
/// unknown sentinel. Their dependencies are collected into `deps`.
pub fn flatten_output_values(v: &Json, deps: &mut BTreeSet<String>) -> Json {
    if signature(v) == Some(OUTPUT_VALUE_SIG) {
        if let Some(list) = v.get("dependencies").and_then(Json::as_array) {
            deps.extend(list.iter().filter_map(Json::as_str).map(str::to_string));
        }
        let inner = match v.get("value") {
            Some(value) => flatten_output_values(value, deps),
            None => Json::String(UNKNOWN.to_string()),
        };
        return if v.get("secret").and_then(Json::as_bool) == Some(true) {
            secret(inner)
        } else {
            inner
        };
    }
    map_children(v, |c| flatten_output_values(c, deps))
}

/// Resource references replaced by what a peer that does not accept them expects: the ID of a
/// custom resource (unknown when not yet known), the URN of a component.
pub fn downgrade_resource_refs(v: &Json) -> Json {
    if signature(v) == Some(RESOURCE_REF_SIG) {
        return match v.get("id").and_then(Json::as_str) {
            Some("") => Json::String(UNKNOWN.to_string()),
            Some(id) => Json::String(id.to_string()),
            None => v.get("urn").cloned().unwrap_or(Json::Null),
        };
    }
    map_children(v, downgrade_resource_refs)
}

/// Top-level properties that hold unknowns removed, for an SDK that cannot take partial values.
pub fn strip_unknown_properties(v: &Json) -> Json {
    match v {
        Json::Object(map) => Json::Object(
            map.iter()
                .filter(|(_, v)| !contains_unknowns(v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Equality as the engine's own diff sees it: secrets and output values unwrapped.
pub fn same_values(a: &Json, b: &Json) -> bool {
    let mut ignored = BTreeSet::new();
    unwrap_secrets(&flatten_output_values(a, &mut ignored))
        == unwrap_secrets(&flatten_output_values(b, &mut ignored))
}

/// The top-level keys whose values differ between two objects.
pub fn changed_keys(old: &Json, new: &Json) -> Vec<String> {
    let empty = Map::new();
    let a = old.as_object().unwrap_or(&empty);
    let b = new.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| {
            let x = a.get(*k).unwrap_or(&Json::Null);
            let y = b.get(*k).unwrap_or(&Json::Null);
            !same_values(x, y)
        })
        .cloned()
        .collect()
}

fn map_children(v: &Json, mut f: impl FnMut(&Json) -> Json) -> Json {
    match v {
        Json::Array(items) => Json::Array(items.iter().map(&mut f).collect()),
        Json::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), f(v))).collect()),
        other => other.clone(),
    }
}

/// A value for the console: secrets masked, unknowns named, strings quoted.
pub fn display(v: &Json) -> String {
    fn mask(v: &Json) -> Json {
        if is_secret(v) {
            return Json::String("[secret]".into());
        }
        if is_unknown(v) {
            return Json::String("output<unknown>".into());
        }
        map_children(v, mask)
    }
    match mask(v) {
        Json::String(s) if s == "[secret]" || s == "output<unknown>" => s,
        masked => masked.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn struct_round_trip_keeps_special_objects_and_integers() {
        let v =
            json!({"n": 20, "f": 1.5, "s": {SIG_KEY: SECRET_SIG, "value": "x"}, "l": [true, null]});
        let back = struct_to_json(&json_to_struct(&v));
        assert_eq!(back, v);
        assert_eq!(back["n"].to_string(), "20");
    }

    #[test]
    fn output_values_flatten_to_plain_secret_or_unknown() {
        let v = json!({
            "known": {SIG_KEY: OUTPUT_VALUE_SIG, "value": "a", "dependencies": ["urn:a"]},
            "secret": {SIG_KEY: OUTPUT_VALUE_SIG, "value": "b", "secret": true},
            "unknown": {SIG_KEY: OUTPUT_VALUE_SIG, "dependencies": ["urn:c"]},
        });
        let mut deps = BTreeSet::new();
        let flat = flatten_output_values(&v, &mut deps);
        assert_eq!(flat["known"], json!("a"));
        assert!(is_secret(&flat["secret"]));
        assert_eq!(flat["unknown"], json!(UNKNOWN));
        assert_eq!(
            deps.into_iter().collect::<Vec<_>>(),
            vec!["urn:a".to_string(), "urn:c".to_string()]
        );
    }

    #[test]
    fn unknowns_are_recognised_in_every_form() {
        assert!(is_unknown(&json!("dd056dcd-154b-4c76-9bd3-c8f88648b5ff")));
        assert!(is_unknown(&json!({SIG_KEY: OUTPUT_VALUE_SIG})));
        assert!(contains_unknowns(&json!({"a": [1, UNKNOWN]})));
        assert!(!contains_unknowns(&json!({"a": [1, "x"]})));
        let stripped = strip_unknown_properties(&json!({"a": UNKNOWN, "b": 1}));
        assert_eq!(stripped, json!({"b": 1}));
    }

    #[test]
    fn secrets_unwrap_and_annotate_by_top_level_key() {
        let inputs = json!({"pw": secret(json!("p")), "name": "n"});
        assert_eq!(unwrap_secrets(&inputs), json!({"pw": "p", "name": "n"}));
        let outputs = annotate_secrets(json!({"pw": "p", "name": "n", "id": "x"}), &inputs);
        assert!(is_secret(&outputs["pw"]));
        assert_eq!(outputs["name"], json!("n"));
    }

    #[test]
    fn resource_refs_downgrade_to_ids_or_urns() {
        let v = json!({
            "custom": {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:x", "id": "i-1"},
            "pending": {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:y", "id": ""},
            "component": {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:z"},
        });
        assert_eq!(
            downgrade_resource_refs(&v),
            json!({"custom": "i-1", "pending": UNKNOWN, "component": "urn:z"})
        );
    }

    #[test]
    fn changed_keys_ignore_secret_wrapping() {
        let old = json!({"a": secret(json!(1)), "b": 2, "c": 3});
        let new = json!({"a": 1, "b": 3});
        assert_eq!(changed_keys(&old, &new), vec!["b", "c"]);
        assert_eq!(display(&secret(json!("x"))), "[secret]");
        assert_eq!(display(&json!(UNKNOWN)), "output<unknown>");
        assert_eq!(
            display(&json!({"a": UNKNOWN, "b": secret(json!(1)), "c": "x"})),
            r#"{"a":"output<unknown>","b":"[secret]","c":"x"}"#
        );
    }
}
