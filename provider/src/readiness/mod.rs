//! Readiness: can the writer move to the other region right now, and would DNS follow it? Each rule
//! is a [`Check`] with pass or fail and a reason an SRE can act on. The same rules are the switchover
//! preflight of `GlobalDatabase` and the `getReadiness` function programs call.

pub mod database;

use serde::Serialize;

use crate::value::Value;

/// One rule, judged in one region (or for the pair, when `region` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// The rule, e.g. `membersSynchronized`.
    pub name: String,
    pub region: Option<String>,
    pub passed: bool,
    pub reason: String,
}

impl Check {
    pub fn pass(name: &str, region: Option<&str>, reason: impl Into<String>) -> Check {
        Check::new(name, region, true, reason)
    }

    pub fn fail(name: &str, region: Option<&str>, reason: impl Into<String>) -> Check {
        Check::new(name, region, false, reason)
    }

    pub fn new(name: &str, region: Option<&str>, passed: bool, reason: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            region: region.map(str::to_string),
            passed,
            reason: reason.into(),
        }
    }

    pub fn to_value(&self) -> Value {
        let mut fields = vec![
            ("name", Value::from(self.name.as_str())),
            ("passed", Value::from(self.passed)),
            ("reason", Value::from(self.reason.as_str())),
        ];
        if let Some(region) = &self.region {
            fields.push(("region", Value::from(region.as_str())));
        }
        Value::object(fields)
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.region {
            Some(region) => write!(f, "{} ({region}): {}", self.name, self.reason),
            None => write!(f, "{}: {}", self.name, self.reason),
        }
    }
}

/// Every rule's verdict, and whether all passed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readiness {
    pub checks: Vec<Check>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}
