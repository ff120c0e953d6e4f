//! The Aurora steps of a global database, each idempotent (looked up before it is made) so that a
//! retry, a resume after a partial failure, or a second destroy continues from what exists.

use aws_sdk_rds::types::{DbCluster, DbClusterMember, GlobalCluster, Tag};
use aws_sdk_rds::Client;

use super::inputs::{cluster_id, instance_id, rds_tags, Inputs, ServerlessV2};
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::regions::{Regions, Role};

/// One region's RDS client and names.
#[derive(Clone)]
pub struct Side {
    pub role: Role,
    pub region: String,
    pub client: Client,
    pub cluster_id: String,
}

pub async fn sides(ctx: &Context, inputs: &Inputs) -> Regions<Side> {
    let aws = ctx.aws().await;
    inputs.regions(&ctx.config).map(|role, region| Side {
        role,
        client: aws.rds(&region),
        cluster_id: cluster_id(inputs.global_id(), &region),
        region,
    })
}

pub async fn describe_global(
    ctx: &Context,
    side: &Side,
    global_id: &str,
) -> Result<Option<GlobalCluster>> {
    crate::readiness::database::describe_global(ctx, &side.region, global_id).await
}

pub async fn describe_cluster(ctx: &Context, side: &Side) -> Result<Option<DbCluster>> {
    let res = ctx
        .call("describing a cluster", async {
            side.client
                .describe_db_clusters()
                .db_cluster_identifier(&side.cluster_id)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DescribeDBClusters", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.db_clusters().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn instance_status(ctx: &Context, side: &Side, instance: &str) -> Result<Option<String>> {
    let res = ctx
        .call("describing an instance", async {
            side.client
                .describe_db_instances()
                .db_instance_identifier(instance)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DescribeDBInstances", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out
            .db_instances()
            .first()
            .map(|i| i.db_instance_status().unwrap_or_default().to_string())),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Creates first and looks up only when AWS says it exists: the fewest calls on the happy path, and
/// still idempotent for a retry or a resume.
pub async fn ensure_global(ctx: &Context, side: &Side, inputs: &Inputs) -> Result<GlobalCluster> {
    let tags = rds_tags(&inputs.tags(&ctx.config));
    let created = ctx
        .call("creating the global cluster", async {
            side.client
                .create_global_cluster()
                .global_cluster_identifier(inputs.global_id())
                .engine(&inputs.engine)
                .set_engine_version(inputs.engine_version.clone())
                .storage_encrypted(inputs.storage_encrypted.unwrap_or(true))
                .deletion_protection(inputs.deletion_protection.unwrap_or(false))
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| aws(&side.region, "CreateGlobalCluster", e))
        })
        .await;
    match created {
        Ok(out) => out.global_cluster.ok_or_else(|| {
            ProviderError::Internal("CreateGlobalCluster returned no global cluster".into())
        }),
        // A retry whose first attempt went through.
        Err(e) if e.is_code("GlobalClusterAlreadyExistsFault") => {
            describe_global(ctx, side, inputs.global_id())
                .await?
                .ok_or(e)
        }
        Err(e) => Err(e),
    }
}

/// Creates this region's cluster in the global cluster. Only the primary gets the master credentials
/// and the database name: AWS refuses them on a cross-region replica.
pub async fn ensure_cluster(ctx: &Context, side: &Side, inputs: &Inputs) -> Result<DbCluster> {
    let settings = inputs.settings(side.role);
    let primary = side.role == Role::Primary;
    let mut req = side
        .client
        .create_db_cluster()
        .db_cluster_identifier(&side.cluster_id)
        .global_cluster_identifier(inputs.global_id())
        .engine(&inputs.engine)
        .set_engine_version(inputs.engine_version.clone())
        .storage_encrypted(inputs.storage_encrypted.unwrap_or(true))
        .set_kms_key_id(settings.kms_key_id.clone())
        .set_db_subnet_group_name(settings.db_subnet_group_name.clone())
        .set_vpc_security_group_ids(settings.vpc_security_group_ids.clone())
        .set_backup_retention_period(inputs.backup_retention_period.map(|d| d as i32))
        .set_preferred_backup_window(inputs.preferred_backup_window.clone())
        .deletion_protection(inputs.deletion_protection.unwrap_or(false))
        .set_tags(Some(rds_tags(&inputs.tags(&ctx.config))))
        .set_serverless_v2_scaling_configuration(inputs.serverless_v2.map(ServerlessV2::to_rds));
    if primary {
        req = req
            .master_username(&inputs.master_username)
            .master_user_password(&inputs.master_password)
            .set_database_name(inputs.database_name.clone());
    }
    let created = ctx
        .call("creating a cluster", async {
            req.send()
                .await
                .map_err(|e| aws(&side.region, "CreateDBCluster", e))
        })
        .await;
    match created {
        Ok(out) => out
            .db_cluster
            .ok_or_else(|| ProviderError::Internal("CreateDBCluster returned no cluster".into())),
        Err(e) if e.is_code("DBClusterAlreadyExistsFault") => {
            describe_cluster(ctx, side).await?.ok_or(e)
        }
        Err(e) => Err(e),
    }
}

pub async fn wait_cluster_available(ctx: &Context, side: &Side) -> Result<DbCluster> {
    let phase = format!("waiting for cluster {} to be available", side.cluster_id);
    ctx.wait_for(&phase, &side.region, || async {
        match describe_cluster(ctx, side).await? {
            Some(c) if c.status() == Some("available") => Ok(Some(c)),
            Some(_) => Ok(None),
            None => Err(ProviderError::Refused {
                what: format!("cluster {} in {} disappeared", side.cluster_id, side.region),
                hint: "it was deleted outside Pulumi; run `pulumi refresh`, then `pulumi up`"
                    .into(),
            }),
        }
    })
    .await
}

/// Waits until the cluster is the global cluster's writer: AWS promotes a new primary
/// asynchronously, and a secondary added before that fails. Returns the global cluster as the last
/// poll saw it.
pub async fn wait_writer(
    ctx: &Context,
    side: &Side,
    global_id: &str,
    cluster_arn: &str,
) -> Result<GlobalCluster> {
    let phase = format!(
        "waiting for {} to become the global writer",
        side.cluster_id
    );
    ctx.wait_for(&phase, &side.region, || async {
        let global = describe_global(ctx, side, global_id).await?;
        Ok(global.filter(|g| {
            g.global_cluster_members()
                .iter()
                .any(|m| m.db_cluster_arn() == Some(cluster_arn) && m.is_writer() == Some(true))
        }))
    })
    .await
}

/// Runs `attempt`, and once more after `side`'s cluster is available should AWS refuse it for that
/// cluster's state. The fast path asks before the cluster is available, which AWS is not documented
/// to refuse; this keeps it correct where AWS insists on waiting.
pub async fn once_available<T, F, Fut>(ctx: &Context, side: &Side, attempt: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match attempt().await {
        Err(e) if e.is_code("InvalidDBClusterStateFault") => {
            tracing::debug!(region = %side.region, error = %e, "refused before the cluster is available; waiting for it");
            wait_cluster_available(ctx, side).await?;
            attempt().await
        }
        other => other,
    }
}

/// Makes the region's instances the declared ones and waits until every one is available; surplus
/// instances (the highest numbers) are deleted. Missing ones are asked for at once, without waiting
/// for the cluster first. Returns the cluster as it stands afterwards.
pub async fn ensure_instances(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    cluster: DbCluster,
) -> Result<DbCluster> {
    let wanted = inputs.instance_count(side.role);
    let existing = member_ids(&cluster);
    let desired: Vec<String> = (1..=wanted)
        .map(|n| instance_id(&side.cluster_id, n))
        .collect();
    let tags = rds_tags(&inputs.tags(&ctx.config));
    let ready = desired.iter().map(|id| {
        let create = !existing.contains(id);
        let tags = &tags;
        async move {
            if create {
                once_available(ctx, side, || create_instance(ctx, side, inputs, id, tags)).await?;
            }
            wait_instance(ctx, side, id, Some("available")).await
        }
    });
    futures::future::try_join_all(ready).await?;
    let surplus: Vec<&String> = existing.iter().filter(|id| !desired.contains(id)).collect();
    delete_instances(ctx, side, surplus).await?;
    if desired.is_empty() {
        // A headless cluster: its own status is the only thing to wait for.
        return wait_cluster_available(ctx, side).await;
    }
    Ok(with_instances(cluster, &desired))
}

/// The cluster once every one of its instances answered available. AWS makes an instance available
/// only after its cluster, so the cluster's last answer and its instances are its state, without
/// reading it again.
fn with_instances(mut cluster: DbCluster, ids: &[String]) -> DbCluster {
    cluster.status = Some("available".into());
    cluster.db_cluster_members = Some(
        ids.iter()
            .map(|id| {
                DbClusterMember::builder()
                    .db_instance_identifier(id)
                    .build()
            })
            .collect(),
    );
    cluster
}

pub fn member_ids(cluster: &DbCluster) -> Vec<String> {
    cluster
        .db_cluster_members()
        .iter()
        .filter_map(|m| m.db_instance_identifier().map(str::to_string))
        .collect()
}

async fn create_instance(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    id: &str,
    tags: &[Tag],
) -> Result<()> {
    let created = ctx
        .call("creating an instance", async {
            side.client
                .create_db_instance()
                .db_instance_identifier(id)
                .db_cluster_identifier(&side.cluster_id)
                .engine(&inputs.engine)
                .db_instance_class(inputs.instance_class())
                .set_tags(Some(tags.to_vec()))
                .send()
                .await
                .map_err(|e| aws(&side.region, "CreateDBInstance", e))
        })
        .await;
    match created {
        Err(e) if !e.is_code("DBInstanceAlreadyExistsFault") => Err(e),
        _ => Ok(()),
    }
}

async fn wait_instance(ctx: &Context, side: &Side, id: &str, target: Option<&str>) -> Result<()> {
    let phase = match target {
        Some(state) => format!("waiting for instance {id} to be {state}"),
        None => format!("waiting for instance {id} to be deleted"),
    };
    ctx.wait_for(&phase, &side.region, || async {
        let status = instance_status(ctx, side, id).await?;
        Ok((status.as_deref() == target).then_some(()))
    })
    .await
}

/// Deletes instances and waits until they are gone.
pub async fn delete_instances(ctx: &Context, side: &Side, ids: Vec<&String>) -> Result<()> {
    request_instance_deletions(ctx, side, &ids).await?;
    let gone = ids.iter().map(|id| wait_instance(ctx, side, id, None));
    futures::future::try_join_all(gone).await.map(|_| ())
}

/// Asks for the deletion of instances, without waiting: what is gone or already going is fine.
pub async fn request_instance_deletions<S: AsRef<str>>(
    ctx: &Context,
    side: &Side,
    ids: &[S],
) -> Result<()> {
    let deletes = ids.iter().map(|id| async move {
        let res = ctx
            .call("deleting an instance", async {
                side.client
                    .delete_db_instance()
                    .db_instance_identifier(id.as_ref())
                    .send()
                    .await
                    .map_err(|e| aws(&side.region, "DeleteDBInstance", e))
            })
            .await;
        match res {
            Err(e)
                if !(e.is_not_found()
                    || e.is_code("InvalidDBInstanceState")
                    || e.is_code("InvalidDBInstanceStateFault")) =>
            {
                Err(e)
            }
            _ => Ok(()),
        }
    });
    futures::future::try_join_all(deletes).await.map(|_| ())
}

/// Asks for the cluster to leave the global cluster, without waiting for its promotion.
pub async fn remove_from_global(
    ctx: &Context,
    side: &Side,
    global_id: &str,
    cluster_arn: &str,
) -> Result<()> {
    let res = ctx
        .call("detaching a cluster", async {
            side.client
                .remove_from_global_cluster()
                .global_cluster_identifier(global_id)
                .db_cluster_identifier(cluster_arn)
                .send()
                .await
                .map_err(|e| aws(&side.region, "RemoveFromGlobalCluster", e))
        })
        .await;
    match res {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// Waits until the cluster stands alone (past `promoting`), or is gone.
pub async fn wait_detached(ctx: &Context, side: &Side) -> Result<()> {
    let phase = format!(
        "waiting for {} to leave the global cluster",
        side.cluster_id
    );
    ctx.wait_for(&phase, &side.region, || async {
        match describe_cluster(ctx, side).await? {
            None => Ok(Some(())),
            Some(c) => {
                let standalone = c.global_cluster_identifier().is_none_or(str::is_empty);
                Ok((standalone && c.status() == Some("available")).then_some(()))
            }
        }
    })
    .await
}

/// Deletes a standalone cluster (with a final snapshot when asked) and waits until it is gone. Its
/// instances need only be deleting: should AWS refuse because one is not (one made outside Pulumi),
/// they are deleted and waited for, and the cluster asked for again.
pub async fn delete_cluster(
    ctx: &Context,
    side: &Side,
    final_snapshot: Option<String>,
) -> Result<()> {
    let request = || async {
        let res = ctx
            .call("deleting a cluster", async {
                side.client
                    .delete_db_cluster()
                    .db_cluster_identifier(&side.cluster_id)
                    .skip_final_snapshot(final_snapshot.is_none())
                    .set_final_db_snapshot_identifier(final_snapshot.clone())
                    .send()
                    .await
                    .map_err(|e| aws(&side.region, "DeleteDBCluster", e))
            })
            .await;
        match res {
            Err(e) if e.is_not_found() => Ok(false),
            Err(e)
                if e.is_code("InvalidDBClusterStateFault")
                    && e.to_string().contains("deleting") =>
            {
                Ok(true)
            }
            Err(e) => Err(e),
            Ok(_) => Ok(true),
        }
    };
    let exists = match request().await {
        Err(e) if e.is_code("InvalidDBClusterStateFault") => {
            // Only a standalone cluster's refusal is about its instances.
            let instances = describe_cluster(ctx, side)
                .await?
                .filter(|c| c.global_cluster_identifier().is_none_or(str::is_empty))
                .map(|c| member_ids(&c))
                .unwrap_or_default();
            if instances.is_empty() {
                return Err(e);
            }
            delete_instances(ctx, side, instances.iter().collect()).await?;
            request().await?
        }
        other => other?,
    };
    if !exists {
        return Ok(());
    }
    let phase = format!("waiting for cluster {} to be deleted", side.cluster_id);
    ctx.wait_for(&phase, &side.region, || async {
        Ok(describe_cluster(ctx, side).await?.is_none().then_some(()))
    })
    .await
}

pub async fn delete_global(ctx: &Context, side: &Side, global_id: &str) -> Result<()> {
    let res = ctx
        .call("deleting the global cluster", async {
            side.client
                .delete_global_cluster()
                .global_cluster_identifier(global_id)
                .send()
                .await
                .map_err(|e| aws(&side.region, "DeleteGlobalCluster", e))
        })
        .await;
    match res {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
