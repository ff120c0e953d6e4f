//! Readiness: can the writer move to the other region right now, and would DNS follow it? Each rule
//! is a [`Check`] with pass or fail and a reason an SRE can act on. The same rules are the switchover
//! preflight of `GlobalDatabase` and the `getReadiness` function programs call.

pub mod database;
pub mod dns;
pub mod request;

use serde::Serialize;

use crate::check::CheckFailure;
use crate::context::Context;
use crate::error::ProviderError;
use crate::regions::Role;
use crate::value::{UnknownKind, Value};

use self::request::{Args, Request};

/// The function programs call.
pub const FUNCTION_TOKEN: &str = "multiregion-dr:index:getReadiness";

/// The check that stands for the database rules when they could not be judged at all.
pub const DATABASE_RULES: &str = "databaseRules";

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

/// What `getReadiness` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub readiness: Readiness,
    /// The region of the global cluster's writer, when a global cluster was named and found.
    pub writer_region: Option<String>,
}

impl Evaluation {
    /// The function's result. `secret`: the arguments held a secret, which the reasons may quote.
    pub fn to_value(&self, secret: bool) -> Value {
        let checks = Value::Array(self.readiness.checks.iter().map(Check::to_value).collect());
        let mut fields = vec![
            ("ready", Value::from(self.readiness.ready())),
            (
                "checks",
                if secret {
                    Value::secret(checks)
                } else {
                    checks
                },
            ),
        ];
        if let Some(region) = &self.writer_region {
            fields.push(("writerRegion", Value::from(region.as_str())));
        }
        Value::object(fields)
    }
}

/// The result while arguments are unknown (preview): unknown as a whole.
pub fn unknown_result() -> Value {
    Value::object([
        ("ready", Value::Unknown(UnknownKind::Bool)),
        ("checks", Value::Unknown(UnknownKind::Array)),
        ("writerRegion", Value::Unknown(UnknownKind::String)),
    ])
}

/// Why an invoke of `getReadiness` has no result.
#[derive(Debug)]
pub enum InvokeError {
    /// Wrong arguments, each named.
    Invalid(Vec<CheckFailure>),
    /// The evaluation stopped (Cancel).
    Failed(ProviderError),
}

/// `getReadiness` from its arguments to its result. AWS failures are failing checks, not errors: the
/// answer to "may I switch over now?" is then "no", with the reason, and every other rule's answer.
pub async fn invoke(ctx: &Context, args: &Value) -> Result<Value, InvokeError> {
    match request::invoke_args(args, &ctx.config, ctx.preview).map_err(InvokeError::Invalid)? {
        Args::Unknown(waiting) => {
            tracing::debug!(?waiting, "getReadiness: arguments unknown in preview");
            Ok(unknown_result())
        }
        Args::Known(req) => {
            let evaluation = evaluate(ctx, &req).await.map_err(InvokeError::Failed)?;
            let failed: Vec<String> = evaluation
                .readiness
                .failures()
                .map(|c| c.to_string())
                .collect();
            tracing::info!(
                ready = evaluation.readiness.ready(),
                ?failed,
                "getReadiness"
            );
            Ok(evaluation.to_value(req.secret))
        }
    }
}

/// Judges every rule the request names, the database's and DNS's concurrently.
pub async fn evaluate(ctx: &Context, req: &Request) -> Result<Evaluation, ProviderError> {
    let database = async {
        let Some(id) = req.global_cluster_identifier.as_deref() else {
            return Ok((Vec::new(), None));
        };
        let target = database::DatabaseTarget {
            global_cluster_identifier: id,
            regions: &req.regions,
            target_region: req.target_region.as_deref(),
            max_lag: req.max_lag,
        };
        let (checks, writer) =
            futures::join!(database::checks(ctx, &target), writer_region(ctx, req, id));
        let checks = match checks {
            Ok(checks) => checks,
            Err(e @ ProviderError::Cancelled(_)) => return Err(e),
            Err(e) => vec![Check::fail(
                DATABASE_RULES,
                None,
                format!("the rules of global cluster {id} could not be judged: {e}"),
            )],
        };
        Ok((checks, writer))
    };
    let dns_target = dns::DnsTarget {
        regions: &req.regions,
        health_check_ids: req.health_check_ids.as_ref().map(|_, id| id.as_deref()),
        records: req.records.as_ref().map(|r| dns::RecordsTarget {
            hosted_zone_id: &r.hosted_zone_id,
            fqdn: &r.fqdn,
            record_type: &r.record_type,
        }),
    };
    let (database, dns) = futures::join!(database, dns::checks(ctx, &dns_target));
    let (mut checks, writer_region) = database?;
    checks.extend(dns?);
    Ok(Evaluation {
        readiness: Readiness { checks },
        writer_region,
    })
}

/// The writer's region, read from the global cluster's members in the first region. `None` when the
/// cluster is missing, has no writer, or could not be read (the database rules say why).
async fn writer_region(ctx: &Context, req: &Request, id: &str) -> Option<String> {
    match database::describe_global(ctx, req.regions.get(Role::Primary), id).await {
        Ok(global) => database::Member::all(&global?)
            .into_iter()
            .find(|m| m.is_writer)
            .map(|m| m.region),
        Err(e) => {
            tracing::warn!(error = %e, "getReadiness: the writer's region could not be read");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn schema_keys(v: &serde_json::Value) -> BTreeSet<String> {
        v.as_object()
            .expect("an object in schema.json")
            .keys()
            .cloned()
            .collect()
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    /// The function's arguments and results are the schema's, so the SDKs send and read them.
    #[test]
    fn the_function_matches_the_schema() {
        let f = &crate::schema::parsed()["functions"][FUNCTION_TOKEN];
        assert_eq!(
            request::ARGS
                .iter()
                .map(|a| a.to_string())
                .collect::<BTreeSet<_>>(),
            schema_keys(&f["inputs"]["properties"])
        );
        let evaluation = Evaluation {
            readiness: Readiness {
                checks: vec![
                    Check::pass("healthCheck", Some("us-east-1"), "ok"),
                    Check::fail("recordsPresent", None, "missing"),
                ],
            },
            writer_region: Some("us-east-1".into()),
        };
        let result = evaluation.to_value(false);
        assert_eq!(keys(&result), schema_keys(&f["outputs"]["properties"]));
        assert_eq!(
            keys(&unknown_result()),
            schema_keys(&f["outputs"]["properties"])
        );
        assert_eq!(
            result.get("ready"),
            Some(&Value::Bool(false)),
            "one failure makes the whole not ready"
        );
        let check_type = &crate::schema::parsed()["types"]["multiregion-dr:index:ReadinessCheck"];
        let Some(Value::Array(checks)) = result.get("checks") else {
            panic!("{result:?}")
        };
        assert_eq!(keys(&checks[0]), schema_keys(&check_type["properties"]));
        let required: BTreeSet<String> = check_type["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            keys(&checks[1]),
            required,
            "region is left out for the pair"
        );
        assert!(evaluation.to_value(true).get("checks").unwrap().is_secret());
    }
}
