//! The package schema, embedded at build time from the repository's schema.json (the one source of
//! truth that the SDKs are generated from), and the facts the provider reads from it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

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
pub fn only_inputs(token: &str, v: &crate::value::Value) -> crate::value::Value {
    let allowed = input_properties(token);
    crate::value::Value::Object(
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

    #[test]
    fn the_master_password_is_a_secret_output() {
        assert!(secret_outputs("multiregion-dr:index:GlobalDatabase").contains("masterPassword"));
    }
}
