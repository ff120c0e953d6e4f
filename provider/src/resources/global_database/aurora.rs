//! The Aurora steps of a global database, each idempotent (looked up before it is made) so that a
//! retry, a resume after a partial failure, or a second destroy continues from what exists.

use aws_sdk_rds::types::{DbCluster, GlobalCluster};
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
/// asynchronously, and a secondary added before that fails.
pub async fn wait_writer(
    ctx: &Context,
    side: &Side,
    global_id: &str,
    cluster_arn: &str,
) -> Result<()> {
    let phase = format!(
        "waiting for {} to become the global writer",
        side.cluster_id
    );
    ctx.wait_for(&phase, &side.region, || async {
        let global = describe_global(ctx, side, global_id).await?;
        let is_writer = global
            .iter()
            .flat_map(|g| g.global_cluster_members())
            .any(|m| m.db_cluster_arn() == Some(cluster_arn) && m.is_writer() == Some(true));
        Ok(is_writer.then_some(()))
    })
    .await
}

/// Makes the region's instance count match: missing instances are created (concurrently) and waited
/// for, surplus ones (the highest numbers) deleted.
pub async fn ensure_instances(
    ctx: &Context,
    side: &Side,
    inputs: &Inputs,
    cluster: &DbCluster,
) -> Result<()> {
    let wanted = inputs.instance_count(side.role);
    let existing: Vec<String> = cluster
        .db_cluster_members()
        .iter()
        .filter_map(|m| m.db_instance_identifier().map(str::to_string))
        .collect();
    let desired: Vec<String> = (1..=wanted)
        .map(|n| instance_id(&side.cluster_id, n))
        .collect();
    let tags = rds_tags(&inputs.tags(&ctx.config));
    let creates = desired
        .iter()
        .filter(|id| !existing.contains(id))
        .map(|id| {
            let tags = tags.clone();
            async move {
                let created = ctx
                    .call("creating an instance", async {
                        side.client
                            .create_db_instance()
                            .db_instance_identifier(id)
                            .db_cluster_identifier(&side.cluster_id)
                            .engine(&inputs.engine)
                            .db_instance_class(inputs.instance_class())
                            .set_tags(Some(tags))
                            .send()
                            .await
                            .map_err(|e| aws(&side.region, "CreateDBInstance", e))
                    })
                    .await;
                match created {
                    Ok(_) => {}
                    Err(e) if e.is_code("DBInstanceAlreadyExistsFault") => {}
                    Err(e) => return Err(e),
                }
                wait_instance(ctx, side, id, Some("available")).await
            }
        });
    futures::future::try_join_all(creates).await?;
    let surplus: Vec<&String> = existing.iter().filter(|id| !desired.contains(id)).collect();
    delete_instances(ctx, side, surplus).await
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

pub async fn delete_instances(ctx: &Context, side: &Side, ids: Vec<&String>) -> Result<()> {
    let deletes = ids.into_iter().map(|id| async move {
        let res = ctx
            .call("deleting an instance", async {
                side.client
                    .delete_db_instance()
                    .db_instance_identifier(id)
                    .send()
                    .await
                    .map_err(|e| aws(&side.region, "DeleteDBInstance", e))
            })
            .await;
        match res {
            Ok(_) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            // Already being deleted by an earlier attempt.
            Err(e)
                if e.is_code("InvalidDBInstanceState")
                    || e.is_code("InvalidDBInstanceStateFault") => {}
            Err(e) => return Err(e),
        }
        wait_instance(ctx, side, id, None).await
    });
    futures::future::try_join_all(deletes).await.map(|_| ())
}

/// Detaches the cluster from the global cluster and waits until it stands alone (past `promoting`).
pub async fn detach(ctx: &Context, side: &Side, global_id: &str, cluster_arn: &str) -> Result<()> {
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
        Ok(_) => {}
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
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

/// Deletes a standalone cluster (with a final snapshot when asked) and waits until it is gone.
pub async fn delete_cluster(
    ctx: &Context,
    side: &Side,
    final_snapshot: Option<String>,
) -> Result<()> {
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
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) if e.is_code("InvalidDBClusterStateFault") && e.to_string().contains("deleting") => {
        }
        Err(e) => return Err(e),
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
