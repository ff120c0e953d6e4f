//! `multiregion-dr:index:GlobalDatabase`: an Aurora global database across the two regions as one
//! resource. The resource ID is the global cluster identifier.
//!
//! Who the writer is, is observed state (`writerRegion`), never an input that forces a change: after a
//! failover done outside Pulumi, refresh reports the new writer and nothing is detached or replaced.

mod aurora;
mod diffing;
pub mod inputs;
mod switch;
mod teardown;

use async_trait::async_trait;
use aws_sdk_rds::types::{DbCluster, GlobalCluster};

use self::aurora::Side;
use self::inputs::{Inputs, ServerlessV2, TOKEN};
use self::switch::{Decision, Kind, SwitchRecord};
use super::{CheckRequest, CheckResult, Created, DiffRequest, ReadResult, Resource};
use crate::context::Context;
use crate::diff::Diff;
use crate::error::{aws, ProviderError, ResourceError, Result};
use crate::regions::{Regions, Role};
use crate::value::{UnknownKind, Value};

pub struct GlobalDatabase;

const COMPUTED: &[&str] = &[
    "globalClusterArn",
    "globalWriterEndpoint",
    "primaryCluster",
    "secondaryCluster",
    "writerRegion",
];

/// What AWS has, in both regions.
struct Observed {
    global: Option<GlobalCluster>,
    clusters: Regions<Option<DbCluster>>,
}

impl Observed {
    async fn read(ctx: &Context, sides: &Regions<Side>, global_id: &str) -> Result<Observed> {
        let global = aurora::describe_global(ctx, &sides.primary, global_id);
        let clusters = sides
            .as_ref()
            .try_join(|_, side| aurora::describe_cluster(ctx, side));
        let (global, clusters) = futures::join!(global, clusters);
        Ok(Observed {
            global: global?,
            clusters: clusters?,
        })
    }

    fn is_writer(&self, cluster: &DbCluster) -> bool {
        self.global
            .iter()
            .flat_map(|g| g.global_cluster_members())
            .any(|m| {
                m.is_writer() == Some(true)
                    && m.db_cluster_arn().is_some()
                    && m.db_cluster_arn() == cluster.db_cluster_arn()
            })
    }

    fn is_member(&self, cluster: &DbCluster) -> bool {
        self.global
            .iter()
            .flat_map(|g| g.global_cluster_members())
            .any(|m| m.db_cluster_arn().is_some() && m.db_cluster_arn() == cluster.db_cluster_arn())
    }

    fn writer_role(&self) -> Option<Role> {
        Role::BOTH.into_iter().find(|r| {
            self.clusters
                .get(*r)
                .as_ref()
                .is_some_and(|c| self.is_writer(c))
        })
    }

    /// Whether anything of the declared topology is missing: only then does an update create.
    fn incomplete(&self, inputs: &Inputs) -> bool {
        self.global.is_none()
            || Role::BOTH.into_iter().any(|role| {
                self.clusters.get(role).as_ref().is_none_or(|c| {
                    c.db_cluster_members().len() as i64 != inputs.instance_count(role)
                })
            })
    }

    fn nothing_exists(&self) -> bool {
        self.global.is_none() && self.clusters.iter().all(|(_, c)| c.is_none())
    }

    fn cluster_state(&self, region: &str, cluster: &DbCluster) -> Value {
        let mut instances: Vec<String> = cluster
            .db_cluster_members()
            .iter()
            .filter_map(|m| m.db_instance_identifier().map(str::to_string))
            .collect();
        instances.sort();
        Value::object([
            ("region", Value::from(region)),
            (
                "clusterIdentifier",
                Value::from(cluster.db_cluster_identifier().unwrap_or_default()),
            ),
            (
                "clusterArn",
                Value::from(cluster.db_cluster_arn().unwrap_or_default()),
            ),
            (
                "endpoint",
                Value::from(cluster.endpoint().unwrap_or_default()),
            ),
            (
                "readerEndpoint",
                Value::from(cluster.reader_endpoint().unwrap_or_default()),
            ),
            ("status", Value::from(cluster.status().unwrap_or_default())),
            ("instanceIdentifiers", Value::from(instances)),
            ("isWriter", Value::from(self.is_writer(cluster))),
        ])
    }

    /// Outputs: the checked inputs as given (secrets stay wrapped), what AWS reports, and the last
    /// move of the writer.
    fn outputs(
        &self,
        inputs: &Value,
        regions: &Regions<String>,
        last_switch: Option<&SwitchRecord>,
    ) -> Value {
        let mut out = inputs.as_object().cloned().unwrap_or_default();
        if let Some(record) = last_switch {
            out.insert("lastSwitch".into(), record.to_value());
        }
        let global = self.global.as_ref();
        out.insert(
            "globalClusterArn".into(),
            Value::from(
                global
                    .and_then(|g| g.global_cluster_arn())
                    .unwrap_or_default(),
            ),
        );
        out.insert(
            "globalWriterEndpoint".into(),
            Value::from(global.and_then(|g| g.endpoint()).unwrap_or_default()),
        );
        for role in Role::BOTH {
            let key = format!("{role}Cluster");
            let region = regions.get(role);
            let state = match self.clusters.get(role) {
                Some(c) => self.cluster_state(region, c),
                None => Value::Null,
            };
            out.insert(key, state);
        }
        out.insert(
            "writerRegion".into(),
            Value::from(
                self.writer_role()
                    .map(|r| regions.get(r).clone())
                    .unwrap_or_default(),
            ),
        );
        Value::Object(out).without_nulls()
    }
}

fn invalid(e: String) -> ResourceError {
    ResourceError::Failed(ProviderError::Invalid(e))
}

/// In preview only the inputs are known; what AWS assigns is unknown, and so is the record of a
/// planned move of the writer.
fn preview_outputs(inputs: &Value, olds: Option<&Value>, moving: bool) -> Value {
    let mut out = inputs.as_object().cloned().unwrap_or_default();
    match olds
        .and_then(|o| o.get("lastSwitch"))
        .filter(|v| !v.is_null())
    {
        _ if moving => {
            out.insert("lastSwitch".into(), Value::Unknown(UnknownKind::Object));
        }
        Some(old) => {
            out.insert("lastSwitch".into(), old.clone());
        }
        None => {}
    }
    for key in COMPUTED {
        let old = olds
            .and_then(|o| o.get(key))
            .filter(|v| !v.is_null())
            .cloned();
        let unknown = if key.ends_with("Cluster") {
            Value::Unknown(UnknownKind::Object)
        } else {
            Value::Unknown(UnknownKind::String)
        };
        out.insert(key.to_string(), old.unwrap_or(unknown));
    }
    Value::Object(out)
}

/// Brings AWS to the declared topology from whatever part of it exists, in the order AWS forces and
/// no other: the global cluster, the primary's cluster, then concurrently the primary's instances
/// and, once the primary is the global writer, the secondary's cluster and instances. Nothing is
/// waited for before it is needed. Returns the topology as the answers on the way reported it.
async fn converge(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    observed: Option<&Observed>,
) -> Result<Observed> {
    // What an update already saw is not created again.
    let seen = |role: Role| observed.and_then(|o| o.clusters.get(role).clone());
    let global = match observed.and_then(|o| o.global.clone()) {
        Some(g) => g,
        None => aurora::ensure_global(ctx, &sides.primary, inputs).await?,
    };
    let primary = match seen(Role::Primary) {
        Some(c) => c,
        None => aurora::ensure_cluster(ctx, &sides.primary, inputs).await?,
    };
    if inputs.instance_count(Role::Secondary) == 0 {
        ctx.reporter.warn(&format!(
            "the secondary cluster in {} has no instances (headless): it replicates storage but cannot be switched over to until an instance is added",
            sides.secondary.region
        ));
    }
    let has_writer = global
        .global_cluster_members()
        .iter()
        .any(|m| m.is_writer() == Some(true));
    let arn = primary.db_cluster_arn().unwrap_or_default().to_string();
    let secondary = async {
        let global = match has_writer {
            true => None,
            false => {
                Some(aurora::wait_writer(ctx, &sides.primary, inputs.global_id(), &arn).await?)
            }
        };
        let cluster = match seen(Role::Secondary) {
            Some(c) => c,
            None => {
                let create = || aurora::ensure_cluster(ctx, &sides.secondary, inputs);
                aurora::once_available(ctx, &sides.primary, create).await?
            }
        };
        let cluster = aurora::ensure_instances(ctx, &sides.secondary, inputs, cluster).await?;
        Ok::<_, ProviderError>((global, cluster))
    };
    let (primary, secondary) = futures::join!(
        aurora::ensure_instances(ctx, &sides.primary, inputs, primary),
        secondary
    );
    let (writer_poll, secondary) = secondary?;
    Ok(Observed {
        global: Some(writer_poll.unwrap_or(global)),
        clusters: Regions::new(Some(primary?), Some(secondary)),
    })
}

/// The outputs after an operation: from what its answers reported when that is the whole topology,
/// else read from AWS. On failure it still reports what exists, so the engine can record it.
async fn finish(
    ctx: &Context,
    id: &str,
    inputs_v: &Value,
    inputs: &Inputs,
    sides: &Regions<Side>,
    result: Result<Option<Observed>>,
    last_switch: Option<&SwitchRecord>,
) -> Result<Value, ResourceError> {
    let regions = inputs.regions(&ctx.config);
    let result = match result {
        Ok(Some(known)) => return Ok(known.outputs(inputs_v, &regions, last_switch)),
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    // Reading what exists gets its own minute: after a timeout the operation's deadline has passed,
    // and what exists must still be recorded.
    let reading = ctx.clone().with_timeout(60.0);
    let observed = Observed::read(&reading, sides, inputs.global_id()).await;
    // When AWS cannot be read, the inputs and the record of a move are what the state keeps.
    let unread = || {
        let mut out = inputs_v.as_object().cloned().unwrap_or_default();
        if let Some(record) = last_switch {
            out.insert("lastSwitch".into(), record.to_value());
        }
        Value::Object(out)
    };
    match (result, observed) {
        (Ok(()), Ok(observed)) => Ok(observed.outputs(inputs_v, &regions, last_switch)),
        (Ok(()), Err(e)) => Err(ResourceError::Partial {
            id: id.to_string(),
            outputs: unread(),
            reasons: vec![e.to_string()],
        }),
        (Err(e), Ok(observed)) if observed.nothing_exists() => Err(ResourceError::Failed(e)),
        (Err(e), observed) => Err(ResourceError::Partial {
            id: id.to_string(),
            // What AWS holds, not what was asked: the next up then modifies what did not change.
            outputs: observed
                .map(|o| o.outputs(&refreshed_inputs(inputs_v, &o), &regions, last_switch))
                .unwrap_or_else(|_| unread()),
            reasons: vec![format!(
                "{e}; run `pulumi up` again to finish from what exists"
            )],
        }),
    }
}

/// Applies in-place changes that AWS makes per cluster: backups, deletion protection, capacity,
/// security groups, the master password (writer only), instance classes and tags.
async fn modify(
    ctx: &Context,
    old: &Inputs,
    new: &Inputs,
    sides: &Regions<Side>,
    observed: &Observed,
) -> Result<()> {
    if old.deletion_protection != new.deletion_protection {
        let side = &sides.primary;
        ctx.call("changing deletion protection", async {
            side.client
                .modify_global_cluster()
                .global_cluster_identifier(new.global_id())
                .deletion_protection(new.deletion_protection.unwrap_or(false))
                .send()
                .await
                .map_err(|e| aws(&side.region, "ModifyGlobalCluster", e))
        })
        .await?;
    }
    upgrade_engine(ctx, old, new, sides, observed).await?;
    let writer = observed.writer_role().unwrap_or(Role::Primary);
    sides
        .as_ref()
        .join(|role, side| async move {
            let (o, n) = (old.settings(role), new.settings(role));
            let password = (role == writer && old.master_password != new.master_password)
                .then(|| new.master_password.clone());
            let changed = old.backup_retention_period != new.backup_retention_period
                || old.preferred_backup_window != new.preferred_backup_window
                || old.deletion_protection != new.deletion_protection
                || old.serverless_v2 != new.serverless_v2
                || o.vpc_security_group_ids != n.vpc_security_group_ids
                || password.is_some();
            if changed {
                ctx.call("modifying a cluster", async {
                    side.client
                        .modify_db_cluster()
                        .db_cluster_identifier(&side.cluster_id)
                        .apply_immediately(true)
                        .set_backup_retention_period(new.backup_retention_period.map(|d| d as i32))
                        .set_preferred_backup_window(new.preferred_backup_window.clone())
                        .deletion_protection(new.deletion_protection.unwrap_or(false))
                        .set_vpc_security_group_ids(n.vpc_security_group_ids.clone())
                        .set_master_user_password(password)
                        .set_serverless_v2_scaling_configuration(
                            new.serverless_v2.map(ServerlessV2::to_rds),
                        )
                        .send()
                        .await
                        .map_err(|e| aws(&side.region, "ModifyDBCluster", e))
                })
                .await?;
                // Done means applied: the cluster is available again (and a switchover may follow).
                aurora::wait_cluster_available(ctx, side).await?;
            }
            if old.instance_class() != new.instance_class() {
                if let Some(cluster) = observed.clusters.get(role) {
                    for member in cluster.db_cluster_members() {
                        let id = member.db_instance_identifier().unwrap_or_default();
                        ctx.call("changing an instance class", async {
                            side.client
                                .modify_db_instance()
                                .db_instance_identifier(id)
                                .db_instance_class(new.instance_class())
                                .apply_immediately(true)
                                .send()
                                .await
                                .map_err(|e| aws(&side.region, "ModifyDBInstance", e))
                        })
                        .await?;
                    }
                }
            }
            retag(ctx, side, old, new, observed.clusters.get(role).as_ref()).await
        })
        .await
        .transpose()?;
    if old.tags(&ctx.config) != new.tags(&ctx.config) {
        if let Some(arn) = observed
            .global
            .as_ref()
            .and_then(|g| g.global_cluster_arn())
        {
            apply_tags(ctx, &sides.primary, arn, old, new).await?;
        }
    }
    Ok(())
}

/// Major versions move with ModifyGlobalCluster; minor versions per member, secondaries first (AWS
/// refuses to upgrade the writer while a replica runs a lower version).
async fn upgrade_engine(
    ctx: &Context,
    old: &Inputs,
    new: &Inputs,
    sides: &Regions<Side>,
    observed: &Observed,
) -> Result<()> {
    let (Some(from), Some(to)) = (&old.engine_version, &new.engine_version) else {
        return Ok(());
    };
    if from == to {
        return Ok(());
    }
    let major = |v: &str| v.split('.').next().unwrap_or_default().to_string();
    if major(from) != major(to) {
        let side = &sides.primary;
        return ctx
            .call("upgrading the engine's major version", async {
                side.client
                    .modify_global_cluster()
                    .global_cluster_identifier(new.global_id())
                    .engine_version(to)
                    .allow_major_version_upgrade(true)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws(&side.region, "ModifyGlobalCluster", e))
            })
            .await;
    }
    let writer = observed.writer_role().unwrap_or(Role::Primary);
    for role in [writer.other(), writer] {
        let side = sides.get(role);
        ctx.call("upgrading the engine's minor version", async {
            side.client
                .modify_db_cluster()
                .db_cluster_identifier(&side.cluster_id)
                .engine_version(to)
                .apply_immediately(true)
                .send()
                .await
                .map_err(|e| aws(&side.region, "ModifyDBCluster", e))
        })
        .await?;
        aurora::wait_cluster_available(ctx, side).await?;
    }
    Ok(())
}

async fn retag(
    ctx: &Context,
    side: &Side,
    old: &Inputs,
    new: &Inputs,
    cluster: Option<&DbCluster>,
) -> Result<()> {
    if old.tags(&ctx.config) == new.tags(&ctx.config) {
        return Ok(());
    }
    let Some(cluster) = cluster else {
        return Ok(());
    };
    if let Some(arn) = cluster.db_cluster_arn() {
        apply_tags(ctx, side, arn, old, new).await?;
    }
    Ok(())
}

async fn apply_tags(
    ctx: &Context,
    side: &Side,
    arn: &str,
    old: &Inputs,
    new: &Inputs,
) -> Result<()> {
    let (old_tags, new_tags) = (old.tags(&ctx.config), new.tags(&ctx.config));
    let removed: Vec<String> = old_tags
        .keys()
        .filter(|k| !new_tags.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        ctx.call("removing tags", async {
            side.client
                .remove_tags_from_resource()
                .resource_name(arn)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(|e| aws(&side.region, "RemoveTagsFromResource", e))
        })
        .await?;
    }
    if !new_tags.is_empty() {
        ctx.call("adding tags", async {
            side.client
                .add_tags_to_resource()
                .resource_name(arn)
                .set_tags(Some(inputs::rds_tags(&new_tags)))
                .send()
                .await
                .map_err(|e| aws(&side.region, "AddTagsToResource", e))
        })
        .await?;
    }
    Ok(())
}

/// Why an update stopped while moving the writer.
enum MoveFailure {
    /// Nothing was asked of AWS (a preflight refusal, for one): the state stays as it was.
    Untouched(ProviderError),
    /// AWS was asked to move; the record says how far it got.
    Started(ProviderError, Option<SwitchRecord>),
}

/// Moves the writer when the program asks for it (or an earlier move is unfinished), warns when it
/// moved outside Pulumi, and otherwise does nothing. Returns the record of a move it made.
async fn move_writer(
    ctx: &Context,
    declared_before: Role,
    new: &Inputs,
    sides: &Regions<Side>,
    previous: Option<&SwitchRecord>,
) -> Result<Option<SwitchRecord>, MoveFailure> {
    let regions = new.regions(&ctx.config);
    let (writer, moving) = writer_of(ctx, sides, new.active_role(), new.global_id())
        .await
        .map_err(MoveFailure::Untouched)?;
    let unfinished = previous
        .filter(|r| !r.completed)
        .map(|r| r.to_region.as_str());
    let decision = switch::decide(
        new.active_role(),
        declared_before,
        Kind::of(new),
        unfinished,
        &regions,
        writer,
        moving,
    );
    match decision {
        Decision::Nothing => Ok(None),
        Decision::Drift { writer, declared } => {
            ctx.reporter.warn(&switch::drift_message(
                regions.get(writer),
                declared,
                regions.get(declared),
            ));
            Ok(None)
        }
        Decision::Move { kind, to } => {
            match switch::run(ctx, new, sides, kind, to, previous.cloned()).await {
                Ok(record) => Ok(Some(record)),
                Err((e, None)) => Err(MoveFailure::Untouched(e)),
                Err((e, record)) => Err(MoveFailure::Started(e, record)),
            }
        }
    }
}

/// Who writes and whether a move is running, asked in the declared side's region first and then in
/// the other: in a disaster one of them does not answer, and the move must not depend on it.
async fn writer_of(
    ctx: &Context,
    sides: &Regions<Side>,
    declared: Role,
    global_id: &str,
) -> Result<(Option<Role>, bool)> {
    let global = match aurora::describe_global(ctx, sides.get(declared), global_id).await {
        Ok(g) => g,
        Err(first) => aurora::describe_global(ctx, sides.get(declared.other()), global_id)
            .await
            .map_err(|_| first)?,
    };
    let Some(global) = global else {
        return Ok((None, false));
    };
    let members = crate::readiness::database::Member::all(&global);
    let writer = Role::BOTH.into_iter().find(|role| {
        members
            .iter()
            .any(|m| m.is_writer && m.region == sides.get(*role).region)
    });
    Ok((writer, switch::is_moving(&global)))
}

/// At preview: what a declared move would do, and the readiness rules it would fail now.
async fn preview_move(ctx: &Context, old: &Inputs, new: &Inputs) {
    let (from, to) = (old.active_role(), new.active_role());
    if from == to {
        return;
    }
    let regions = new.regions(&ctx.config);
    let kind = Kind::of(new);
    ctx.reporter.info(&format!(
        "planned: {} of the global database's writer from {} to {}",
        match kind {
            Kind::Switchover => "switchover (no data loss)",
            Kind::Failover =>
                "unplanned failover (allowDataLoss: writes not yet replicated are lost)",
        },
        regions.get(from),
        regions.get(to)
    ));
    if kind == Kind::Failover {
        return;
    }
    let target = crate::readiness::database::DatabaseTarget {
        global_cluster_identifier: new.global_id(),
        regions: &regions,
        target_region: Some(regions.get(to)),
        max_lag: new.max_lag(),
    };
    match crate::readiness::database::checks(ctx, &target).await {
        Ok(checks) => {
            for failed in checks.iter().filter(|c| !c.passed) {
                ctx.reporter.warn(&format!(
                    "readiness: {failed}; the switchover would be refused if applied now"
                ));
            }
        }
        Err(e) => ctx
            .reporter
            .warn(&format!("could not check the switchover's readiness: {e}")),
    }
}

fn final_snapshot_name(inputs: &Inputs, cluster_id: &str) -> Option<String> {
    if inputs.skip_final_snapshot.unwrap_or(false) {
        return None;
    }
    Some(inputs.final_snapshot_identifier.clone().unwrap_or_else(|| {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        format!("{cluster_id}-final-{stamp}")
    }))
}

#[async_trait]
impl Resource for GlobalDatabase {
    fn token(&self) -> &'static str {
        TOKEN
    }

    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        // Names derive from the URN: a create retried after a killed plugin finds its first attempt.
        let seed = crate::naming::naming_seed(req.urn, req.random_seed);
        let inputs = inputs::with_defaults(req.news, req.olds, req.name, seed, req.config);
        CheckResult::judged(inputs, inputs::check)
    }

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff> {
        Ok(diffing::diff(&req))
    }

    async fn create(&self, ctx: &Context, inputs_v: &Value) -> Result<Created, ResourceError> {
        let inputs = Inputs::decode(inputs_v).map_err(invalid)?;
        let id = inputs.global_id().to_string();
        if ctx.preview {
            return Ok(Created {
                id,
                outputs: preview_outputs(inputs_v, None, inputs.active_role() != Role::Primary),
            });
        }
        let sides = aurora::sides(ctx, &inputs).await;
        let mut record = None;
        let result = async {
            let built = Box::pin(converge(ctx, &inputs, &sides, None)).await?;
            // A new database writes in the primary region; a declared secondary moves it there.
            if inputs.active_role() == Role::Primary && built.writer_role() == Some(Role::Primary) {
                return Ok(Some(built));
            }
            match move_writer(ctx, Role::Primary, &inputs, &sides, None).await {
                Ok(r) => record = r,
                Err(MoveFailure::Untouched(e)) => return Err(e),
                Err(MoveFailure::Started(e, r)) => {
                    record = r;
                    return Err(e);
                }
            }
            Ok(None)
        }
        .await;
        let outputs = finish(ctx, &id, inputs_v, &inputs, &sides, result, record.as_ref()).await?;
        Ok(Created { id, outputs })
    }

    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        state: &Value,
        inputs_v: &Value,
    ) -> Result<Option<ReadResult>, ResourceError> {
        let importing = inputs_v.as_object().is_none_or(|o| o.is_empty());
        let mut inputs = if importing {
            Inputs {
                global_cluster_identifier: Some(id.to_string()),
                ..Inputs::default()
            }
        } else {
            Inputs::decode(inputs_v).map_err(invalid)?
        };
        if importing {
            self::import::regions_of(ctx, &mut inputs).await?;
        }
        let sides = aurora::sides(ctx, &inputs).await;
        let observed = Observed::read(ctx, &sides, inputs.global_id()).await?;
        if observed.nothing_exists() {
            return Ok(None);
        }
        let new_inputs = if importing {
            import::inputs(&inputs, &observed)
        } else {
            refreshed_inputs(inputs_v, &observed)
        };
        let regions = inputs.regions(&ctx.config);
        let last_switch = SwitchRecord::from_state(state);
        Ok(Some(ReadResult {
            id: id.to_string(),
            outputs: observed.outputs(&new_inputs, &regions, last_switch.as_ref()),
            inputs: new_inputs,
        }))
    }

    async fn update(
        &self,
        ctx: &Context,
        id: &str,
        olds: &Value,
        news: &Value,
    ) -> Result<Value, ResourceError> {
        let new = Inputs::decode(news).map_err(invalid)?;
        let old = Inputs::decode(olds).map_err(invalid)?;
        let previous = SwitchRecord::from_state(olds);
        if ctx.preview {
            preview_move(ctx, &old, &new).await;
            let moving = old.active_role() != new.active_role();
            return Ok(preview_outputs(news, Some(olds), moving));
        }
        let sides = aurora::sides(ctx, &new).await;
        let mut record = previous.clone();
        let mut untouched = None;
        let result = async {
            // The move first, and from the region that answers: in a disaster nothing else may
            // stand between the program and it.
            let moved = move_writer(ctx, old.active_role(), &new, &sides, previous.as_ref()).await;
            match moved {
                Ok(None) => {}
                Ok(Some(r)) => record = Some(r),
                Err(MoveFailure::Untouched(e)) => {
                    untouched = Some(e);
                    return Ok(None);
                }
                Err(MoveFailure::Started(e, r)) => {
                    record = r.or(record.take());
                    return Err(e);
                }
            }
            if let Some(r) = record.as_mut() {
                switch::name_lost_writes(ctx, &sides, r).await;
            }
            let observed = Observed::read(ctx, &sides, new.global_id()).await?;
            Box::pin(modify(ctx, &old, &new, &sides, &observed)).await?;
            if observed.incomplete(&new) {
                Box::pin(converge(ctx, &new, &sides, Some(&observed))).await?;
            }
            // Modified clusters are read again for the outputs.
            Ok(None)
        }
        .await;
        if let Some(e) = untouched {
            return Err(ResourceError::Failed(e));
        }
        finish(ctx, id, news, &new, &sides, result, record.as_ref()).await
    }

    async fn delete(&self, ctx: &Context, id: &str, olds: &Value) -> Result<()> {
        let mut inputs = Inputs::decode(olds).map_err(ProviderError::Invalid)?;
        if inputs.global_cluster_identifier.is_none() {
            inputs.global_cluster_identifier = Some(id.to_string());
        }
        if inputs.deletion_protection == Some(true) {
            return Err(ProviderError::Refused {
                what: format!("global database {id} has deletion protection"),
                hint: "set deletionProtection: false, run `pulumi up`, then destroy".into(),
            });
        }
        let sides = aurora::sides(ctx, &inputs).await;
        let snapshot = |side: &Side| final_snapshot_name(&inputs, &side.cluster_id);
        let global_id = inputs.global_id();
        if let Some(plan) = teardown::Plan::from_state(olds) {
            match teardown::run(ctx, &sides, global_id, &plan, snapshot).await {
                Err(e) if teardown::is_stale_plan(&e) => {
                    tracing::info!(error = %e, "AWS refused the delete the state planned; reading what it holds");
                }
                other => return other.map_err(deletion_hint),
            }
        }
        let observed = Observed::read(ctx, &sides, global_id).await?;
        let plan = teardown::Plan::from_observed(&observed);
        teardown::run(ctx, &sides, global_id, &plan, snapshot)
            .await
            .map_err(deletion_hint)
    }
}

/// AWS's refusal to delete a protected cluster, with the way out.
fn deletion_hint(e: ProviderError) -> ProviderError {
    if e.to_string().to_lowercase().contains("deletion protection") {
        ProviderError::Refused {
            what: e.to_string(),
            hint: "deletion protection is on in AWS: set deletionProtection: false, run `pulumi up`, then destroy".into(),
        }
    } else {
        e
    }
}

/// After a refresh, the inputs follow what can drift without a program change: deletion protection,
/// backup retention and the instance counts. The writer's region is an output, never an input.
fn refreshed_inputs(inputs_v: &Value, observed: &Observed) -> Value {
    let mut obj = inputs_v.as_object().cloned().unwrap_or_default();
    let Some(writer) = observed
        .writer_role()
        .and_then(|r| observed.clusters.get(r).clone())
    else {
        return Value::Object(obj);
    };
    if let Some(dp) = writer.deletion_protection() {
        obj.insert("deletionProtection".into(), Value::from(dp));
    }
    if let Some(days) = writer.backup_retention_period() {
        obj.insert("backupRetentionPeriod".into(), Value::from(days as i64));
    }
    for role in Role::BOTH {
        if let (Some(cluster), Some(Value::Object(settings))) =
            (observed.clusters.get(role), obj.get_mut(role.as_str()))
        {
            settings.insert(
                "instanceCount".into(),
                Value::from(cluster.db_cluster_members().len() as i64),
            );
        }
    }
    Value::Object(obj)
}

mod import {
    //! Import by global cluster identifier: the regions and inputs are read from AWS.

    use super::*;

    /// The writer's region becomes primaryRegion, the other member's secondaryRegion.
    pub async fn regions_of(ctx: &Context, inputs: &mut Inputs) -> Result<(), ResourceError> {
        let aws_clients = ctx.aws().await;
        let region = ctx.config.regions.primary.clone();
        let side = Side {
            role: Role::Primary,
            client: aws_clients.rds(&region),
            cluster_id: String::new(),
            region,
        };
        let Some(global) = aurora::describe_global(ctx, &side, inputs.global_id()).await? else {
            return Ok(());
        };
        let region_of = |arn: &str| arn.split(':').nth(3).unwrap_or_default().to_string();
        let mut members: Vec<_> = global.global_cluster_members().to_vec();
        members.sort_by_key(|m| m.is_writer() != Some(true));
        let mut regions = members
            .iter()
            .filter_map(|m| m.db_cluster_arn())
            .map(region_of);
        inputs.primary_region = regions.next();
        inputs.secondary_region = regions.next();
        inputs.engine = global.engine().unwrap_or_default().to_string();
        Ok(())
    }

    pub fn inputs(inputs: &Inputs, observed: &Observed) -> Value {
        let global = observed.global.as_ref();
        let writer = observed
            .writer_role()
            .and_then(|r| observed.clusters.get(r).clone());
        let mut obj = crate::value::Object::new();
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                obj.insert(k.to_string(), v);
            }
        };
        set(
            "globalClusterIdentifier",
            inputs.global_cluster_identifier.clone().map(Value::from),
        );
        set("engine", global.and_then(|g| g.engine()).map(Value::from));
        set(
            "engineVersion",
            global.and_then(|g| g.engine_version()).map(Value::from),
        );
        set(
            "storageEncrypted",
            global.and_then(|g| g.storage_encrypted()).map(Value::from),
        );
        set(
            "deletionProtection",
            global
                .and_then(|g| g.deletion_protection())
                .map(Value::from),
        );
        set(
            "primaryRegion",
            inputs.primary_region.clone().map(Value::from),
        );
        set(
            "secondaryRegion",
            inputs.secondary_region.clone().map(Value::from),
        );
        if let Some(w) = &writer {
            set("masterUsername", w.master_username().map(Value::from));
            set("databaseName", w.database_name().map(Value::from));
            set(
                "backupRetentionPeriod",
                w.backup_retention_period().map(|d| Value::from(d as i64)),
            );
            set(
                "preferredBackupWindow",
                w.preferred_backup_window().map(Value::from),
            );
        }
        for role in Role::BOTH {
            if let Some(c) = observed.clusters.get(role) {
                set(
                    role.as_str(),
                    Some(Value::object([(
                        "instanceCount",
                        Value::from(c.db_cluster_members().len() as i64),
                    )])),
                );
            }
        }
        set("skipFinalSnapshot", Some(Value::from(false)));
        Value::Object(obj)
    }
}
