//! `multiregion-dr:index:DnsFailover`: a DNS name that fails over between two regional endpoints, as a
//! Route 53 health check per endpoint and a PRIMARY and a SECONDARY failover record.
//!
//! Every mutation converges Route 53 towards the inputs from what it finds there, so the same steps
//! create, complete a Create that stopped half way, repair what was removed out of band and move
//! `activeRegion`:
//! 1. one health check per side, concurrently, made idempotent by a deterministic CallerReference
//!    (a check whose type, interval or latency setting changes is replaced by a new one);
//! 2. one atomic ChangeResourceRecordSets batch for both records, then a wait for INSYNC;
//! 3. only then the health checks that were replaced are deleted.
//!
//! `activeRegion` decides which side's record carries `Failover=PRIMARY`. Set identifiers name the
//! region, so a flip deletes both records and creates them with swapped roles in one batch (Route 53
//! refuses to swap roles with UPSERT); DNS never sees a moment without both records.

pub(crate) mod api;
mod checks;
mod diffing;
mod records;
pub(crate) mod spec;
mod validate;

use async_trait::async_trait;
use aws_sdk_route53::types::{Change, ChangeAction, ResourceRecordSet};
use aws_sdk_route53::Client;

use crate::config::ProviderConfig;
use crate::context::Context;
use crate::diff::Diff;
use crate::error::{ProviderError, ResourceError};
use crate::regions::{Regions, Role};
use crate::resources::{CheckRequest, CheckResult, Created, DiffRequest, ReadResult, Resource};
use crate::tags::{self, Tags};
use crate::value::{UnknownKind, Value};

use spec::{FailoverRole, SideState, Spec, State, Zone};

pub use spec::TOKEN;

/// How many CallerReferences of deleted checks a create walks past before giving up. Each one is a
/// check this resource made and deleted within the last days (Route 53 forgets them only then).
const MAX_GENERATIONS: u32 = 20;

/// How often a record batch is planned again after Route 53 refused it because the records changed
/// under it (a concurrent writer, or an earlier attempt whose answer was lost).
const BATCH_ATTEMPTS: usize = 3;

pub struct DnsFailover;

/// What names this resource's pieces in Route 53.
struct Target<'a> {
    zone: &'a Zone,
    fqdn: &'a str,
    record_type: &'a str,
}

/// The health check one side ends up with.
struct CheckOutcome {
    id: String,
    /// The check it replaces, deleted once no record points at it.
    replaced: Option<String>,
}

fn unknown() -> Value {
    Value::Unknown(UnknownKind::String)
}

#[async_trait]
impl Resource for DnsFailover {
    fn token(&self) -> &'static str {
        TOKEN
    }

    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        validate::check(&req)
    }

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff, ProviderError> {
        diffing::diff(&req)
    }

    async fn create(&self, ctx: &Context, inputs: &Value) -> Result<Created, ResourceError> {
        if ctx.preview {
            return Ok(Created {
                id: String::new(),
                outputs: spec::preview_outputs(inputs, None, None, Regions::from_fn(|_| unknown())),
            });
        }
        let spec = Spec::from_value(inputs, &ctx.config)?;
        warn_about(ctx, &spec);
        let r53 = &ctx.aws().await.route53;
        let (zone, fqdn) = locate_from_spec(ctx, r53, &spec).await?;
        let target = Target {
            zone: &zone,
            fqdn: &fqdn,
            record_type: &spec.record_type,
        };
        let outputs = converge(ctx, r53, &target, &spec, &Regions::default(), true).await?;
        Ok(Created {
            id: spec::resource_id(&zone.id, &fqdn, &spec.record_type),
            outputs,
        })
    }

    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        state: &Value,
        inputs: &Value,
    ) -> Result<Option<ReadResult>, ResourceError> {
        read(ctx, id, state, inputs)
            .await
            .map_err(ResourceError::Failed)
    }

    async fn update(
        &self,
        ctx: &Context,
        id: &str,
        olds: &Value,
        news: &Value,
    ) -> Result<Value, ResourceError> {
        let old = State::from_value(olds, &ctx.config)?;
        if ctx.preview {
            return Ok(preview_update(&old, news, &ctx.config));
        }
        let spec = Spec::from_value(news, &ctx.config)?;
        warn_about(ctx, &spec);
        let r53 = &ctx.aws().await.route53;
        let (zone, fqdn) = locate(ctx, r53, id, &old, &spec).await?;
        let target = Target {
            zone: &zone,
            fqdn: &fqdn,
            record_type: &spec.record_type,
        };
        let existing = old.sides.clone().map(|_, s| s.health_check_id);
        converge(ctx, r53, &target, &spec, &existing, false).await
    }

    async fn delete(&self, ctx: &Context, id: &str, olds: &Value) -> Result<(), ProviderError> {
        delete(ctx, id, olds).await
    }
}

fn warn_about(ctx: &Context, spec: &Spec) {
    let all_alias = spec.sides.iter().all(|(_, s)| s.alias.is_some());
    if spec.ttl > 60 && !all_alias {
        ctx.reporter.warn(&format!(
            "ttl is {} s: resolvers may keep sending clients to a failed region that long after Route 53 fails over; 60 s or less is advised",
            spec.ttl
        ));
    }
    for (role, side) in spec.sides.iter() {
        if side
            .alias
            .as_ref()
            .is_some_and(|a| !a.evaluate_target_health)
        {
            ctx.reporter.warn(&format!(
                "{}.evaluateTargetHealth is false: the {role} record then fails over on its health check alone, not on the alias target's health",
                spec::role_key(role, "Alias")
            ));
        }
    }
}

/// The zone and FQDN of an existing resource: from its state, from its id, or looked up again.
async fn locate(
    ctx: &Context,
    r53: &Client,
    id: &str,
    old: &State,
    spec: &Spec,
) -> Result<(Zone, String), ProviderError> {
    if let (Some(zone), Some(fqdn)) = (&old.zone, &old.fqdn) {
        return Ok((zone.clone(), fqdn.clone()));
    }
    if let Some((zone_id, fqdn, _)) = spec::parse_resource_id(id) {
        let zone = api::resolve_zone(ctx, r53, Some(&zone_id), None).await?;
        return Ok((zone, fqdn));
    }
    locate_from_spec(ctx, r53, spec).await
}

/// The zone and FQDN the inputs name, looked up in Route 53.
async fn locate_from_spec(
    ctx: &Context,
    r53: &Client,
    spec: &Spec,
) -> Result<(Zone, String), ProviderError> {
    let zone = api::resolve_zone(
        ctx,
        r53,
        spec.hosted_zone_id.as_deref(),
        spec.zone_name.as_deref(),
    )
    .await?;
    let fqdn = spec::fqdn(&spec.record_name, &zone.name)
        .map_err(|e| ProviderError::Invalid(format!("recordName: {e}")))?;
    Ok((zone, fqdn))
}

/// Brings Route 53 to `spec`: health checks, then both records in one batch, then the replaced checks
/// are deleted. On failure, whatever exists is reported as a partial result whose state lacks the set
/// identifiers, so the next `pulumi up` runs an Update that finishes the job.
///
/// `creating` says nothing of this resource is known to exist: the checks' tags and the records are
/// then written without reading them first (a check an earlier attempt made carries this resource's
/// tags already, and records an earlier attempt made turn the batch down, which lists them).
async fn converge(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    spec: &Spec,
    existing: &Regions<Option<String>>,
    creating: bool,
) -> Result<Value, ResourceError> {
    let mut reasons = Vec::new();
    let mut first_error = None;
    let outcomes = existing
        .as_ref()
        .join(|role, id| converge_check(ctx, r53, target, spec, role, id.as_deref()))
        .await
        .map(|role, o| match o {
            Ok(o) => Some(o),
            Err(e) => {
                reasons.push(format!("{role} health check: {e}"));
                first_error.get_or_insert(e);
                None
            }
        });
    if first_error.is_none() {
        let ids = outcomes
            .as_ref()
            .map(|_, o| o.as_ref().map(|o| o.id.clone()).unwrap_or_default());
        // The tags and the records depend on the checks only, not on each other.
        let (tagged, applied) = futures::join!(
            sync_check_tags(ctx, r53, target, spec, &ids, creating),
            converge_records(ctx, r53, target, spec, &ids, creating.then(Vec::new)),
        );
        match (tagged, applied) {
            (Ok(()), Ok(())) => return finish(ctx, r53, target, spec, &ids, &outcomes).await,
            (tagged, applied) => {
                if let Err(e) = tagged {
                    reasons.push(format!("health check tags: {e}"));
                    first_error = Some(e);
                }
                if let Err(e) = applied {
                    reasons.push(format!("failover records for {}: {e}", target.fqdn));
                    first_error = Some(e);
                }
            }
        }
    }
    // The records still point at the checks they pointed at: undo the replacements made here.
    let made: Vec<String> = outcomes
        .iter()
        .filter_map(|(_, o)| {
            o.as_ref()
                .filter(|o| o.replaced.is_some())
                .map(|o| o.id.clone())
        })
        .collect();
    reasons.extend(orphaned(delete_checks(ctx, r53, &made).await));
    let kept = Regions::from_fn(|role| match outcomes.get(role) {
        Some(o) if o.replaced.is_none() => Some(o.id.clone()),
        _ => existing.get(role).clone(),
    });
    if kept.iter().all(|(_, id)| id.is_none()) {
        // Nothing exists that the state would not know: a plain failure.
        return Err(ResourceError::Failed(
            first_error.expect("a failure was recorded"),
        ));
    }
    let found = kept.map(|_, id| SideState {
        health_check_id: id,
        set_identifier: None,
    });
    Err(ResourceError::Partial {
        id: spec::resource_id(&target.zone.id, target.fqdn, target.record_type),
        outputs: spec::outputs(spec, target.zone, target.fqdn, &found, None),
        reasons,
    })
}

/// After the records are in place: the outputs, and the checks that were replaced deleted.
async fn finish(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    spec: &Spec,
    ids: &Regions<String>,
    outcomes: &Regions<Option<CheckOutcome>>,
) -> Result<Value, ResourceError> {
    let found = ids.as_ref().map(|role, id| SideState {
        health_check_id: Some(id.clone()),
        set_identifier: Some(spec::set_identifier(
            target.fqdn,
            target.record_type,
            &spec.sides.get(role).region,
        )),
    });
    let answering = spec.sides.get(spec.active).region.clone();
    let outputs = spec::outputs(spec, target.zone, target.fqdn, &found, Some(&answering));
    let replaced: Vec<String> = outcomes
        .iter()
        .filter_map(|(_, o)| o.as_ref().and_then(|o| o.replaced.clone()))
        .collect();
    let leftovers = orphaned(delete_checks(ctx, r53, &replaced).await);
    if leftovers.is_empty() {
        return Ok(outputs);
    }
    // The state is complete, but an old check outlived its use: say so rather than leak it silently.
    Err(ResourceError::Partial {
        id: spec::resource_id(&target.zone.id, target.fqdn, target.record_type),
        outputs,
        reasons: leftovers,
    })
}

/// Deletes health checks concurrently (what is already gone counts as deleted); returns what failed.
async fn delete_checks(
    ctx: &Context,
    r53: &Client,
    ids: &[String],
) -> Vec<(String, ProviderError)> {
    let results = futures::future::join_all(ids.iter().map(|id| async move {
        api::delete_check(ctx, r53, id)
            .await
            .err()
            .map(|e| (id.clone(), e))
    }))
    .await;
    results.into_iter().flatten().collect()
}

/// For checks this resource stopped using: the state no longer names them, so the user must know.
fn orphaned(failed: Vec<(String, ProviderError)>) -> Vec<String> {
    failed
        .into_iter()
        .map(|(id, e)| {
            format!("health check {id} is no longer used but could not be deleted ({e}); delete it by hand")
        })
        .collect()
}

/// One side's health check: kept (and updated in place where Route 53 allows), or replaced by a new one
/// when an immutable setting changed or the old one is gone.
async fn converge_check(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    spec: &Spec,
    role: Role,
    existing: Option<&str>,
) -> Result<CheckOutcome, ProviderError> {
    let side = spec.sides.get(role);
    let want = checks::desired_config(&spec.health_check, &side.endpoint)?;
    let immutable = checks::immutable_of(&want);
    let mut replaced = None;
    if let Some(id) = existing {
        if let Some(hc) = api::get_check(ctx, r53, id).await? {
            match hc.health_check_config() {
                Some(have) if checks::immutable_of(have) == immutable => {
                    if checks::needs_update(have, &want) {
                        api::update_check(ctx, r53, id, hc.health_check_version(), &want).await?;
                    }
                    return Ok(CheckOutcome {
                        id: id.to_string(),
                        replaced: None,
                    });
                }
                _ => replaced = Some(id.to_string()),
            }
        }
    }
    let id = ensure_check(ctx, r53, target, role, &want, &immutable).await?;
    Ok(CheckOutcome { id, replaced })
}

/// Creates the side's health check, or finds the one an earlier attempt made. The first reference
/// Route 53 accepts wins: an unknown one creates the check, a known one with the same settings returns
/// the existing check. A reference Route 53 reports as taken belongs either to a live check an earlier
/// attempt made with other mutable settings (adopted and updated) or to a deleted check (skipped).
async fn ensure_check(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    role: Role,
    want: &aws_sdk_route53::types::HealthCheckConfig,
    immutable: &str,
) -> Result<String, ProviderError> {
    let mut live = None;
    for generation in 1..=MAX_GENERATIONS {
        let reference = spec::caller_reference(
            &target.zone.id,
            target.fqdn,
            target.record_type,
            role,
            immutable,
            generation,
        );
        match api::create_check(ctx, r53, &reference, want).await {
            Ok(hc) => return Ok(hc.id().to_string()),
            Err(e) if e.is_code("HealthCheckAlreadyExists") => {}
            Err(e) => return Err(e),
        }
        if live.is_none() {
            live = Some(api::checks_by_reference(ctx, r53).await?);
        }
        if let Some(hc) = live.as_ref().and_then(|l| l.get(&reference)) {
            if hc
                .health_check_config()
                .is_some_and(|have| checks::needs_update(have, want))
            {
                api::update_check(ctx, r53, hc.id(), hc.health_check_version(), want).await?;
            }
            return Ok(hc.id().to_string());
        }
    }
    Err(ProviderError::Refused {
        what: format!(
            "creating the {role} health check for {}: Route 53 still remembers the last {MAX_GENERATIONS} CallerReferences of deleted checks",
            target.fqdn
        ),
        hint: "Route 53 forgets them after a few days; try again later".into(),
    })
}

fn desired_tags(config: &ProviderConfig, spec: &Spec, fqdn: &str, role: Role) -> Tags {
    let mut base = config.default_tags.clone();
    base.insert(
        "Name".into(),
        spec::name_tag(fqdn, &spec.sides.get(role).region),
    );
    tags::merge(&base, &spec.tags)
}

/// `creating`: the checks are new, or an earlier attempt of this create made them with these tags;
/// adding the tags is enough, there is nothing to read or remove.
async fn sync_check_tags(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    spec: &Spec,
    ids: &Regions<String>,
    creating: bool,
) -> Result<(), ProviderError> {
    let present: Vec<String> = ids.iter().map(|(_, id)| id.clone()).collect();
    let have = match creating {
        true => Default::default(),
        false => api::list_tags(ctx, r53, &present).await?,
    };
    let none = Tags::new();
    ids.as_ref()
        .try_join(|role, id| {
            let (have, none) = (&have, &none);
            async move {
                let want = desired_tags(&ctx.config, spec, target.fqdn, role);
                api::sync_tags(ctx, r53, id, have.get(id).unwrap_or(none), &want).await
            }
        })
        .await
        .map(|_| ())
}

/// Submits the batch `plan` makes from the records as listed, and waits for INSYNC. When Route 53
/// refuses the batch because the records are not what the listing said (a concurrent change, or an
/// earlier attempt that went through but whose answer was lost), it lists and plans again; the same
/// plan refused twice is a real error. Returns the records the applied plan was made from, or `None`
/// when the zone itself is gone.
///
/// `assumed` stands in for the first listing when the caller already knows what Route 53 has (none
/// on a create, the state's records on a delete): the batch it plans goes first, and Route 53's
/// refusal of a wrong assumption costs the listing it saved.
async fn apply_batch(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    what: &str,
    mut assumed: Option<Vec<ResourceRecordSet>>,
    plan: impl Fn(&[ResourceRecordSet]) -> Result<Vec<Change>, ProviderError>,
) -> Result<Option<Vec<ResourceRecordSet>>, ProviderError> {
    let mut refused: Option<(Vec<Change>, ProviderError)> = None;
    for _ in 0..BATCH_ATTEMPTS {
        let current = match assumed.take() {
            Some(records) => records,
            None => {
                let listed =
                    api::list_records(ctx, r53, &target.zone.id, target.fqdn, target.record_type)
                        .await?;
                let Some(listed) = listed else {
                    return Ok(None);
                };
                listed
            }
        };
        let changes = plan(&current)?;
        if changes.is_empty() {
            return Ok(Some(current));
        }
        if let Some((before, err)) = refused.take() {
            if before == changes {
                return Err(err);
            }
        }
        let comment = format!("multiregion-dr DnsFailover {}: {what}", target.fqdn);
        match api::submit(ctx, r53, &target.zone.id, changes.clone(), &comment).await {
            Ok(change_id) => {
                api::wait_insync(ctx, r53, &change_id, what).await?;
                return Ok(Some(current));
            }
            Err(e) if e.is_code("InvalidChangeBatch") => refused = Some((changes, e)),
            Err(e) if e.is_code("NoSuchHostedZone") => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Err(refused.map(|(_, e)| e).unwrap_or_else(|| {
        ProviderError::Internal(format!(
            "the record batch for {} did not settle",
            target.fqdn
        ))
    }))
}

async fn converge_records(
    ctx: &Context,
    r53: &Client,
    target: &Target<'_>,
    spec: &Spec,
    ids: &Regions<String>,
    assumed: Option<Vec<ResourceRecordSet>>,
) -> Result<(), ProviderError> {
    let desired = records::desired_records(spec, target.fqdn, ids)?;
    let what = format!(
        "the failover records (PRIMARY in {})",
        spec.sides.get(spec.active).region
    );
    apply_batch(ctx, r53, target, &what, assumed, |current| {
        // Records this resource named for a region it no longer uses (a region moved) go in the same
        // batch.
        let stale: Vec<String> = current
            .iter()
            .filter_map(|r| r.set_identifier())
            .filter(|s| {
                spec::region_of_set_identifier(s, target.fqdn, target.record_type).is_some()
            })
            .map(str::to_string)
            .collect();
        records::plan_changes(current, &desired, &stale)
    })
    .await?
    .map(|_| ())
    .ok_or_else(|| ProviderError::Refused {
        what: format!("hosted zone {} no longer exists", target.zone.id),
        hint: "recreate the zone, or remove this resource from the stack".into(),
    })
}

fn preview_update(old: &State, news: &Value, config: &ProviderConfig) -> Value {
    // A side keeps its check id unless the new settings need a new check (or cannot be known yet).
    let new_spec = Spec::from_value(news, config)
        .ok()
        .filter(|_| !news.contains_unknowns());
    let ids = Regions::from_fn(|role| {
        let old_id = old.sides.get(role).health_check_id.clone();
        let keeps = new_spec.as_ref().is_some_and(|new| {
            spec::immutable_key(&new.health_check, &new.sides.get(role).endpoint)
                == spec::immutable_key(&old.spec.health_check, &old.spec.sides.get(role).endpoint)
        });
        match old_id {
            Some(id) if keeps => Value::from(id),
            _ => unknown(),
        }
    });
    spec::preview_outputs(news, old.zone.as_ref(), old.fqdn.as_deref(), ids)
}

async fn read(
    ctx: &Context,
    id: &str,
    state: &Value,
    inputs: &Value,
) -> Result<Option<ReadResult>, ProviderError> {
    let parsed = spec::parse_resource_id(id);
    let non_empty = |v: &Value| v.as_object().is_some_and(|o| !o.is_empty());
    let old_state = if non_empty(state) {
        State::from_value(state, &ctx.config).ok()
    } else {
        None
    };
    let old_spec = if non_empty(inputs) {
        Spec::from_value(inputs, &ctx.config).ok()
    } else {
        old_state.as_ref().map(|s| s.spec.clone())
    };
    let (zone_id, fqdn, record_type) = match (&old_state, &parsed) {
        (
            Some(State {
                zone: Some(z),
                fqdn: Some(f),
                spec,
                ..
            }),
            _,
        ) => (z.id.clone(), f.clone(), spec.record_type.clone()),
        (_, Some((z, f, t))) => (z.clone(), f.clone(), t.clone()),
        _ => {
            return Err(ProviderError::Invalid(format!(
                "'{id}' is not a DnsFailover id: expected <hostedZoneId>/<fqdn>/<recordType>"
            )))
        }
    };
    let r53 = &ctx.aws().await.route53;
    let zone = match old_state
        .as_ref()
        .and_then(|s| s.zone.clone())
        .filter(|z| !z.name.is_empty())
    {
        Some(z) => z,
        None => match api::resolve_zone(ctx, r53, Some(&zone_id), None).await {
            Ok(z) => z,
            Err(ProviderError::Refused { .. }) => return Ok(None),
            Err(e) => return Err(e),
        },
    };
    let regions: Regions<String> = match &old_spec {
        Some(s) => s.sides.as_ref().map(|_, side| side.region.clone()),
        None => ctx.config.regions.clone(),
    };
    let set_ids = regions
        .as_ref()
        .map(|_, r| spec::set_identifier(&fqdn, &record_type, r));
    let Some(listed) = api::list_records(ctx, r53, &zone.id, &fqdn, &record_type).await? else {
        return Ok(None);
    };
    let found_records = set_ids.as_ref().map(|_, set_id| {
        listed
            .iter()
            .find(|r| r.set_identifier() == Some(set_id.as_str()))
            .map(records::observe)
    });
    let check_ids = Regions::from_fn(|role| {
        old_state
            .as_ref()
            .and_then(|s| s.sides.get(role).health_check_id.clone())
            .or_else(|| {
                found_records
                    .get(role)
                    .as_ref()
                    .and_then(|r| r.health_check_id.clone())
            })
    });
    let found_checks = check_ids
        .as_ref()
        .join(|_, id| async move {
            match id {
                Some(id) => api::get_check(ctx, r53, id).await,
                None => Ok(None),
            }
        })
        .await
        .transpose()?;
    if found_records.iter().all(|(_, r)| r.is_none())
        && found_checks.iter().all(|(_, c)| c.is_none())
    {
        return Ok(None);
    }
    let live_ids: Vec<String> = found_checks
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|c| c.id().to_string()))
        .collect();
    let tags_by_id = api::list_tags(ctx, r53, &live_ids).await?;

    let base = old_spec.unwrap_or_else(|| Spec {
        hosted_zone_id: Some(zone.id.clone()),
        zone_name: None,
        record_name: fqdn.clone(),
        record_type: record_type.clone(),
        ttl: spec::DEFAULT_TTL,
        sides: regions.as_ref().map(|_, r| spec::Side {
            region: r.clone(),
            endpoint: String::new(),
            alias: None,
        }),
        health_check: spec::HealthCheckSettings::default(),
        active: Role::Primary,
        tags: Tags::new(),
    });
    let observed = Regions::from_fn(|role| Observed {
        record: found_records.get(role).clone(),
        check: found_checks
            .get(role)
            .as_ref()
            .and_then(|hc| hc.health_check_config().cloned()),
        tags: found_checks
            .get(role)
            .as_ref()
            .and_then(|hc| tags_by_id.get(hc.id()).cloned()),
    });
    let spec = reconstruct(&base, &observed, &ctx.config, &fqdn);

    let sides = Regions::from_fn(|role| {
        let check_id = found_checks.get(role).as_ref().map(|c| c.id().to_string());
        // A record that points elsewhere than its side's check is as good as missing: Update repoints it.
        let record_ok = found_records
            .get(role)
            .as_ref()
            .is_some_and(|r| check_id.is_some() && r.health_check_id == check_id);
        SideState {
            set_identifier: record_ok.then(|| set_ids.get(role).clone()),
            health_check_id: check_id,
        }
    });
    let answering = Role::BOTH
        .into_iter()
        .find(|&role| {
            found_records.get(role).as_ref().and_then(|r| r.failover) == Some(FailoverRole::Primary)
        })
        .map(|role| spec.sides.get(role).region.clone());
    let outputs = spec::outputs(&spec, &zone, &fqdn, &sides, answering.as_deref());
    let new_inputs = read_inputs(if non_empty(inputs) { inputs } else { state }, &spec);
    Ok(Some(ReadResult {
        id: spec::resource_id(&zone.id, &fqdn, &record_type),
        outputs,
        inputs: new_inputs,
    }))
}

/// What Route 53 says about one side.
struct Observed {
    record: Option<records::ObservedRecord>,
    check: Option<aws_sdk_route53::types::HealthCheckConfig>,
    tags: Option<Tags>,
}

/// The first candidate that differs from the current value, if any: where the two sides disagree
/// (one check edited out of band), the edited one is the drift to show.
fn drifted<T: Clone>(
    current: &T,
    candidates: impl IntoIterator<Item = T>,
    same: impl Fn(&T, &T) -> bool,
) -> T {
    candidates
        .into_iter()
        .find(|c| !same(current, c))
        .unwrap_or_else(|| current.clone())
}

/// The inputs as Route 53 has them, starting from the last known inputs so that what Route 53 cannot
/// tell (the spelling of the zone and name) is kept.
fn reconstruct(
    base: &Spec,
    observed: &Regions<Observed>,
    config: &ProviderConfig,
    fqdn: &str,
) -> Spec {
    let mut spec = base.clone();
    for (role, obs) in observed.iter() {
        let side = spec.sides.get_mut(role);
        let record_value = obs
            .record
            .as_ref()
            .filter(|r| r.alias.is_none())
            .and_then(|r| r.value.clone());
        let probed = obs.check.as_ref().and_then(checks::endpoint_of);
        side.endpoint = drifted(
            &side.endpoint,
            record_value.into_iter().chain(probed),
            |a, b| records::same_endpoint(a, b),
        );
        if let Some(record) = &obs.record {
            side.alias = record.alias.clone();
        }
    }
    let ttls = observed.iter().filter_map(|(_, o)| {
        o.record
            .as_ref()
            .filter(|r| r.alias.is_none())
            .and_then(|r| r.ttl)
    });
    spec.ttl = drifted(&spec.ttl, ttls, |a, b| a == b);
    // One record's role tells which side answers: the other record, if any, has the other role.
    let role = observed
        .iter()
        .find_map(|(role, o)| Some((role, o.record.as_ref()?.failover?)));
    if let Some((role, failover)) = role {
        spec.active = match failover {
            FailoverRole::Primary => role,
            FailoverRole::Secondary => role.other(),
        };
    }
    let settings = observed
        .iter()
        .filter_map(|(_, o)| o.check.as_ref().map(checks::settings_of));
    spec.health_check = drifted(&spec.health_check, settings, |a, b| a == b);
    let own_tags = observed.iter().filter_map(|(role, o)| {
        let mut t = o.tags.clone()?;
        if t.get("Name") == Some(&spec::name_tag(fqdn, &base.sides.get(role).region))
            && !base.tags.contains_key("Name")
        {
            t.remove("Name");
        }
        for (k, v) in &config.default_tags {
            if t.get(k) == Some(v) && !base.tags.contains_key(k) {
                t.remove(k);
            }
        }
        Some(t)
    });
    spec.tags = drifted(&spec.tags, own_tags.collect::<Vec<_>>(), |a, b| a == b);
    spec
}

/// The inputs a refresh records: the old inputs with every property Route 53 can tell replaced by
/// what it tells, and the user's spelling of the zone and record name kept.
fn read_inputs(old: &Value, spec: &Spec) -> Value {
    // `old` may be the state (the engine sends no inputs on some refreshes): keep only its inputs.
    let mut obj: serde_json::Map<String, serde_json::Value> = old
        .to_plain_json()
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| spec::INPUT_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let had_tags = obj.contains_key("tags");
    let fresh = spec.to_json();
    for key in spec::INPUT_KEYS {
        if matches!(key, "hostedZoneId" | "zoneName" | "recordName") && obj.contains_key(key) {
            continue;
        }
        match fresh.get(key) {
            Some(v) => {
                obj.insert(key.to_string(), v.clone());
            }
            None => {
                obj.remove(key);
            }
        }
    }
    if had_tags && spec.tags.is_empty() {
        obj.insert("tags".into(), serde_json::json!({}));
    }
    Value::from_json(&serde_json::Value::Object(obj))
}

async fn delete(ctx: &Context, id: &str, olds: &Value) -> Result<(), ProviderError> {
    let state = State::from_value(olds, &ctx.config).ok();
    let (zone_id, fqdn, record_type) = match (&state, spec::parse_resource_id(id)) {
        (
            Some(State {
                zone: Some(z),
                fqdn: Some(f),
                spec,
                ..
            }),
            _,
        ) => (z.id.clone(), f.clone(), spec.record_type.clone()),
        (_, Some(parsed)) => parsed,
        _ => {
            return Err(ProviderError::Invalid(format!(
                "cannot tell which records '{id}' owns: the state has no hostedZoneId and fqdn"
            )))
        }
    };
    let r53 = &ctx.aws().await.route53;
    let zone = Zone {
        id: zone_id,
        name: String::new(),
    };
    let target = Target {
        zone: &zone,
        fqdn: &fqdn,
        record_type: &record_type,
    };
    let state_ids: Vec<String> = state
        .iter()
        .flat_map(|s| {
            s.sides
                .iter()
                .filter_map(|(_, side)| side.health_check_id.clone())
        })
        .collect();
    // This resource's records: named by it (for any region), and pointing at its checks when the
    // state knows them (a record another resource took over is not ours to delete).
    let ours = |r: &ResourceRecordSet| {
        let named = r
            .set_identifier()
            .is_some_and(|s| spec::region_of_set_identifier(s, &fqdn, &record_type).is_some());
        named
            && (state_ids.is_empty()
                || r.health_check_id()
                    .is_none_or(|id| state_ids.iter().any(|x| x == id)))
    };
    // When the state knows both records, they are what the batch deletes without listing them first;
    // Route 53 turns the batch down if they differ (drift), and then they are listed.
    let assumed = state.as_ref().and_then(|s| {
        let known = s
            .sides
            .iter()
            .all(|(_, side)| side.set_identifier.is_some());
        let ids = Regions::from_fn(|role| s.sides.get(role).health_check_id.clone().ok_or(()))
            .transpose()
            .ok()?;
        let records = records::desired_records(&s.spec, &fqdn, &ids).ok()?;
        known.then(|| records.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>())
    });
    let listed = apply_batch(
        ctx,
        r53,
        &target,
        "deleting the failover records",
        assumed,
        |current| {
            current
                .iter()
                .filter(|r| ours(r))
                .map(|r| {
                    Change::builder()
                        .action(ChangeAction::Delete)
                        .resource_record_set(r.clone())
                        .build()
                        .map_err(|e| {
                            ProviderError::Internal(format!("building a record deletion: {e}"))
                        })
                })
                .collect()
        },
    )
    .await?;
    // Checks the deleted records pointed at count as this resource's even when the state lost them.
    let mut check_ids = state_ids.clone();
    check_ids.extend(
        listed
            .iter()
            .flatten()
            .filter(|r| ours(r))
            .filter_map(|r| r.health_check_id().map(str::to_string)),
    );
    check_ids.sort();
    check_ids.dedup();
    // The records are gone; a check that could not be deleted keeps the resource in the state, and
    // the next destroy deletes it.
    match delete_checks(ctx, r53, &check_ids).await.into_iter().next() {
        None => Ok(()),
        Some((_, e)) => Err(e),
    }
}
