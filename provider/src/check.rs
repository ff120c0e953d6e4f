//! Validation failures that name the property and the rule, as the engine shows them.

use std::fmt;

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

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<CheckFailure> {
        self.0
    }
}
