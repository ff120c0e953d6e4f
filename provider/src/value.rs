//! Property values as Pulumi means them: JSON-like data plus secrets, unknowns, output values and
//! resource references. Resource modules work with this type; only `rpc::codec` knows protobuf.

use std::collections::BTreeMap;

/// The kind of an unknown value. The engine and SDKs send the string sentinel for everything, but the
/// protocol defines one sentinel per kind and all of them must be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKind {
    String,
    Bool,
    Number,
    Array,
    Asset,
    Archive,
    Object,
}

impl UnknownKind {
    pub const ALL: [UnknownKind; 7] = [
        UnknownKind::String,
        UnknownKind::Bool,
        UnknownKind::Number,
        UnknownKind::Array,
        UnknownKind::Asset,
        UnknownKind::Archive,
        UnknownKind::Object,
    ];

    pub fn sentinel(self) -> &'static str {
        match self {
            UnknownKind::String => "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            UnknownKind::Bool => "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
            UnknownKind::Number => "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
            UnknownKind::Array => "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
            UnknownKind::Asset => "030794c1-ac77-496b-92df-f27374a8bd58",
            UnknownKind::Archive => "e48ece36-62e2-4504-bad9-02848725956a",
            UnknownKind::Object => "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
        }
    }

    pub fn from_sentinel(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.sentinel() == s)
    }
}

/// A Pulumi property value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// A value the engine or the user marked secret; it stays secret through every round trip.
    Secret(Box<Value>),
    /// A value not known yet (preview).
    Unknown(UnknownKind),
    /// An output value (Construct and Call inputs): maybe known, maybe secret, with the URNs it depends on.
    Output(OutputValue),
    /// A reference to another resource.
    ResourceRef(ResourceRef),
    /// Assets and archives pass through untouched; this provider never reads them.
    Opaque(BTreeMap<String, Value>, OpaqueKind),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpaqueKind {
    Asset,
    Archive,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputValue {
    /// `None` means the value is unknown.
    pub value: Option<Box<Value>>,
    pub secret: bool,
    pub dependencies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceRef {
    pub urn: String,
    /// `Some("")` when the ID is unknown; `None` for component references.
    pub id: Option<String>,
    pub package_version: String,
}

pub type Object = BTreeMap<String, Value>;

impl Value {
    pub fn object<I, K>(entries: I) -> Value
    where
        I: IntoIterator<Item = (K, Value)>,
        K: Into<String>,
    {
        Value::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn secret(v: Value) -> Value {
        match v {
            already @ Value::Secret(_) => already,
            other => Value::Secret(Box::new(other)),
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self.unwrap_secret() {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_secret() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// The value inside any number of secret or known-output wrappers.
    pub fn unwrap_secret(&self) -> &Value {
        match self {
            Value::Secret(inner) => inner.unwrap_secret(),
            Value::Output(OutputValue {
                value: Some(inner), ..
            }) => inner.unwrap_secret(),
            other => other,
        }
    }

    pub fn is_secret(&self) -> bool {
        match self {
            Value::Secret(_) => true,
            Value::Output(o) => o.secret,
            _ => false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_secret(), Value::Null)
    }

    /// True when the value itself is unknown (not when it merely contains an unknown).
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Output(OutputValue { value: None, .. }) => true,
            Value::Secret(inner) => inner.is_unknown(),
            Value::Output(OutputValue {
                value: Some(inner), ..
            }) => inner.is_unknown(),
            _ => false,
        }
    }

    /// True when the value is, or contains, an unknown anywhere.
    pub fn contains_unknowns(&self) -> bool {
        match self {
            Value::Unknown(_) | Value::Output(OutputValue { value: None, .. }) => true,
            Value::Secret(inner)
            | Value::Output(OutputValue {
                value: Some(inner), ..
            }) => inner.contains_unknowns(),
            Value::Array(items) => items.iter().any(Value::contains_unknowns),
            Value::Object(map) => map.values().any(Value::contains_unknowns),
            _ => false,
        }
    }

    /// True when the value is, or contains, a secret anywhere.
    pub fn contains_secrets(&self) -> bool {
        match self {
            Value::Secret(_) => true,
            Value::Output(o) => o.secret || o.value.as_deref().is_some_and(Value::contains_secrets),
            Value::Array(items) => items.iter().any(Value::contains_secrets),
            Value::Object(map) => map.values().any(Value::contains_secrets),
            _ => false,
        }
    }

    /// Plain JSON for typed decoding: secrets and known outputs unwrapped, unknowns become null,
    /// resource references become their URN. Callers decide about unknowns before they decode.
    pub fn to_plain_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown(_) => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Value::to_plain_json).collect()),
            Value::Object(map) | Value::Opaque(map, _) => J::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.to_plain_json()))
                    .collect(),
            ),
            Value::Secret(inner) => inner.to_plain_json(),
            Value::Output(o) => o.value.as_deref().map_or(J::Null, Value::to_plain_json),
            Value::ResourceRef(r) => J::String(r.urn.clone()),
        }
    }

    /// Builds a value from plain JSON (no secrets, no unknowns).
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Value::String(s.clone()),
            J::Array(items) => Value::Array(items.iter().map(Value::from_json).collect()),
            J::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The value with every output value replaced by what a custom resource's inputs carry: its
    /// value (secret if it was), or unknown. The URNs the outputs depended on go into `deps`.
    pub fn without_outputs(&self, deps: &mut std::collections::BTreeSet<String>) -> Value {
        match self {
            Value::Output(OutputValue {
                value,
                secret,
                dependencies,
            }) => {
                deps.extend(dependencies.iter().cloned());
                let v = value
                    .as_deref()
                    .map_or(Value::Unknown(UnknownKind::String), |v| {
                        v.without_outputs(deps)
                    });
                if *secret {
                    Value::secret(v)
                } else {
                    v
                }
            }
            Value::Secret(inner) => Value::secret(inner.without_outputs(deps)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| v.without_outputs(deps)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.without_outputs(deps)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Decodes what is known into typed inputs: secrets unwrapped, unknowns (preview) left out, so
    /// that the typed rules judge only what is known.
    pub fn decode_known<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.without_unknowns().to_plain_json())
    }

    /// Drops unknown members and items, recursively: what remains can be decoded into typed inputs
    /// whose rules then judge only what is known.
    pub fn without_unknowns(&self) -> Value {
        match self {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(_, v)| !v.is_unknown())
                    .map(|(k, v)| (k.clone(), v.without_unknowns()))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|v| !v.is_unknown())
                    .map(Value::without_unknowns)
                    .collect(),
            ),
            Value::Secret(inner) => Value::Secret(Box::new(inner.without_unknowns())),
            Value::Output(OutputValue {
                value: Some(inner), ..
            }) => inner.without_unknowns(),
            other => other.clone(),
        }
    }

    /// Removes null members from objects, recursively: Pulumi treats an absent and a null
    /// property the same, and dropping nulls keeps diffs and state free of noise.
    pub fn without_nulls(self) -> Value {
        match self {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(_, v)| !matches!(v, Value::Null))
                    .map(|(k, v)| (k, v.without_nulls()))
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::without_nulls).collect())
            }
            Value::Secret(inner) => Value::Secret(Box::new(inner.without_nulls())),
            other => other,
        }
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    // Protobuf Struct carries every number as a double; integral values go back to JSON integers
    // so that serde can decode them into integer fields.
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n as f64)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::Array(items.into_iter().map(Value::String).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sentinel_round_trips_to_its_kind() {
        for kind in UnknownKind::ALL {
            assert_eq!(UnknownKind::from_sentinel(kind.sentinel()), Some(kind));
        }
        assert_eq!(UnknownKind::from_sentinel("not-a-sentinel"), None);
    }

    #[test]
    fn plain_json_unwraps_secrets_at_any_depth() {
        let v = Value::object([(
            "list",
            Value::Array(vec![Value::secret("a".into()), Value::from(2i64)]),
        )]);
        assert_eq!(v.to_plain_json(), serde_json::json!({"list": ["a", 2]}));
        assert!(v.contains_secrets());
        assert!(!v.contains_unknowns());
    }

    #[test]
    fn unknowns_are_found_inside_lists_and_outputs() {
        let v = Value::Array(vec![
            Value::from("x"),
            Value::Output(OutputValue::default()),
        ]);
        assert!(v.contains_unknowns());
        assert!(!v.is_unknown());
        assert!(Value::secret(Value::Unknown(UnknownKind::Bool)).is_unknown());
    }

    #[test]
    fn nulls_are_dropped_from_objects_only() {
        let v = Value::object([("a", Value::Null), ("b", Value::Array(vec![Value::Null]))]);
        assert_eq!(
            v.without_nulls(),
            Value::object([("b", Value::Array(vec![Value::Null]))])
        );
    }
}
