//! Provider configuration: the two regions, credentials profile, endpoint overrides, retries and
//! default tags, decoded from every encoding the engine uses.
//!
//! Values arrive as raw stack-config strings (default provider), as JSON strings (the generated SDKs'
//! `Provider` classes stringify non-string inputs), as typed values (YAML programs) and possibly secret.

use std::collections::BTreeMap;

use crate::check::{CheckFailure, Failures};
use crate::regions::{Regions, Role};
use crate::value::Value;

pub const DEFAULT_PRIMARY_REGION: &str = "us-east-1";
pub const DEFAULT_SECONDARY_REGION: &str = "us-east-2";
pub const DEFAULT_MAX_RETRIES: u32 = 5;

/// Services whose endpoint can be overridden.
pub const SERVICES: [&str; 7] = [
    "rds",
    "route53",
    "dynamodb",
    "s3",
    "iam",
    "sts",
    "cloudwatch",
];

/// The provider's settings, as the schema lists them.
pub const SETTINGS: [&str; 6] = [
    "primaryRegion",
    "secondaryRegion",
    "profile",
    "endpoints",
    "maxRetries",
    "defaultTags",
];
/// Keys the engine itself adds to a provider's inputs.
const ENGINE_KEYS: [&str; 2] = ["version", "pluginDownloadURL"];

/// AWS regions known to this release. A region AWS opens later is refused until the list is updated,
/// which is safer than creating resources in a mistyped region.
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

pub fn is_known_region(name: &str) -> bool {
    KNOWN_REGIONS.contains(&name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub regions: Regions<String>,
    pub profile: Option<String>,
    pub endpoints: BTreeMap<String, String>,
    pub max_retries: u32,
    pub default_tags: BTreeMap<String, String>,
}

impl Default for ProviderConfig {
    fn default() -> Self {
        ProviderConfig {
            regions: Regions::new(
                DEFAULT_PRIMARY_REGION.to_string(),
                DEFAULT_SECONDARY_REGION.to_string(),
            ),
            profile: None,
            endpoints: BTreeMap::new(),
            max_retries: DEFAULT_MAX_RETRIES,
            default_tags: BTreeMap::new(),
        }
    }
}

/// Reads one config value as the JSON it stands for: typed values as they are, strings that hold
/// JSON (from SDK Provider classes) decoded when the property is not itself a string.
fn json_of(v: &Value) -> serde_json::Value {
    match v.unwrap_secret() {
        Value::String(s) => {
            serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone()))
        }
        other => other.to_plain_json(),
    }
}

fn string_map(key: &str, v: &Value, failures: &mut Failures) -> BTreeMap<String, String> {
    match json_of(v) {
        serde_json::Value::Null => BTreeMap::new(),
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                other => {
                    failures.push(
                        format!("{key}.{k}"),
                        format!("must be a string, got {other}"),
                    );
                    None
                }
            })
            .collect(),
        other => {
            failures.push(
                key,
                format!("must be a map of strings (an object, or its JSON text), got {other}"),
            );
            BTreeMap::new()
        }
    }
}

impl ProviderConfig {
    /// Decodes and validates the provider's inputs. Unknown values (preview) are skipped: whatever
    /// they turn out to be is checked when they are known.
    pub fn parse(inputs: &Value) -> Result<ProviderConfig, Vec<CheckFailure>> {
        let mut failures = Failures::default();
        let mut cfg = ProviderConfig::default();
        let empty = BTreeMap::new();
        let obj = inputs.as_object().unwrap_or(&empty);
        let known = |key: &str| obj.get(key).filter(|v| !v.is_unknown() && !v.is_null());

        // A misspelt setting would otherwise be ignored, and its default used without a word.
        for key in obj.keys() {
            if !SETTINGS.contains(&key.as_str())
                && !ENGINE_KEYS.contains(&key.as_str())
                && !key.starts_with("__")
            {
                failures.push(
                    key,
                    format!(
                        "is not a multiregion-dr provider setting; the settings are {}",
                        SETTINGS.join(", ")
                    ),
                );
            }
        }

        for role in Role::BOTH {
            let key = region_key(role);
            if let Some(v) = known(key) {
                match v.as_str() {
                    Some(name) if is_known_region(name) => {
                        *cfg.regions.get_mut(role) = name.to_string()
                    }
                    Some(name) => failures.push(
                        key,
                        format!(
                            "'{name}' is not an AWS region name (for example us-east-1, eu-west-1)"
                        ),
                    ),
                    None => failures.push(key, "must be a string naming an AWS region"),
                }
            }
        }
        let regions_known = Role::BOTH
            .iter()
            .all(|r| obj.get(region_key(*r)).is_none_or(|v| !v.is_unknown()));
        if regions_known && cfg.regions.primary == cfg.regions.secondary {
            failures.push(
                "secondaryRegion",
                format!(
                    "must differ from primaryRegion (both are '{}'): disaster recovery needs two regions",
                    cfg.regions.primary
                ),
            );
        }

        if let Some(v) = known("profile") {
            match v.as_str() {
                Some(p) if !p.trim().is_empty() => cfg.profile = Some(p.to_string()),
                _ => failures.push("profile", "must be a non-empty profile name"),
            }
        }

        if let Some(v) = known("endpoints") {
            for (service, url) in string_map("endpoints", v, &mut failures) {
                let prop = format!("endpoints.{service}");
                if !SERVICES.contains(&service.as_str()) {
                    failures.push(
                        prop,
                        format!("unknown service; expected one of {}", SERVICES.join(", ")),
                    );
                    continue;
                }
                match url::Url::parse(&url) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                        cfg.endpoints.insert(service, url);
                    }
                    _ => failures.push(
                        prop,
                        format!(
                            "'{url}' is not an http(s) URL with a host, e.g. http://127.0.0.1:5000"
                        ),
                    ),
                }
            }
        }

        if let Some(v) = known("maxRetries") {
            match json_of(v) {
                serde_json::Value::Number(n) => match n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                {
                    Some(i) if i < 0 => {
                        failures.push("maxRetries", format!("must not be negative, got {i}"))
                    }
                    Some(i) if i > 100 => {
                        failures.push("maxRetries", format!("must be at most 100, got {i}"))
                    }
                    Some(i) => cfg.max_retries = i as u32,
                    None => failures.push("maxRetries", format!("must be a whole number, got {n}")),
                },
                other => {
                    failures.push("maxRetries", format!("must be a whole number, got {other}"))
                }
            }
        }

        if let Some(v) = known("defaultTags") {
            cfg.default_tags = string_map("defaultTags", v, &mut failures);
            crate::tags::check_tags("defaultTags", &cfg.default_tags, &mut failures);
        }

        if failures.is_empty() {
            Ok(cfg)
        } else {
            Err(failures.into_vec())
        }
    }

    /// Decodes the deprecated `variables` map (`multiregion-dr:config:<key>` → string) that older
    /// engines send instead of `args`.
    pub fn inputs_from_variables(variables: &std::collections::HashMap<String, String>) -> Value {
        Value::Object(
            variables
                .iter()
                .filter_map(|(k, v)| {
                    let key = k
                        .strip_prefix("multiregion-dr:config:")
                        .or_else(|| k.strip_prefix("multiregion-dr:"))?;
                    Some((key.to_string(), Value::String(v.clone())))
                })
                .collect(),
        )
    }
}

pub fn region_key(role: Role) -> &'static str {
    match role {
        Role::Primary => "primaryRegion",
        Role::Secondary => "secondaryRegion",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<ProviderConfig, Vec<CheckFailure>> {
        ProviderConfig::parse(&Value::from_json(&json))
    }

    fn failure_props(json: serde_json::Value) -> Vec<String> {
        parse(json)
            .unwrap_err()
            .into_iter()
            .map(|f| f.property)
            .collect()
    }

    #[test]
    fn defaults_when_empty() {
        assert_eq!(
            parse(serde_json::json!({})).unwrap(),
            ProviderConfig::default()
        );
    }

    #[test]
    fn raw_strings_from_stack_config_are_decoded() {
        let cfg = parse(serde_json::json!({
            "primaryRegion": "eu-west-1",
            "secondaryRegion": "eu-central-1",
            "maxRetries": "3",
            "endpoints": "{\"rds\":\"http://127.0.0.1:5000\"}",
            "defaultTags": "{\"team\":\"payments\"}",
            "version": "0.1.0"
        }))
        .unwrap();
        assert_eq!(
            cfg.regions,
            Regions::new("eu-west-1".into(), "eu-central-1".into())
        );
        assert_eq!(cfg.max_retries, 3);
        assert_eq!(cfg.endpoints["rds"], "http://127.0.0.1:5000");
        assert_eq!(cfg.default_tags["team"], "payments");
    }

    #[test]
    fn typed_and_secret_values_are_decoded() {
        let inputs = Value::object([
            ("maxRetries", Value::Number(2.0)),
            ("profile", Value::secret("prod".into())),
            (
                "endpoints",
                Value::object([("route53", Value::from("https://r53.local:8443"))]),
            ),
        ]);
        let cfg = ProviderConfig::parse(&inputs).unwrap();
        assert_eq!(cfg.max_retries, 2);
        assert_eq!(cfg.profile.as_deref(), Some("prod"));
        assert_eq!(cfg.endpoints["route53"], "https://r53.local:8443");
    }

    #[test]
    fn bad_values_name_the_key() {
        assert_eq!(
            failure_props(serde_json::json!({"primaryRegion": "us-east-9"})),
            ["primaryRegion"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"primaryRegion": "us-east-2"})),
            ["secondaryRegion"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"endpoints": {"rds": "not a url"}})),
            ["endpoints.rds"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"endpoints": {"ec2": "http://x"}})),
            ["endpoints.ec2"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"maxRetries": -1})),
            ["maxRetries"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"maxRetries": "-4"})),
            ["maxRetries"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"maxRetries": "many"})),
            ["maxRetries"]
        );
        assert_eq!(
            failure_props(serde_json::json!({"endpoints": 5})),
            ["endpoints"]
        );
    }

    #[test]
    fn misspelt_settings_are_refused_and_engine_keys_pass() {
        assert_eq!(
            failure_props(serde_json::json!({"primaryRegin": "us-west-2"})),
            ["primaryRegin"]
        );
        assert!(parse(serde_json::json!({"version": "0.1.0", "pluginDownloadURL": "x"})).is_ok());
        let schema_settings: Vec<String> = crate::schema::parsed()["config"]["variables"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let mut ours: Vec<String> = SETTINGS.iter().map(|s| s.to_string()).collect();
        ours.sort();
        let mut theirs = schema_settings;
        theirs.sort();
        assert_eq!(
            ours, theirs,
            "SETTINGS must list the schema's config variables"
        );
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let inputs = Value::object([
            (
                "primaryRegion",
                Value::Unknown(crate::value::UnknownKind::String),
            ),
            ("secondaryRegion", Value::from("us-east-1")),
        ]);
        assert!(ProviderConfig::parse(&inputs).is_ok());
    }

    #[test]
    fn variables_are_read_by_bare_key() {
        let vars = std::collections::HashMap::from([
            (
                "multiregion-dr:config:primaryRegion".to_string(),
                "eu-west-1".to_string(),
            ),
            (
                "multiregion-dr:config:secondaryRegion".to_string(),
                "eu-west-2".to_string(),
            ),
        ]);
        let cfg = ProviderConfig::parse(&ProviderConfig::inputs_from_variables(&vars)).unwrap();
        assert_eq!(cfg.regions.secondary, "eu-west-2");
    }
}
