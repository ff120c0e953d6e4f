//! Provider instances: one plugin process per provider resource, as in the engine. A default
//! provider per package (and version) takes its configuration from the stack config; a provider
//! resource a program registers gets its own process and configuration; providers known only from
//! the state (for refresh, destroy and deletes) are configured from their stored inputs.
//!
//! Loading follows the engine: launch, Handshake (UNIMPLEMENTED falls back to the flags Configure
//! returns), GetPluginInfo, CheckConfig, DiffConfig when there is old state, Configure.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use serde_json::{Map, Value as Json};
use tokio::sync::OnceCell;

use crate::deployment::Deployment;
use crate::events::Op;
use crate::plugin::{self, PluginProcess, ProviderClient};
use crate::props;
use crate::rpc_error;
use crate::state::ResourceState;
use crate::steps::Goal;
use crate::urn;

pub struct ProviderInstance {
    pub package: String,
    pub urn: String,
    pub id: String,
    pub reference: String,
    pub client: ProviderClient,
    pub accept_secrets: bool,
    pub accept_resources: bool,
    pub accept_outputs: bool,
    /// The configuration holds unknowns (preview): Configure was not called, so, as the engine does,
    /// Check echoes the inputs, Diff is the engine's own, and Create returns no outputs.
    pub unconfigured: bool,
    pub plugin: Arc<PluginProcess>,
}

type Cell = Arc<OnceCell<Result<Arc<ProviderInstance>, String>>>;

#[derive(Default)]
pub struct ProviderRegistry {
    by_ref: Mutex<HashMap<String, Arc<ProviderInstance>>>,
    /// One cell per default provider and per provider loaded from state, so that concurrent users
    /// wait for a single load.
    cells: Mutex<HashMap<String, Cell>>,
    plugins: Mutex<Vec<Arc<PluginProcess>>>,
}

impl ProviderRegistry {
    fn get(&self, reference: &str) -> Option<Arc<ProviderInstance>> {
        self.by_ref
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(reference)
            .cloned()
    }

    fn insert(&self, instance: Arc<ProviderInstance>) {
        self.by_ref
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(instance.reference.clone(), instance);
    }

    fn cell(&self, key: &str) -> Cell {
        self.cells
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_string())
            .or_default()
            .clone()
    }
}

/// A launched plugin before configuration.
struct Loaded {
    plugin: Arc<PluginProcess>,
    client: ProviderClient,
    handshake: Option<rpc::ProviderHandshakeResponse>,
}

fn is_unimplemented(status: &tonic::Status) -> bool {
    status.code() == tonic::Code::Unimplemented
}

fn check_failures_message(urn: &str, failures: &[rpc::CheckFailure]) -> String {
    failures
        .iter()
        .map(|f| format!("{urn}: {}: {}", f.property, f.reason))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Configure's deprecated `variables`: `<pkg>:config:<key>` → the value as a string (JSON text when
/// it is not a string), secrets unwrapped, `version` left out.
fn config_variables(package: &str, inputs: &Json) -> HashMap<String, String> {
    let plain = props::unwrap_secrets(inputs);
    plain
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| k.as_str() != "version")
                .map(|(k, v)| {
                    let text = match v {
                        Json::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (format!("{package}:config:{k}"), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Deployment {
    async fn launch_plugin(&self, package: &str) -> Result<Loaded, String> {
        let path = plugin::find(
            package,
            self.settings.plugin_path.as_deref(),
            crate::EXPLICIT_PLUGIN_PACKAGE,
            &self.settings.plugin_dirs,
        )?;
        let env = vec![("PULUMI_PROJECT".to_string(), self.settings.project.clone())];
        let process = PluginProcess::launch(
            package,
            &path,
            &self.address(),
            &self.settings.cwd,
            &env,
            self.events.clone(),
        )
        .await?;
        self.providers
            .plugins
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(process.clone());
        let mut client = process.connect().await?;
        let plugin_dir = path
            .parent()
            .map(|d| d.to_string_lossy().to_string())
            .unwrap_or_default();
        let request = rpc::ProviderHandshakeRequest {
            engine_address: self.address(),
            root_directory: Some(plugin_dir.clone()),
            program_directory: Some(plugin_dir),
            configure_with_urn: true,
            supports_views: true,
            supports_refresh_before_update: true,
            invoke_with_preview: true,
        };
        // The engine retries the handshake only while the plugin is not yet serving.
        let mut handshake = None;
        for attempt in 0..50 {
            match client.handshake(request.clone()).await {
                Ok(resp) => {
                    handshake = Some(resp.into_inner());
                    break;
                }
                Err(s) if is_unimplemented(&s) => {
                    tracing::debug!(package, "Handshake: not supported; legacy flow");
                    break;
                }
                Err(s) if s.code() == tonic::Code::Unavailable && attempt < 49 => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(s) => {
                    return Err(format!(
                        "plugin {package}: Handshake failed: {}\n{}",
                        s.message(),
                        process.stderr_tail()
                    ))
                }
            }
        }
        match client.get_plugin_info(()).await {
            Ok(info) => {
                tracing::debug!(package, version = %info.into_inner().version, "plugin info")
            }
            Err(s) if is_unimplemented(&s) => {}
            Err(s) => {
                return Err(format!(
                    "plugin {package}: GetPluginInfo failed: {}",
                    s.message()
                ))
            }
        }
        Ok(Loaded {
            plugin: process,
            client,
            handshake,
        })
    }

    /// Configure (unless the configuration holds unknowns) and register the instance.
    async fn configure(
        &self,
        package: &str,
        mut loaded: Loaded,
        provider_urn: &str,
        id: &str,
        inputs: &Json,
    ) -> Result<Arc<ProviderInstance>, String> {
        let unconfigured = props::contains_unknowns(inputs);
        let mut flags = loaded
            .handshake
            .as_ref()
            .map(|h| (h.accept_secrets, h.accept_resources, h.accept_outputs))
            .unwrap_or((false, false, false));
        if !unconfigured {
            let request = rpc::ConfigureRequest {
                variables: config_variables(package, inputs),
                args: Some(props::json_to_struct(inputs)),
                accept_secrets: true,
                accept_resources: true,
                sends_old_inputs: true,
                sends_old_inputs_to_delete: true,
                id: Some(id.to_string()),
                urn: Some(provider_urn.to_string()),
                name: Some(urn::name_of(provider_urn).to_string()),
                r#type: Some(urn::type_of(provider_urn).to_string()),
            };
            let resp = loaded
                .client
                .configure(request)
                .await
                .map_err(|s| {
                    format!(
                        "{provider_urn}: Configure failed: {}",
                        rpc_error::from_status(&s)
                    )
                })?
                .into_inner();
            // Flags from Configure count only when the plugin has no Handshake.
            if loaded.handshake.is_none() {
                flags = (
                    resp.accept_secrets,
                    resp.accept_resources,
                    resp.accept_outputs,
                );
            }
        }
        let instance = Arc::new(ProviderInstance {
            package: package.to_string(),
            urn: provider_urn.to_string(),
            id: id.to_string(),
            reference: urn::provider_ref(provider_urn, id),
            client: loaded.client,
            accept_secrets: flags.0,
            accept_resources: flags.1,
            accept_outputs: flags.2,
            unconfigured,
            plugin: loaded.plugin,
        });
        self.providers.insert(instance.clone());
        Ok(instance)
    }

    /// The provider step for a provider resource (a program's `new Provider(...)` or a default
    /// provider): CheckConfig, DiffConfig against the old state, Configure; recorded in state.
    pub async fn register_provider(
        &self,
        goal: &Goal,
        hidden: bool,
    ) -> Result<(Arc<ProviderInstance>, ResourceState), String> {
        let package = urn::package_of(&goal.ty).to_string();
        let old = self.snapshot().claim_old(&goal.urn, &goal.aliases);
        let mut loaded = self.launch_plugin(&package).await?;
        let accept_secrets = loaded.handshake.as_ref().is_some_and(|h| h.accept_secrets);
        let for_plugin = |v: &Json| {
            if accept_secrets {
                v.clone()
            } else {
                props::unwrap_secrets(v)
            }
        };
        let olds = old
            .as_ref()
            .map(|o| o.inputs.clone())
            .unwrap_or_else(props::empty_object);
        let checked = match loaded
            .client
            .check_config(rpc::CheckRequest {
                urn: goal.urn.clone(),
                olds: Some(props::json_to_struct(&for_plugin(&olds))),
                news: Some(props::json_to_struct(&for_plugin(&goal.inputs))),
                random_seed: Vec::new(),
                name: goal.name.clone(),
                r#type: goal.ty.clone(),
                autonaming: None,
            })
            .await
        {
            Ok(resp) => {
                let resp = resp.into_inner();
                if !resp.failures.is_empty() {
                    return Err(check_failures_message(&goal.urn, &resp.failures));
                }
                let mut checked = props::opt_struct_to_json(resp.inputs.as_ref());
                if !accept_secrets {
                    checked = props::annotate_secrets(checked, &goal.inputs);
                }
                checked
            }
            Err(s) if is_unimplemented(&s) => goal.inputs.clone(),
            Err(s) => {
                return Err(format!(
                    "{}: CheckConfig failed: {}",
                    goal.urn,
                    rpc_error::from_status(&s)
                ))
            }
        };
        // The engine forbids a provider to change the version it was asked for.
        if let (Some(asked), Some(got)) = (
            goal.inputs.get("version").and_then(Json::as_str),
            checked.get("version").and_then(Json::as_str),
        ) {
            if asked != got {
                return Err(format!(
                    "{}: provider attempted to change version from {asked} to {got}",
                    goal.urn
                ));
            }
        }

        let (op, id) = match &old {
            None => (
                Op::Create,
                if self.dry_run() {
                    props::UNKNOWN.to_string()
                } else {
                    uuid::Uuid::new_v4().to_string()
                },
            ),
            Some(old) => {
                let diff = loaded
                    .client
                    .diff_config(rpc::DiffRequest {
                        id: old.id.clone(),
                        urn: goal.urn.clone(),
                        olds: Some(props::json_to_struct(&for_plugin(&old.outputs))),
                        news: Some(props::json_to_struct(&for_plugin(&checked))),
                        ignore_changes: goal.ignore_changes.clone(),
                        old_inputs: Some(props::json_to_struct(&for_plugin(&old.inputs))),
                        name: goal.name.clone(),
                        r#type: goal.ty.clone(),
                    })
                    .await;
                let decision = match diff {
                    Ok(d) => crate::steps::decide(&d.into_inner(), &[], &old.inputs, &checked),
                    // UNIMPLEMENTED: the engine never replaces the provider for it.
                    Err(s) if is_unimplemented(&s) => {
                        if props::changed_keys(&old.inputs, &checked).is_empty() {
                            crate::steps::Decision::Same
                        } else {
                            crate::steps::Decision::Update
                        }
                    }
                    Err(s) => {
                        return Err(format!(
                            "{}: DiffConfig failed: {}",
                            goal.urn,
                            rpc_error::from_status(&s)
                        ))
                    }
                };
                match decision {
                    crate::steps::Decision::Same => (Op::Same, old.id.clone()),
                    crate::steps::Decision::Update => (Op::Update, old.id.clone()),
                    // A replaced provider gets a new ID; its resources are not replaced with it
                    // (a limitation of this stand-in, reported as a warning).
                    crate::steps::Decision::Replace { .. } => {
                        self.events.diag(
                            crate::events::Severity::Warning,
                            &goal.urn,
                            "the provider's configuration change requires replacing it; dr-engine gives it a new ID but does not replace its resources",
                        );
                        (
                            Op::Replace,
                            if self.dry_run() {
                                props::UNKNOWN.to_string()
                            } else {
                                uuid::Uuid::new_v4().to_string()
                            },
                        )
                    }
                }
            }
        };

        let instance = self
            .configure(&package, loaded, &goal.urn, &id, &checked)
            .await?;
        let mut state = goal.to_state(&id, checked.clone(), checked);
        state.provider = String::new();
        self.snapshot().add_new(state.clone());
        self.save();
        self.events.step(op, &goal.urn, &goal.ty, hidden);
        Ok((instance, state))
    }

    /// The default provider for a package and version, registered on first use.
    pub async fn default_provider(
        &self,
        package: &str,
        version: &str,
    ) -> Result<Arc<ProviderInstance>, String> {
        let cell = self.providers.cell(&format!("default:{package}@{version}"));
        cell.get_or_init(|| async {
            let ty = format!("{}{package}", urn::PROVIDER_TYPE_PREFIX);
            let name = urn::default_provider_name(version);
            let provider_urn = urn::build(
                &self.settings.stack,
                &self.settings.project,
                None,
                &ty,
                &name,
            );
            let mut inputs: Map<String, Json> = self.settings.config.package_inputs(package);
            if !version.is_empty() {
                inputs.insert("version".into(), Json::String(version.to_string()));
            }
            let goal = Goal::provider(&provider_urn, &ty, &name, Json::Object(inputs));
            self.register_provider(&goal, true)
                .await
                .map(|(instance, _)| instance)
        })
        .await
        .clone()
    }

    /// A provider by reference: one registered this run, else one configured from the state.
    pub async fn provider_by_ref(&self, reference: &str) -> Result<Arc<ProviderInstance>, String> {
        if let Some(p) = self.providers.get(reference) {
            return Ok(p);
        }
        let (provider_urn, id) = urn::parse_provider_ref(reference)
            .ok_or_else(|| format!("invalid provider reference '{reference}'"))?;
        if id == props::UNKNOWN {
            return Err(format!(
                "provider {provider_urn} is not known yet (its ID is unknown)"
            ));
        }
        let stored = {
            let snap = self.snapshot();
            snap.all_old()
                .into_iter()
                .find(|r| r.urn == provider_urn && r.id == id)
        };
        let Some(stored) = stored else {
            return Err(format!(
                "unknown provider '{reference}': it was neither registered by the program nor found in the state"
            ));
        };
        let cell = self.providers.cell(&format!("state:{reference}"));
        cell.get_or_init(|| async {
            let package = urn::package_of(&stored.ty).to_string();
            let loaded = self.launch_plugin(&package).await?;
            self.configure(&package, loaded, &stored.urn, &stored.id, &stored.inputs)
                .await
        })
        .await
        .clone()
    }

    /// The explicit provider when the request names one, else the default provider.
    pub async fn resolve_provider(
        &self,
        reference: &str,
        package: &str,
        version: &str,
    ) -> Result<Arc<ProviderInstance>, String> {
        if reference.is_empty() {
            self.default_provider(package, version).await
        } else {
            self.provider_by_ref(reference).await
        }
    }

    pub async fn shutdown_plugins(&self) {
        let plugins: Vec<_> = self
            .providers
            .plugins
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        let stopping: Vec<_> = plugins
            .into_iter()
            .map(|p| tokio::spawn(async move { p.shutdown().await }))
            .collect();
        for s in stopping {
            let _ = s.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configure_variables_are_namespaced_strings_without_version() {
        let inputs = serde_json::json!({
            "primaryRegion": "us-east-1",
            "maxRetries": 2,
            "endpoints": {"rds": "http://x"},
            "profile": props::secret("p".into()),
            "version": "0.1.0",
        });
        let vars = config_variables("multiregion-dr", &inputs);
        assert_eq!(vars["multiregion-dr:config:primaryRegion"], "us-east-1");
        assert_eq!(vars["multiregion-dr:config:maxRetries"], "2");
        assert_eq!(
            vars["multiregion-dr:config:endpoints"],
            r#"{"rds":"http://x"}"#
        );
        assert_eq!(vars["multiregion-dr:config:profile"], "p");
        assert!(!vars.contains_key("multiregion-dr:config:version"));
    }
}
