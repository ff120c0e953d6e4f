//! Diff: which inputs changed (the name prefix and the regions replace the pair; everything else is
//! changed in place), plus the drift the last read recorded in the state: a bucket gone or no longer
//! versioned, the managed role gone, or replication rules that are not what the inputs asked for.
//! Each drift is a change of the output that shows it, so the next `pulumi up` runs an Update, which
//! repairs it.

use crate::config::ProviderConfig;
use crate::diff::{diff_inputs, ChangeKind, Diff, PropertyChange};
use crate::error::ProviderError;
use crate::regions::Role;
use crate::resources::DiffRequest;
use crate::value::Value;

use super::inputs::{Spec, REPLACE_KEYS};
use super::replication::{self, RuleSummary};
use super::state::{inputs_of, role_key, was_managed, ROLE_ARN, ROLE_MANAGED, RULES};

pub fn diff(req: &DiffRequest<'_>) -> Result<Diff, ProviderError> {
    let old_inputs = match req.old_inputs {
        Some(v) if v.as_object().is_some_and(|o| !o.is_empty()) => v.clone(),
        _ => inputs_of(req.olds),
    };
    let mut d = diff_inputs(&old_inputs, req.news, &REPLACE_KEYS);
    for change in drift(req.olds, &old_inputs) {
        if !d.changes.iter().any(|c| c.top_level() == change.path) {
            d.changes.push(change);
        }
    }
    Ok(d)
}

fn update(path: String) -> PropertyChange {
    PropertyChange {
        path,
        kind: ChangeKind::Update,
        replace: false,
    }
}

/// What the state shows to differ from what `old_inputs` asked for.
fn drift(olds: &Value, old_inputs: &Value) -> Vec<PropertyChange> {
    let mut out = Vec::new();
    // A state without the outputs this resource writes is not one to infer anything from.
    if olds.get(ROLE_MANAGED).is_none() {
        return out;
    }
    for role in Role::BOTH {
        let key = role_key(role, "BucketVersioning");
        if olds.get(&key).and_then(Value::as_str) != Some("Enabled") {
            out.push(update(key));
        }
    }
    let role_arn = olds.get(ROLE_ARN).and_then(Value::as_str);
    if was_managed(olds) && role_arn.is_none() {
        out.push(update(ROLE_ARN.into()));
    }
    let config = ProviderConfig::default();
    let Ok(spec) = Spec::from_value(old_inputs, &config) else {
        return out;
    };
    let have: Vec<RuleSummary> = olds
        .get(RULES)
        .map(|v| serde_json::from_value(v.to_plain_json()).unwrap_or_default())
        .unwrap_or_default();
    let mut want = replication::desired_all(&spec, role_arn.unwrap_or_default());
    if role_arn.is_none() {
        // The role is already reported; judge the rest of the rules without it.
        for (w, h) in want.iter_mut().zip(&have) {
            w.role_arn = h.role_arn.clone();
        }
    }
    if have != want {
        out.push(update(RULES.into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Regions;
    use crate::resources::replicated_bucket::buckets::Observed;
    use crate::resources::replicated_bucket::state::{self, Found, RoleState};

    const ROLE: &str = "arn:aws:iam::123456789012:role/multiregion-dr/o-replication-x";

    fn inputs(patch: serde_json::Value) -> Value {
        let mut base = serde_json::json!({
            "namePrefix": "orders", "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2",
            "replicationTimeControl": true, "deleteMarkerReplication": true, "twoWay": false,
            "forceDestroy": false, "encryption": {"sseAlgorithm": "AES256"}, "tags": {"team": "a"},
        });
        for (k, v) in patch.as_object().unwrap() {
            base[k] = v.clone();
        }
        Value::from_json(&base)
    }

    /// The state a healthy pair has after a successful up.
    fn healthy(inputs_v: &Value) -> Value {
        let spec = Spec::from_value(inputs_v, &ProviderConfig::default()).unwrap();
        let arn = spec.given_role_arn.clone().unwrap_or(ROLE.into());
        let found = Found {
            buckets: Regions::from_fn(|role| {
                let config = replication::desired(&spec, role, &arn).map(|want| {
                    let dest = spec.buckets.get(role.other()).arn();
                    replication_config(&want, &dest)
                });
                Some(Observed {
                    versioning: Some("Enabled".into()),
                    tags: spec.resource_tags(),
                    replication: config,
                })
            }),
            role: RoleState {
                arn: Some(arn.clone()),
                managed: spec.given_role_arn.is_none(),
            },
        };
        state::outputs(inputs_v, &spec, &found)
    }

    fn replication_config(
        want: &RuleSummary,
        dest: &str,
    ) -> aws_sdk_s3::types::ReplicationConfiguration {
        // Built by the same code that writes it to S3.
        replication::configuration(want, dest).unwrap()
    }

    fn run(olds: &Value, old_inputs: Option<&Value>, news: &Value) -> Diff {
        diff(&DiffRequest {
            id: "orders",
            olds,
            news,
            old_inputs,
        })
        .unwrap()
    }

    fn summary(d: &Diff) -> Vec<(String, bool)> {
        d.changes
            .iter()
            .map(|c| (c.path.clone(), c.replace))
            .collect()
    }

    fn with(v: &Value, key: &str, new: Value) -> Value {
        let mut o = v.as_object().cloned().unwrap();
        if new.is_null() {
            o.remove(key);
        } else {
            o.insert(key.into(), new);
        }
        Value::Object(o)
    }

    #[test]
    fn no_change_no_diff_with_or_without_old_inputs() {
        let i = inputs(serde_json::json!({}));
        let s = healthy(&i);
        assert!(
            !run(&s, Some(&i), &i).has_changes(),
            "{:?}",
            summary(&run(&s, Some(&i), &i))
        );
        assert!(
            !run(&s, None, &i).has_changes(),
            "{:?}",
            summary(&run(&s, None, &i))
        );
        let two = inputs(serde_json::json!({"twoWay": true}));
        assert!(!run(&healthy(&two), None, &two).has_changes());
    }

    #[test]
    fn the_prefix_and_regions_replace_everything_else_updates_in_place() {
        let i = inputs(serde_json::json!({}));
        let s = healthy(&i);
        for patch in [
            serde_json::json!({"namePrefix": "payments"}),
            serde_json::json!({"primaryRegion": "eu-west-1"}),
            serde_json::json!({"secondaryRegion": "us-west-2"}),
        ] {
            let d = run(&s, Some(&i), &inputs(patch.clone()));
            assert!(d.replaces(), "{patch}: {:?}", summary(&d));
        }
        for (patch, path) in [
            (serde_json::json!({"twoWay": true}), "twoWay"),
            (
                serde_json::json!({"replicationTimeControl": false}),
                "replicationTimeControl",
            ),
            (
                serde_json::json!({"deleteMarkerReplication": false}),
                "deleteMarkerReplication",
            ),
            (serde_json::json!({"forceDestroy": true}), "forceDestroy"),
            (
                serde_json::json!({"noncurrentVersionExpirationDays": 30}),
                "noncurrentVersionExpirationDays",
            ),
            (serde_json::json!({"tags": {"team": "b"}}), "tags.team"),
            (
                serde_json::json!({"encryption": {"sseAlgorithm": "aws:kms"}}),
                "encryption.sseAlgorithm",
            ),
            (
                serde_json::json!({"replicationRoleArn": "arn:aws:iam::123456789012:role/mine"}),
                "replicationRoleArn",
            ),
        ] {
            let d = run(&s, Some(&i), &inputs(patch.clone()));
            assert!(
                d.changes.iter().any(|c| c.path == path) && !d.replaces(),
                "{patch}: {:?}",
                summary(&d)
            );
        }
    }

    #[test]
    fn drift_recorded_by_a_read_asks_for_an_update() {
        let i = inputs(serde_json::json!({}));
        let s = healthy(&i);
        let suspended = with(&s, "secondaryBucketVersioning", Value::from("Suspended"));
        assert_eq!(
            summary(&run(&suspended, Some(&i), &i)),
            [("secondaryBucketVersioning".to_string(), false)]
        );
        let gone = with(&s, "primaryBucketVersioning", Value::Null);
        assert_eq!(
            summary(&run(&gone, Some(&i), &i)),
            [("primaryBucketVersioning".to_string(), false)]
        );
        let no_rule = with(&s, "replicationRules", Value::Array(vec![]));
        assert_eq!(
            summary(&run(&no_rule, Some(&i), &i)),
            [("replicationRules".to_string(), false)]
        );
        let no_role = with(&s, "replicationRoleArn", Value::Null);
        assert_eq!(
            summary(&run(&no_role, Some(&i), &i)),
            [("replicationRoleArn".to_string(), false)]
        );
        // A rule edited out of band (RTC turned off) is drift too.
        let mut rules = s.get("replicationRules").unwrap().clone();
        if let Value::Array(items) = &mut rules {
            if let Value::Object(rule) = &mut items[0] {
                rule.insert("replicationTimeControl".into(), Value::from(false));
            }
        }
        let edited = with(&s, "replicationRules", rules);
        assert_eq!(
            summary(&run(&edited, Some(&i), &i)),
            [("replicationRules".to_string(), false)]
        );
        // An input change and the drift it repairs are one change.
        let d = run(
            &no_rule,
            Some(&i),
            &inputs(serde_json::json!({"twoWay": true})),
        );
        assert_eq!(d.changes.len(), 2, "{:?}", summary(&d));
    }
}
