//! Keeps secret values out of everything the provider says: error messages, Check failures, engine
//! Log lines and traces. A rule may quote a value ("'x' is not a hosted zone id") and AWS may echo a
//! parameter in an error; when that value is secret, the user sees `[secret]` instead.
//!
//! The secrets are the string values inside secret wrappers anywhere in the inputs, and the values of
//! the properties the schema marks secret (a password passed without `secret()` is still one).

use std::sync::Arc;

use crate::value::{OutputValue, Value};

pub const MASK: &str = "[secret]";
/// Shorter secrets are not masked: replacing every "1" or "abc" in a message would garble it and hide
/// nothing worth hiding.
pub const MIN_LEN: usize = 4;
/// A reason longer than this is cut: a value quoted whole (a 1 MB string) makes an unreadable message.
pub const MAX_REASON: usize = 4096;
/// A whole error message (many reasons) is cut here: it travels in a gRPC trailer.
pub const MAX_MESSAGE: usize = 16 * 1024;

#[derive(Debug, Clone, Default)]
pub struct Secrets(Arc<Vec<String>>);

impl Secrets {
    /// The secrets in `values`, each the inputs (or state) of a resource of type `token`.
    pub fn of(token: &str, values: &[&Value]) -> Secrets {
        let mut found = Vec::new();
        for v in values {
            collect(token, v, Scope::Whole, &mut found);
        }
        Secrets::from_strings(found)
    }

    /// As [`Secrets::of`], but a secret object or list does not make everything inside it secret:
    /// SDKs send a component's input block that holds one secret as one secret output, and masking
    /// every name and region in it would make the messages useless. Secrets inside it are still found
    /// where they are wrapped themselves or where the schema marks the property secret.
    pub fn of_leaves(token: &str, values: &[&Value]) -> Secrets {
        let mut found = Vec::new();
        for v in values {
            collect(token, v, Scope::Leaves, &mut found);
        }
        Secrets::from_strings(found)
    }

    pub fn from_strings(mut found: Vec<String>) -> Secrets {
        found.retain(|s| s.chars().count() >= MIN_LEN);
        // An escaped spelling (as `{:?}` or JSON writes it) is masked too.
        let escaped: Vec<String> = found
            .iter()
            .map(|s| format!("{s:?}").trim_matches('"').to_string())
            .filter(|e| !found.contains(e))
            .collect();
        found.extend(escaped);
        // Longest first, so a secret that contains another is masked whole.
        found.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        found.dedup();
        Secrets(Arc::new(found))
    }

    pub fn extend(&self, other: &Secrets) -> Secrets {
        let mut all: Vec<String> = self.0.iter().chain(other.0.iter()).cloned().collect();
        all.dedup();
        Secrets::from_strings(all)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A reason (one failure, one log line) with every secret masked and, when very long, cut.
    pub fn redact(&self, text: &str) -> String {
        truncate(self.mask(text), MAX_REASON)
    }

    /// A whole error message with every secret masked and, when very long, cut.
    pub fn redact_message(&self, text: &str) -> String {
        truncate(self.mask(text), MAX_MESSAGE)
    }

    fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in self.0.iter() {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        out
    }
}

/// An error message of ours that may quote what the engine sent (a type token, a function name):
/// cut when very long.
pub fn tidy(text: &str) -> String {
    truncate(text.to_string(), MAX_MESSAGE)
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let total = text.len();
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(&format!("… ({} more bytes)", total - cut));
    text
}

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Everything inside a secret is secret.
    Whole,
    /// Only a secret scalar is.
    Leaves,
}

fn collect(token: &str, v: &Value, scope: Scope, out: &mut Vec<String>) {
    secret_leaves(v, false, scope, out);
    let marked = crate::schema::secret_outputs(token);
    if let Some(obj) = v.as_object() {
        for key in marked {
            if let Some(value) = obj.get(&key) {
                secret_leaves(value, true, Scope::Whole, out);
            }
        }
    }
}

fn secret_leaves(v: &Value, inside: bool, scope: Scope, out: &mut Vec<String>) {
    let wraps = |inner: &Value| {
        scope == Scope::Whole
            || !matches!(inner.unwrap_secret(), Value::Object(_) | Value::Array(_))
    };
    match v {
        Value::String(s) if inside => out.push(s.clone()),
        Value::Secret(inner) => secret_leaves(inner, inside || wraps(inner), scope, out),
        Value::Output(OutputValue {
            value: Some(inner),
            secret,
            ..
        }) => secret_leaves(inner, inside || (*secret && wraps(inner)), scope, out),
        Value::Array(items) => items
            .iter()
            .for_each(|i| secret_leaves(i, inside, scope, out)),
        Value::Object(map) | Value::Opaque(map, _) => map
            .values()
            .for_each(|i| secret_leaves(i, inside, scope, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "multiregion-dr:index:GlobalDatabase";

    #[test]
    fn secrets_anywhere_and_schema_secret_properties_are_masked() {
        let inputs = Value::object([
            ("masterPassword", Value::from("plain-but-secret-by-schema")),
            (
                "tags",
                Value::object([("k", Value::secret(Value::from("hidden-tag")))]),
            ),
            ("engine", Value::from("aurora-postgresql")),
        ]);
        let s = Secrets::of(DB, &[&inputs]);
        let text = "AWS said plain-but-secret-by-schema and hidden-tag for aurora-postgresql";
        assert_eq!(
            s.redact(text),
            "AWS said [secret] and [secret] for aurora-postgresql"
        );
    }

    #[test]
    fn secret_output_values_count_and_short_values_do_not() {
        let inputs = Value::object([
            (
                "a",
                Value::Output(OutputValue {
                    value: Some(Box::new(Value::from("from-an-output"))),
                    secret: true,
                    dependencies: vec![],
                }),
            ),
            ("b", Value::secret(Value::from("abc"))),
        ]);
        let s = Secrets::of("x", &[&inputs]);
        assert_eq!(s.redact("from-an-output abc"), "[secret] abc");
    }

    #[test]
    fn a_secret_block_makes_only_its_secret_leaves_secret() {
        let block = Value::Output(OutputValue {
            value: Some(Box::new(Value::object([
                ("databaseName", Value::from("payments")),
                ("masterPassword", Value::from("the-password")),
                ("tag", Value::secret(Value::from("own-secret"))),
            ]))),
            secret: true,
            dependencies: vec![],
        });
        let s = Secrets::of_leaves(DB, &[&block.unwrap_secret().clone()]);
        assert_eq!(
            s.redact("payments the-password own-secret"),
            "payments [secret] [secret]"
        );
        let whole = Secrets::of(DB, &[&block]);
        assert_eq!(whole.redact("payments"), "[secret]");
    }

    #[test]
    fn escaped_spellings_and_overlaps_are_masked() {
        let s = Secrets::from_strings(vec!["pa\"ss-word".into(), "ss-wo".into()]);
        assert_eq!(s.redact(r#"got "pa\"ss-word""#), r#"got "[secret]""#);
        assert_eq!(s.redact("pa\"ss-word"), "[secret]");
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let text = "é".repeat(MAX_REASON);
        let out = Secrets::default().redact(&text);
        assert!(out.len() < MAX_REASON + 40, "{}", out.len());
        assert!(out.ends_with("more bytes)"));
    }
}
