//! What the reliability tests (fault matrix, throttling storm) share: the four resource kinds with
//! inputs for a create and for an update, an engine-like driver (Check, Diff, Create/Update/Delete,
//! partial failures recorded as the engine records them), contexts with chosen retries, attempt
//! timeout and rate limits, the emulator's inventory as a list of objects, and printing that the
//! test harness does not capture.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use dr_test_support::{inventory, Emulator};
use multiregion_dr::aws::{ClientOptions, LazyClients};
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::{Backoff, Context};
use multiregion_dr::error::ResourceError;
use multiregion_dr::progress::Reporter;
use multiregion_dr::resources::dns_failover::DnsFailover;
use multiregion_dr::resources::global_database::GlobalDatabase;
use multiregion_dr::resources::global_table::GlobalTable;
use multiregion_dr::resources::replicated_bucket::ReplicatedBucket;
use multiregion_dr::resources::{CheckRequest, DiffRequest, Resource};
use multiregion_dr::throttle::RateLimits;
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

/// The zone every DnsFailover lives in; it is the tests' fixture, not an object of a resource.
pub const ZONE: &str = "example.com";

/// Writes a line straight to the process's stderr: libtest captures `eprintln!` of passing tests,
/// not writes to the file descriptor, so the figures show in `cargo test` output either way.
pub fn say(line: impl AsRef<str>) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", line.as_ref());
    let _ = err.flush();
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    GlobalDatabase,
    DnsFailover,
    GlobalTable,
    ReplicatedBucket,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::GlobalDatabase,
        Kind::DnsFailover,
        Kind::GlobalTable,
        Kind::ReplicatedBucket,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::GlobalDatabase => "GlobalDatabase",
            Kind::DnsFailover => "DnsFailover",
            Kind::GlobalTable => "GlobalTable",
            Kind::ReplicatedBucket => "ReplicatedBucket",
        }
    }

    pub fn resource(self) -> Arc<dyn Resource> {
        match self {
            Kind::GlobalDatabase => Arc::new(GlobalDatabase),
            Kind::DnsFailover => Arc::new(DnsFailover),
            Kind::GlobalTable => Arc::new(GlobalTable),
            Kind::ReplicatedBucket => Arc::new(ReplicatedBucket),
        }
    }

    /// Inputs of resource number `n` as a program declares them: `update` changes settings that
    /// are updated in place, each touching AWS in both regions where the resource has a side there.
    pub fn program(self, n: usize, update: bool) -> Json {
        let team = if update { "ledger" } else { "payments" };
        match self {
            Kind::GlobalDatabase => {
                let mut v = json!({
                    "globalClusterIdentifier": format!("db-{n}"),
                    "engine": "aurora-postgresql",
                    "engineVersion": "16.4",
                    "databaseName": "orders",
                    "masterUsername": "app",
                    "instanceClass": "db.r6g.large",
                    "skipFinalSnapshot": true,
                    "tags": {"team": team},
                });
                if update {
                    v["backupRetentionPeriod"] = json!(14);
                    v["secondary"] = json!({"instanceCount": 2});
                }
                v
            }
            Kind::DnsFailover => {
                let mut v = json!({
                    "zoneName": ZONE,
                    "recordName": format!("api-{n}"),
                    "recordType": "CNAME",
                    "primaryEndpoint": format!("api-{n}-use1.example.net"),
                    "secondaryEndpoint": format!("api-{n}-use2.example.net"),
                    "healthCheck": {"resourcePath": "/health"},
                    "tags": {"team": team},
                });
                if update {
                    v["healthCheck"] = json!({"resourcePath": "/ready", "failureThreshold": 2});
                    v["ttl"] = json!(30);
                }
                v
            }
            Kind::GlobalTable => {
                let mut v = json!({
                    "name": format!("t-{n}"),
                    "hashKey": "pk",
                    "attributes": [{"name": "pk", "type": "S"}],
                    "ttlAttribute": "expiresAt",
                    "tags": {"team": team},
                });
                if update {
                    v["ttlAttribute"] = json!("purgeAt");
                    v["pointInTimeRecovery"] = json!(false);
                }
                v
            }
            Kind::ReplicatedBucket => {
                let mut v = json!({
                    "namePrefix": format!("rb-{n}"),
                    "forceDestroy": true,
                    "tags": {"team": team},
                });
                if update {
                    v["noncurrentVersionExpirationDays"] = json!(30);
                    v["twoWay"] = json!(true);
                }
                v
            }
        }
    }

    pub fn urn(self, n: usize) -> String {
        format!(
            "urn:pulumi:test::reliability::multiregion-dr:index:{}::r{n}",
            self.name()
        )
    }

    /// The program's inputs as the engine sends them (secrets marked).
    pub fn news(self, n: usize, update: bool) -> Value {
        let mut v = Value::from_json(&self.program(n, update));
        if self == Kind::GlobalDatabase {
            if let Value::Object(o) = &mut v {
                o.insert(
                    "masterPassword".into(),
                    Value::secret("correct-horse-9".into()),
                );
            }
        }
        v
    }
}

/// Options for tests: a short attempt timeout, and the given client-side limits.
pub fn options(attempt_timeout: Duration, limits: RateLimits) -> ClientOptions {
    ClientOptions {
        attempt_timeout,
        connect_timeout: Duration::from_secs(5),
        rate_limits: limits,
    }
}

pub fn config(emu: &Emulator, max_retries: u32) -> ProviderConfig {
    ProviderConfig {
        endpoints: emu.endpoints(),
        max_retries,
        default_tags: BTreeMap::from([("managed-by".to_string(), "multiregion-dr".to_string())]),
        ..ProviderConfig::default()
    }
}

/// A context of its own provider configuration (its own clients and rate limiter).
pub fn context(emu: &Emulator, max_retries: u32, options: ClientOptions) -> Context {
    let mut c = Context::new(
        Arc::new(config(emu, max_retries)),
        Arc::new(LazyClients::with_options(options)),
        Reporter::silent(),
    );
    c.backoff = Backoff {
        first: Duration::from_millis(50),
        factor: 1.5,
        cap: Duration::from_millis(500),
        ..Backoff::default()
    };
    c
}

/// Creates the fixture zone.
pub async fn add_zone(emu: &Emulator) {
    emu.route53()
        .await
        .create_hosted_zone()
        .name(ZONE)
        .caller_reference(format!("fixture-{}", uuid_like()))
        .send()
        .await
        .expect("the fixture zone");
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Everything the emulator holds that a resource made, the fixture zone left out.
pub fn objects(inv: &Json) -> Vec<String> {
    inventory::objects(inv, ZONE)
}

/// What the engine keeps of one resource.
#[derive(Debug, Clone)]
pub struct Stacked {
    pub id: String,
    pub inputs: Value,
    pub outputs: Value,
    /// A partial failure was recorded: the next up updates even without a diff.
    pub init_errors: bool,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Created,
    Updated,
    Same,
    Replaced,
    Deleted,
    Nothing,
}

/// One resource driven as the engine drives it: the state it would record, and the URN/seed its
/// Checks get.
pub struct Driver {
    pub kind: Kind,
    pub n: usize,
    pub state: Option<Stacked>,
}

fn failure(e: &ResourceError) -> String {
    match e {
        ResourceError::Failed(e) => format!("failed: {e}"),
        ResourceError::Partial { reasons, .. } => format!("partial: {}", reasons.join("; ")),
    }
}

impl Driver {
    pub fn new(kind: Kind, n: usize) -> Driver {
        Driver {
            kind,
            n,
            state: None,
        }
    }

    /// Check as the engine calls it: olds are the recorded inputs (empty on create).
    pub fn check(&self, config: &ProviderConfig, news: &Value) -> Result<Value, String> {
        let empty = Value::object::<[(&str, Value); 0], &str>([]);
        let olds = self.state.as_ref().map(|s| &s.inputs).unwrap_or(&empty);
        let urn = self.kind.urn(self.n);
        let r = self.kind.resource().check(CheckRequest {
            urn: &urn,
            name: &format!("r{}", self.n),
            olds,
            news,
            random_seed: format!("seed-{}", self.n).as_bytes(),
            config,
        });
        if r.failures.is_empty() {
            Ok(r.inputs)
        } else {
            Err(format!("check failures: {:?}", r.failures))
        }
    }

    async fn create(&mut self, ctx: &Context, inputs: Value) -> Result<(), String> {
        match self.kind.resource().create(ctx, &inputs).await {
            Ok(c) => {
                self.state = Some(Stacked {
                    id: c.id,
                    inputs,
                    outputs: c.outputs,
                    init_errors: false,
                });
                Ok(())
            }
            Err(e) => {
                if let ResourceError::Partial { id, outputs, .. } = &e {
                    self.state = Some(Stacked {
                        id: id.clone(),
                        inputs,
                        outputs: outputs.clone(),
                        init_errors: true,
                    });
                }
                Err(format!("create {}", failure(&e)))
            }
        }
    }

    /// One `pulumi up` of this resource with the program's inputs `news`.
    pub async fn up(&mut self, ctx: &Context, news: &Value) -> Result<Step, String> {
        let inputs = self.check(&ctx.config, news)?;
        let Some(old) = self.state.clone() else {
            return self.create(ctx, inputs).await.map(|_| Step::Created);
        };
        let resource = self.kind.resource();
        let diff = resource
            .diff(DiffRequest {
                id: &old.id,
                olds: &old.outputs,
                news: &inputs,
                old_inputs: Some(&old.inputs),
            })
            .map_err(|e| format!("diff failed: {e}"))?;
        if diff.replaces() {
            // As the engine replaces: delete first when asked, else create the new one first.
            if diff.delete_before_replace {
                self.destroy(ctx).await?;
                return self.create(ctx, inputs).await.map(|_| Step::Replaced);
            }
            let kept = self.state.take();
            if let Err(e) = self.create(ctx, inputs).await {
                if self.state.is_none() {
                    self.state = kept;
                }
                return Err(e);
            }
            let old = kept.expect("had a state");
            resource
                .delete(ctx, &old.id, &old.outputs)
                .await
                .map_err(|e| format!("delete of the replaced resource failed: {e}"))?;
            return Ok(Step::Replaced);
        }
        if !diff.has_changes() && !old.init_errors {
            self.state = Some(Stacked { inputs, ..old });
            return Ok(Step::Same);
        }
        match resource.update(ctx, &old.id, &old.outputs, &inputs).await {
            Ok(outputs) => {
                self.state = Some(Stacked {
                    id: old.id,
                    inputs,
                    outputs,
                    init_errors: false,
                });
                Ok(Step::Updated)
            }
            Err(e) => {
                if let ResourceError::Partial { outputs, .. } = &e {
                    self.state = Some(Stacked {
                        id: old.id,
                        inputs,
                        outputs: outputs.clone(),
                        init_errors: true,
                    });
                }
                Err(format!("update {}", failure(&e)))
            }
        }
    }

    /// One `pulumi destroy` of this resource.
    pub async fn destroy(&mut self, ctx: &Context) -> Result<Step, String> {
        let Some(old) = self.state.clone() else {
            return Ok(Step::Nothing);
        };
        self.kind
            .resource()
            .delete(ctx, &old.id, &old.outputs)
            .await
            .map_err(|e| format!("delete failed: {e}"))?;
        self.state = None;
        Ok(Step::Deleted)
    }

    /// `pulumi refresh` then a preview: what AWS has read back must need no change.
    pub async fn drift(&self, ctx: &Context, news: &Value) -> Result<(), String> {
        let Some(s) = &self.state else {
            return Err("nothing in the state".into());
        };
        let resource = self.kind.resource();
        let read = resource
            .read(ctx, &s.id, &s.outputs, &s.inputs)
            .await
            .map_err(|e| format!("read {}", failure(&e)))?
            .ok_or("read found nothing")?;
        let inputs = self.check(&ctx.config, news)?;
        let diff = resource
            .diff(DiffRequest {
                id: &s.id,
                olds: &read.outputs,
                news: &inputs,
                old_inputs: Some(&read.inputs),
            })
            .map_err(|e| format!("diff failed: {e}"))?;
        if diff.has_changes() {
            let paths: Vec<String> = diff.changes.iter().map(|c| c.path.clone()).collect();
            return Err(format!("drift after refresh: {paths:?}"));
        }
        Ok(())
    }
}
