//! Validation failures that name the property and the rule, as the engine shows them.

use std::fmt;

use crate::value::{Object, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFailure {
    /// Property path, e.g. `masterPassword` or `healthCheck.regions`.
    pub property: String,
    pub reason: String,
}

impl CheckFailure {
    pub fn new(property: impl Into<String>, reason: impl Into<String>) -> Self {
        CheckFailure {
            property: property.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.property, self.reason)
    }
}

/// Collects failures while a checker walks the inputs.
#[derive(Debug, Default)]
pub struct Failures(pub Vec<CheckFailure>);

impl Failures {
    pub fn push(&mut self, property: impl Into<String>, reason: impl Into<String>) {
        self.0.push(CheckFailure::new(property, reason));
    }

    /// Records a failure when `ok` is false; returns `ok` so rules can be chained.
    pub fn require(&mut self, ok: bool, property: &str, reason: impl FnOnce() -> String) -> bool {
        if !ok {
            self.push(property, reason());
        }
        ok
    }

    /// Flags every top-level key that the schema does not list as an input of `token` (the engine's
    /// own `__` keys aside).
    pub fn reject_unknown_keys(&mut self, token: &str, inputs: &Object) {
        let allowed = crate::schema::input_properties(token);
        let resource = token.rsplit(':').next().unwrap_or(token);
        for key in inputs.keys() {
            if !allowed.contains(key) && !key.starts_with("__") {
                self.push(key, format!("is not a {resource} input"));
            }
        }
    }

    /// Flags each of `keys` that is absent or null.
    pub fn require_present(&mut self, inputs: &Object, keys: &[&str]) {
        for key in keys {
            if inputs.get(*key).is_none_or(Value::is_null) {
                self.push(*key, "is required");
            }
        }
    }

    /// Names the top-level inputs whose value has the wrong type, given a decoder of the whole typed
    /// inputs: each key is decoded alone, as serde's errors do not say which field failed. Returns
    /// whether any was found (false means the fault lies in no single key).
    pub fn name_wrong_types<E: fmt::Display>(
        &mut self,
        inputs: &Object,
        decode: impl Fn(&Value) -> Result<(), E>,
    ) -> bool {
        let mut found = false;
        for (key, v) in inputs {
            if key.starts_with("__") {
                continue;
            }
            if let Err(e) = decode(&Value::object([(key.as_str(), v.clone())])) {
                self.push(key, format!("has the wrong type: {e}"));
                found = true;
            }
        }
        found
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<CheckFailure> {
        self.0
    }
}
