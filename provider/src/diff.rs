//! Property-level diffs between old and new inputs, in the engine's terms (paths like `tags.env` or
//! `healthCheck.regions[1]`), with the replace decision left to each resource.

use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Add,
    Delete,
    Update,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyChange {
    pub path: String,
    pub kind: ChangeKind,
    pub replace: bool,
}

impl PropertyChange {
    pub fn top_level(&self) -> &str {
        let end = self.path.find(['.', '[']).unwrap_or(self.path.len());
        &self.path[..end]
    }

    /// Whether the change is of property `path` or of something inside it.
    pub fn is_at_or_under(&self, path: &str) -> bool {
        self.path
            .strip_prefix(path)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<PropertyChange>,
    pub delete_before_replace: bool,
    /// Shown to the user at preview and up, e.g. that AWS no longer matches the program.
    pub warnings: Vec<String>,
}

impl Diff {
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    pub fn replaces(&self) -> bool {
        self.changes.iter().any(|c| c.replace)
    }

    pub fn changed(&self, top_level: &str) -> bool {
        self.changes.iter().any(|c| c.top_level() == top_level)
    }
}

/// Diffs two input objects. A property in `replace_keys` (top-level names) that changes forces a
/// replacement. Unknown new values count as changes: they may well differ once known.
pub fn diff_inputs(old: &Value, new: &Value, replace_keys: &[&str]) -> Diff {
    let mut raw = Vec::new();
    walk("", old, new, &mut raw);
    let changes = raw
        .into_iter()
        .map(|(path, kind)| {
            let mut change = PropertyChange {
                path,
                kind,
                replace: false,
            };
            change.replace = replace_keys.contains(&change.top_level());
            change
        })
        .collect();
    Diff {
        changes,
        ..Diff::default()
    }
}

/// Diffs two input objects; a change at or under one of `replace_paths` (a top-level name such as
/// `engine`, or a nested one such as `primary.kmsKeyId`) forces a replacement.
pub fn diff_replacing(old: &Value, new: &Value, replace_paths: &[String]) -> Diff {
    let mut d = diff_inputs(old, new, &[]);
    for change in &mut d.changes {
        change.replace = replace_paths.iter().any(|p| change.is_at_or_under(p));
    }
    d
}

fn join(prefix: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':');
    match (prefix.is_empty(), simple) {
        (true, true) => key.to_string(),
        (false, true) => format!("{prefix}.{key}"),
        // Keys with dots or spaces use the bracketed form the engine parses.
        (_, false) => format!("{prefix}[{}]", serde_json::Value::String(key.to_string())),
    }
}

fn walk(path: &str, old: &Value, new: &Value, out: &mut Vec<(String, ChangeKind)>) {
    if new.is_unknown() {
        out.push((path.to_string(), ChangeKind::Update));
        return;
    }
    match (old.unwrap_secret(), new.unwrap_secret()) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, ov) in o {
                let p = join(path, k);
                match n.get(k) {
                    Some(nv) if !nv.is_null() => walk(&p, ov, nv, out),
                    _ if ov.is_null() => {}
                    _ => out.push((p, ChangeKind::Delete)),
                }
            }
            for (k, nv) in n {
                if !nv.is_null() && o.get(k).is_none_or(Value::is_null) {
                    out.push((join(path, k), ChangeKind::Add));
                }
            }
        }
        (Value::Array(o), Value::Array(n)) => {
            for i in 0..o.len().max(n.len()) {
                let p = format!("{path}[{i}]");
                match (o.get(i), n.get(i)) {
                    (Some(ov), Some(nv)) => walk(&p, ov, nv, out),
                    (Some(_), None) => out.push((p, ChangeKind::Delete)),
                    (None, Some(_)) => out.push((p, ChangeKind::Add)),
                    (None, None) => {}
                }
            }
        }
        (Value::Number(a), Value::Number(b)) if a == b => {}
        (o, n) if o == n => {}
        (Value::Null, _) => out.push((path.to_string(), ChangeKind::Add)),
        (_, Value::Null) => out.push((path.to_string(), ChangeKind::Delete)),
        _ => out.push((path.to_string(), ChangeKind::Update)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::UnknownKind;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }

    #[test]
    fn nested_paths_and_kinds() {
        let d = diff_inputs(
            &v(
                serde_json::json!({"tags": {"env": "a", "gone": "x"}, "list": [1, 2], "same": true}),
            ),
            &v(serde_json::json!({"tags": {"env": "b", "new": "y"}, "list": [1], "same": true})),
            &[],
        );
        let got: Vec<_> = d
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("list[1]", ChangeKind::Delete),
                ("tags.env", ChangeKind::Update),
                ("tags.gone", ChangeKind::Delete),
                ("tags.new", ChangeKind::Add),
            ]
        );
        assert!(!d.replaces());
    }

    #[test]
    fn replace_keys_mark_replacement_and_secrets_compare_by_value() {
        let old = Value::object([
            ("engine", Value::from("aurora-mysql")),
            ("pw", Value::secret("a".into())),
        ]);
        let new = Value::object([
            ("engine", Value::from("aurora-postgresql")),
            ("pw", Value::from("a")),
        ]);
        let d = diff_inputs(&old, &new, &["engine"]);
        assert_eq!(d.changes.len(), 1);
        assert!(d.changes[0].replace);
    }

    #[test]
    fn replace_paths_reach_inside_objects() {
        let old =
            v(serde_json::json!({"primary": {"kmsKeyId": "a", "instanceCount": 1}, "engine": "x"}));
        let new =
            v(serde_json::json!({"primary": {"kmsKeyId": "b", "instanceCount": 2}, "engine": "x"}));
        let d = diff_replacing(&old, &new, &["engine".into(), "primary.kmsKeyId".into()]);
        let got: Vec<_> = d
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.replace))
            .collect();
        assert_eq!(
            got,
            [("primary.instanceCount", false), ("primary.kmsKeyId", true)]
        );
        let mut renamed = PropertyChange {
            path: "primaryX".into(),
            kind: ChangeKind::Update,
            replace: false,
        };
        assert!(!renamed.is_at_or_under("primary"));
        renamed.path = "primary[\"a\"]".into();
        assert!(renamed.is_at_or_under("primary"));
    }

    #[test]
    fn unknown_new_values_are_changes() {
        let d = diff_inputs(
            &v(serde_json::json!({"a": "x"})),
            &Value::object([("a", Value::Unknown(UnknownKind::String))]),
            &[],
        );
        assert_eq!(d.changes[0].kind, ChangeKind::Update);
    }

    #[test]
    fn keys_with_dots_are_bracketed() {
        let d = diff_inputs(
            &v(serde_json::json!({"tags": {}})),
            &v(serde_json::json!({"tags": {"a.b": "1"}})),
            &[],
        );
        assert_eq!(d.changes[0].path, "tags[\"a.b\"]");
        assert_eq!(d.changes[0].top_level(), "tags");
    }
}
