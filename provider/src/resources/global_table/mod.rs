//! `multiregion-dr:index:GlobalTable`: a DynamoDB global table (version 2019.11.21) with a replica in
//! each region of the pair, as one resource. The resource ID is the table name, the same in both
//! regions.
//!
//! Create and Update run one convergence from whatever exists, so the same steps create, resume a
//! Create that stopped half way, and put back a replica deleted out of band:
//! 1. the table, in the primary region (or the region that still holds it), streams on with new and
//!    old images, waited for until ACTIVE;
//! 2. the replica in the other region through UpdateTable ReplicaUpdates, waited for until the table
//!    and both replicas are ACTIVE;
//! 3. the settings DynamoDB synchronizes across replicas (indexes one at a time, billing, TTL,
//!    encryption type), once, in the region that holds the table;
//! 4. each replica's own settings (point-in-time recovery, deletion protection, tags), in both
//!    regions concurrently.

mod diffing;
mod dynamo;
pub mod inputs;
mod observed;
mod validate;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{KeyType, TableDescription};

use self::dynamo::{ReplicaAction, Side};
use self::inputs::{Inputs, TOKEN};
use self::observed::{Observed, Outputs};
use super::lifecycle::{Converged, CustomResource, State, Stop};
use super::{CheckRequest, CheckResult, DiffRequest};
use crate::config::ProviderConfig;
use crate::context::Context;
use crate::diff::Diff;
use crate::error::{ProviderError, Result};
use crate::regions::{Regions, Role};
use crate::tags::Tags;
use crate::value::{Object, Value};

pub struct GlobalTable;

/// What to do about the AWS errors users of global tables meet most.
fn advice(e: &ProviderError) -> Option<&'static str> {
    let text = e.to_string().to_lowercase();
    if e.is_code("LimitExceededException") {
        Some("DynamoDB limits how many tables and indexes an account creates or changes at once per region: wait for the others to finish, then run `pulumi up` again")
    } else if e.is_code("AccessDeniedException") {
        Some("the credentials lack the DynamoDB permission the message names; replicas also need dynamodb:CreateTableReplica and dynamodb:DeleteTableReplica in both regions")
    } else if text.contains("autoscaled") || text.contains("auto scaling") {
        Some("a PROVISIONED global table needs write-capacity auto scaling (Application Auto Scaling) in both regions: configure it, or use billingMode PAY_PER_REQUEST")
    } else if text.contains("time to live") && text.contains("multiple times") {
        Some("DynamoDB accepts one TTL change per table per hour: run `pulumi up` again later")
    } else if text.contains("deletionprotection") || text.contains("deletion protection") {
        Some("deletion protection is on in AWS: set deletionProtection: false, run `pulumi up` (it turns it off in both regions), then destroy")
    } else {
        None
    }
}

fn explain(e: ProviderError) -> ProviderError {
    match advice(&e) {
        Some(hint) => ProviderError::Refused {
            what: e.to_string(),
            hint: hint.into(),
        },
        None => e,
    }
}

fn warn_about(ctx: &Context, inputs: &Inputs) {
    if inputs.is_provisioned() {
        ctx.reporter.warn(
            "billingMode PROVISIONED: AWS adds replicas to a provisioned table only when its write capacity is managed by auto scaling, which this resource does not configure; use PAY_PER_REQUEST unless auto scaling is set up for the table in both regions",
        );
    }
}

/// The table's key schema and key attribute types, as (name, key type, attribute type).
fn key_signature(table: &TableDescription) -> Vec<(String, &'static str, String)> {
    table
        .key_schema()
        .iter()
        .map(|k| {
            let name = k.attribute_name().to_string();
            let kind = if *k.key_type() == KeyType::Hash {
                "HASH"
            } else {
                "RANGE"
            };
            let attr = table
                .attribute_definitions()
                .iter()
                .find(|a| a.attribute_name() == name)
                .map(|a| a.attribute_type().as_str().to_string())
                .unwrap_or_default();
            (name, kind, attr)
        })
        .collect()
}

fn wanted_signature(inputs: &Inputs) -> Vec<(String, &'static str, String)> {
    inputs
        .key_types()
        .into_iter()
        .zip(["HASH", "RANGE"])
        .map(|((name, attr), kind)| (name, kind, attr.unwrap_or_default()))
        .collect()
}

/// A table found under the name must be this one: a different key schema means the name is taken.
fn ensure_same_keys(inputs: &Inputs, table: &TableDescription, side: &Side) -> Result<()> {
    let (have, want) = (key_signature(table), wanted_signature(inputs));
    if have == want {
        return Ok(());
    }
    let show = |s: &[(String, &str, String)]| {
        s.iter()
            .map(|(n, k, t)| format!("{n} {k} {t}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(ProviderError::Refused {
        what: format!(
            "table {} in {} exists with the key schema [{}], not [{}]",
            inputs.table_name(),
            side.region,
            show(&have),
            show(&want)
        ),
        hint: "choose another name, or delete that table: a key schema cannot change in place"
            .into(),
    })
}

/// Whether the table lists a replica in `region`.
fn lists_replica(table: &TableDescription, region: &str) -> bool {
    table
        .replicas()
        .iter()
        .any(|r| r.region_name() == Some(region))
}

fn name_taken(name: &str, region: &str, source_region: &str) -> ProviderError {
    ProviderError::Refused {
        what: format!(
            "a table named {name} already exists in {region} and is not a replica of the one in {source_region}"
        ),
        hint: "DynamoDB adds a replica only where no table of that name exists: delete or rename \
               that table, then run `pulumi up` again"
            .into(),
    }
}

/// Adds the replica in the region that lacks one, from the region that holds the table (`table`,
/// as it stands settled).
async fn ensure_replica(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    source: Role,
    table: &TableDescription,
) -> Result<()> {
    let name = inputs.table_name();
    let (from, to) = (sides.get(source), sides.get(source.other()));
    if lists_replica(table, &to.region) {
        return Ok(());
    }
    let taken = || name_taken(name, &to.region, &from.region);
    // DynamoDB refuses the replica where a table of that name exists; the refusal is told apart
    // from a replica an earlier attempt added below, so nothing is looked up first.
    let action = ReplicaAction::Create {
        region: &to.region,
        kms_key: inputs.kms_key(to.role),
    };
    match dynamo::change_replicas(ctx, from, name, action).await {
        Ok(()) => Ok(()),
        // An earlier attempt's request went through but its answer was lost: the replica exists.
        Err(e) if e.is_code("ValidationException") => {
            match dynamo::describe(ctx, from, name).await? {
                Some(t) if lists_replica(&t, &to.region) => Ok(()),
                _ if dynamo::describe(ctx, to, name).await?.is_some() => Err(taken()),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Index changes one at a time (DynamoDB takes one per request and needs the table ACTIVE between
/// them), then billing, TTL and encryption: the settings DynamoDB synchronizes to every replica,
/// applied once, in the region that holds the table.
async fn sync_table(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    source: Role,
    observed: &Observed,
) -> Result<()> {
    let side = sides.get(source);
    let name = inputs.table_name();
    let Some(table) = observed.table(source) else {
        return Ok(());
    };
    let now = observed::indexes_of(table);
    let wanted = inputs.indexes();
    for gone in now
        .iter()
        .filter(|have| !wanted.iter().any(|w| w.same_shape(have)))
    {
        dynamo::delete_index(ctx, side, name, &gone.name).await?;
        dynamo::wait_settled(ctx, side, name).await?;
    }
    let billing_now = observed::billing_of(table);
    let switching = billing_now != inputs.billing();
    let table_capacity = inputs.is_provisioned()
        && (switching
            || observed::capacity_of(table.provisioned_throughput())
                != (inputs.read_capacity, inputs.write_capacity));
    // Kept indexes whose capacity must be given: all of them when the table becomes PROVISIONED.
    let kept: Vec<&inputs::Index> = if inputs.is_provisioned() {
        wanted
            .iter()
            .filter(|w| {
                now.iter().any(|have| {
                    have.same_shape(w)
                        && (switching
                            || (have.read_capacity, have.write_capacity)
                                != (w.read_capacity, w.write_capacity))
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    if switching || table_capacity || !kept.is_empty() {
        dynamo::update_billing(ctx, side, inputs, table_capacity, &kept).await?;
        dynamo::wait_settled(ctx, side, name).await?;
    }
    for new in wanted
        .iter()
        .filter(|w| !now.iter().any(|have| have.same_shape(w)))
    {
        dynamo::create_index(ctx, side, inputs, new).await?;
        dynamo::wait_settled(ctx, side, name).await?;
    }
    if observed.ttl != inputs.ttl_attribute {
        // Another attribute means turning TTL off for the old one first.
        if let Some(old) = &observed.ttl {
            dynamo::set_time_to_live(ctx, side, name, old, false).await?;
        }
        if let Some(new) = &inputs.ttl_attribute {
            dynamo::set_time_to_live(ctx, side, name, new, true).await?;
        }
    }
    sync_encryption(ctx, inputs, sides, source, observed).await
}

/// The encryption type belongs to the table (changed in its region); a customer managed key is each
/// replica's own, and the other region's is changed through the replication group.
async fn sync_encryption(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    source: Role,
    observed: &Observed,
) -> Result<()> {
    let name = inputs.table_name();
    let side = sides.get(source);
    let wanted = inputs.encryption();
    if observed.encrypted(source) != wanted.enabled {
        dynamo::update_encryption(ctx, side, inputs).await?;
        return dynamo::wait_settled(ctx, side, name).await.map(|_| ());
    }
    for role in Role::BOTH {
        let Some(key) = inputs.kms_key(role) else {
            continue;
        };
        if observed.kms_key_arn(role).as_deref() == Some(key.as_str()) {
            continue;
        }
        if role == source {
            dynamo::update_encryption(ctx, side, inputs).await?;
        } else {
            let action = ReplicaAction::SetKey {
                region: &sides.get(role).region,
                kms_key: Some(key),
            };
            dynamo::change_replicas(ctx, side, name, action).await?;
        }
        dynamo::wait_settled(ctx, side, name).await?;
    }
    Ok(())
}

/// Point-in-time recovery, deletion protection and tags: each replica's own, set in both regions
/// concurrently.
async fn sync_replicas(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    observed: &Observed,
) -> Result<()> {
    let name = inputs.table_name();
    let tags = inputs.tags(&ctx.config);
    let tags = &tags;
    sides
        .as_ref()
        .try_join(|role, side| async move {
            let Some(view) = observed.views.get(role) else {
                return Ok(());
            };
            if view.point_in_time_recovery != inputs.point_in_time_recovery() {
                dynamo::set_point_in_time_recovery(
                    ctx,
                    side,
                    name,
                    inputs.point_in_time_recovery(),
                )
                .await?;
            }
            if view.table.deletion_protection_enabled().unwrap_or(false)
                != inputs.deletion_protection()
            {
                dynamo::set_deletion_protection(ctx, side, name, inputs.deletion_protection())
                    .await?;
            }
            let arn = view.table.table_arn().unwrap_or_default();
            dynamo::sync_tags(ctx, side, arn, &view.tags, tags).await
        })
        .await
        .map(|_| ())
}

/// Brings AWS to the inputs from whatever part of the global table exists.
async fn converge(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
) -> std::result::Result<(), Stop> {
    let name = inputs.table_name();
    let found = Observed::read(ctx, sides, name).await?;
    let source = match found.source() {
        Some(role) => {
            let table = found.table(role).expect("the source has a table");
            ensure_same_keys(inputs, table, sides.get(role)).map_err(Stop::NotOurs)?;
            role
        }
        None => {
            dynamo::create_table(ctx, &sides.primary, inputs, &inputs.tags(&ctx.config)).await?;
            Role::Primary
        }
    };
    let table = dynamo::wait_settled(ctx, sides.get(source), name).await?;
    // A table that appeared between the lookup and CreateTable is checked the same way.
    ensure_same_keys(inputs, &table, sides.get(source)).map_err(Stop::NotOurs)?;
    ensure_replica(ctx, inputs, sides, source, &table).await?;
    // The source's replica list turns ACTIVE first; then the replica's own table must be too.
    for role in [source, source.other()] {
        dynamo::wait_settled(ctx, sides.get(role), name).await?;
    }
    // The table's settings and each replica's own are apart: one reading serves both steps.
    let observed = Observed::read(ctx, sides, name).await?;
    Box::pin(sync_table(ctx, inputs, sides, source, &observed)).await?;
    Ok(sync_replicas(ctx, inputs, sides, &observed).await?)
}

/// The ARN of the table `arn` names, in `region`: DynamoDB table ARNs are
/// `arn:<partition>:dynamodb:<region>:<account>:table/<name>`, and a replica has the table's name.
fn arn_in_region(arn: &str, region: &str) -> Result<String> {
    match arn.splitn(6, ':').collect::<Vec<_>>()[..] {
        [prefix, partition, "dynamodb", _, account, resource] => Ok(format!(
            "{prefix}:{partition}:dynamodb:{region}:{account}:{resource}"
        )),
        _ => Err(ProviderError::Internal(format!(
            "DynamoDB returned a table ARN of an unknown form: {arn}"
        ))),
    }
}

/// The first error of steps that ran side by side (each ran to its end: none is cut off half way).
fn first_error(results: impl IntoIterator<Item = Result<()>>) -> Result<()> {
    results.into_iter().collect()
}

/// A Create where nothing exists yet, in as few calls and steps as AWS allows: the table with
/// everything CreateTable takes; then the replica, while the primary turns point-in-time recovery
/// on; then at once the TTL, the replica's own settings and a read of the replica for the outputs.
/// `Ok(None)`: a table of that name exists (an earlier attempt, or someone else's), and the caller
/// converges from what is there.
async fn create_new(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
) -> std::result::Result<Option<Observed>, Stop> {
    let name = inputs.table_name();
    let tags = inputs.tags(&ctx.config);
    let (primary, secondary) = (&sides.primary, &sides.secondary);
    if !dynamo::create_table(ctx, primary, inputs, &tags).await? {
        return Ok(None);
    }
    let table = dynamo::wait_settled(ctx, primary, name).await?;
    let pitr = inputs.point_in_time_recovery();
    let set_pitr = |side| async move {
        match pitr {
            true => dynamo::set_point_in_time_recovery(ctx, side, name, true).await,
            false => Ok(()),
        }
    };
    let replica = async {
        ensure_replica(ctx, inputs, sides, Role::Primary, &table).await?;
        dynamo::wait_settled(ctx, primary, name).await
    };
    let (table, primary_pitr) = futures::join!(replica, set_pitr(primary));
    let table = table?;
    primary_pitr?;
    let arn = arn_in_region(table.table_arn().unwrap_or_default(), &secondary.region)?;
    let ttl = async {
        match &inputs.ttl_attribute {
            Some(attribute) => dynamo::set_time_to_live(ctx, primary, name, attribute, true).await,
            None => Ok(()),
        }
    };
    let protect = async {
        match inputs.deletion_protection() {
            true => dynamo::set_deletion_protection(ctx, secondary, name, true).await,
            false => Ok(()),
        }
    };
    let untagged = Tags::new();
    let (ttl, secondary_pitr, protect, tagged, replica) = futures::join!(
        ttl,
        set_pitr(secondary),
        protect,
        dynamo::sync_tags(ctx, secondary, &arn, &untagged, &tags),
        dynamo::describe(ctx, secondary, name),
    );
    first_error([ttl, secondary_pitr, protect, tagged])?;
    let Some(replica) = replica? else {
        return Err(Stop::Failed(ProviderError::Refused {
            what: format!("the replica of {name} in {} disappeared", secondary.region),
            hint: "it was deleted outside Pulumi; run `pulumi up` again to add it back".into(),
        }));
    };
    let view = |table| observed::RegionView {
        table,
        point_in_time_recovery: pitr,
        tags: tags.clone(),
    };
    Ok(Some(Observed {
        regions: sides.as_ref().map(|_, s| s.region.clone()),
        views: Regions {
            primary: Some(view(table)),
            secondary: Some(view(replica)),
        },
        ttl: inputs.ttl_attribute.clone(),
    }))
}

/// Whether the state records the table in both regions (its ARN in each).
fn recorded_in_both(outputs: &Outputs) -> bool {
    Role::BOTH
        .into_iter()
        .all(|role| outputs.table_arn(role).is_some_and(|arn| !arn.is_empty()))
}

async fn delete(ctx: &Context, id: &str, olds: State<Inputs, Outputs>) -> Result<()> {
    let mut inputs = olds.inputs;
    if inputs.name.is_none() {
        inputs.name = Some(id.to_string());
    }
    if inputs.deletion_protection() {
        return Err(ProviderError::Refused {
            what: format!("global table {id} has deletionProtection: true"),
            hint: "set deletionProtection: false, run `pulumi up`, then destroy".into(),
        });
    }
    let name = inputs.table_name();
    let sides = dynamo::sides(ctx, &inputs).await;
    // AWS's order: the replica leaves the group and goes first, then the last table. When the state
    // has both, the replica's removal is asked for at once; a refusal (gone, busy, not a replica)
    // sends the delete down the way that reads AWS first.
    if recorded_in_both(&olds.outputs) {
        let region = sides.secondary.region.as_str();
        let removed =
            dynamo::change_replicas(ctx, &sides.primary, name, ReplicaAction::Delete { region });
        if removed.await.is_ok() {
            return delete_rest(ctx, &sides, Role::Primary, name, true).await;
        }
    }
    let observed = Observed::read(ctx, &sides, name).await?;
    let Some(source) = observed.source() else {
        return Ok(());
    };
    let (side, target) = (sides.get(source), source.other());
    let member = observed.is_member(target);
    if member {
        let region = sides.get(target).region.as_str();
        dynamo::wait_idle(ctx, side, name).await?;
        let removed = dynamo::change_replicas(ctx, side, name, ReplicaAction::Delete { region });
        match removed.await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            // Refused because an earlier attempt whose answer was lost removed it already? If the
            // replica is still listed, the refusal is real.
            Err(e) => {
                let still = dynamo::describe(ctx, side, name).await?;
                if still.is_some_and(|t| lists_replica(&t, region)) {
                    return Err(explain(e));
                }
            }
        }
    }
    delete_rest(ctx, &sides, source, name, member).await
}

/// After the replica's removal was asked for (`replica_leaving`): waits until the source no longer
/// lists it, then deletes the source's table while the replica's own table goes, and waits for both.
async fn delete_rest(
    ctx: &Context,
    sides: &Regions<Side>,
    source: Role,
    name: &str,
    replica_leaving: bool,
) -> Result<()> {
    let (side, target) = (sides.get(source), sides.get(source.other()));
    if replica_leaving {
        dynamo::wait_replica_removed(ctx, side, name, &target.region).await?;
    }
    let replica_gone = async {
        match replica_leaving {
            true => dynamo::wait_gone(ctx, target, name).await,
            false => Ok(()),
        }
    };
    let table_gone = async {
        // Once the replica has left, the table is idle; otherwise a change may still run on it.
        if replica_leaving || dynamo::wait_idle(ctx, side, name).await?.is_some() {
            dynamo::delete_table(ctx, side, name)
                .await
                .map_err(explain)?;
        }
        dynamo::wait_gone(ctx, side, name).await
    };
    let (replica_gone, table_gone) = futures::join!(replica_gone, table_gone);
    first_error([table_gone, replica_gone])
}

#[async_trait]
impl CustomResource for GlobalTable {
    const TOKEN: &'static str = TOKEN;
    type Inputs = Inputs;
    type Outputs = Outputs;
    type Observed = Observed;

    fn check(&self, req: CheckRequest<'_>) -> CheckResult {
        // Names derive from the URN: a create retried after a killed plugin finds its first attempt.
        let seed = crate::naming::naming_seed(req.urn, req.random_seed);
        // Judged in the program's order, so that failures name its list positions; returned in name
        // order, so that a reordering is no change.
        let given =
            inputs::with_defaults_in_given_order(req.news, req.olds, req.name, seed, req.config);
        let judged = CheckResult::judged(given, validate::check);
        CheckResult {
            inputs: inputs::in_name_order(judged.inputs),
            failures: judged.failures,
        }
    }

    fn diff(&self, req: DiffRequest<'_>) -> Result<Diff> {
        diffing::diff(&req)
    }

    fn id(&self, inputs: &Inputs) -> String {
        inputs.table_name().to_string()
    }

    fn preview_known(&self, given: &Value) -> Object {
        given
            .get("name")
            .filter(|v| !v.is_null())
            .map(|name| Object::from([("tableName".to_string(), name.clone())]))
            .unwrap_or_default()
    }

    fn explain(&self, e: ProviderError) -> ProviderError {
        explain(e)
    }

    async fn create(&self, ctx: &Context, inputs: &Inputs) -> Converged<Observed> {
        warn_about(ctx, inputs);
        let sides = dynamo::sides(ctx, inputs).await;
        match Box::pin(create_new(ctx, inputs, &sides)).await? {
            Some(observed) => Ok(Some(observed)),
            None => Box::pin(converge(ctx, inputs, &sides)).await.map(|()| None),
        }
    }

    async fn update(
        &self,
        ctx: &Context,
        _id: &str,
        _olds: &Value,
        news: &Inputs,
    ) -> Converged<Observed> {
        warn_about(ctx, news);
        let sides = dynamo::sides(ctx, news).await;
        Box::pin(converge(ctx, news, &sides)).await.map(|()| None)
    }

    async fn observe(&self, ctx: &Context, inputs: &Inputs) -> Result<Observed> {
        let sides = dynamo::sides(ctx, inputs).await;
        Observed::read(ctx, &sides, inputs.table_name()).await
    }

    async fn read(
        &self,
        ctx: &Context,
        id: &str,
        given: &Value,
    ) -> Result<Option<(Value, Observed)>> {
        // On import the id is the table name, in the provider's regions.
        let mut inputs = Inputs::decode(given).map_err(ProviderError::Invalid)?;
        if inputs.name.is_none() {
            inputs.name = Some(id.to_string());
        }
        let sides = dynamo::sides(ctx, &inputs).await;
        let observed = Observed::read(ctx, &sides, inputs.table_name()).await?;
        if observed.nothing_exists() {
            return Ok(None);
        }
        let mut new_inputs = observed.inputs(given, &ctx.config);
        if let Value::Object(o) = &mut new_inputs {
            for role in Role::BOTH {
                o.entry(format!("{role}Region"))
                    .or_insert_with(|| sides.get(role).region.clone().into());
            }
            o.entry("name".to_string())
                .or_insert_with(|| inputs.table_name().into());
        }
        Ok(Some((new_inputs, observed)))
    }

    async fn delete(&self, ctx: &Context, id: &str, olds: State<Inputs, Outputs>) -> Result<()> {
        delete(ctx, id, olds).await
    }

    fn exists(&self, observed: &Observed) -> bool {
        !observed.nothing_exists()
    }

    fn outputs(&self, observed: &Observed, inputs: &Inputs) -> Outputs {
        observed.outputs(inputs)
    }

    fn observed_inputs(
        &self,
        observed: &Observed,
        given: &Value,
        config: &ProviderConfig,
    ) -> Value {
        observed.inputs(given, config)
    }

    /// The table's name without the ARNs, so that the next diff asks for an Update that looks again.
    fn unobserved(&self, inputs: &Inputs) -> Outputs {
        Outputs {
            table_name: Some(inputs.table_name().to_string()),
            ..Outputs::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AwsFailure;

    #[test]
    fn a_replica_arn_is_the_table_arn_in_its_region() {
        let arn = "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/orders";
        assert_eq!(
            arn_in_region(arn, "us-gov-east-1").unwrap(),
            "arn:aws-us-gov:dynamodb:us-gov-east-1:123456789012:table/orders"
        );
        assert!(arn_in_region("arn:aws:s3:::bucket", "us-east-2").is_err());
        assert!(arn_in_region("", "us-east-2").is_err());
    }

    #[test]
    fn advice_names_the_way_out() {
        let aws = |code: &str, message: &str| {
            ProviderError::Aws(AwsFailure {
                region: "us-east-2".into(),
                operation: "UpdateTable",
                code: code.into(),
                message: message.into(),
            })
        };
        let e = explain(aws(
            "ValidationException",
            "Table write capacity should either be Pay-Per-Request or AutoScaled",
        ));
        assert!(e.to_string().contains("PAY_PER_REQUEST") && e.to_string().contains("us-east-2"));
        let e = explain(aws("LimitExceededException", "too many"));
        assert!(e.to_string().contains("wait"), "{e}");
        let plain = explain(aws("InternalServerError", "boom"));
        assert!(plain.is_code("InternalServerError"));
    }
}
