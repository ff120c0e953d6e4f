//! The DynamoDB calls of a global table, one function per AWS operation or wait. Each takes the
//! region's [`Side`], so one piece of code serves both regions; every call goes through
//! `ctx.call` (deadline, Cancel) and every wait through `ctx.wait_for`.

use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction,
    CreateReplicationGroupMemberAction, DeleteGlobalSecondaryIndexAction,
    DeleteReplicationGroupMemberAction, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate,
    KeySchemaElement, KeyType, PointInTimeRecoverySpecification, Projection, ProjectionType,
    ProvisionedThroughput, ReplicationGroupUpdate, ScalarAttributeType, SseSpecification, SseType,
    StreamSpecification, StreamViewType, TableDescription, Tag, TimeToLiveSpecification,
    UpdateGlobalSecondaryIndexAction, UpdateReplicationGroupMemberAction,
};
use aws_sdk_dynamodb::Client;

use super::inputs::{Index, Inputs, STREAM_VIEW_TYPE};
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::regions::{Regions, Role};
use crate::tags::Tags;

/// One region's DynamoDB client.
#[derive(Clone)]
pub struct Side {
    pub role: Role,
    pub region: String,
    pub client: Client,
}

pub async fn sides(ctx: &Context, inputs: &Inputs) -> Regions<Side> {
    let aws = ctx.aws().await;
    inputs.regions(&ctx.config).map(|role, region| Side {
        role,
        client: aws.dynamodb(&region),
        region,
    })
}

fn built<T>(what: &str, r: std::result::Result<T, BuildError>) -> Result<T> {
    r.map_err(|e| ProviderError::Internal(format!("building {what}: {e}")))
}

fn key_schema(hash: &str, range: Option<&str>) -> Result<Vec<KeySchemaElement>> {
    std::iter::once((hash, KeyType::Hash))
        .chain(range.map(|r| (r, KeyType::Range)))
        .map(|(name, kind)| {
            built(
                "a key schema",
                KeySchemaElement::builder()
                    .attribute_name(name)
                    .key_type(kind)
                    .build(),
            )
        })
        .collect()
}

fn throughput(read: Option<i64>, write: Option<i64>) -> Result<ProvisionedThroughput> {
    built(
        "a provisioned throughput",
        ProvisionedThroughput::builder()
            .read_capacity_units(read.unwrap_or(1))
            .write_capacity_units(write.unwrap_or(1))
            .build(),
    )
}

fn attribute_definitions(inputs: &Inputs) -> Result<Vec<AttributeDefinition>> {
    inputs
        .attributes
        .iter()
        .map(|a| {
            built(
                "an attribute definition",
                AttributeDefinition::builder()
                    .attribute_name(&a.name)
                    .attribute_type(ScalarAttributeType::from(a.kind.as_str()))
                    .build(),
            )
        })
        .collect()
}

fn projection(index: &Index) -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::from(index.projection()))
        .set_non_key_attributes(index.non_key_attributes.clone())
        .build()
}

fn index_throughput(inputs: &Inputs, index: &Index) -> Result<Option<ProvisionedThroughput>> {
    inputs
        .is_provisioned()
        .then(|| throughput(index.read_capacity, index.write_capacity))
        .transpose()
}

fn sse(inputs: &Inputs, role: Role) -> SseSpecification {
    let enabled = inputs.encryption().enabled;
    SseSpecification::builder()
        .enabled(enabled)
        .set_sse_type(enabled.then_some(SseType::Kms))
        .set_kms_master_key_id(inputs.kms_key(role))
        .build()
}

fn dynamo_tags(tags: &Tags) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(k, v)| built("a tag", Tag::builder().key(k).value(v).build()))
        .collect()
}

pub async fn describe(ctx: &Context, side: &Side, name: &str) -> Result<Option<TableDescription>> {
    let res = ctx
        .call("describing the table", async {
            side.client
                .describe_table()
                .table_name(name)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DescribeTable", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.table),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Creates the table with everything CreateTable can set at once: keys, indexes, billing, the
/// stream replication needs, encryption, deletion protection and tags. A table of that name that
/// already exists (an earlier attempt whose answer was lost) is not an error: `Ok(false)` says so,
/// and the caller checks what it finds.
pub async fn create_table(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    tags: &Tags,
) -> Result<bool> {
    let gsis = inputs
        .indexes()
        .iter()
        .map(|i| {
            built(
                "a global secondary index",
                GlobalSecondaryIndex::builder()
                    .index_name(&i.name)
                    .set_key_schema(Some(key_schema(&i.hash_key, i.range_key.as_deref())?))
                    .projection(projection(i))
                    .set_provisioned_throughput(index_throughput(inputs, i)?)
                    .build(),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let stream = built(
        "a stream specification",
        StreamSpecification::builder()
            .stream_enabled(true)
            .stream_view_type(StreamViewType::from(STREAM_VIEW_TYPE))
            .build(),
    )?;
    let req = side
        .client
        .create_table()
        .table_name(inputs.table_name())
        .set_key_schema(Some(key_schema(
            &inputs.hash_key,
            inputs.range_key.as_deref(),
        )?))
        .set_attribute_definitions(Some(attribute_definitions(inputs)?))
        .billing_mode(BillingMode::from(inputs.billing()))
        .set_provisioned_throughput(
            inputs
                .is_provisioned()
                .then(|| throughput(inputs.read_capacity, inputs.write_capacity))
                .transpose()?,
        )
        .set_global_secondary_indexes((!gsis.is_empty()).then_some(gsis))
        .stream_specification(stream)
        // Unset is DynamoDB's own key; an explicit `Enabled: false` would say the same.
        .set_sse_specification(inputs.encryption().enabled.then(|| sse(inputs, side.role)))
        .deletion_protection_enabled(inputs.deletion_protection())
        .set_tags((!tags.is_empty()).then(|| dynamo_tags(tags)).transpose()?);
    let res = ctx
        .call("creating the table", async {
            req.send()
                .await
                .map_err(|e| aws(&side.region, "CreateTable", e))
        })
        .await;
    match res {
        Err(e) if e.is_code("ResourceInUseException") => Ok(false),
        other => other.map(|_| true),
    }
}

/// Every UpdateTable goes through here: DynamoDB takes one kind of change per request.
async fn update_table(
    ctx: &Context,
    side: &Side,
    what: &str,
    req: UpdateTableFluentBuilder,
) -> Result<()> {
    ctx.call(what, async {
        req.send()
            .await
            .map(|_| ())
            .map_err(|e| aws(&side.region, "UpdateTable", e))
    })
    .await
}

fn replica_update(action: ReplicaAction<'_>) -> Result<ReplicationGroupUpdate> {
    let update = ReplicationGroupUpdate::builder();
    Ok(match action {
        ReplicaAction::Create { region, kms_key } => update
            .create(built(
                "a replica creation",
                CreateReplicationGroupMemberAction::builder()
                    .region_name(region)
                    .set_kms_master_key_id(kms_key)
                    .build(),
            )?)
            .build(),
        ReplicaAction::Delete { region } => update
            .delete(built(
                "a replica deletion",
                DeleteReplicationGroupMemberAction::builder()
                    .region_name(region)
                    .build(),
            )?)
            .build(),
        ReplicaAction::SetKey { region, kms_key } => update
            .update(built(
                "a replica update",
                UpdateReplicationGroupMemberAction::builder()
                    .region_name(region)
                    .set_kms_master_key_id(kms_key)
                    .build(),
            )?)
            .build(),
    })
}

/// A change to the replication group, asked of the region that holds the table.
pub enum ReplicaAction<'a> {
    Create {
        region: &'a str,
        kms_key: Option<String>,
    },
    Delete {
        region: &'a str,
    },
    SetKey {
        region: &'a str,
        kms_key: Option<String>,
    },
}

pub async fn change_replicas(
    ctx: &Context,
    source: &Side,
    name: &str,
    action: ReplicaAction<'_>,
) -> Result<()> {
    let what = match &action {
        ReplicaAction::Create { region, .. } => format!("adding the replica in {region}"),
        ReplicaAction::Delete { region } => format!("removing the replica in {region}"),
        ReplicaAction::SetKey { region, .. } => {
            format!("changing the KMS key of the replica in {region}")
        }
    };
    let req = source
        .client
        .update_table()
        .table_name(name)
        .replica_updates(replica_update(action)?);
    update_table(ctx, source, &what, req).await
}

/// Billing mode and capacities. Index capacities go in the same request, as DynamoDB requires when
/// a table becomes PROVISIONED.
pub async fn update_billing(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    table_throughput: bool,
    indexes: &[&Index],
) -> Result<()> {
    let updates = indexes
        .iter()
        .map(|i| {
            Ok(GlobalSecondaryIndexUpdate::builder()
                .update(built(
                    "an index capacity update",
                    UpdateGlobalSecondaryIndexAction::builder()
                        .index_name(&i.name)
                        .provisioned_throughput(throughput(i.read_capacity, i.write_capacity)?)
                        .build(),
                )?)
                .build())
        })
        .collect::<Result<Vec<_>>>()?;
    let req = side
        .client
        .update_table()
        .table_name(inputs.table_name())
        .billing_mode(BillingMode::from(inputs.billing()))
        .set_provisioned_throughput(
            (inputs.is_provisioned() && table_throughput)
                .then(|| throughput(inputs.read_capacity, inputs.write_capacity))
                .transpose()?,
        )
        .set_global_secondary_index_updates((!updates.is_empty()).then_some(updates));
    update_table(ctx, side, "changing the billing mode and capacity", req).await
}

pub async fn create_index(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    index: &Index,
) -> Result<()> {
    let action = built(
        "an index creation",
        CreateGlobalSecondaryIndexAction::builder()
            .index_name(&index.name)
            .set_key_schema(Some(key_schema(
                &index.hash_key,
                index.range_key.as_deref(),
            )?))
            .projection(projection(index))
            .set_provisioned_throughput(index_throughput(inputs, index)?)
            .build(),
    )?;
    let req = side
        .client
        .update_table()
        .table_name(inputs.table_name())
        // The new index's keys must be declared; DynamoDB drops definitions no key uses any more.
        .set_attribute_definitions(Some(attribute_definitions(inputs)?))
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder().create(action).build(),
        );
    update_table(ctx, side, &format!("creating index {}", index.name), req).await
}

pub async fn delete_index(ctx: &Context, side: &Side, name: &str, index: &str) -> Result<()> {
    let action = built(
        "an index deletion",
        DeleteGlobalSecondaryIndexAction::builder()
            .index_name(index)
            .build(),
    )?;
    let req = side
        .client
        .update_table()
        .table_name(name)
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder().delete(action).build(),
        );
    update_table(ctx, side, &format!("deleting index {index}"), req).await
}

/// The table's own encryption, in its own region (the replicas' keys go through [`change_replicas`]).
pub async fn update_encryption(ctx: &Context, side: &Side, inputs: &Inputs) -> Result<()> {
    let req = side
        .client
        .update_table()
        .table_name(inputs.table_name())
        .sse_specification(sse(inputs, side.role));
    update_table(ctx, side, "changing server-side encryption", req).await
}

pub async fn set_deletion_protection(
    ctx: &Context,
    side: &Side,
    name: &str,
    on: bool,
) -> Result<()> {
    let req = side
        .client
        .update_table()
        .table_name(name)
        .deletion_protection_enabled(on);
    update_table(ctx, side, "changing deletion protection", req).await
}

/// Whether point-in-time recovery is on; `None` when the table is gone.
pub async fn point_in_time_recovery(
    ctx: &Context,
    side: &Side,
    name: &str,
) -> Result<Option<bool>> {
    let res = ctx
        .call("reading point-in-time recovery", async {
            side.client
                .describe_continuous_backups()
                .table_name(name)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DescribeContinuousBackups", e))
        })
        .await;
    match res {
        Ok(out) => Ok(Some(
            out.continuous_backups_description()
                .and_then(|d| d.point_in_time_recovery_description())
                .and_then(|p| p.point_in_time_recovery_status())
                .is_some_and(|s| s.as_str() == "ENABLED"),
        )),
        Err(e) if e.is_not_found() || e.is_code("TableNotFoundException") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Turns point-in-time recovery on or off. Right after a table or replica is created DynamoDB may
/// answer ContinuousBackupsUnavailableException for a while: that is waited out, not an error.
pub async fn set_point_in_time_recovery(
    ctx: &Context,
    side: &Side,
    name: &str,
    enabled: bool,
) -> Result<()> {
    let spec = built(
        "a point-in-time recovery specification",
        PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .build(),
    )?;
    let phase = format!(
        "{} point-in-time recovery of {name}",
        if enabled { "enabling" } else { "disabling" }
    );
    ctx.wait_for(&phase, &side.region, || async {
        let res = side
            .client
            .update_continuous_backups()
            .table_name(name)
            .point_in_time_recovery_specification(spec.clone())
            .send()
            .await
            .map_err(|e| aws(&side.region, "UpdateContinuousBackups", e));
        match res {
            Ok(_) => Ok(Some(())),
            Err(e) if e.is_code("ContinuousBackupsUnavailableException") => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await
}

/// The TTL attribute while TTL is on (or turning on).
pub async fn time_to_live(ctx: &Context, side: &Side, name: &str) -> Result<Option<String>> {
    let res = ctx
        .call("reading time to live", async {
            side.client
                .describe_time_to_live()
                .table_name(name)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DescribeTimeToLive", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out
            .time_to_live_description()
            .filter(|d| {
                d.time_to_live_status()
                    .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING"))
            })
            .and_then(|d| d.attribute_name().map(str::to_string))),
        Err(e) if e.is_not_found() || e.is_code("ResourceNotFound") => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn set_time_to_live(
    ctx: &Context,
    side: &Side,
    name: &str,
    attribute: &str,
    enabled: bool,
) -> Result<()> {
    let spec = built(
        "a time-to-live specification",
        TimeToLiveSpecification::builder()
            .attribute_name(attribute)
            .enabled(enabled)
            .build(),
    )?;
    ctx.call("changing time to live", async {
        side.client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(spec)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws(&side.region, "UpdateTimeToLive", e))
    })
    .await
}

pub async fn list_tags(ctx: &Context, side: &Side, arn: &str) -> Result<Tags> {
    let mut tags = Tags::new();
    let mut token: Option<String> = None;
    loop {
        let out = ctx
            .call("listing tags", async {
                side.client
                    .list_tags_of_resource()
                    .resource_arn(arn)
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| aws(&side.region, "ListTagsOfResource", e))
            })
            .await?;
        // Later entries win: a key re-tagged with a new value is listed with that value last.
        tags.extend(
            out.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string())),
        );
        match out.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(tags),
        }
    }
}

/// Makes the table's tags `want`: removed keys untagged, new and changed ones tagged.
pub async fn sync_tags(
    ctx: &Context,
    side: &Side,
    arn: &str,
    have: &Tags,
    want: &Tags,
) -> Result<()> {
    let removed: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        ctx.call("removing tags", async {
            side.client
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(removed))
                .send()
                .await
                .map_err(|e| aws(&side.region, "UntagResource", e))
        })
        .await?;
    }
    let changed: Tags = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        let tags = dynamo_tags(&changed)?;
        ctx.call("tagging the table", async {
            side.client
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| aws(&side.region, "TagResource", e))
        })
        .await?;
    }
    Ok(())
}

/// Deletes the table; what is already gone is fine.
pub async fn delete_table(ctx: &Context, side: &Side, name: &str) -> Result<()> {
    let res = ctx
        .call("deleting the table", async {
            side.client
                .delete_table()
                .table_name(name)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DeleteTable", e))
        })
        .await;
    match res {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// Where a table stands for the next step.
#[derive(Debug, PartialEq)]
pub enum Settle {
    /// The table, its replicas and its indexes are ACTIVE.
    Done,
    /// Something is still being created, updated or deleted.
    Pending(String),
    /// A replica or the table itself is in a state no wait will end.
    Failed(String),
}

fn is_transitional(status: &str) -> bool {
    matches!(status, "CREATING" | "UPDATING" | "DELETING" | "ARCHIVING") || status.is_empty()
}

pub fn settle(table: &TableDescription) -> Settle {
    let status = table.table_status().map(|s| s.as_str()).unwrap_or_default();
    if status != "ACTIVE" {
        return if is_transitional(status) {
            Settle::Pending(format!("the table is {status}"))
        } else {
            Settle::Failed(format!("the table is {status}"))
        };
    }
    for r in table.replicas() {
        let region = r.region_name().unwrap_or_default();
        let status = r.replica_status().map(|s| s.as_str()).unwrap_or_default();
        if status == "ACTIVE" {
            continue;
        }
        let detail = r
            .replica_status_description()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        let what = format!("the replica in {region} is {status}{detail}");
        return if is_transitional(status) {
            Settle::Pending(what)
        } else {
            Settle::Failed(what)
        };
    }
    for i in table.global_secondary_indexes() {
        let status = i.index_status().map(|s| s.as_str()).unwrap_or("ACTIVE");
        if status != "ACTIVE" || i.backfilling() == Some(true) {
            return Settle::Pending(format!(
                "index {} is {status}",
                i.index_name().unwrap_or_default()
            ));
        }
    }
    Settle::Done
}

/// Waits until the table, its replicas and its indexes are ACTIVE, and returns it. A state no wait
/// ends (a replica whose creation failed, a KMS key DynamoDB cannot use) is an error that says so.
pub async fn wait_settled(ctx: &Context, side: &Side, name: &str) -> Result<TableDescription> {
    let phase = format!("waiting for table {name} and its replicas to be ACTIVE");
    ctx.wait_for(&phase, &side.region, || async {
        let Some(table) = describe(ctx, side, name).await? else {
            return Err(ProviderError::Refused {
                what: format!("table {name} in {} disappeared", side.region),
                hint: "it was deleted outside Pulumi; run `pulumi refresh`, then `pulumi up`".into(),
            });
        };
        match settle(&table) {
            Settle::Done => Ok(Some(table)),
            Settle::Pending(why) => {
                tracing::debug!(table = name, region = %side.region, "not settled: {why}");
                Ok(None)
            }
            Settle::Failed(why) => Err(ProviderError::Refused {
                what: format!("table {name} in {}: {why}", side.region),
                hint: "fix the cause (for a KMS key: its policy must let DynamoDB use it), then run `pulumi up` again".into(),
            }),
        }
    })
    .await
}

/// Waits until nothing is in progress on the table, whatever state it ends in (used before a
/// delete, which must not be refused because a replica is still being created).
pub async fn wait_idle(ctx: &Context, side: &Side, name: &str) -> Result<Option<TableDescription>> {
    let phase = format!("waiting for table {name} to finish its current change");
    ctx.wait_for(&phase, &side.region, || async {
        Ok(match describe(ctx, side, name).await? {
            None => Some(None),
            Some(t) => match settle(&t) {
                Settle::Pending(_) => None,
                _ => Some(Some(t)),
            },
        })
    })
    .await
}

/// Waits until `source` no longer lists the replica in `region` and has settled again.
pub async fn wait_replica_removed(
    ctx: &Context,
    source: &Side,
    name: &str,
    region: &str,
) -> Result<()> {
    let phase = format!("waiting for the replica of {name} in {region} to be removed");
    ctx.wait_for(&phase, &source.region, || async {
        Ok(match describe(ctx, source, name).await? {
            None => Some(()),
            Some(t) => {
                let listed = t.replicas().iter().any(|r| r.region_name() == Some(region));
                (!listed && !matches!(settle(&t), Settle::Pending(_))).then_some(())
            }
        })
    })
    .await
}

pub async fn wait_gone(ctx: &Context, side: &Side, name: &str) -> Result<()> {
    let phase = format!("waiting for table {name} to be deleted");
    ctx.wait_for(&phase, &side.region, || async {
        Ok(describe(ctx, side, name).await?.is_none().then_some(()))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        GlobalSecondaryIndexDescription, IndexStatus, ReplicaDescription, ReplicaStatus,
        TableStatus,
    };

    fn table(status: TableStatus, replica: Option<ReplicaStatus>) -> TableDescription {
        let mut t = TableDescription::builder().table_status(status);
        if let Some(s) = replica {
            t = t.replicas(
                ReplicaDescription::builder()
                    .region_name("us-east-2")
                    .replica_status(s)
                    .build(),
            );
        }
        t.build()
    }

    #[test]
    fn settling_follows_table_replica_and_index_states() {
        assert_eq!(settle(&table(TableStatus::Active, None)), Settle::Done);
        assert_eq!(
            settle(&table(TableStatus::Active, Some(ReplicaStatus::Active))),
            Settle::Done
        );
        assert!(matches!(
            settle(&table(TableStatus::Updating, Some(ReplicaStatus::Creating))),
            Settle::Pending(_)
        ));
        assert!(matches!(
            settle(&table(TableStatus::Active, Some(ReplicaStatus::Creating))),
            Settle::Pending(_)
        ));
        let Settle::Failed(why) = settle(&table(
            TableStatus::Active,
            Some(ReplicaStatus::CreationFailed),
        )) else {
            panic!("a failed replica is no wait")
        };
        assert!(
            why.contains("us-east-2") && why.contains("CREATION_FAILED"),
            "{why}"
        );
        let indexing = TableDescription::builder()
            .table_status(TableStatus::Active)
            .global_secondary_indexes(
                GlobalSecondaryIndexDescription::builder()
                    .index_name("byCustomer")
                    .index_status(IndexStatus::Creating)
                    .build(),
            )
            .build();
        assert!(matches!(settle(&indexing), Settle::Pending(w) if w.contains("byCustomer")));
    }
}
