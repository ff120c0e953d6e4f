//! Diff: which inputs changed, which need a new global database (as the schema marks them, nested
//! settings of a region's cluster included), and a warning when the writer AWS reports is not the
//! declared side.

use super::inputs::TOKEN;
use super::switch::{self, SwitchRecord};
use crate::diff::{diff_replacing, Diff};
use crate::regions::Role;
use crate::resources::DiffRequest;
use crate::value::Value;

pub fn diff(req: &DiffRequest<'_>) -> Diff {
    let old_inputs = crate::schema::only_inputs(TOKEN, req.sent_old_inputs().unwrap_or(req.olds));
    // The schema marks what needs a new database, nested settings AWS cannot change on an
    // existing cluster included (`primary.kmsKeyId`).
    let replace = crate::schema::replace_paths(TOKEN);
    let mut diff = diff_replacing(&old_inputs, req.news, &replace);
    diff.warnings
        .extend(drift_warning(&old_inputs, req.olds, req.news));
    diff
}

/// Diff's warning when the last observed writer is not the declared side and the program did not
/// ask for a move: shown at preview and up, before anything runs.
fn drift_warning(old_inputs: &Value, olds: &Value, news: &Value) -> Option<String> {
    let side = |v: &Value| {
        v.get("activeRegion")
            .and_then(Value::as_str)
            .and_then(Role::parse)
            .unwrap_or(Role::Primary)
    };
    let declared = side(news);
    if declared != side(old_inputs) {
        return None;
    }
    let unfinished = SwitchRecord::from_state(olds).is_some_and(|r| !r.completed);
    let writer = olds.get("writerRegion").and_then(Value::as_str)?;
    let region_of = |key: &str| news.get(key).and_then(Value::as_str).map(str::to_string);
    let declared_region = region_of(&format!("{declared}Region"))?;
    (!unfinished && !writer.is_empty() && writer != declared_region)
        .then(|| switch::drift_message(writer, declared, &declared_region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> serde_json::Value {
        serde_json::json!({
            "globalClusterIdentifier": "orders", "engine": "aurora-postgresql",
            "masterUsername": "admin", "masterPassword": "secret-pw", "storageEncrypted": true,
            "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2",
            "primary": {"instanceCount": 1, "kmsKeyId": "k1", "dbSubnetGroupName": "a"},
            "secondary": {"instanceCount": 1, "kmsKeyId": "k2", "dbSubnetGroupName": "b"},
        })
    }

    fn run(old_inputs: Option<serde_json::Value>, news: serde_json::Value) -> Diff {
        let olds = Value::from_json(&inputs());
        let old_inputs = old_inputs.map(|v| Value::from_json(&v));
        diff(&DiffRequest {
            id: "orders",
            olds: &olds,
            news: &Value::from_json(&news),
            old_inputs: old_inputs.as_ref(),
        })
    }

    fn patched(patch: serde_json::Value) -> serde_json::Value {
        let mut v = inputs();
        json_merge(&mut v, patch);
        v
    }

    fn json_merge(v: &mut serde_json::Value, patch: serde_json::Value) {
        match (v, patch) {
            (serde_json::Value::Object(o), serde_json::Value::Object(p)) => {
                for (k, pv) in p {
                    json_merge(o.entry(k).or_insert(serde_json::Value::Null), pv);
                }
            }
            (slot, pv) => *slot = pv,
        }
    }

    /// Drift: the code replaced on these and the schema (so the SDKs and `pulumi preview`) did not
    /// say so. Both now come from the schema's `willReplaceOnChanges`.
    #[test]
    fn the_master_username_and_a_regions_key_and_subnet_group_replace() {
        for patch in [
            serde_json::json!({"masterUsername": "root"}),
            serde_json::json!({"primary": {"kmsKeyId": "k3"}}),
            serde_json::json!({"secondary": {"kmsKeyId": "k3"}}),
            serde_json::json!({"primary": {"dbSubnetGroupName": "c"}}),
            serde_json::json!({"secondary": {"dbSubnetGroupName": "c"}}),
        ] {
            let d = run(Some(inputs()), patched(patch.clone()));
            assert!(d.replaces(), "{patch} must replace: {d:?}");
        }
        let d = run(
            Some(inputs()),
            patched(serde_json::json!({"secondary": {"instanceCount": 2}})),
        );
        assert!(d.has_changes() && !d.replaces(), "{d:?}");
        let marked = crate::schema::replace_paths(TOKEN);
        for path in [
            "masterUsername",
            "primary.kmsKeyId",
            "secondary.dbSubnetGroupName",
        ] {
            assert!(
                marked.iter().any(|p| p == path),
                "schema.json must mark {path}"
            );
        }
    }

    /// Drift: an empty old-inputs map from the engine made every input look added, and so proposed
    /// a replacement; the state's inputs are used instead, as the other resources do.
    #[test]
    fn empty_old_inputs_fall_back_to_the_state() {
        for sent in [None, Some(serde_json::json!({}))] {
            let d = run(sent.clone(), inputs());
            assert!(!d.has_changes(), "old inputs {sent:?}: {d:?}");
        }
    }
}
