//! `MultiRegionDR`: one declaration for a whole DR topology. The component owns no AWS object of its
//! own; it plans child resources (GlobalDatabase, DnsFailover, GlobalTable, ReplicatedBucket), one
//! per input block, and gathers their key outputs. Registering them with the engine is the RPC
//! layer's job (`rpc::construct`); this module knows neither protobuf nor AWS.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::check::CheckFailure;
use crate::config::ProviderConfig;
use crate::resources::{self, CheckRequest, Resource};
use crate::schema;
use crate::value::{OutputValue, UnknownKind, Value};

pub const TOKEN: &str = "multiregion-dr:index:MultiRegionDR";

/// Settings on the component that every child receives (when the child's schema has them).
const SHARED: [&str; 3] = ["primaryRegion", "secondaryRegion", "activeRegion"];

/// One input block of the component and the child resource it becomes.
pub struct Block {
    /// The component input that holds the child's inputs, e.g. `database`.
    pub key: &'static str,
    pub token: &'static str,
    /// The child is named `<component name>-<suffix>`.
    pub suffix: &'static str,
    /// Component outputs taken from the child's outputs: (component key, path in the child).
    pub outputs: &'static [(&'static str, &'static str)],
    /// The block whose child this one's waits for, in every operation: DNS must answer for a region
    /// only once the database writes there, whichever way the writer moves.
    pub after: Option<&'static str>,
}

pub const BLOCKS: [Block; 4] = [
    Block {
        key: "database",
        token: "multiregion-dr:index:GlobalDatabase",
        suffix: "db",
        outputs: &[
            ("globalClusterIdentifier", "globalClusterIdentifier"),
            ("globalClusterArn", "globalClusterArn"),
            ("writerEndpoint", "globalWriterEndpoint"),
            ("writerRegion", "writerRegion"),
            ("primaryClusterArn", "primaryCluster.clusterArn"),
            ("secondaryClusterArn", "secondaryCluster.clusterArn"),
            ("primaryClusterEndpoint", "primaryCluster.endpoint"),
            ("secondaryReaderEndpoint", "secondaryCluster.readerEndpoint"),
            ("lastSwitch", "lastSwitch"),
        ],
        after: None,
    },
    Block {
        key: "dns",
        token: "multiregion-dr:index:DnsFailover",
        suffix: "dns",
        outputs: &[
            ("fqdn", "fqdn"),
            ("primaryHealthCheckId", "primaryHealthCheckId"),
            ("secondaryHealthCheckId", "secondaryHealthCheckId"),
            ("answeringRegion", "answeringRegion"),
            ("hostedZoneId", "hostedZoneId"),
            ("recordType", "recordType"),
        ],
        after: Some("database"),
    },
    Block {
        key: "sessionTable",
        token: "multiregion-dr:index:GlobalTable",
        suffix: "sessions",
        outputs: &[
            ("sessionTableName", "tableName"),
            ("primaryTableArn", "primaryTableArn"),
            ("secondaryTableArn", "secondaryTableArn"),
        ],
        after: None,
    },
    Block {
        key: "bucket",
        token: "multiregion-dr:index:ReplicatedBucket",
        suffix: "bucket",
        outputs: &[
            ("primaryBucketName", "primaryBucketName"),
            ("secondaryBucketName", "secondaryBucketName"),
            ("primaryBucketArn", "primaryBucketArn"),
            ("secondaryBucketArn", "secondaryBucketArn"),
        ],
        after: None,
    },
];

/// A child the component registers.
pub struct Child {
    pub block: &'static Block,
    pub name: String,
    /// The block's inputs plus the shared settings, as given: output values and their dependencies
    /// are kept for the RPC layer to pass on.
    pub inputs: Value,
    /// What the block as a whole depended on when the SDK sent it as one output value.
    pub block_dependencies: Vec<String>,
    /// The component's `ignoreChanges` / `replaceOnChanges` paths under this block, made relative.
    pub ignore_changes: Vec<String>,
    pub replace_on_changes: Vec<String>,
}

/// What the component was asked for, with the resource options that reach into the children.
pub struct Request<'a> {
    pub name: &'a str,
    pub inputs: &'a Value,
    pub ignore_changes: &'a [String],
    pub replace_on_changes: &'a [String],
    pub config: &'a ProviderConfig,
}

/// Plans the children, or says everything wrong with the inputs, each failure with its property
/// path (`database.masterPassword`), as at preview time.
pub fn plan(
    req: &Request<'_>,
    registry: &[Arc<dyn Resource>],
) -> Result<Vec<Child>, Vec<CheckFailure>> {
    let mut failures = Vec::new();
    let Some(inputs) = req.inputs.as_object() else {
        if req.inputs.is_unknown() {
            return Ok(Vec::new());
        }
        return Err(vec![CheckFailure::new(
            "",
            "the inputs of MultiRegionDR must be an object",
        )]);
    };
    for key in inputs.keys() {
        let known = SHARED.contains(&key.as_str()) || BLOCKS.iter().any(|b| b.key == key);
        if !known {
            failures.push(CheckFailure::new(
                key.clone(),
                format!(
                    "unknown property; MultiRegionDR takes {}",
                    SHARED
                        .iter()
                        .copied()
                        .chain(BLOCKS.iter().map(|b| b.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    if let Some(active) = inputs.get("activeRegion").filter(|v| !v.is_unknown()) {
        if !matches!(resolved(active).as_str(), Some("primary" | "secondary")) {
            failures.push(CheckFailure::new(
                "activeRegion",
                "must be \"primary\" or \"secondary\": the region that takes writes and answers DNS",
            ));
        }
    }
    let present: Vec<&'static Block> = BLOCKS
        .iter()
        .filter(|b| inputs.get(b.key).is_some_and(|v| !v.is_null()))
        .collect();
    if present.is_empty() {
        failures.push(CheckFailure::new(
            "",
            "declare at least one of database, dns, sessionTable or bucket: without them MultiRegionDR creates nothing",
        ));
    }

    let mut children = Vec::new();
    for block in present {
        let Some(resource) = resources::find(registry, block.token) else {
            failures.push(CheckFailure::new(
                block.key,
                format!("{} is not available in this provider version", block.token),
            ));
            continue;
        };
        let child = child_of(req, block, inputs);
        failures.extend(check_child(req, &child, resource.as_ref()));
        children.push(child);
    }
    if failures.is_empty() {
        Ok(children)
    } else {
        Err(failures)
    }
}

fn child_of(req: &Request<'_>, block: &'static Block, inputs: &BTreeMap<String, Value>) -> Child {
    let name = format!("{}-{}", req.name, block.suffix);
    // SDKs send a block holding outputs as one output value: its fields are the child's inputs,
    // its dependencies every field's, its secrecy every field's (the SDK cannot say which one was).
    let (block_value, secret, block_dependencies) = match inputs.get(block.key) {
        Some(Value::Output(OutputValue {
            value: Some(inner),
            secret,
            dependencies,
        })) => (inner.as_ref().clone(), *secret, dependencies.clone()),
        Some(Value::Secret(inner)) => (inner.as_ref().clone(), true, Vec::new()),
        Some(other) => (other.clone(), false, Vec::new()),
        None => (Value::Null, false, Vec::new()),
    };
    let mut child_inputs = match block_value {
        Value::Object(map) if secret => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, Value::secret(v)))
                .collect(),
        ),
        other if secret => Value::secret(other),
        other => other,
    };
    let accepted = schema::input_properties(block.token);
    if let Value::Object(map) = &mut child_inputs {
        for key in SHARED {
            if let Some(v) = inputs.get(key).filter(|_| accepted.contains(key)) {
                // A setting in the block wins over the component-wide one.
                map.entry(key.to_string()).or_insert_with(|| v.clone());
            }
        }
    }
    let relative = |paths: &[String]| -> Vec<String> {
        paths
            .iter()
            .filter_map(|p| p.strip_prefix(block.key)?.strip_prefix('.'))
            .map(str::to_string)
            .collect()
    };
    Child {
        block,
        name,
        inputs: child_inputs,
        block_dependencies,
        ignore_changes: relative(req.ignore_changes),
        replace_on_changes: relative(req.replace_on_changes),
    }
}

/// The child's own Check, run on what is known now, with its failures put under the block's key.
fn check_child(req: &Request<'_>, child: &Child, resource: &dyn Resource) -> Vec<CheckFailure> {
    let news = resolved(&child.inputs);
    if news.is_unknown() {
        return vec![CheckFailure::new(
            child.block.key,
            "is unknown as a whole until an output resolves: pass an object whose properties may be outputs",
        )];
    }
    if news.as_object().is_none() {
        return vec![CheckFailure::new(child.block.key, "must be an object")];
    }
    let urn = format!(
        "urn:pulumi:check::check::{}::{}",
        child.block.token, child.name
    );
    let result = resource.check(CheckRequest {
        urn: &urn,
        name: &child.name,
        olds: &Value::Null,
        news: &news,
        random_seed: child.name.as_bytes(),
        config: req.config,
    });
    result
        .failures
        .into_iter()
        .map(|f| {
            let property = if f.property.is_empty() {
                child.block.key.to_string()
            } else {
                format!("{}.{}", child.block.key, f.property)
            };
            CheckFailure::new(property, f.reason)
        })
        .collect()
}

/// Output values turned into what a resource's Check understands: the value, a secret, or unknown.
pub fn resolved(v: &Value) -> Value {
    v.without_outputs(&mut Default::default())
}

/// The component's outputs: each child's key outputs and the region summary. Children still being
/// previewed give unknowns.
pub fn outputs(inputs: &Value, children: &[(&'static Block, Value)]) -> Value {
    let mut out = BTreeMap::new();
    for key in SHARED {
        let v = inputs.get(key).map(resolved).unwrap_or(Value::Null);
        out.insert(key.to_string(), v);
    }
    for (block, state) in children {
        for (key, path) in block.outputs {
            out.insert(key.to_string(), lookup(state, path));
        }
    }
    let regions_from_children = children.iter().find_map(|(_, state)| {
        Some((
            state.get("primaryRegion")?.clone(),
            state.get("secondaryRegion")?.clone(),
        ))
    });
    if let Some((primary, secondary)) = regions_from_children {
        // The children resolve the regions (a block or the provider config may set them).
        out.insert("primaryRegion".into(), primary);
        out.insert("secondaryRegion".into(), secondary);
    }
    if out.get("activeRegion").is_none_or(Value::is_null) {
        out.insert("activeRegion".into(), Value::string("primary"));
    }
    Value::Object(out).without_nulls()
}

fn lookup(state: &Value, path: &str) -> Value {
    let mut cur = state;
    for part in path.split('.') {
        if cur.is_unknown() {
            return Value::Unknown(UnknownKind::String);
        }
        match cur.get(part) {
            Some(next) => cur = next,
            None if state.as_object().is_none_or(|o| o.is_empty()) => {
                return Value::Unknown(UnknownKind::String)
            }
            None => return Value::Null,
        }
    }
    cur.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Vec<Arc<dyn Resource>> {
        resources::registry()
    }

    fn request<'a>(inputs: &'a Value, config: &'a ProviderConfig) -> Request<'a> {
        Request {
            name: "payments",
            inputs,
            ignore_changes: &[],
            replace_on_changes: &[],
            config,
        }
    }

    fn json(v: serde_json::Value) -> Value {
        Value::from_json(&v)
    }

    /// Every path a block reads from its child names an output the child's schema declares, through
    /// the object types it refers to: a misspelt field would leave the component's output undefined.
    #[test]
    fn every_component_output_reads_a_field_the_child_declares() {
        let schema = crate::schema::parsed();
        for block in BLOCKS {
            for (output, path) in block.outputs {
                let mut props = &schema["resources"][block.token]["properties"];
                for (i, part) in path.split('.').enumerate() {
                    let prop = &props[part];
                    assert!(
                        prop.is_object(),
                        "{output} reads {path}: {} has no output {part}",
                        block.token
                    );
                    if i + 1 < path.split('.').count() {
                        let reference = prop["$ref"].as_str().unwrap_or_default();
                        let ty = reference.trim_start_matches("#/types/");
                        props = &schema["types"][ty]["properties"];
                    }
                }
            }
        }
    }

    #[test]
    fn blocks_reach_children_with_shared_settings() {
        let config = ProviderConfig::default();
        let inputs = json(serde_json::json!({
            "primaryRegion": "us-west-2",
            "secondaryRegion": "us-east-1",
            "activeRegion": "primary",
            "dns": {"zoneName": "example.com", "recordName": "api",
                    "primaryEndpoint": "a.example.com", "secondaryEndpoint": "b.example.com"},
        }));
        let children = plan(&request(&inputs, &config), &registry()).expect("valid");
        assert_eq!(children.len(), 1);
        let dns = &children[0];
        assert_eq!(dns.name, "payments-dns");
        assert_eq!(
            dns.inputs.get("primaryRegion").and_then(Value::as_str),
            Some("us-west-2")
        );
        assert_eq!(
            dns.inputs.get("activeRegion").and_then(Value::as_str),
            Some("primary")
        );
    }

    #[test]
    fn shared_settings_skip_children_without_them() {
        // GlobalDatabase has no activeRegion input (yet): it must not receive one.
        let config = ProviderConfig::default();
        let inputs = json(serde_json::json!({
            "activeRegion": "primary",
            "database": {"engine": "aurora-postgresql", "masterUsername": "app",
                         "masterPassword": "pw-long-enough", "instanceClass": "db.r6g.large"},
        }));
        let children = plan(&request(&inputs, &config), &registry()).expect("valid");
        let accepts = schema::input_properties(BLOCKS[0].token).contains("activeRegion");
        assert_eq!(children[0].inputs.get("activeRegion").is_some(), accepts);
    }

    #[test]
    fn failures_name_the_block_path() {
        let config = ProviderConfig::default();
        let inputs = json(serde_json::json!({
            "activeRegion": "west",
            "databse": {},
            "database": {"engine": "aurora-postgresql", "masterUsername": "app"},
        }));
        let failures = plan(&request(&inputs, &config), &registry())
            .err()
            .expect("invalid");
        let props: Vec<&str> = failures.iter().map(|f| f.property.as_str()).collect();
        assert!(props.contains(&"database.masterPassword"), "{props:?}");
        assert!(props.contains(&"databse"), "{props:?}");
        assert!(props.contains(&"activeRegion"), "{props:?}");
    }

    #[test]
    fn nothing_declared_is_an_error() {
        let config = ProviderConfig::default();
        let inputs = json(serde_json::json!({"primaryRegion": "us-east-1"}));
        assert!(plan(&request(&inputs, &config), &registry()).is_err());
    }

    #[test]
    fn unknown_inputs_are_not_judged() {
        let config = ProviderConfig::default();
        let inputs = Value::object([(
            "database",
            Value::object([
                ("engine", Value::string("aurora-postgresql")),
                ("masterUsername", Value::string("app")),
                ("instanceClass", Value::string("db.r6g.large")),
                (
                    "masterPassword",
                    Value::Output(OutputValue {
                        value: None,
                        secret: true,
                        dependencies: vec![
                            "urn:pulumi:dev::p::random:index:RandomPassword::pw".into()
                        ],
                    }),
                ),
            ]),
        )]);
        let children = plan(&request(&inputs, &config), &registry()).expect("unknowns pass");
        // the output value and its dependency are kept for the child's registration
        assert!(
            matches!(children[0].inputs.get("masterPassword"), Some(Value::Output(o)) if o.dependencies.len() == 1)
        );
    }

    #[test]
    fn ignore_changes_paths_become_relative() {
        let config = ProviderConfig::default();
        let inputs = json(serde_json::json!({
            "dns": {"zoneName": "example.com", "recordName": "api",
                    "primaryEndpoint": "a.example.com", "secondaryEndpoint": "b.example.com"},
        }));
        let ignore = vec![
            "dns.ttl".to_string(),
            "database.tags".to_string(),
            "dnsx.y".to_string(),
        ];
        let req = Request {
            ignore_changes: &ignore,
            ..request(&inputs, &config)
        };
        let children = plan(&req, &registry()).expect("valid");
        assert_eq!(children[0].ignore_changes, vec!["ttl".to_string()]);
    }

    #[test]
    fn outputs_pick_child_values_and_unknowns_in_preview() {
        let inputs = json(serde_json::json!({"activeRegion": "secondary"}));
        let dns_state = json(
            serde_json::json!({"fqdn": "api.example.com", "primaryHealthCheckId": "hc-1",
            "secondaryHealthCheckId": "hc-2", "answeringRegion": "us-east-2",
            "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2"}),
        );
        let out = outputs(
            &inputs,
            &[
                (&BLOCKS[1], dns_state),
                (&BLOCKS[0], Value::object::<_, String>([])),
            ],
        );
        assert_eq!(
            out.get("fqdn").and_then(Value::as_str),
            Some("api.example.com")
        );
        assert_eq!(
            out.get("activeRegion").and_then(Value::as_str),
            Some("secondary")
        );
        assert_eq!(
            out.get("primaryRegion").and_then(Value::as_str),
            Some("us-east-1")
        );
        assert!(
            out.get("globalClusterArn").is_some_and(Value::is_unknown),
            "{out:?}"
        );
    }
}
