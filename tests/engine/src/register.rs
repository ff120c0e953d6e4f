//! What the resource monitor does with each request: RegisterResource (stack, components, provider
//! resources, custom resources, remote components through Construct), RegisterResourceOutputs,
//! ReadResource, Invoke (with the built-in `pulumi:pulumi:getResource`) and Call.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use serde_json::{json, Value as Json};
use tonic::Status;

use crate::deployment::{Deployment, ORGANIZATION};
use crate::events::Op;
use crate::props;
use crate::providers::ProviderInstance;
use crate::rpc_error;
use crate::steps::{Goal, Outcome, StepError};
use crate::timeouts::CustomTimeouts;
use crate::urn;

pub const GET_RESOURCE: &str = "pulumi:pulumi:getResource";

/// Flattens output values per top-level property, adding their dependencies to that property's.
fn flatten_inputs(
    object: &Json,
    property_dependencies: &mut BTreeMap<String, Vec<String>>,
) -> Json {
    let Some(map) = object.as_object() else {
        return props::empty_object();
    };
    let mut out = serde_json::Map::new();
    for (k, v) in map {
        let mut deps = BTreeSet::new();
        out.insert(k.clone(), props::flatten_output_values(v, &mut deps));
        if !deps.is_empty() {
            let entry = property_dependencies.entry(k.clone()).or_default();
            for d in deps {
                if !entry.contains(&d) {
                    entry.push(d);
                }
            }
        }
    }
    Json::Object(out)
}

impl Deployment {
    /// Every URN this resource may have had: alias URNs as given, alias specs resolved as the
    /// engine resolves them (unset fields from the resource itself, the parent defaulting to the
    /// current one), and the resource's own name under each alias of its parent (inherited
    /// aliases, so that renaming a component keeps its children).
    fn aliases(&self, req: &rpc::RegisterResourceRequest, resource_urn: &str) -> Vec<String> {
        let (stack, project) = (&self.settings.stack, &self.settings.project);
        let parent_aliases: Vec<String> = self
            .alias_map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&req.parent)
            .cloned()
            .unwrap_or_default();
        let mut all: Vec<String> = req.alias_ur_ns.clone();
        for a in &req.aliases {
            match &a.alias {
                Some(rpc::alias::Alias::Urn(u)) => all.push(u.clone()),
                Some(rpc::alias::Alias::Spec(spec)) => {
                    let or =
                        |v: &String, d: &String| if v.is_empty() { d.clone() } else { v.clone() };
                    let name = or(&spec.name, &req.name);
                    let ty = or(&spec.r#type, &req.r#type);
                    let stack = or(&spec.stack, stack);
                    let project = or(&spec.project, project);
                    let parents: Vec<String> = match &spec.parent {
                        Some(rpc::alias::spec::Parent::ParentUrn(p)) => vec![p.clone()],
                        Some(rpc::alias::spec::Parent::NoParent(true)) => vec![String::new()],
                        _ => std::iter::once(req.parent.clone())
                            .chain(parent_aliases.iter().cloned())
                            .collect(),
                    };
                    for p in parents {
                        all.push(urn::build(&stack, &project, Some(&p), &ty, &name));
                    }
                }
                None => {}
            }
        }
        for p in &parent_aliases {
            all.push(urn::build(stack, project, Some(p), &req.r#type, &req.name));
        }
        let mut seen = std::collections::HashSet::new();
        all.retain(|u| u != resource_urn && seen.insert(u.clone()));
        if !all.is_empty() {
            self.alias_map
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(resource_urn.to_string(), all.clone());
        }
        all
    }

    fn goal(&self, req: &rpc::RegisterResourceRequest) -> Result<Goal, String> {
        if req.r#type.is_empty() || req.name.is_empty() {
            return Err("RegisterResource needs a type and a name".into());
        }
        let urn = urn::build(
            &self.settings.stack,
            &self.settings.project,
            Some(&req.parent),
            &req.r#type,
            &req.name,
        );
        let mut property_dependencies: BTreeMap<String, Vec<String>> = req
            .property_dependencies
            .iter()
            .map(|(k, v)| (k.clone(), v.urns.clone()))
            .collect();
        let inputs = flatten_inputs(
            &props::opt_struct_to_json(req.object.as_ref()),
            &mut property_dependencies,
        );
        let aliases = self.aliases(req, &urn);
        let custom_timeouts = req
            .custom_timeouts
            .as_ref()
            .map(|t| CustomTimeouts {
                create: t.create.clone(),
                update: t.update.clone(),
                delete: t.delete.clone(),
            })
            .unwrap_or_default();
        for d in [
            &custom_timeouts.create,
            &custom_timeouts.update,
            &custom_timeouts.delete,
        ] {
            crate::timeouts::seconds(d).map_err(|e| format!("{urn}: customTimeouts: {e}"))?;
        }
        Ok(Goal {
            urn,
            ty: req.r#type.clone(),
            name: req.name.clone(),
            custom: req.custom,
            parent: req.parent.clone(),
            provider_ref: req.provider.clone(),
            inputs,
            dependencies: req.dependencies.clone(),
            property_dependencies,
            protect: req.protect.unwrap_or(false),
            retain_on_delete: req.retain_on_delete.unwrap_or(false),
            delete_before_replace: req.delete_before_replace,
            ignore_changes: req.ignore_changes.clone(),
            replace_on_changes: req.replace_on_changes.clone(),
            custom_timeouts,
            deleted_with: req.deleted_with.clone(),
            version: req.version.clone(),
            aliases,
            import_id: req.import_id.clone(),
        })
    }

    /// Reports a failed step (unless already reported) and turns it into the RPC error the program
    /// sees; the run has failed.
    fn step_failed(&self, urn: &str, e: StepError) -> Status {
        if e.reported {
            self.mark_failed();
        } else {
            self.fail(urn, &e.message);
        }
        Status::unknown(e.message)
    }

    pub async fn register_resource(
        &self,
        req: rpc::RegisterResourceRequest,
    ) -> Result<rpc::RegisterResourceResponse, Status> {
        let _inflight = self.inflight();
        let goal = self.goal(&req).map_err(|e| {
            self.fail("", &e);
            Status::invalid_argument(e)
        })?;
        if self.has_failed() {
            // The engine stops planning once a step has failed.
            return Err(Status::aborted(format!(
                "{}: not registered: the deployment has already failed",
                goal.urn
            )));
        }
        // A remote component's URN is taken by the registration its provider makes in Construct.
        if !req.remote && !self.snapshot().begin(&goal.urn) {
            let e = format!(
                "Duplicate resource URN '{}'; try giving it a unique name",
                goal.urn
            );
            self.fail(&goal.urn, &e);
            return Err(Status::already_exists(e));
        }
        if req.r#type == urn::STACK_TYPE && req.parent.is_empty() {
            *self.root_urn.lock().unwrap_or_else(|e| e.into_inner()) = goal.urn.clone();
        }
        if !req.providers.is_empty() {
            self.component_providers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(goal.urn.clone(), req.providers.clone());
        }
        tracing::debug!(urn = %goal.urn, custom = req.custom, remote = req.remote, "register");

        if req.remote {
            return self
                .construct(&goal, &req)
                .await
                .map_err(|e| self.step_failed(&goal.urn, e));
        }
        let outcome = if urn::is_provider_type(&goal.ty) {
            match self.register_provider(&goal, false).await {
                Ok((instance, state)) => Outcome {
                    id: instance.id.clone(),
                    outputs: state.outputs,
                },
                Err(e) => return Err(self.step_failed(&goal.urn, StepError::from(e))),
            }
        } else if req.custom {
            let provider = self
                .resolve_provider(&goal.provider_ref, urn::package_of(&goal.ty), &goal.version)
                .await
                .map_err(|e| self.step_failed(&goal.urn, StepError::from(e)))?;
            let mut goal = goal.clone();
            goal.provider_ref = provider.reference.clone();
            self.step_custom(&goal, provider)
                .await
                .map_err(|e| self.step_failed(&goal.urn, e))?
        } else {
            self.step_component(&goal)
        };
        Ok(self.reply(&req, &goal.urn, outcome))
    }

    fn reply(
        &self,
        req: &rpc::RegisterResourceRequest,
        resource_urn: &str,
        outcome: Outcome,
    ) -> rpc::RegisterResourceResponse {
        let mut outputs = outcome.outputs;
        if let Json::Object(map) = &mut outputs {
            for key in &req.additional_secret_outputs {
                if let Some(v) = map.get_mut(key) {
                    if !v.is_null() && !props::is_secret(v) {
                        *v = props::secret(v.take());
                    }
                }
            }
        }
        if !req.accept_secrets {
            outputs = props::unwrap_secrets(&outputs);
        }
        if !req.accept_resources {
            outputs = props::downgrade_resource_refs(&outputs);
        }
        if !req.supports_partial_values {
            outputs = props::strip_unknown_properties(&outputs);
        }
        rpc::RegisterResourceResponse {
            urn: resource_urn.to_string(),
            id: outcome.id,
            object: Some(props::json_to_struct(&outputs)),
            ..Default::default()
        }
    }

    /// The provider for a remote component: explicit, from its `providers` map, inherited from an
    /// ancestor component's `providers`, else the default provider.
    async fn component_provider(
        &self,
        goal: &Goal,
        req: &rpc::RegisterResourceRequest,
    ) -> Result<Arc<ProviderInstance>, String> {
        let package = urn::package_of(&goal.ty);
        if !req.provider.is_empty() {
            return self.provider_by_ref(&req.provider).await;
        }
        if let Some(r) = req.providers.get(package) {
            return self.provider_by_ref(r).await;
        }
        let mut parent = goal.parent.clone();
        while !parent.is_empty() {
            let inherited = self
                .component_providers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&parent)
                .and_then(|m| m.get(package).cloned());
            if let Some(r) = inherited {
                return self.provider_by_ref(&r).await;
            }
            parent = self
                .snapshot()
                .registered(&parent)
                .map(|r| r.parent.clone())
                .unwrap_or_default();
        }
        self.default_provider(package, &goal.version).await
    }

    /// A remote component: the provider's Construct registers it and its children through this
    /// engine's own monitor address while this call waits.
    async fn construct(
        &self,
        goal: &Goal,
        req: &rpc::RegisterResourceRequest,
    ) -> Result<rpc::RegisterResourceResponse, StepError> {
        let provider = self.component_provider(goal, req).await?;
        if provider.unconfigured {
            // As the engine does when the provider's config is unknown: no Construct, the
            // component registered with its type, name and parent only.
            let outcome = self.step_component(goal);
            let mut resp = self.reply(req, &goal.urn, outcome);
            resp.object = Some(prost_types::Struct::default());
            return Ok(resp);
        }
        if !provider.accept_secrets {
            return Err(StepError::from(format!(
                "plugins that can construct components must support secrets (plugin {} does not)",
                provider.package
            )));
        }
        let object = props::opt_struct_to_json(req.object.as_ref());
        let inputs = if provider.accept_outputs {
            object
        } else {
            let mut ignored = BTreeMap::new();
            flatten_inputs(&object, &mut ignored)
        };
        let config = &self.settings.config;
        let request = rpc::ConstructRequest {
            project: self.settings.project.clone(),
            stack: self.settings.stack.clone(),
            config: config.plain_map(),
            dry_run: self.dry_run(),
            parallel: self.settings.parallel as i32,
            monitor_endpoint: self.address(),
            r#type: goal.ty.clone(),
            name: goal.name.clone(),
            parent: goal.parent.clone(),
            inputs: Some(props::json_to_struct(&inputs)),
            input_dependencies: req
                .property_dependencies
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        rpc::construct_request::PropertyDependencies {
                            urns: v.urns.clone(),
                        },
                    )
                })
                .collect(),
            providers: req.providers.clone(),
            dependencies: req.dependencies.clone(),
            config_secret_keys: config.secret_keys(),
            organization: ORGANIZATION.to_string(),
            protect: req.protect,
            additional_secret_outputs: req.additional_secret_outputs.clone(),
            custom_timeouts: req.custom_timeouts.as_ref().map(|t| {
                rpc::construct_request::CustomTimeouts {
                    create: t.create.clone(),
                    update: t.update.clone(),
                    delete: t.delete.clone(),
                }
            }),
            deleted_with: req.deleted_with.clone(),
            delete_before_replace: req
                .delete_before_replace_defined
                .then_some(req.delete_before_replace),
            ignore_changes: req.ignore_changes.clone(),
            replace_on_changes: req.replace_on_changes.clone(),
            retain_on_delete: req.retain_on_delete,
            accepts_output_values: true,
            aliases: goal
                .aliases
                .iter()
                .map(|u| rpc::Alias {
                    alias: Some(rpc::alias::Alias::Urn(u.clone())),
                })
                .collect(),
            ..Default::default()
        };
        let resp = provider
            .client
            .clone()
            .construct(request)
            .await
            .map_err(|s| {
                format!(
                    "Construct of {} failed: {}",
                    goal.ty,
                    rpc_error::from_status(&s).message
                )
            })?
            .into_inner();
        let state = props::opt_struct_to_json(resp.state.as_ref());
        let mut dependencies: HashMap<String, Vec<String>> = resp
            .state_dependencies
            .iter()
            .map(|(k, v)| (k.clone(), v.urns.clone()))
            .collect();
        // The engine extends the state dependencies with those carried by output values.
        if let Some(map) = state.as_object() {
            for (k, v) in map {
                let mut deps = BTreeSet::new();
                props::flatten_output_values(v, &mut deps);
                let entry = dependencies.entry(k.clone()).or_default();
                for d in deps {
                    if !entry.contains(&d) {
                        entry.push(d);
                    }
                }
            }
        }
        Ok(rpc::RegisterResourceResponse {
            urn: resp.urn,
            id: String::new(),
            object: Some(props::json_to_struct(&state)),
            property_dependencies: dependencies
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, urns)| {
                    (
                        k,
                        rpc::register_resource_response::PropertyDependencies { urns },
                    )
                })
                .collect(),
            ..Default::default()
        })
    }

    pub fn register_outputs(&self, req: rpc::RegisterResourceOutputsRequest) {
        let mut ignored = BTreeSet::new();
        let outputs = props::flatten_output_values(
            &props::opt_struct_to_json(req.outputs.as_ref()),
            &mut ignored,
        );
        self.snapshot().set_outputs(&req.urn, outputs);
        self.save();
    }

    pub async fn read_resource(
        &self,
        req: rpc::ReadResourceRequest,
    ) -> Result<rpc::ReadResourceResponse, Status> {
        let _inflight = self.inflight();
        let resource_urn = urn::build(
            &self.settings.stack,
            &self.settings.project,
            Some(&req.parent),
            &req.r#type,
            &req.name,
        );
        let fail = |e: String| self.step_failed(&resource_urn, StepError::from(e));
        if !self.snapshot().begin(&resource_urn) {
            return Err(fail(format!(
                "Duplicate resource URN '{resource_urn}'; try giving it a unique name"
            )));
        }
        let provider = self
            .resolve_provider(&req.provider, urn::package_of(&req.r#type), &req.version)
            .await
            .map_err(fail)?;
        let mut property_dependencies = BTreeMap::new();
        let properties = flatten_inputs(
            &props::opt_struct_to_json(req.properties.as_ref()),
            &mut property_dependencies,
        );
        let sent = {
            let mut v = properties.clone();
            if !provider.accept_secrets {
                v = props::unwrap_secrets(&v);
            }
            props::json_to_struct(&v)
        };
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| fail(e.to_string()))?;
        // Resource.get: the engine sends the given properties as both state and inputs.
        let resp = provider
            .client
            .clone()
            .read(rpc::ReadRequest {
                id: req.id.clone(),
                urn: resource_urn.clone(),
                properties: Some(sent.clone()),
                inputs: Some(sent),
                name: req.name.clone(),
                r#type: req.r#type.clone(),
                ..Default::default()
            })
            .await
            .map_err(|s| {
                fail(format!(
                    "read failed: {}",
                    rpc_error::from_status(&s).message
                ))
            })?
            .into_inner();
        if resp.id.is_empty() {
            return Err(fail(format!("resource '{}' does not exist", req.id)));
        }
        let outputs = props::opt_struct_to_json(resp.properties.as_ref());
        if props::contains_unknowns(&outputs) {
            return Err(fail("provider returned unknown values from Read".into()));
        }
        let goal = Goal {
            urn: resource_urn.clone(),
            ty: req.r#type.clone(),
            name: req.name.clone(),
            custom: true,
            parent: req.parent.clone(),
            provider_ref: provider.reference.clone(),
            dependencies: req.dependencies.clone(),
            property_dependencies,
            ..Goal::default()
        };
        let inputs = resp
            .inputs
            .as_ref()
            .map(props::struct_to_json)
            .unwrap_or(properties);
        let mut state = goal.to_state(&resp.id, inputs, outputs.clone());
        state.external = true;
        {
            let mut snap = self.snapshot();
            snap.claim_old(&resource_urn, &[]);
            snap.add_new(state);
        }
        self.save();
        self.events
            .step(Op::Read, &resource_urn, &req.r#type, false);
        let mut reply = outputs;
        if !req.accept_secrets {
            reply = props::unwrap_secrets(&reply);
        }
        if !req.accept_resources {
            reply = props::downgrade_resource_refs(&reply);
        }
        Ok(rpc::ReadResourceResponse {
            urn: resource_urn,
            properties: Some(props::json_to_struct(&reply)),
        })
    }

    /// `pulumi:pulumi:getResource`: a resource registered (or read) this run, by URN.
    fn get_resource(&self, args: &Json) -> Result<Json, String> {
        let wanted = args
            .get("urn")
            .and_then(Json::as_str)
            .ok_or("getResource: missing required property 'urn'")?;
        let snap = self.snapshot();
        let r = snap
            .registered(wanted)
            .ok_or_else(|| format!("unknown resource {wanted}"))?;
        Ok(json!({"urn": wanted, "id": r.id, "provider": r.provider, "state": r.outputs}))
    }

    pub async fn invoke(
        &self,
        req: rpc::ResourceInvokeRequest,
    ) -> Result<rpc::InvokeResponse, Status> {
        let _inflight = self.inflight();
        let mut ignored = BTreeSet::new();
        let args = props::flatten_output_values(
            &props::opt_struct_to_json(req.args.as_ref()),
            &mut ignored,
        );
        if req.tok == GET_RESOURCE {
            let ret = self.get_resource(&args).map_err(Status::not_found)?;
            return Ok(rpc::InvokeResponse {
                r#return: Some(props::json_to_struct(&ret)),
                failures: Vec::new(),
            });
        }
        if req.tok.starts_with("pulumi:pulumi:") {
            return Err(Status::unimplemented(format!(
                "built-in function {} is not supported by dr-engine (only {GET_RESOURCE})",
                req.tok
            )));
        }
        let provider = self
            .resolve_provider(&req.provider, urn::package_of(&req.tok), &req.version)
            .await
            .map_err(|e| {
                self.fail("", &e);
                Status::failed_precondition(e)
            })?;
        if provider.unconfigured {
            return Err(Status::failed_precondition(format!(
                "cannot invoke {}: the provider's configuration is not known during this preview",
                req.tok
            )));
        }
        let sent = if provider.accept_secrets {
            args.clone()
        } else {
            props::unwrap_secrets(&args)
        };
        let resp = provider
            .client
            .clone()
            .invoke(rpc::InvokeRequest {
                tok: req.tok.clone(),
                args: Some(props::json_to_struct(&sent)),
                preview: self.dry_run(),
            })
            .await
            .map_err(|s| {
                let e = rpc_error::from_status(&s);
                Status::new(
                    s.code(),
                    format!("invoke of {} failed: {}", req.tok, e.message),
                )
            })?
            .into_inner();
        let mut ret = props::opt_struct_to_json(resp.r#return.as_ref());
        if !req.accept_resources {
            ret = props::downgrade_resource_refs(&ret);
        }
        Ok(rpc::InvokeResponse {
            r#return: Some(props::json_to_struct(&ret)),
            failures: resp.failures,
        })
    }

    pub async fn call(&self, req: rpc::ResourceCallRequest) -> Result<rpc::CallResponse, Status> {
        let _inflight = self.inflight();
        let provider = self
            .resolve_provider(&req.provider, urn::package_of(&req.tok), &req.version)
            .await
            .map_err(|e| {
                self.fail("", &e);
                Status::failed_precondition(e)
            })?;
        let mut args = props::opt_struct_to_json(req.args.as_ref());
        if !provider.accept_outputs {
            let mut ignored = BTreeSet::new();
            args = props::flatten_output_values(&args, &mut ignored);
        }
        let config = &self.settings.config;
        let resp = provider
            .client
            .clone()
            .call(rpc::CallRequest {
                tok: req.tok.clone(),
                args: Some(props::json_to_struct(&args)),
                arg_dependencies: req
                    .arg_dependencies
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            rpc::call_request::ArgumentDependencies {
                                urns: v.urns.clone(),
                            },
                        )
                    })
                    .collect(),
                project: self.settings.project.clone(),
                stack: self.settings.stack.clone(),
                config: config.plain_map(),
                config_secret_keys: config.secret_keys(),
                dry_run: self.dry_run(),
                parallel: self.settings.parallel as i32,
                monitor_endpoint: self.address(),
                organization: ORGANIZATION.to_string(),
                accepts_output_values: true,
                stack_trace_handle: String::new(),
            })
            .await
            .map_err(|s| {
                let e = rpc_error::from_status(&s);
                Status::new(
                    s.code(),
                    format!("call of {} failed: {}", req.tok, e.message),
                )
            })?
            .into_inner();
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::{Operation, Settings};

    fn deployment() -> Deployment {
        Deployment::new(
            Settings {
                operation: Operation::Preview,
                project: "p".into(),
                stack: "dev".into(),
                cwd: std::env::temp_dir(),
                config: Default::default(),
                parallel: 1,
                state_path: std::env::temp_dir().join("unused.json"),
                plugin_path: None,
                plugin_dirs: Default::default(),
            },
            Arc::new(crate::events::Events::new(None).unwrap()),
            Vec::new(),
        )
    }

    fn spec(name: &str, ty: &str, parent: Option<rpc::alias::spec::Parent>) -> rpc::Alias {
        rpc::Alias {
            alias: Some(rpc::alias::Alias::Spec(rpc::alias::Spec {
                name: name.into(),
                r#type: ty.into(),
                parent,
                ..Default::default()
            })),
        }
    }

    #[test]
    fn alias_specs_resolve_and_children_inherit_their_parents_aliases() {
        let d = deployment();
        let stack = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
        let comp = rpc::RegisterResourceRequest {
            r#type: "my:index:Comp".into(),
            name: "new".into(),
            parent: stack.into(),
            aliases: vec![spec("old", "my:index:OldComp", None)],
            ..Default::default()
        };
        let comp_urn = "urn:pulumi:dev::p::my:index:Comp::new";
        assert_eq!(
            d.aliases(&comp, comp_urn),
            ["urn:pulumi:dev::p::my:index:OldComp::old"]
        );
        let child = rpc::RegisterResourceRequest {
            r#type: "dr:index:Db".into(),
            name: "db".into(),
            parent: comp_urn.into(),
            ..Default::default()
        };
        assert_eq!(
            d.aliases(&child, "urn:pulumi:dev::p::my:index:Comp$dr:index:Db::db"),
            ["urn:pulumi:dev::p::my:index:OldComp$dr:index:Db::db"]
        );
        let moved = rpc::RegisterResourceRequest {
            r#type: "dr:index:Db".into(),
            name: "db2".into(),
            parent: comp_urn.into(),
            aliases: vec![spec("", "", Some(rpc::alias::spec::Parent::NoParent(true)))],
            alias_ur_ns: vec!["urn:pulumi:dev::p::dr:index:Db::legacy".into()],
            ..Default::default()
        };
        assert_eq!(
            d.aliases(&moved, "urn:pulumi:dev::p::my:index:Comp$dr:index:Db::db2"),
            [
                "urn:pulumi:dev::p::dr:index:Db::legacy",
                "urn:pulumi:dev::p::dr:index:Db::db2",
                "urn:pulumi:dev::p::my:index:OldComp$dr:index:Db::db2"
            ]
        );
    }

    #[test]
    fn output_value_dependencies_join_their_property() {
        let object = json!({
            "a": {props::SIG_KEY: props::OUTPUT_VALUE_SIG, "value": 1, "dependencies": ["urn:x"]},
            "b": 2,
        });
        let mut deps = BTreeMap::from([("a".to_string(), vec!["urn:y".to_string()])]);
        let flat = flatten_inputs(&object, &mut deps);
        assert_eq!(flat, json!({"a": 1, "b": 2}));
        assert_eq!(deps["a"], vec!["urn:y".to_string(), "urn:x".to_string()]);
        assert!(!deps.contains_key("b"));
    }
}
