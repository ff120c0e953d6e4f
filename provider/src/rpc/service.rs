//! `pulumirpc.ResourceProvider`: decodes requests, hands them to the resource modules, encodes their
//! answers. Nothing here knows AWS.

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_server::ResourceProvider;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::aws::LazyClients;
use crate::check::CheckFailure;
use crate::config::ProviderConfig;
use crate::context::{Context, Operation};
use crate::diff::{diff_inputs, ChangeKind, Diff};
use crate::error::{ProviderError, ResourceError};
use crate::progress::Reporter;
use crate::readiness::{self, InvokeError};
use crate::redact::{tidy, Secrets};
use crate::resources::{self, CheckRequest, DiffRequest, Resource};
use crate::rpc::codec::{decode_opt, encode_struct};
use crate::rpc::engine_log::EngineLog;
use crate::rpc::status;
use crate::schema;
use crate::value::Value;

/// The provider's configuration and the clients made from it.
struct Configured {
    config: Arc<ProviderConfig>,
    clients: Arc<LazyClients>,
}

pub struct ProviderService {
    resources: Vec<Arc<dyn Resource>>,
    configured: RwLock<Arc<Configured>>,
    log: Arc<EngineLog>,
    /// Replaced after each Cancel so that a cancelled provider can still serve later requests
    /// (the engine only cancels in-flight work).
    cancel: RwLock<CancellationToken>,
}

type Reply<T> = Result<Response<T>, Status>;

/// How long one invoke of getReadiness may take: every AWS call of it is bounded by this.
const INVOKE_TIMEOUT_SECONDS: f64 = 120.0;

impl ProviderService {
    pub fn new(engine_address: Option<&str>) -> Self {
        ProviderService {
            resources: resources::registry(),
            configured: RwLock::new(Arc::new(Configured {
                config: Arc::new(ProviderConfig::default()),
                clients: Arc::new(LazyClients::default()),
            })),
            log: EngineLog::new(engine_address),
            cancel: RwLock::new(CancellationToken::new()),
        }
    }

    fn configured(&self) -> Arc<Configured> {
        self.configured
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn resource(&self, type_token: &str, urn: &str) -> Result<Arc<dyn Resource>, Status> {
        let token = if type_token.is_empty() {
            type_from_urn(urn)
        } else {
            type_token
        };
        resources::find(&self.resources, token).ok_or_else(|| {
            Status::invalid_argument(tidy(&format!(
                "unknown resource type '{token}': the multiregion-dr provider offers {}",
                schema::resource_tokens()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        })
    }

    fn context(
        &self,
        urn: &str,
        operation: Operation,
        timeout: f64,
        preview: bool,
        secrets: &Secrets,
    ) -> Context {
        let configured = self.configured();
        let mut ctx = Context::new(
            configured.config.clone(),
            configured.clients.clone(),
            Reporter::new(self.log.clone(), urn).with_secrets(secrets.clone()),
        )
        .with_timeout(timeout)
        .with_preview(preview)
        .with_operation(operation);
        ctx.cancel = self
            .cancel
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .child_token();
        ctx
    }
}

/// The secrets of a component's inputs, its blocks judged as the children they become. A block sent
/// as one secret output value is not secret as a whole (see [`Secrets::of_leaves`]).
fn component_secrets(inputs: &Value) -> Secrets {
    let mut secrets = Secrets::of_leaves(crate::component::TOKEN, &[inputs]);
    for block in &crate::component::BLOCKS {
        if let Some(v) = inputs.get(block.key) {
            let block_inputs = crate::component::resolved(v.unwrap_secret());
            secrets = secrets.extend(&Secrets::of_leaves(block.token, &[&block_inputs]));
        }
    }
    secrets
}

/// A status listing failures as `  path: reason` lines under a heading: the reasons are masked, the
/// heading and the property paths never are (they name things, and a masked path helps nobody).
fn redacted_failures(status: Status, secrets: &Secrets) -> Status {
    let lines: Vec<String> = status
        .message()
        .lines()
        .enumerate()
        .map(
            |(i, line)| match line.strip_prefix("  ").and_then(|l| l.split_once(": ")) {
                Some((path, reason)) => format!("  {path}: {}", secrets.redact(reason)),
                None if i == 0 && line.ends_with("has invalid inputs:") => line.to_string(),
                None => secrets.redact(line),
            },
        )
        .collect();
    let message = tidy(&lines.join("\n"));
    if message == status.message() {
        status
    } else {
        Status::with_details(status.code(), message, status.details().to_vec().into())
    }
}

/// The type token inside a URN: `urn:pulumi:stack::project::parent$type::name`.
fn type_from_urn(urn: &str) -> &str {
    let qualified = urn.split("::").nth(2).unwrap_or_default();
    qualified.rsplit('$').next().unwrap_or_default()
}

/// Check failures as the engine shows them, secret values masked in their reasons (a rule may quote
/// the value it refuses).
fn failures_to_rpc(failures: Vec<CheckFailure>, secrets: &Secrets) -> Vec<rpc::CheckFailure> {
    failures
        .into_iter()
        .map(|f| rpc::CheckFailure {
            property: f.property,
            reason: secrets.redact(&f.reason),
        })
        .collect()
}

/// A status whose message may quote inputs (ours or AWS's), with secret values masked.
fn redacted(status: Status, secrets: &Secrets) -> Status {
    let message = secrets.redact_message(status.message());
    if message == status.message() {
        status
    } else {
        // Details (partial failures) are built already redacted; the message is all that changes.
        Status::with_details(status.code(), message, status.details().to_vec().into())
    }
}

/// The input properties the schema marks secret.
fn secret_inputs(token: &str) -> BTreeSet<String> {
    schema::parsed()["resources"][token]["inputProperties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .filter(|(_, spec)| spec["secret"] == serde_json::Value::Bool(true))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Checked inputs with the schema's secret properties made secret even when the program passed them
/// in plain text: the engine then stores them encrypted and never shows them.
fn mark_secret_inputs(token: &str, inputs: Value) -> Value {
    let secret = secret_inputs(token);
    match inputs {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if secret.contains(&k) && !v.is_null() && !v.is_unknown() {
                        Value::secret(v)
                    } else {
                        v
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Keys whose values were secret in the inputs stay secret in the outputs, as do the properties the
/// schema marks secret.
fn mark_secrets(token: &str, inputs: &Value, outputs: Value) -> Value {
    let mut secret: BTreeSet<String> = schema::secret_outputs(token);
    if let Some(obj) = inputs.as_object() {
        secret.extend(
            obj.iter()
                .filter(|(_, v)| v.contains_secrets())
                .map(|(k, _)| k.clone()),
        );
    }
    match outputs {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if secret.contains(&k) && !v.is_null() && !v.is_secret() {
                        Value::secret(v)
                    } else {
                        v
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// A failed Create or Update: what a partial failure reports exists is recorded in the state, so its
/// outputs are marked secret exactly as a success's would be; secrets are masked in the reasons.
fn failure_status(token: &str, inputs: &Value, secrets: &Secrets, err: ResourceError) -> Status {
    let err = match err {
        ResourceError::Partial {
            id,
            outputs,
            reasons,
        } => ResourceError::Partial {
            id,
            outputs: mark_secrets(token, inputs, outputs),
            reasons: reasons.iter().map(|r| secrets.redact(r)).collect(),
        },
        other => other,
    };
    redacted(status::from_resource_error(err), secrets)
}

fn diff_to_rpc(diff: &Diff) -> rpc::DiffResponse {
    use rpc::property_diff::Kind;
    let mut diffs: Vec<String> = Vec::new();
    let mut replaces: Vec<String> = Vec::new();
    let mut detailed = std::collections::HashMap::new();
    for c in &diff.changes {
        let top = c.top_level().to_string();
        if !diffs.contains(&top) {
            diffs.push(top.clone());
        }
        if c.replace && !replaces.contains(&top) {
            replaces.push(top);
        }
        let kind = match (c.kind, c.replace) {
            (ChangeKind::Add, false) => Kind::Add,
            (ChangeKind::Add, true) => Kind::AddReplace,
            (ChangeKind::Delete, false) => Kind::Delete,
            (ChangeKind::Delete, true) => Kind::DeleteReplace,
            (ChangeKind::Update, false) => Kind::Update,
            (ChangeKind::Update, true) => Kind::UpdateReplace,
        };
        detailed.insert(
            c.path.clone(),
            rpc::PropertyDiff {
                kind: kind as i32,
                input_diff: true,
            },
        );
    }
    rpc::DiffResponse {
        replaces,
        stables: Vec::new(),
        delete_before_replace: diff.delete_before_replace,
        changes: if diff.has_changes() {
            rpc::diff_response::DiffChanges::DiffSome as i32
        } else {
            rpc::diff_response::DiffChanges::DiffNone as i32
        },
        diffs,
        detailed_diff: detailed,
        has_detailed_diff: true,
    }
}

#[tonic::async_trait]
impl ResourceProvider for ProviderService {
    async fn handshake(
        &self,
        request: Request<rpc::ProviderHandshakeRequest>,
    ) -> Reply<rpc::ProviderHandshakeResponse> {
        let req = request.into_inner();
        if !req.engine_address.is_empty() {
            self.log.connect(&req.engine_address);
        }
        Ok(Response::new(rpc::ProviderHandshakeResponse {
            accept_secrets: true,
            accept_resources: true,
            accept_outputs: true,
            supports_autonaming_configuration: false,
        }))
    }

    async fn parameterize(
        &self,
        _: Request<rpc::ParameterizeRequest>,
    ) -> Reply<rpc::ParameterizeResponse> {
        Err(Status::unimplemented(
            "multiregion-dr is not a parameterized provider",
        ))
    }

    async fn get_schema(
        &self,
        request: Request<rpc::GetSchemaRequest>,
    ) -> Reply<rpc::GetSchemaResponse> {
        let req = request.into_inner();
        if !req.subpackage_name.is_empty() {
            return Err(Status::not_found(tidy(&format!(
                "multiregion-dr has no sub-package '{}'",
                req.subpackage_name
            ))));
        }
        Ok(Response::new(rpc::GetSchemaResponse {
            schema: schema::SCHEMA_JSON.to_string(),
        }))
    }

    async fn check_config(&self, request: Request<rpc::CheckRequest>) -> Reply<rpc::CheckResponse> {
        let req = request.into_inner();
        let news = decode_opt(req.news.as_ref());
        let failures = ProviderConfig::parse(&news).err().unwrap_or_default();
        let secrets = Secrets::of("", &[&news]);
        // The engine forbids changing `version` and expects the inputs back as they came.
        Ok(Response::new(rpc::CheckResponse {
            inputs: req.news,
            failures: failures_to_rpc(failures, &secrets),
        }))
    }

    async fn diff_config(&self, request: Request<rpc::DiffRequest>) -> Reply<rpc::DiffResponse> {
        let req = request.into_inner();
        let old = req.old_inputs.as_ref().or(req.olds.as_ref());
        // Region changes are not a provider replacement: each resource keeps its regions in its own
        // state and proposes its own replacement, property by property, where it must.
        let mut diff = diff_inputs(&decode_opt(old), &decode_opt(req.news.as_ref()), &[]);
        diff.changes.retain(|c| c.top_level() != "version");
        Ok(Response::new(diff_to_rpc(&diff)))
    }

    async fn configure(
        &self,
        request: Request<rpc::ConfigureRequest>,
    ) -> Reply<rpc::ConfigureResponse> {
        let req = request.into_inner();
        let inputs = match req.args.as_ref() {
            Some(args) => decode_opt(Some(args)),
            None => ProviderConfig::inputs_from_variables(&req.variables),
        };
        let config = ProviderConfig::parse(&inputs).map_err(|f| {
            let secrets = Secrets::of("", &[&inputs]);
            let f: Vec<CheckFailure> = f
                .into_iter()
                .map(|c| CheckFailure::new(c.property, secrets.redact(&c.reason)))
                .collect();
            status::invalid_inputs("invalid multiregion-dr provider configuration", &f)
        })?;
        tracing::info!(primary = %config.regions.primary, secondary = %config.regions.secondary, "configured");
        *self.configured.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Configured {
            config: Arc::new(config),
            clients: Arc::new(LazyClients::default()),
        });
        Ok(Response::new(rpc::ConfigureResponse {
            accept_secrets: true,
            supports_preview: true,
            accept_resources: true,
            accept_outputs: true,
            supports_autonaming_configuration: false,
        }))
    }

    async fn invoke(&self, request: Request<rpc::InvokeRequest>) -> Reply<rpc::InvokeResponse> {
        let req = request.into_inner();
        if req.tok != readiness::FUNCTION_TOKEN {
            return Err(Status::invalid_argument(tidy(&format!(
                "unknown function '{}': the multiregion-dr provider offers {}",
                req.tok,
                readiness::FUNCTION_TOKEN
            ))));
        }
        let args = decode_opt(req.args.as_ref());
        // No engine timeout reaches an invoke; readiness must answer well before a program gives up.
        let ctx = self.context(
            "",
            Operation::Read,
            INVOKE_TIMEOUT_SECONDS,
            req.preview,
            &Secrets::default(),
        );
        match readiness::invoke(&ctx, &args).await {
            Ok(result) => Ok(Response::new(rpc::InvokeResponse {
                r#return: Some(encode_struct(&result)),
                failures: Vec::new(),
            })),
            Err(InvokeError::Invalid(failures)) => Err(status::invalid_inputs(
                "invalid arguments to multiregion-dr:index:getReadiness",
                &failures,
            )),
            Err(InvokeError::Failed(e @ ProviderError::Cancelled(_))) => {
                Err(Status::cancelled(e.to_string()))
            }
            Err(InvokeError::Failed(e)) => Err(Status::unknown(e.to_string())),
        }
    }

    async fn call(&self, request: Request<rpc::CallRequest>) -> Reply<rpc::CallResponse> {
        let req = request.into_inner();
        Err(Status::invalid_argument(tidy(&format!(
            "unknown method '{}': the multiregion-dr provider has no resource methods",
            req.tok
        ))))
    }

    async fn check(&self, request: Request<rpc::CheckRequest>) -> Reply<rpc::CheckResponse> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let configured = self.configured();
        let olds = decode_opt(req.olds.as_ref());
        let news = decode_opt(req.news.as_ref());
        let name = if req.name.is_empty() {
            req.urn.rsplit("::").next().unwrap_or_default().to_string()
        } else {
            req.name.clone()
        };
        let result = resource.check(CheckRequest {
            urn: &req.urn,
            name: &name,
            olds: &olds,
            news: &news,
            random_seed: &req.random_seed,
            config: &configured.config,
        });
        let secrets = Secrets::of(resource.token(), &[&news, &olds]);
        Ok(Response::new(rpc::CheckResponse {
            inputs: Some(encode_struct(&mark_secret_inputs(
                resource.token(),
                result.inputs,
            ))),
            failures: failures_to_rpc(result.failures, &secrets),
        }))
    }

    async fn diff(&self, request: Request<rpc::DiffRequest>) -> Reply<rpc::DiffResponse> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let olds = decode_opt(req.olds.as_ref());
        let news = decode_opt(req.news.as_ref());
        let old_inputs = req.old_inputs.as_ref().map(|s| decode_opt(Some(s)));
        let mut diff = resource
            .diff(DiffRequest {
                id: &req.id,
                olds: &olds,
                news: &news,
                old_inputs: old_inputs.as_ref(),
            })
            .map_err(|e| {
                let secrets = Secrets::of(resource.token(), &[&news, &olds]);
                Status::unknown(secrets.redact_message(&e.to_string()))
            })?;
        if !diff.warnings.is_empty() {
            let reporter = Reporter::new(self.log.clone(), &req.urn);
            for warning in &diff.warnings {
                reporter.warn(warning);
            }
        }
        // ignoreChanges paths were already replaced by their old values in Check; drop what remains.
        diff.changes.retain(|c| {
            !req.ignore_changes
                .iter()
                .any(|p| c.path == *p || c.path.starts_with(&format!("{p}.")))
        });
        Ok(Response::new(diff_to_rpc(&diff)))
    }

    async fn create(&self, request: Request<rpc::CreateRequest>) -> Reply<rpc::CreateResponse> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let inputs = decode_opt(req.properties.as_ref());
        let secrets = Secrets::of(resource.token(), &[&inputs]);
        let ctx = self.context(
            &req.urn,
            Operation::Create,
            req.timeout,
            req.preview,
            &secrets,
        );
        let created = resource
            .create(&ctx, &inputs)
            .await
            .map_err(|e| failure_status(resource.token(), &inputs, &secrets, e))?;
        if !req.preview && created.id.is_empty() {
            return Err(Status::internal("resource created without an id"));
        }
        Ok(Response::new(rpc::CreateResponse {
            id: created.id,
            properties: Some(encode_struct(&mark_secrets(
                resource.token(),
                &inputs,
                created.outputs,
            ))),
            refresh_before_update: false,
        }))
    }

    async fn read(&self, request: Request<rpc::ReadRequest>) -> Reply<rpc::ReadResponse> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let state = decode_opt(req.properties.as_ref());
        let inputs = decode_opt(req.inputs.as_ref());
        let secrets = Secrets::of(resource.token(), &[&inputs, &state]);
        let ctx = self.context(&req.urn, Operation::Read, 0.0, false, &secrets);
        match resource.read(&ctx, &req.id, &state, &inputs).await {
            Ok(Some(found)) => {
                // Secrets known from the old state and inputs stay secret after a refresh.
                let outputs = mark_secrets(
                    resource.token(),
                    &state,
                    mark_secrets(resource.token(), &inputs, found.outputs),
                );
                let new_inputs = mark_secrets(resource.token(), &inputs, found.inputs);
                Ok(Response::new(rpc::ReadResponse {
                    id: found.id,
                    properties: Some(encode_struct(&outputs)),
                    inputs: Some(encode_struct(&new_inputs)),
                    refresh_before_update: false,
                }))
            }
            Ok(None) => Ok(Response::new(rpc::ReadResponse::default())),
            Err(e) => Err(failure_status(resource.token(), &state, &secrets, e)),
        }
    }

    async fn update(&self, request: Request<rpc::UpdateRequest>) -> Reply<rpc::UpdateResponse> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let olds = decode_opt(req.olds.as_ref());
        let news = decode_opt(req.news.as_ref());
        let secrets = Secrets::of(resource.token(), &[&news, &olds]);
        let ctx = self.context(
            &req.urn,
            Operation::Update,
            req.timeout,
            req.preview,
            &secrets,
        );
        let outputs = resource
            .update(&ctx, &req.id, &olds, &news)
            .await
            .map_err(|e| failure_status(resource.token(), &news, &secrets, e))?;
        Ok(Response::new(rpc::UpdateResponse {
            properties: Some(encode_struct(&mark_secrets(
                resource.token(),
                &news,
                outputs,
            ))),
            refresh_before_update: false,
        }))
    }

    async fn delete(&self, request: Request<rpc::DeleteRequest>) -> Reply<()> {
        let req = request.into_inner();
        let resource = self.resource(&req.r#type, &req.urn)?;
        let olds = decode_opt(req.properties.as_ref());
        let secrets = Secrets::of(resource.token(), &[&olds]);
        let ctx = self.context(&req.urn, Operation::Delete, req.timeout, false, &secrets);
        resource
            .delete(&ctx, &req.id, &olds)
            .await
            .map_err(|e| Status::unknown(secrets.redact_message(&e.to_string())))?;
        Ok(Response::new(()))
    }

    async fn construct(
        &self,
        request: Request<rpc::ConstructRequest>,
    ) -> Reply<rpc::ConstructResponse> {
        let req = request.into_inner();
        let configured = self.configured();
        let secrets = component_secrets(&decode_opt(req.inputs.as_ref()));
        let reply = crate::rpc::construct::construct(req, &self.resources, &configured.config)
            .await
            .map_err(|e| redacted_failures(e, &secrets))?;
        Ok(Response::new(reply))
    }

    async fn cancel(&self, _: Request<()>) -> Reply<()> {
        let mut token = self.cancel.write().unwrap_or_else(|e| e.into_inner());
        token.cancel();
        *token = CancellationToken::new();
        tracing::info!("cancel requested: in-flight operations stop at their next wait");
        Ok(Response::new(()))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> Reply<rpc::PluginInfo> {
        Ok(Response::new(rpc::PluginInfo {
            version: schema::VERSION.to_string(),
        }))
    }

    async fn attach(&self, request: Request<rpc::PluginAttach>) -> Reply<()> {
        self.log.connect(&request.into_inner().address);
        Ok(Response::new(()))
    }

    async fn get_mapping(
        &self,
        _: Request<rpc::GetMappingRequest>,
    ) -> Reply<rpc::GetMappingResponse> {
        Ok(Response::new(rpc::GetMappingResponse::default()))
    }

    async fn get_mappings(
        &self,
        _: Request<rpc::GetMappingsRequest>,
    ) -> Reply<rpc::GetMappingsResponse> {
        Ok(Response::new(rpc::GetMappingsResponse::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_token_is_read_from_nested_urns() {
        assert_eq!(
            type_from_urn("urn:pulumi:dev::p::multiregion-dr:index:MultiRegionDR$multiregion-dr:index:GlobalDatabase::db"),
            "multiregion-dr:index:GlobalDatabase"
        );
    }

    #[test]
    fn failure_paths_and_headings_are_never_masked() {
        let secrets = Secrets::from_strings(vec!["payments".into(), "database".into()]);
        let status = Status::invalid_argument(
            "MultiRegionDR payments has invalid inputs:\n  database.engine: 'database' is not an engine\nregistering payments-db: no",
        );
        let out = redacted_failures(status, &secrets);
        assert_eq!(
            out.message(),
            "MultiRegionDR payments has invalid inputs:\n  database.engine: '[secret]' is not an engine\nregistering [secret]-db: no"
        );
    }

    #[test]
    fn schema_secret_inputs_are_made_secret_by_check() {
        let checked = mark_secret_inputs(
            "multiregion-dr:index:GlobalDatabase",
            Value::object([
                ("masterPassword", Value::from("plain-password")),
                ("masterUsername", Value::from("app")),
            ]),
        );
        assert!(checked.get("masterPassword").unwrap().is_secret());
        assert!(!checked.get("masterUsername").unwrap().is_secret());
    }

    #[test]
    fn secret_inputs_make_secret_outputs() {
        let inputs = Value::object([("recordName", Value::secret("api".into()))]);
        let outputs = Value::object([
            ("recordName", Value::from("api")),
            ("fqdn", Value::from("api.x")),
        ]);
        let marked = mark_secrets("multiregion-dr:index:DnsFailover", &inputs, outputs);
        assert!(marked.get("recordName").unwrap().is_secret());
        assert!(!marked.get("fqdn").unwrap().is_secret());
    }

    #[test]
    fn detailed_diff_keeps_the_invariants() {
        let d = diff_inputs(
            &Value::from_json(&serde_json::json!({"engine": "aurora-mysql", "tags": {"a": "1"}})),
            &Value::from_json(
                &serde_json::json!({"engine": "aurora-postgresql", "tags": {"a": "2", "b": "3"}}),
            ),
            &["engine"],
        );
        let r = diff_to_rpc(&d);
        assert!(r.has_detailed_diff);
        assert_eq!(r.replaces, ["engine"]);
        for path in r.detailed_diff.keys() {
            let top = path.split(['.', '[']).next().unwrap();
            assert!(
                r.diffs.iter().any(|d| d == top),
                "{path} has no top-level diff"
            );
        }
        for d in &r.diffs {
            assert!(r
                .detailed_diff
                .keys()
                .any(|p| p == d || p.starts_with(&format!("{d}."))));
        }
    }
}
