//! The resources this provider offers. Each module implements [`lifecycle::CustomResource`] (typed
//! inputs and outputs), which the adapter there turns into the [`Resource`] surface the service and
//! the tests call; adding a resource means adding a module and one line in [`registry`].

use std::sync::Arc;

use async_trait::async_trait;

use crate::check::{CheckFailure, Failures};
use crate::context::Context;
use crate::diff::Diff;
use crate::error::{ProviderError, ResourceError};
use crate::value::Value;

pub mod dns_failover;
pub mod global_database;
pub mod global_table;
pub mod lifecycle;
pub mod replicated_bucket;

/// What Check is given.
pub struct CheckRequest<'a> {
    pub urn: &'a str,
    pub name: &'a str,
    pub olds: &'a Value,
    pub news: &'a Value,
    pub random_seed: &'a [u8],
    pub config: &'a crate::config::ProviderConfig,
}

pub struct CheckResult {
    pub inputs: Value,
    pub failures: Vec<CheckFailure>,
}

impl CheckResult {
    /// The checked inputs with whatever `rules` find wrong in them.
    pub fn judged(inputs: Value, rules: impl FnOnce(&Value, &mut Failures)) -> CheckResult {
        let mut failures = Failures::default();
        rules(&inputs, &mut failures);
        CheckResult {
            inputs,
            failures: failures.into_vec(),
        }
    }
}

pub struct DiffRequest<'a> {
    pub id: &'a str,
    /// The old outputs (state).
    pub olds: &'a Value,
    pub news: &'a Value,
    /// The old inputs, when the engine sends them.
    pub old_inputs: Option<&'a Value>,
}

impl DiffRequest<'_> {
    /// The one rule for old inputs: those the engine sent, unless it sent none or an empty map (an
    /// older engine, a refresh of an import); then the caller reads the inputs the state echoes.
    pub fn sent_old_inputs(&self) -> Option<&Value> {
        self.old_inputs
            .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
    }
}

pub struct Created {
    pub id: String,
    pub outputs: Value,
}

pub struct ReadResult {
    pub id: String,
    pub outputs: Value,
    pub inputs: Value,
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    fn token(&self) -> &'static str;

    /// Validates inputs and fills defaults. Never calls AWS: it runs during preview.
    fn check(&self, req: CheckRequest<'_>) -> CheckResult;

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff, ProviderError>;

    /// With `ctx.preview`, must not change anything in AWS and returns unknowns for what only AWS can
    /// tell.
    async fn create(&self, ctx: &Context, inputs: &Value) -> Result<Created, ResourceError>;

    /// `Ok(None)` means the resource no longer exists. `state` and `inputs` are empty on import.
    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        state: &Value,
        inputs: &Value,
    ) -> Result<Option<ReadResult>, ResourceError>;

    async fn update(
        &self,
        ctx: &Context,
        id: &str,
        olds: &Value,
        news: &Value,
    ) -> Result<Value, ResourceError>;

    async fn delete(&self, ctx: &Context, id: &str, olds: &Value) -> Result<(), ProviderError>;
}

pub fn registry() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(global_database::GlobalDatabase),
        Arc::new(dns_failover::DnsFailover),
        Arc::new(global_table::GlobalTable),
        Arc::new(replicated_bucket::ReplicatedBucket),
    ]
}

pub fn find(resources: &[Arc<dyn Resource>], token: &str) -> Option<Arc<dyn Resource>> {
    resources.iter().find(|r| r.token() == token).cloned()
}
