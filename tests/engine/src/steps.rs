//! Steps, as the engine plans and applies them.
//!
//! A custom resource: Check (olds = stored inputs, news with `ignoreChanges` paths restored), then,
//! when it has state, Diff (olds = stored outputs) → same, update or replace; Create/Update with
//! `preview` set during a preview. Replacement is create-before-delete (the old copy is deleted at
//! the end of the update) unless `deleteBeforeReplace`. A partial failure records what exists and
//! fails the run. Deletes go in reverse dependency order.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::diff_response::DiffChanges;
use rpc::property_diff::Kind;
use serde_json::Value as Json;

use crate::deployment::Deployment;
use crate::events::Op;
use crate::property_path;
use crate::props;
use crate::providers::ProviderInstance;
use crate::rpc_error::{self, ProviderError};
use crate::state::{self, ResourceState};
use crate::timeouts::{self, CustomTimeouts};

/// What a program asked for in one RegisterResource.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    pub urn: String,
    pub ty: String,
    pub name: String,
    pub custom: bool,
    pub parent: String,
    /// The provider reference the program gave ("" = the default provider).
    pub provider_ref: String,
    /// Inputs with output values flattened (what providers and the state see).
    pub inputs: Json,
    pub dependencies: Vec<String>,
    pub property_dependencies: BTreeMap<String, Vec<String>>,
    pub protect: bool,
    pub retain_on_delete: bool,
    pub delete_before_replace: bool,
    pub ignore_changes: Vec<String>,
    pub replace_on_changes: Vec<String>,
    pub custom_timeouts: CustomTimeouts,
    pub deleted_with: String,
    pub version: String,
    pub aliases: Vec<String>,
    pub import_id: String,
}

impl Goal {
    pub fn provider(provider_urn: &str, ty: &str, name: &str, inputs: Json) -> Goal {
        Goal {
            urn: provider_urn.to_string(),
            ty: ty.to_string(),
            name: name.to_string(),
            custom: true,
            inputs,
            ..Goal::default()
        }
    }

    pub fn to_state(&self, id: &str, inputs: Json, outputs: Json) -> ResourceState {
        let mut s = ResourceState::new(&self.urn, &self.ty, self.custom);
        s.id = id.to_string();
        s.parent = self.parent.clone();
        s.provider = self.provider_ref.clone();
        s.inputs = inputs;
        s.outputs = outputs;
        s.dependencies = self.dependencies.clone();
        s.property_dependencies = self.property_dependencies.clone();
        s.protect = self.protect;
        s.retain_on_delete = self.retain_on_delete;
        s.delete_before_replace = self.delete_before_replace;
        s.deleted_with = self.deleted_with.clone();
        s.custom_timeouts = self.custom_timeouts.clone();
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Same,
    Update,
    Replace { delete_before_replace: bool },
}

/// Same, update or replace from a DiffResponse, as the engine reads it: DIFF_UNKNOWN means the
/// engine compares old and new inputs itself; a replace is a non-empty `replaces`, a `*_REPLACE`
/// detailed diff, or a changed path under `replaceOnChanges`.
pub fn decide(
    diff: &rpc::DiffResponse,
    replace_on_changes: &[String],
    old_inputs: &Json,
    news: &Json,
) -> Decision {
    let mut changed: Vec<String> = diff.diffs.clone();
    let mut replace = !diff.replaces.is_empty();
    let changes = match DiffChanges::try_from(diff.changes).unwrap_or(DiffChanges::DiffUnknown) {
        DiffChanges::DiffUnknown => {
            let keys = props::changed_keys(old_inputs, news);
            if keys.is_empty() {
                DiffChanges::DiffNone
            } else {
                changed = keys;
                DiffChanges::DiffSome
            }
        }
        other => other,
    };
    if diff.has_detailed_diff {
        for (path, d) in &diff.detailed_diff {
            changed.push(path.clone());
            if matches!(
                Kind::try_from(d.kind),
                Ok(Kind::AddReplace | Kind::DeleteReplace | Kind::UpdateReplace)
            ) {
                replace = true;
            }
        }
    }
    if changes != DiffChanges::DiffSome && !replace {
        return Decision::Same;
    }
    if replace_on_changes
        .iter()
        .any(|p| changed.iter().any(|c| property_path::matches(p, c)))
    {
        replace = true;
    }
    if replace {
        Decision::Replace {
            delete_before_replace: diff.delete_before_replace,
        }
    } else {
        Decision::Update
    }
}

/// A failed step. `reported` errors were already shown (each Check failure on its own line).
#[derive(Debug)]
pub struct StepError {
    pub message: String,
    pub reported: bool,
}

impl From<String> for StepError {
    fn from(message: String) -> Self {
        StepError {
            message,
            reported: false,
        }
    }
}

/// The reply to the program: the ID ("" during a preview create) and the outputs.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub outputs: Json,
}

fn random_seed() -> Vec<u8> {
    let mut seed = uuid::Uuid::new_v4().as_bytes().to_vec();
    seed.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    seed
}

/// Values as a provider can take them: secrets unwrapped unless it accepts them, resource
/// references downgraded unless it accepts them.
fn for_provider(p: &ProviderInstance, v: &Json) -> Option<prost_types::Struct> {
    let mut v = v.clone();
    if !p.accept_secrets {
        v = props::unwrap_secrets(&v);
    }
    if !p.accept_resources {
        v = props::downgrade_resource_refs(&v);
    }
    Some(props::json_to_struct(&v))
}

/// Outputs from a provider that did not accept secrets get the inputs' secrets back.
fn from_provider(p: &ProviderInstance, outputs: Json, inputs: &Json) -> Json {
    if p.accept_secrets {
        outputs
    } else {
        props::annotate_secrets(outputs, inputs)
    }
}

fn seconds(urn: &str, duration: &str) -> Result<f64, String> {
    timeouts::seconds(duration).map_err(|e| format!("{urn}: customTimeouts: {e}"))
}

impl Deployment {
    /// Check: failures are reported one per line as `<urn>: <property>: <reason>`.
    async fn check(
        &self,
        p: &ProviderInstance,
        goal: &Goal,
        olds: &Json,
        news: &Json,
    ) -> Result<Json, StepError> {
        if p.unconfigured {
            return Ok(news.clone());
        }
        let resp = p
            .client
            .clone()
            .check(rpc::CheckRequest {
                urn: goal.urn.clone(),
                olds: for_provider(p, olds),
                news: for_provider(p, news),
                random_seed: random_seed(),
                name: goal.name.clone(),
                r#type: goal.ty.clone(),
                autonaming: None,
            })
            .await
            .map_err(|s| format!("Check failed: {}", rpc_error::from_status(&s)))?
            .into_inner();
        if !resp.failures.is_empty() {
            for f in &resp.failures {
                self.fail(
                    &goal.urn,
                    &format!("{}: {}: {}", goal.urn, f.property, f.reason),
                );
            }
            return Err(StepError {
                message: format!(
                    "{} has check errors: {}",
                    goal.urn,
                    resp.failures
                        .iter()
                        .map(|f| format!("{}: {}", f.property, f.reason))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                reported: true,
            });
        }
        Ok(from_provider(
            p,
            props::opt_struct_to_json(resp.inputs.as_ref()),
            news,
        ))
    }

    async fn diff(
        &self,
        p: &ProviderInstance,
        goal: &Goal,
        old: &ResourceState,
        news: &Json,
    ) -> Result<Decision, StepError> {
        let diff = if p.unconfigured {
            rpc::DiffResponse::default()
        } else {
            p.client
                .clone()
                .diff(rpc::DiffRequest {
                    id: old.id.clone(),
                    urn: goal.urn.clone(),
                    olds: for_provider(p, &old.outputs),
                    news: for_provider(p, news),
                    ignore_changes: goal.ignore_changes.clone(),
                    old_inputs: for_provider(p, &old.inputs),
                    name: goal.name.clone(),
                    r#type: goal.ty.clone(),
                })
                .await
                .map_err(|s| format!("Diff failed: {}", rpc_error::from_status(&s)))?
                .into_inner()
        };
        let mut decision = decide(&diff, &goal.replace_on_changes, &old.inputs, news);
        if let Decision::Replace {
            delete_before_replace,
        } = &mut decision
        {
            *delete_before_replace |= goal.delete_before_replace;
        }
        // A resource that only partly initialised last time is updated until it succeeds.
        if decision == Decision::Same && !old.init_errors.is_empty() {
            decision = Decision::Update;
        }
        Ok(decision)
    }

    async fn create(
        &self,
        p: &ProviderInstance,
        goal: &Goal,
        inputs: &Json,
    ) -> Result<(String, Json), ProviderError> {
        if p.unconfigured {
            return Ok((String::new(), props::empty_object()));
        }
        let preview = self.dry_run();
        let resp = p
            .client
            .clone()
            .create(rpc::CreateRequest {
                urn: goal.urn.clone(),
                properties: for_provider(p, inputs),
                timeout: seconds(&goal.urn, &goal.custom_timeouts.create).map_err(plain_error)?,
                preview,
                name: goal.name.clone(),
                r#type: goal.ty.clone(),
                resource_status_address: String::new(),
                resource_status_token: String::new(),
            })
            .await
            .map_err(|s| rpc_error::from_status(&s))?
            .into_inner();
        let outputs = from_provider(
            p,
            props::opt_struct_to_json(resp.properties.as_ref()),
            inputs,
        );
        if !preview {
            if resp.id.is_empty() {
                return Err(plain_error(
                    "plugin returned empty resource.ID from create".into(),
                ));
            }
            if props::contains_unknowns(&outputs) {
                return Err(plain_error(
                    "plugin returned unknown outputs from a create that was not a preview".into(),
                ));
            }
        }
        Ok((resp.id, outputs))
    }

    async fn update(
        &self,
        p: &ProviderInstance,
        goal: &Goal,
        old: &ResourceState,
        news: &Json,
    ) -> Result<Json, ProviderError> {
        if p.unconfigured {
            return Ok(news.clone());
        }
        let resp = p
            .client
            .clone()
            .update(rpc::UpdateRequest {
                id: old.id.clone(),
                urn: goal.urn.clone(),
                olds: for_provider(p, &old.outputs),
                news: for_provider(p, news),
                timeout: seconds(&goal.urn, &goal.custom_timeouts.update).map_err(plain_error)?,
                ignore_changes: goal.ignore_changes.clone(),
                preview: self.dry_run(),
                old_inputs: for_provider(p, &old.inputs),
                name: goal.name.clone(),
                r#type: goal.ty.clone(),
                resource_status_address: String::new(),
                resource_status_token: String::new(),
                old_views: Vec::new(),
            })
            .await
            .map_err(|s| rpc_error::from_status(&s))?
            .into_inner();
        let outputs = from_provider(p, props::opt_struct_to_json(resp.properties.as_ref()), news);
        if !self.dry_run() && props::contains_unknowns(&outputs) {
            return Err(plain_error(
                "plugin returned unknown outputs from an update that was not a preview".into(),
            ));
        }
        Ok(outputs)
    }

    /// A partial failure is recorded (so the next update diffs and updates it); any failure
    /// fails the run.
    fn provider_failure(
        &self,
        goal: &Goal,
        what: &str,
        err: ProviderError,
        inputs: &Json,
        (op, known_id): (Op, &str),
        replacing: Option<&ResourceState>,
    ) -> StepError {
        if let Some(init) = &err.init_failed {
            if !self.dry_run() {
                // An update's partial failure may leave the ID out: it is the resource's own.
                let id = if init.id.is_empty() {
                    known_id
                } else {
                    &init.id
                };
                let mut state = goal.to_state(id, inputs.clone(), init.outputs.clone());
                if let Some(i) = &init.inputs {
                    state.inputs = i.clone();
                }
                state.init_errors = init.reasons.clone();
                {
                    let mut snap = self.snapshot();
                    if let Some(old) = replacing {
                        snap.mark_replaced(old);
                    }
                    snap.add_new(state);
                }
                self.save();
                self.events.step(op, &goal.urn, &goal.ty, false);
            }
            let reasons = if init.reasons.is_empty() {
                err.message.clone()
            } else {
                init.reasons.join("; ")
            };
            return StepError::from(format!(
                "{what} partially failed; the resource exists (id {}) and is recorded in the state: {reasons}",
                init.id
            ));
        }
        StepError::from(format!("{what} failed: {}", err.message))
    }

    /// The step for a custom resource.
    pub async fn step_custom(
        &self,
        goal: &Goal,
        provider: Arc<ProviderInstance>,
    ) -> Result<Outcome, StepError> {
        let old = self.snapshot().claim_old(&goal.urn, &goal.aliases);
        if !goal.import_id.is_empty() {
            return Err(StepError::from(
                "importing resources (the `import` option) is not supported by dr-engine"
                    .to_string(),
            ));
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| StepError::from(e.to_string()))?;
        let p = provider.as_ref();
        let Some(old) = old else {
            let checked = self
                .check(p, goal, &props::empty_object(), &goal.inputs)
                .await?;
            return self.create_step(p, goal, checked, Op::Create, None).await;
        };
        let news =
            property_path::apply_ignore_changes(&old.inputs, &goal.inputs, &goal.ignore_changes)
                .map_err(|e| format!("ignoreChanges: {e}"))?;
        let checked = self.check(p, goal, &old.inputs, &news).await?;
        match self.diff(p, goal, &old, &checked).await? {
            Decision::Same => {
                let mut state = goal.to_state(&old.id, checked, old.outputs.clone());
                state.provider = provider.reference.clone();
                self.snapshot().add_new(state);
                self.save();
                self.events.step(Op::Same, &goal.urn, &goal.ty, false);
                Ok(Outcome {
                    id: old.id,
                    outputs: old.outputs,
                })
            }
            Decision::Update => {
                let outputs = self.update(p, goal, &old, &checked).await.map_err(|e| {
                    self.provider_failure(goal, "update", e, &checked, (Op::Update, &old.id), None)
                })?;
                let mut state = goal.to_state(&old.id, checked, outputs.clone());
                state.provider = provider.reference.clone();
                self.snapshot().add_new(state);
                self.save();
                self.events.step(Op::Update, &goal.urn, &goal.ty, false);
                Ok(Outcome {
                    id: old.id,
                    outputs,
                })
            }
            Decision::Replace {
                delete_before_replace,
            } => {
                if goal.protect && old.protect {
                    return Err(StepError::from(format!(
                        "unable to replace resource \"{}\"\nas it is currently marked for protection. To unprotect the resource, remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`",
                        goal.urn
                    )));
                }
                // A replacement gets fresh defaults: Check again without the old inputs.
                let rechecked = self
                    .check(p, goal, &props::empty_object(), &goal.inputs)
                    .await?;
                if delete_before_replace {
                    if !self.dry_run() {
                        self.delete_with(p, &old)
                            .await
                            .map_err(|e| format!("delete before replace failed: {e}"))?;
                        self.snapshot().remove(&old);
                        self.save();
                    }
                    self.events
                        .step(Op::DeleteReplaced, &goal.urn, &goal.ty, false);
                    self.create_step(p, goal, rechecked, Op::Replace, None)
                        .await
                } else {
                    // Once the new one exists, the old copy is kept (marked for deletion) and
                    // deleted at the end of the update, after everything that depends on it moved.
                    self.create_step(p, goal, rechecked, Op::Replace, Some(&old))
                        .await
                }
            }
        }
    }

    async fn create_step(
        &self,
        p: &ProviderInstance,
        goal: &Goal,
        checked: Json,
        op: Op,
        replacing: Option<&ResourceState>,
    ) -> Result<Outcome, StepError> {
        let (id, outputs) = self
            .create(p, goal, &checked)
            .await
            .map_err(|e| self.provider_failure(goal, "create", e, &checked, (op, ""), replacing))?;
        let mut state = goal.to_state(&id, checked, outputs.clone());
        state.provider = p.reference.clone();
        {
            let mut snap = self.snapshot();
            if let Some(old) = replacing {
                snap.mark_replaced(old);
            }
            snap.add_new(state);
        }
        self.save();
        self.events.step(op, &goal.urn, &goal.ty, false);
        Ok(Outcome { id, outputs })
    }

    /// A component (or the stack): no provider; created or the same.
    pub fn step_component(&self, goal: &Goal) -> Outcome {
        let old = self.snapshot().claim_old(&goal.urn, &goal.aliases);
        let op = if old.is_some() { Op::Same } else { Op::Create };
        let outputs = old.map(|o| o.outputs).unwrap_or_else(props::empty_object);
        self.snapshot()
            .add_new(goal.to_state("", goal.inputs.clone(), outputs));
        self.save();
        self.events.step(op, &goal.urn, &goal.ty, false);
        Outcome {
            id: String::new(),
            outputs: props::empty_object(),
        }
    }

    async fn delete_with(&self, p: &ProviderInstance, old: &ResourceState) -> Result<(), String> {
        let timeout = seconds(&old.urn, &old.custom_timeouts.delete)?;
        p.client
            .clone()
            .delete(rpc::DeleteRequest {
                id: old.id.clone(),
                urn: old.urn.clone(),
                properties: for_provider(p, &old.outputs),
                timeout,
                old_inputs: for_provider(p, &old.inputs),
                name: old.name().to_string(),
                r#type: old.ty.clone(),
                resource_status_address: String::new(),
                resource_status_token: String::new(),
                old_views: Vec::new(),
            })
            .await
            .map_err(|s| rpc_error::from_status(&s).message)?;
        Ok(())
    }

    /// Deletes resources in reverse dependency order, each removed from the state as it goes.
    /// Stops at the first failure (the rest stay in the state). Returns whether all went.
    pub async fn delete_resources(&self, resources: Vec<ResourceState>) -> bool {
        let deleting: HashSet<String> = resources.iter().map(|r| r.urn.clone()).collect();
        for r in state::reverse_dependency_order(&resources) {
            let op = if r.delete {
                Op::DeleteReplaced
            } else {
                Op::Delete
            };
            let hidden = r.is_default_provider();
            if r.protect && !r.delete {
                self.fail(
                    &r.urn,
                    &format!(
                        "unable to delete resource \"{}\"\nas it is currently marked for protection. To unprotect the resource, either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or edit the state file",
                        r.urn
                    ),
                );
                return false;
            }
            // deletedWith: the resource goes with the one it names, which is deleted too.
            let goes_with_another =
                !r.deleted_with.is_empty() && deleting.contains(&r.deleted_with);
            let needs_provider = r.custom
                && !r.is_provider()
                && !r.external
                && !r.retain_on_delete
                && !goes_with_another;
            if !self.dry_run() && needs_provider {
                let result = match self.provider_by_ref(&r.provider).await {
                    Ok(p) => {
                        let _permit = self.permits.acquire().await;
                        self.delete_with(&p, &r).await
                    }
                    Err(e) => Err(e),
                };
                if let Err(e) = result {
                    self.fail(&r.urn, &format!("delete failed: {e}"));
                    return false;
                }
            }
            if !self.dry_run() {
                self.snapshot().remove(&r);
                self.save();
            }
            self.events.step(op, &r.urn, &r.ty, hidden);
        }
        true
    }

    /// Refresh: Read every custom resource from its provider (configured from the state); a blank
    /// ID means it is gone. Changed outputs are an update; the rest are the same.
    pub async fn refresh_all(&self) -> bool {
        let resources = self.snapshot().all_old();
        let mut ok = true;
        for r in resources {
            let hidden = r.is_default_provider();
            if !r.custom || r.is_provider() {
                self.events.step(Op::Same, &r.urn, &r.ty, hidden);
                continue;
            }
            let p = match self.provider_by_ref(&r.provider).await {
                Ok(p) => p,
                Err(e) => {
                    self.fail(&r.urn, &e);
                    ok = false;
                    continue;
                }
            };
            let read = p
                .client
                .clone()
                .read(rpc::ReadRequest {
                    id: r.id.clone(),
                    urn: r.urn.clone(),
                    properties: for_provider(&p, &r.outputs),
                    inputs: for_provider(&p, &r.inputs),
                    name: r.name().to_string(),
                    r#type: r.ty.clone(),
                    resource_status_address: String::new(),
                    resource_status_token: String::new(),
                    old_views: Vec::new(),
                })
                .await;
            let (id, outputs, inputs, init_errors) = match read {
                Ok(resp) => {
                    let resp = resp.into_inner();
                    (resp.id, resp.properties, resp.inputs, Vec::new())
                }
                Err(s) => {
                    let e = rpc_error::from_status(&s);
                    match e.init_failed {
                        Some(init) => (
                            init.id,
                            Some(props::json_to_struct(&init.outputs)),
                            init.inputs.as_ref().map(props::json_to_struct),
                            init.reasons,
                        ),
                        None => {
                            self.fail(&r.urn, &format!("refresh failed: {}", e.message));
                            ok = false;
                            continue;
                        }
                    }
                }
            };
            if id.is_empty() {
                self.snapshot().remove(&r);
                self.save();
                self.events.step(Op::Delete, &r.urn, &r.ty, false);
                continue;
            }
            let mut updated = r.clone();
            updated.outputs =
                from_provider(&p, props::opt_struct_to_json(outputs.as_ref()), &r.outputs);
            if let Some(i) = inputs {
                updated.inputs = from_provider(&p, props::struct_to_json(&i), &r.inputs);
            }
            updated.init_errors = init_errors;
            let changed = !props::same_values(&updated.outputs, &r.outputs) || updated.id != r.id;
            updated.id = id;
            self.snapshot().replace_old(updated);
            self.save();
            self.events.step(
                if changed { Op::Update } else { Op::Same },
                &r.urn,
                &r.ty,
                false,
            );
        }
        ok
    }
}

fn plain_error(message: String) -> ProviderError {
    ProviderError {
        code: tonic::Code::Unknown,
        message,
        init_failed: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn diff(changes: DiffChanges) -> rpc::DiffResponse {
        rpc::DiffResponse {
            changes: changes as i32,
            ..Default::default()
        }
    }

    #[test]
    fn diff_responses_become_same_update_or_replace() {
        let old = json!({"ttl": 60});
        let new = json!({"ttl": 30});
        assert_eq!(
            decide(&diff(DiffChanges::DiffNone), &[], &old, &new),
            Decision::Same
        );
        let mut some = diff(DiffChanges::DiffSome);
        some.diffs = vec!["ttl".into()];
        assert_eq!(decide(&some, &[], &old, &new), Decision::Update);
        some.replaces = vec!["ttl".into()];
        assert_eq!(
            decide(&some, &[], &old, &new),
            Decision::Replace {
                delete_before_replace: false
            }
        );
    }

    #[test]
    fn detailed_replace_kinds_and_replace_on_changes_replace() {
        let mut d = diff(DiffChanges::DiffSome);
        d.diffs = vec!["tags".into()];
        d.has_detailed_diff = true;
        d.detailed_diff.insert(
            "tags.env".into(),
            rpc::PropertyDiff {
                kind: Kind::UpdateReplace as i32,
                input_diff: true,
            },
        );
        d.delete_before_replace = true;
        assert_eq!(
            decide(&d, &[], &json!({}), &json!({})),
            Decision::Replace {
                delete_before_replace: true
            }
        );
        let mut u = diff(DiffChanges::DiffSome);
        u.diffs = vec!["tags".into()];
        assert_eq!(
            decide(&u, &["tags".into()], &json!({}), &json!({})),
            Decision::Replace {
                delete_before_replace: false
            }
        );
        assert_eq!(
            decide(&u, &["ttl".into()], &json!({}), &json!({})),
            Decision::Update
        );
    }

    #[test]
    fn unknown_diffs_compare_inputs_in_the_engine() {
        let unknown = diff(DiffChanges::DiffUnknown);
        assert_eq!(
            decide(&unknown, &[], &json!({"a": 1}), &json!({"a": 1})),
            Decision::Same
        );
        assert_eq!(
            decide(&unknown, &[], &json!({"a": 1}), &json!({"a": 2})),
            Decision::Update
        );
        assert_eq!(
            decide(&unknown, &["a".into()], &json!({"a": 1}), &json!({"a": 2})),
            Decision::Replace {
                delete_before_replace: false
            }
        );
        // Wrapping a value in a secret is not a change.
        assert_eq!(
            decide(
                &unknown,
                &[],
                &json!({"a": 1}),
                &json!({"a": props::secret(json!(1))})
            ),
            Decision::Same
        );
    }
}
