//! `multiregion-dr:index:ReplicatedBucket`: a versioned, encrypted, private S3 bucket in each region
//! with cross-region replication (Replication Time Control by default) from the primary to the
//! secondary, and back when `twoWay`. The resource ID is the name prefix.
//!
//! Create, Update and the resume of a failed Create are one convergence from whatever exists:
//! 1. both buckets concurrently (looked up first, created if missing, adopted only when they are this
//!    pair's; then tags, versioning, encryption, public access block and lifecycle, each written only
//!    when S3 differs), and at the same time the managed replication role (unless one is given);
//! 2. then each source bucket's replication rule, concurrently;
//! 3. then a managed role that a given role replaced is deleted.
//!
//! A failure once anything exists is a partial result carrying what exists, so the engine records it
//! and the next `pulumi up` finishes; `pulumi destroy` removes it all.

mod buckets;
mod diffing;
pub mod inputs;
mod replication;
mod role;
mod state;
mod validate;

use async_trait::async_trait;

use self::inputs::{Spec, TOKEN};
use self::state::{Found, Known, RoleState};
use super::{CheckRequest, CheckResult, Created, DiffRequest, ReadResult, Resource};
use crate::context::Context;
use crate::diff::Diff;
use crate::error::{ProviderError, ResourceError, Result};
use crate::regions::Regions;
use crate::value::Value;

pub struct ReplicatedBucket;

fn invalid(e: String) -> ResourceError {
    ResourceError::Failed(ProviderError::Invalid(e))
}

/// Reads both buckets (those that are this pair's; `known` are the ones the state records) and the
/// replication role.
async fn observe_all(ctx: &Context, spec: &Spec, known: &Known) -> Result<Found> {
    let sides = buckets::buckets(ctx, spec).await;
    let found_buckets = sides
        .as_ref()
        .try_join(|role, b| buckets::observe_owned(ctx, b, spec, *known.buckets.get(role)));
    let found_role = async {
        match &spec.given_role_arn {
            Some(arn) => Ok(RoleState {
                arn: Some(arn.clone()),
                managed: false,
            }),
            None => Ok(RoleState {
                arn: role::find_ours(ctx, spec).await?.map(|r| r.arn),
                managed: true,
            }),
        }
    };
    let (found_buckets, found_role) = futures::join!(found_buckets, found_role);
    Ok(Found {
        buckets: found_buckets?,
        role: found_role?,
    })
}

/// Brings AWS to `spec` from whatever part of it exists.
async fn converge(ctx: &Context, spec: &Spec, known: &Known) -> Result<()> {
    let sides = buckets::buckets(ctx, spec).await;
    let ensured = sides
        .as_ref()
        .try_join(|role, b| buckets::ensure(ctx, b, spec, *known.buckets.get(role)));
    let role_arn = async {
        match &spec.given_role_arn {
            Some(arn) => Ok(arn.clone()),
            None => role::ensure(ctx, spec, known.managed_role_arn.as_deref()).await,
        }
    };
    let (observed, role_arn) = futures::join!(ensured, role_arn);
    let (observed, role_arn) = (observed?, role_arn?);
    sides
        .as_ref()
        .try_join(|role, b| {
            let current = observed.get(role).replication.as_ref();
            let role_arn = role_arn.as_str();
            async move { replication::converge(ctx, b, spec, role, role_arn, current).await }
        })
        .await?;
    if spec.given_role_arn.is_some() {
        // The rules now use the given role: one this provider made earlier (even by an attempt
        // whose state was lost) is no longer needed.
        role::delete(ctx, spec, spec.given_role_arn.as_deref()).await?;
    }
    Ok(())
}

/// A Create where nothing exists yet, in as few calls and steps as AWS allows: both buckets and the
/// role at once, each written without being read first, then the replication rules. `Ok(None)`: a
/// bucket or the role exists already (an earlier attempt, or someone else's), and the caller
/// converges from what is there, looking before it touches anything.
async fn create_new(ctx: &Context, spec: &Spec) -> Result<Option<Found>> {
    let sides = buckets::buckets(ctx, spec).await;
    let made = sides
        .as_ref()
        .join(|_, b| buckets::create_new(ctx, b, spec));
    let role_arn = async {
        match &spec.given_role_arn {
            Some(arn) => Ok(Some(arn.clone())),
            None => role::create_new(ctx, spec).await,
        }
    };
    // Both run to their end (neither is cut off half way); then the first error is the answer.
    let (made, role_arn) = futures::join!(made, role_arn);
    let (made, role_arn) = (made.transpose()?, role_arn?);
    let (Some(primary), Some(secondary), Some(role_arn)) = (made.primary, made.secondary, role_arn)
    else {
        return Ok(None);
    };
    let mut observed = Regions { primary, secondary };
    let rules = sides
        .as_ref()
        .join(|role, b| {
            let role_arn = role_arn.as_str();
            async move {
                let Some(want) = replication::desired(spec, role, role_arn) else {
                    return Ok(None);
                };
                let config =
                    replication::configuration(&want, &spec.buckets.get(role.other()).arn())?;
                replication::put(ctx, b, config.clone()).await?;
                Ok::<_, ProviderError>(Some(config))
            }
        })
        .await
        .transpose()?;
    for (role, config) in rules.iter() {
        observed.get_mut(role).replication = config.clone();
    }
    if spec.given_role_arn.is_some() {
        role::delete(ctx, spec, spec.given_role_arn.as_deref()).await?;
    }
    Ok(Some(Found {
        buckets: observed.map(|_, o| Some(o)),
        role: RoleState {
            arn: Some(role_arn),
            managed: spec.given_role_arn.is_none(),
        },
    }))
}

/// The AWS errors a user can do something about, with what to do.
fn advise(e: ProviderError) -> ProviderError {
    let hint = match e.aws_code() {
        Some("AccessDenied" | "AccessDeniedException" | "Forbidden") => {
            "the credentials lack this permission: the provider needs S3 (buckets, versioning, encryption, public access block, lifecycle, tagging, replication) in both regions, and IAM roles and role policies unless replicationRoleArn is given"
        }
        Some("TooManyBuckets") => {
            "the account's bucket quota is reached: delete unused buckets or ask AWS for a higher quota"
        }
        Some("KMS.NotFoundException" | "KMS.DisabledException" | "KMS.KMSInvalidStateException") => {
            "check that both KMS keys exist, are enabled and are in their bucket's region"
        }
        _ => return e,
    };
    ProviderError::Refused {
        what: e.to_string(),
        hint: hint.into(),
    }
}

/// Reads AWS after an operation; on failure it still reports what exists, so the engine records it.
async fn finish(
    ctx: &Context,
    spec: &Spec,
    known: &Known,
    inputs_v: &Value,
    result: Result<()>,
) -> Result<Value, ResourceError> {
    let id = spec.name_prefix.clone();
    let result = result.map_err(advise);
    let observed = observe_all(ctx, spec, known).await;
    let unobserved = || {
        let role = RoleState {
            arn: spec.given_role_arn.clone(),
            managed: spec.given_role_arn.is_none(),
        };
        let found = Found {
            role,
            ..Found::default()
        };
        state::outputs(inputs_v, spec, &found)
    };
    match (result, observed) {
        (Ok(()), Ok(found)) => Ok(state::outputs(inputs_v, spec, &found)),
        (Ok(()), Err(e)) => Err(ResourceError::Partial {
            id,
            outputs: unobserved(),
            reasons: vec![format!(
                "the pair is in place but could not be read back: {e}; run `pulumi refresh`"
            )],
        }),
        (Err(e), Ok(found)) if found.nothing_exists() => Err(ResourceError::Failed(e)),
        (Err(e), observed) => Err(ResourceError::Partial {
            id,
            outputs: observed
                .map(|f| state::outputs(inputs_v, spec, &f))
                .unwrap_or_else(|_| unobserved()),
            reasons: vec![format!(
                "{e}; run `pulumi up` again to finish from what exists"
            )],
        }),
    }
}

/// Counts what is left in the pair's buckets; refuses the delete when anything is, unless forced.
async fn refuse_if_not_empty(
    ctx: &Context,
    sides: &Regions<buckets::Bucket>,
    mine: &Regions<bool>,
) -> Result<()> {
    let counts = sides
        .as_ref()
        .try_join(|role, b| async move {
            match mine.get(role) {
                true => buckets::count_for_refusal(ctx, b).await,
                false => Ok(0),
            }
        })
        .await?;
    let held: Vec<String> = sides
        .iter()
        .filter(|(role, _)| *counts.get(*role) > 0)
        .map(|(role, b)| {
            format!(
                "{} object version(s) or delete marker(s) remain in {} ({role}, {})",
                counts.get(role),
                b.name,
                b.region
            )
        })
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    Err(ProviderError::Refused {
        what: format!("not deleting the buckets: {}", held.join("; ")),
        hint: "set forceDestroy: true and run `pulumi up` before destroying to delete every object version with the buckets, or empty both buckets yourself".into(),
    })
}

#[async_trait]
impl Resource for ReplicatedBucket {
    fn token(&self) -> &'static str {
        TOKEN
    }

    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        // Names derive from the URN: a create retried after a killed plugin finds its first attempt.
        let seed = crate::naming::naming_seed(req.urn, req.random_seed);
        let inputs = inputs::with_defaults(req.news, req.olds, req.name, seed, req.config);
        CheckResult::judged(inputs, |inputs, failures| {
            validate::check(inputs, req.config, failures)
        })
    }

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff> {
        diffing::diff(&req)
    }

    async fn create(&self, ctx: &Context, inputs_v: &Value) -> Result<Created, ResourceError> {
        if ctx.preview {
            let id = inputs_v
                .get("namePrefix")
                .filter(|v| !v.is_unknown())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            return Ok(Created {
                id,
                outputs: state::preview_outputs(inputs_v, None),
            });
        }
        let spec = Spec::from_value(inputs_v, &ctx.config).map_err(invalid)?;
        let known = Known::default();
        let result = match Box::pin(create_new(ctx, &spec)).await {
            Ok(Some(found)) => {
                return Ok(Created {
                    outputs: state::outputs(inputs_v, &spec, &found),
                    id: spec.name_prefix,
                })
            }
            Ok(None) => Box::pin(converge(ctx, &spec, &known)).await,
            Err(e) => Err(e),
        };
        let outputs = finish(ctx, &spec, &known, inputs_v, result).await?;
        Ok(Created {
            id: spec.name_prefix,
            outputs,
        })
    }

    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        state_v: &Value,
        inputs_v: &Value,
    ) -> Result<Option<ReadResult>, ResourceError> {
        let non_empty = |v: &Value| v.as_object().is_some_and(|o| !o.is_empty());
        let importing = !non_empty(inputs_v) && !non_empty(state_v);
        let source = if non_empty(inputs_v) {
            state::inputs_of(inputs_v)
        } else if non_empty(state_v) {
            state::inputs_of(state_v)
        } else {
            Value::object([("namePrefix", Value::from(id))])
        };
        let mut spec = Spec::from_value(&source, &ctx.config).map_err(invalid)?;
        let mut found = observe_all(ctx, &spec, &Known::of(state_v)).await?;
        if found.nothing_exists() {
            return Ok(None);
        }
        let new_inputs = if importing {
            let imported = state::import_inputs(&spec, &found);
            spec = Spec::from_value(&imported, &ctx.config).map_err(invalid)?;
            if let Some(arn) = &spec.given_role_arn {
                found.role = RoleState {
                    arn: Some(arn.clone()),
                    managed: false,
                };
            }
            imported
        } else {
            source
        };
        Ok(Some(ReadResult {
            id: spec.name_prefix.clone(),
            outputs: state::outputs(&new_inputs, &spec, &found),
            inputs: new_inputs,
        }))
    }

    async fn update(
        &self,
        ctx: &Context,
        _id: &str,
        olds: &Value,
        news: &Value,
    ) -> Result<Value, ResourceError> {
        if ctx.preview {
            return Ok(state::preview_outputs(news, Some(olds)));
        }
        let spec = Spec::from_value(news, &ctx.config).map_err(invalid)?;
        let known = Known::of(olds);
        let result = Box::pin(converge(ctx, &spec, &known)).await;
        finish(ctx, &spec, &known, news, result).await
    }

    async fn delete(&self, ctx: &Context, id: &str, olds: &Value) -> Result<()> {
        let mut source = state::inputs_of(olds);
        if source.get("namePrefix").is_none_or(Value::is_null) {
            if let Value::Object(o) = &mut source {
                o.insert("namePrefix".into(), Value::from(id));
            }
        }
        let spec = Spec::from_value(&source, &ctx.config).map_err(ProviderError::Invalid)?;
        let sides = buckets::buckets(ctx, &spec).await;
        let known = Known::of(olds);
        let all_known = known.buckets.iter().all(|(_, k)| *k)
            && (spec.given_role_arn.is_some() || known.managed_role_arn.is_some());
        if all_known && !spec.force_destroy {
            // The state says both buckets and the role are this pair's: nothing to look up but
            // whether the buckets still hold anything, before anything is deleted.
            refuse_if_not_empty(ctx, &sides, &known.buckets).await?;
            let deleted = sides.as_ref().join(|_, b| buckets::delete(ctx, b, false));
            let role = async {
                match spec.given_role_arn {
                    Some(_) => Ok(()),
                    None => role::delete_known(ctx, &spec).await,
                }
            };
            let (deleted, role) = futures::join!(deleted, role);
            deleted.transpose()?;
            return role;
        }
        let mine = sides
            .as_ref()
            .join(|role, b| buckets::observe_owned(ctx, b, &spec, *known.buckets.get(role)))
            .await
            .transpose()?
            .map(|_, found| found.is_some());
        if !spec.force_destroy {
            refuse_if_not_empty(ctx, &sides, &mine).await?;
        }
        sides
            .as_ref()
            .try_join(|role, b| {
                let mine = *mine.get(role);
                async move {
                    if !mine {
                        return Ok(());
                    }
                    // The rule goes first, so nothing replicates into a bucket being emptied.
                    replication::delete(ctx, b).await?;
                    buckets::delete(ctx, b, spec.force_destroy).await
                }
            })
            .await?;
        role::delete(ctx, &spec, spec.given_role_arn.as_deref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AwsFailure;

    fn failure(code: &str) -> ProviderError {
        ProviderError::Aws(AwsFailure {
            region: "us-east-2".into(),
            operation: "CreateBucket",
            code: code.into(),
            message: "no".into(),
        })
    }

    #[test]
    fn errors_users_can_fix_say_how() {
        let e = advise(failure("AccessDenied")).to_string();
        assert!(
            e.contains("CreateBucket in us-east-2 failed (AccessDenied)")
                && e.contains("IAM roles"),
            "{e}"
        );
        assert!(advise(failure("TooManyBuckets"))
            .to_string()
            .contains("quota"));
        assert!(matches!(
            advise(failure("InternalError")),
            ProviderError::Aws(_)
        ));
    }
}
