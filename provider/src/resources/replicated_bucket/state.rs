//! The outputs: the inputs echoed, the names S3 and IAM know the pair by, and what exists: each
//! bucket's versioning (absent when the bucket is gone), the replication role and the replication
//! rules as S3 has them. Drift is read from here by Diff.
//!
//! Per-region properties are spelled `<role><Suffix>` (`primaryBucketName`); [`role_key`] is the one
//! place that knows it.

use super::buckets::Observed;
use super::inputs::Spec;
use super::replication::{self, RuleSummary};
use crate::regions::{Regions, Role};
use crate::value::{Object, UnknownKind, Value};

/// Every input property of the schema, so a state's inputs can be told from its outputs.
pub const INPUT_KEYS: [&str; 11] = [
    "namePrefix",
    "encryption",
    "replicationRoleArn",
    "replicationTimeControl",
    "deleteMarkerReplication",
    "twoWay",
    "noncurrentVersionExpirationDays",
    "forceDestroy",
    "tags",
    "primaryRegion",
    "secondaryRegion",
];

pub const ROLE_MANAGED: &str = "replicationRoleManaged";
pub const ROLE_ARN: &str = "replicationRoleArn";
pub const RULES: &str = "replicationRules";

/// `primary` + `BucketName` = `primaryBucketName`.
pub fn role_key(role: Role, suffix: &str) -> String {
    format!("{}{suffix}", role.as_str())
}

/// The replication role in use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleState {
    /// None when the managed role does not exist (yet, or any more).
    pub arn: Option<String>,
    pub managed: bool,
}

/// What exists in AWS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub buckets: Regions<Option<Observed>>,
    pub role: RoleState,
}

impl Found {
    pub fn nothing_exists(&self) -> bool {
        self.buckets.iter().all(|(_, b)| b.is_none())
            && (!self.role.managed || self.role.arn.is_none())
    }

    /// This provider's rules as S3 has them, the primary's first.
    pub fn rules(&self, spec: &Spec) -> Vec<RuleSummary> {
        self.buckets
            .iter()
            .filter_map(|(role, b)| {
                let config = b.as_ref()?.replication.as_ref()?;
                replication::observed(&spec.buckets.get(role).name, config)
            })
            .collect()
    }
}

/// The part of a state (or of inputs) that is inputs. A managed role's ARN is an output that
/// shares the input's name: it is not an input the user gave.
pub fn inputs_of(v: &Value) -> Value {
    let managed = was_managed(v);
    Value::Object(
        v.as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| INPUT_KEYS.contains(&k.as_str()))
                    .filter(|(k, _)| !(managed && k.as_str() == ROLE_ARN))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

fn rules_value(rules: &[RuleSummary]) -> Value {
    let json = serde_json::to_value(rules).expect("plain structs");
    Value::from_json(&json).without_nulls()
}

/// Outputs: the inputs as given (secrets stay wrapped) plus what AWS has.
pub fn outputs(inputs: &Value, spec: &Spec, found: &Found) -> Value {
    let mut obj = inputs_of(inputs).as_object().cloned().unwrap_or_default();
    for (role, b) in spec.buckets.iter() {
        obj.insert(role_key(role, "BucketName"), Value::from(b.name.clone()));
        obj.insert(role_key(role, "BucketArn"), Value::from(b.arn()));
        let key = role_key(role, "BucketVersioning");
        match found.buckets.get(role) {
            Some(o) => obj.insert(key, Value::from(o.versioning_label())),
            None => obj.remove(&key),
        };
    }
    match &found.role.arn {
        Some(arn) => obj.insert(ROLE_ARN.into(), Value::from(arn.clone())),
        None => obj.remove(ROLE_ARN),
    };
    obj.insert(ROLE_MANAGED.into(), Value::from(found.role.managed));
    obj.insert(RULES.into(), rules_value(&found.rules(spec)));
    Value::Object(obj)
}

/// During preview only the inputs are known: the names derive from them, what AWS holds is unknown
/// unless the old state already has it.
pub fn preview_outputs(inputs: &Value, olds: Option<&Value>) -> Value {
    let mut obj = inputs.as_object().cloned().unwrap_or_default();
    let known = |k: &str| {
        inputs
            .get(k)
            .filter(|v| !v.is_unknown())
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let prefix = known("namePrefix");
    for role in Role::BOTH {
        let region = known(crate::config::region_key(role));
        let (name, arn) = match (&prefix, region) {
            (Some(p), Some(r)) => {
                let b = super::inputs::BucketSpec {
                    name: super::inputs::bucket_name(p, &r),
                    region: r,
                    kms_key_arn: None,
                };
                (Value::from(b.name.clone()), Value::from(b.arn()))
            }
            _ => (
                Value::Unknown(UnknownKind::String),
                Value::Unknown(UnknownKind::String),
            ),
        };
        obj.insert(role_key(role, "BucketName"), name);
        obj.insert(role_key(role, "BucketArn"), arn);
        obj.insert(role_key(role, "BucketVersioning"), Value::from("Enabled"));
    }
    match inputs.get(ROLE_ARN) {
        Some(v) if v.is_unknown() => {
            obj.insert(ROLE_MANAGED.into(), Value::Unknown(UnknownKind::Bool));
        }
        Some(v) if !v.is_null() => {
            obj.insert(ROLE_MANAGED.into(), Value::from(false));
        }
        _ => {
            let old_managed = olds
                .and_then(|o| o.get(ROLE_ARN).filter(|_| was_managed(o)))
                .filter(|v| !v.is_null())
                .cloned();
            obj.insert(
                ROLE_ARN.into(),
                old_managed.unwrap_or(Value::Unknown(UnknownKind::String)),
            );
            obj.insert(ROLE_MANAGED.into(), Value::from(true));
        }
    }
    obj.insert(RULES.into(), Value::Unknown(UnknownKind::Array));
    Value::Object(obj)
}

pub fn was_managed(state: &Value) -> bool {
    state.get(ROLE_MANAGED) == Some(&Value::Bool(true))
}

/// What a state says exists: the buckets it saw (their versioning is recorded) and the managed role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    pub buckets: Regions<bool>,
    pub managed_role_arn: Option<String>,
}

impl Known {
    pub fn of(state: &Value) -> Known {
        let managed = was_managed(state);
        Known {
            buckets: Regions::from_fn(|role| {
                state
                    .get(&role_key(role, "BucketVersioning"))
                    .is_some_and(|v| v.as_str().is_some())
            }),
            managed_role_arn: state
                .get(ROLE_ARN)
                .and_then(Value::as_str)
                .filter(|_| managed)
                .map(str::to_string),
        }
    }
}

/// The inputs of an imported pair: its names and what the rules tell; the rest at its defaults.
pub fn import_inputs(spec: &Spec, found: &Found) -> Value {
    let mut obj = Object::new();
    obj.insert("namePrefix".into(), Value::from(spec.name_prefix.clone()));
    for (role, b) in spec.buckets.iter() {
        obj.insert(
            crate::config::region_key(role).into(),
            Value::from(b.region.clone()),
        );
    }
    let rules = found.rules(spec);
    if let Some(forward) = rules.first() {
        obj.insert(
            "replicationTimeControl".into(),
            Value::from(forward.replication_time_control),
        );
        obj.insert(
            "deleteMarkerReplication".into(),
            Value::from(forward.delete_marker_replication),
        );
        if !found.role.managed || found.role.arn.as_deref() != Some(forward.role_arn.as_str()) {
            obj.insert(ROLE_ARN.into(), Value::from(forward.role_arn.clone()));
        }
    }
    obj.insert("twoWay".into(), Value::from(rules.len() == 2));
    obj.insert("forceDestroy".into(), Value::from(false));
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::config::ProviderConfig;
    use crate::resources::replicated_bucket::inputs::{
        Encryption, Inputs, REPLACE_KEYS, SSE_S3, TOKEN,
    };
    use crate::schema;

    fn keys(v: &serde_json::Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    fn type_keys(name: &str) -> BTreeSet<String> {
        keys(&schema::parsed()["types"][format!("multiregion-dr:index:{name}")]["properties"])
    }

    fn full_spec() -> (Value, Spec) {
        let inputs = Value::from_json(&serde_json::json!({
            "namePrefix": "orders", "twoWay": true, "tags": {"team": "a"},
            "encryption": {"sseAlgorithm": "aws:kms",
                "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
        }));
        let spec = Spec::from_value(&inputs, &ProviderConfig::default()).unwrap();
        (inputs, spec)
    }

    /// schema.json is the contract: the code reads and writes exactly its properties.
    #[test]
    fn the_model_matches_the_schema() {
        let typed = keys(&serde_json::to_value(Inputs::default()).unwrap());
        assert_eq!(typed, schema::input_properties(TOKEN));
        let listed: BTreeSet<String> = INPUT_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(listed, schema::input_properties(TOKEN));
        assert_eq!(
            keys(&serde_json::to_value(Encryption::default()).unwrap()),
            type_keys("BucketEncryption")
        );

        let (inputs, spec) = full_spec();
        let role = "arn:aws:iam::123456789012:role/multiregion-dr/r";
        let found = Found {
            buckets: Regions::from_fn(|r| {
                Some(Observed {
                    versioning: Some("Enabled".into()),
                    tags: spec.resource_tags(),
                    replication: replication::desired(&spec, r, role).map(|want| {
                        replication::configuration(&want, &spec.buckets.get(r.other()).arn())
                            .unwrap()
                    }),
                })
            }),
            role: RoleState {
                arn: Some(role.into()),
                managed: true,
            },
        };
        let mut inputs_all = inputs.as_object().cloned().unwrap();
        for k in INPUT_KEYS {
            inputs_all.entry(k.to_string()).or_insert(Value::from("x"));
        }
        let out = outputs(&Value::Object(inputs_all), &spec, &found);
        assert_eq!(
            out.as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<BTreeSet<_>>(),
            schema::output_properties(TOKEN)
        );
        let rules = out.get(RULES).unwrap().to_plain_json();
        assert_eq!(rules.as_array().unwrap().len(), 2);
        assert_eq!(keys(&rules[0]), type_keys("ReplicationRuleSummary"));

        let resource = &schema::parsed()["resources"][TOKEN];
        let replace: BTreeSet<&str> = resource["inputProperties"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, p)| p["willReplaceOnChanges"] == serde_json::json!(true))
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(replace, REPLACE_KEYS.into_iter().collect());
        // The defaults Check fills are the schema's.
        let filled = super::super::inputs::with_defaults(
            &Value::Object(Object::new()),
            &Value::Null,
            "b",
            b"s",
            &ProviderConfig::default(),
        );
        for (key, spec) in resource["inputProperties"].as_object().unwrap() {
            if let Some(default) = spec.get("default") {
                assert_eq!(&filled.get(key).unwrap().to_plain_json(), default, "{key}");
            }
        }
        assert_eq!(
            type_keys("BucketEncryption").len(),
            3,
            "sseAlgorithm and one key per region"
        );
        // No schema default for the algorithm: the SDKs would apply it before Check could see that
        // KMS keys were given (Check picks aws:kms then, else AES256).
        let algorithm = &schema::parsed()["types"]["multiregion-dr:index:BucketEncryption"]
            ["properties"]["sseAlgorithm"];
        assert!(algorithm.get("default").is_none());
        assert_eq!(
            filled.get("encryption").and_then(|e| e.get("sseAlgorithm")),
            Some(&Value::from(SSE_S3))
        );
    }

    #[test]
    fn preview_outputs_derive_the_names_and_leave_aws_unknown() {
        let inputs = Value::object([
            ("namePrefix", Value::from("orders")),
            ("primaryRegion", Value::from("us-east-1")),
            ("secondaryRegion", Value::Unknown(UnknownKind::String)),
        ]);
        let out = preview_outputs(&inputs, None);
        assert_eq!(
            out.get("primaryBucketArn").and_then(Value::as_str),
            Some("arn:aws:s3:::orders-us-east-1")
        );
        assert!(out.get("secondaryBucketName").unwrap().is_unknown());
        assert!(out.get(ROLE_ARN).unwrap().is_unknown());
        assert_eq!(out.get(ROLE_MANAGED), Some(&Value::Bool(true)));
        assert!(out.get(RULES).unwrap().is_unknown());
        // An update keeps the managed role's ARN from the old state.
        let olds = Value::object([
            (ROLE_ARN, Value::from("arn:aws:iam::1:role/r")),
            (ROLE_MANAGED, Value::from(true)),
        ]);
        let out = preview_outputs(&inputs, Some(&olds));
        assert_eq!(
            out.get(ROLE_ARN).and_then(Value::as_str),
            Some("arn:aws:iam::1:role/r")
        );
    }

    #[test]
    fn a_managed_role_arn_in_a_state_is_not_an_input() {
        let state = Value::object([
            ("namePrefix", Value::from("o")),
            (ROLE_ARN, Value::from("arn:aws:iam::1:role/r")),
            (ROLE_MANAGED, Value::from(true)),
        ]);
        assert_eq!(
            inputs_of(&state),
            Value::object([("namePrefix", Value::from("o"))])
        );
        let given = Value::object([
            (ROLE_ARN, Value::from("arn:aws:iam::1:role/r")),
            (ROLE_MANAGED, Value::from(false)),
        ]);
        assert!(inputs_of(&given).get(ROLE_ARN).is_some());
    }

    #[test]
    fn a_missing_bucket_loses_its_versioning_and_known_reads_it() {
        let (inputs, spec) = full_spec();
        let found = Found {
            buckets: Regions::new(Some(Observed::default()), None),
            role: RoleState::default(),
        };
        let out = outputs(&inputs, &spec, &found);
        assert_eq!(
            out.get("primaryBucketVersioning").and_then(Value::as_str),
            Some("Off")
        );
        assert!(out.get("secondaryBucketVersioning").is_none());
        assert!(out.get(ROLE_ARN).is_none());
        let known = Known::of(&out);
        assert_eq!(known.buckets, Regions::new(true, false));
        assert_eq!(known.managed_role_arn, None);
    }
}
