//! The package schema, embedded at build time from the repository's schema.json (the one source of
//! truth that the SDKs are generated from), and the facts the provider reads from it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::value::{Object, UnknownKind, Value};

pub const SCHEMA_JSON: &str = include_str!("../../schema.json");
pub const PACKAGE: &str = "multiregion-dr";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn parsed() -> &'static serde_json::Value {
    static PARSED: OnceLock<serde_json::Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(SCHEMA_JSON).expect("schema.json is valid JSON"))
}

fn resource(token: &str) -> Option<&'static serde_json::Value> {
    parsed().get("resources")?.get(token)
}

fn keys(v: Option<&serde_json::Value>) -> BTreeSet<String> {
    v.and_then(|v| v.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Output properties the schema marks secret.
pub fn secret_outputs(token: &str) -> BTreeSet<String> {
    resource(token)
        .and_then(|r| r.get("properties"))
        .and_then(|p| p.as_object())
        .map(|m| {
            m.iter()
                .filter(|(_, spec)| spec.get("secret") == Some(&serde_json::Value::Bool(true)))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

pub fn input_properties(token: &str) -> BTreeSet<String> {
    keys(resource(token).and_then(|r| r.get("inputProperties")))
}

pub fn output_properties(token: &str) -> BTreeSet<String> {
    keys(resource(token).and_then(|r| r.get("properties")))
}

/// The input properties of `token` in a state or old inputs; everything else dropped.
pub fn only_inputs(token: &str, v: &Value) -> Value {
    let allowed = input_properties(token);
    Value::Object(
        v.as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| allowed.contains(*k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The inputs a program must give.
pub fn required_inputs(token: &str) -> Vec<String> {
    resource(token)
        .and_then(|r| r.get("requiredInputs"))
        .and_then(|r| r.as_array())
        .map(|keys| {
            keys.iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The object type a property refers to (`$ref` itself, or the items of an array of them).
fn referred_type(spec: &serde_json::Value) -> Option<&'static serde_json::Value> {
    let reference = spec
        .get("$ref")
        .or_else(|| spec.get("items").and_then(|i| i.get("$ref")))?
        .as_str()?;
    parsed()
        .get("types")?
        .get(reference.strip_prefix("#/types/")?)
}

fn input_specs(token: &str) -> impl Iterator<Item = (&'static String, &'static serde_json::Value)> {
    resource(token)
        .and_then(|r| r.get("inputProperties"))
        .and_then(|p| p.as_object())
        .into_iter()
        .flatten()
}

fn replaces(spec: &serde_json::Value) -> bool {
    spec.get("willReplaceOnChanges") == Some(&serde_json::Value::Bool(true))
}

/// The input paths whose change needs a new resource, as the schema marks them
/// (`willReplaceOnChanges`): top-level names, and `key.property` inside an object input.
pub fn replace_paths(token: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for (key, spec) in input_specs(token) {
        if replaces(spec) {
            paths.push(key.clone());
            continue;
        }
        let nested = spec.get("$ref").and_then(|_| referred_type(spec));
        let properties = nested.and_then(|t| t.get("properties")?.as_object());
        for (inner, inner_spec) in properties.into_iter().flatten() {
            if replaces(inner_spec) {
                paths.push(format!("{key}.{inner}"));
            }
        }
    }
    paths
}

fn set_default(obj: &mut Object, key: &str, spec: &serde_json::Value) {
    let Some(default) = spec.get("default") else {
        return;
    };
    // An unknown stays unknown: the program may still give a value.
    if obj.get(key).is_none_or(|v| !v.is_unknown() && v.is_null()) {
        obj.insert(key.to_string(), Value::from_json(default));
    }
}

fn fill_type_defaults(value: &mut Value, spec: &serde_json::Value) {
    let Some(properties) = referred_type(spec).and_then(|t| t.get("properties")?.as_object())
    else {
        return;
    };
    let fill = |item: &mut Value| {
        if let Value::Object(obj) = item {
            for (key, inner) in properties {
                set_default(obj, key, inner);
            }
        }
    };
    match value {
        Value::Array(items) => items.iter_mut().for_each(fill),
        other => fill(other),
    }
}

/// Fills the defaults the schema states for `token`'s inputs, and for the object types inside them
/// that the program gave. Given values, unknowns included, are kept as they came.
pub fn fill_defaults(token: &str, obj: &mut Object) {
    for (key, spec) in input_specs(token) {
        set_default(obj, key, spec);
        if let Some(value) = obj.get_mut(key.as_str()) {
            fill_type_defaults(value, spec);
        }
    }
}

/// The outputs only AWS can tell (the properties that are not inputs), with the kind of unknown each
/// is at preview.
pub fn computed_outputs(token: &str) -> Vec<(String, UnknownKind)> {
    let inputs = input_properties(token);
    let properties = resource(token)
        .and_then(|r| r.get("properties"))
        .and_then(|p| p.as_object());
    properties
        .into_iter()
        .flatten()
        .filter(|(key, _)| !inputs.contains(*key))
        .map(|(key, spec)| {
            let kind = match spec.get("type").and_then(|t| t.as_str()) {
                Some("boolean") => UnknownKind::Bool,
                Some("integer" | "number") => UnknownKind::Number,
                Some("array") => UnknownKind::Array,
                Some("string") => UnknownKind::String,
                _ => UnknownKind::Object,
            };
            (key.clone(), kind)
        })
        .collect()
}

/// The custom resources (components excluded).
pub fn resource_tokens() -> BTreeSet<String> {
    parsed()
        .get("resources")
        .and_then(|r| r.as_object())
        .map(|m| {
            m.iter()
                .filter(|(_, spec)| spec.get("isComponent") != Some(&serde_json::Value::Bool(true)))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_the_package_and_the_crate_version() {
        assert_eq!(parsed()["name"], PACKAGE);
        assert_eq!(
            parsed()["version"],
            VERSION,
            "schema.json version must equal the crate version"
        );
    }

    #[test]
    fn every_registered_resource_is_in_the_schema_and_back() {
        let registered: BTreeSet<String> = crate::resources::registry()
            .iter()
            .map(|r| r.token().to_string())
            .collect();
        assert_eq!(registered, resource_tokens());
    }

    /// Each block of MultiRegionDR is its child's inputs minus the settings the component shares:
    /// the SDKs then type a block exactly as the resource's own arguments.
    #[test]
    fn component_blocks_are_the_children_inputs() {
        use crate::component::{BLOCKS, TOKEN};
        let component = resource(TOKEN).expect("MultiRegionDR in schema.json");
        assert_eq!(component["isComponent"], true);
        for block in &BLOCKS {
            let Some(child) = resource(block.token) else {
                assert!(component["inputProperties"].get(block.key).is_none());
                continue;
            };
            let reference = component["inputProperties"][block.key]["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("MultiRegionDR.{} has no type", block.key));
            let ty = &parsed()["types"][reference.trim_start_matches("#/types/")];
            let mut expected = child["inputProperties"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            expected.retain(|k, _| {
                !["primaryRegion", "secondaryRegion", "activeRegion"].contains(&k.as_str())
            });
            assert_eq!(
                ty["properties"].as_object(),
                Some(&expected),
                "{reference} must equal {}'s inputProperties without the shared region settings",
                block.token
            );
            for (key, _) in block.outputs {
                assert!(
                    component["properties"].get(*key).is_some(),
                    "MultiRegionDR output {key} is not in the schema"
                );
            }
        }
    }

    /// The SDKs take `replaceOnChanges` from the output properties (as gen-sdk does) and Diff from
    /// the inputs: a flag on one side only would tell users one thing and do another.
    #[test]
    fn replace_flags_agree_between_inputs_and_outputs() {
        for token in resource_tokens() {
            let flagged = |side: &str| -> BTreeSet<String> {
                resource(&token)
                    .and_then(|r| r.get(side)?.as_object())
                    .into_iter()
                    .flatten()
                    .filter(|(_, spec)| replaces(spec))
                    .map(|(k, _)| k.clone())
                    .collect()
            };
            assert_eq!(flagged("inputProperties"), flagged("properties"), "{token}");
        }
    }

    #[test]
    fn the_master_password_is_a_secret_output() {
        assert!(secret_outputs("multiregion-dr:index:GlobalDatabase").contains("masterPassword"));
    }
}
