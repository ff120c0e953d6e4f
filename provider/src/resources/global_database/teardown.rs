//! Deleting a global database in the order AWS forces and no other (aws-dr.md 1.9): the replica
//! leaves the global cluster while its instances go; once its promotion is over, the replica's
//! cluster goes while the writer leaves and its instances go; once the writer has left, its cluster
//! and the global cluster go together.
//!
//! The plan comes from the state first, without reading AWS. Should AWS refuse a step because the
//! state is stale (a failover outside Pulumi, a half-finished earlier delete), the caller reads AWS
//! and plans again: every step is idempotent, so what the first pass did is not undone.

use serde::Deserialize;

use super::aurora::{self, Side};
use super::Observed;
use crate::context::Context;
use crate::error::{ProviderError, Result};
use crate::regions::{Regions, Role};
use crate::value::Value;

/// One region's cluster, as far as deleting it goes.
#[derive(Clone, Debug)]
pub struct Member {
    arn: String,
    instances: Vec<String>,
    /// Still in the global cluster, so it must leave before it can be deleted.
    attached: bool,
    /// Already leaving: asking again would be refused.
    leaving: bool,
}

#[derive(Clone, Debug)]
pub struct Plan {
    writer: Role,
    clusters: Regions<Option<Member>>,
}

/// A cluster as the state records it (`primaryCluster`, `secondaryCluster`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    cluster_arn: String,
    #[serde(default)]
    instance_identifiers: Vec<String>,
    #[serde(default)]
    is_writer: bool,
}

impl Plan {
    /// The plan the state makes, when it records the whole topology; otherwise AWS must be read.
    pub fn from_state(state: &Value) -> Option<Plan> {
        state
            .get("globalClusterArn")
            .and_then(Value::as_str)
            .filter(|arn| !arn.is_empty())?;
        let recorded = Regions::from_fn(|role| {
            state
                .get(&format!("{role}Cluster"))
                .and_then(|v| v.decode_known::<Recorded>().ok())
                .filter(|c| !c.cluster_arn.is_empty())
        });
        if recorded.iter().any(|(_, c)| c.is_none()) {
            return None;
        }
        let writer = Role::BOTH
            .into_iter()
            .find(|r| recorded.get(*r).as_ref().is_some_and(|c| c.is_writer))
            .unwrap_or(Role::Primary);
        Some(Plan {
            writer,
            clusters: recorded.map(|_, c| {
                c.map(|c| Member {
                    arn: c.cluster_arn,
                    instances: c.instance_identifiers,
                    attached: true,
                    leaving: false,
                })
            }),
        })
    }

    pub fn from_observed(observed: &Observed) -> Plan {
        Plan {
            writer: observed.writer_role().unwrap_or(Role::Primary),
            clusters: observed.clusters.as_ref().map(|_, c| {
                c.as_ref().map(|c| Member {
                    arn: c.db_cluster_arn().unwrap_or_default().to_string(),
                    instances: aurora::member_ids(c),
                    attached: observed.is_member(c),
                    leaving: c.status() == Some("promoting"),
                })
            }),
        }
    }
}

/// Whether AWS refused a step for the state of what it holds, which a plan from a stale state runs
/// into; reading AWS and planning again gets past it.
pub fn is_stale_plan(e: &ProviderError) -> bool {
    e.aws_code().is_some_and(|c| {
        c.starts_with("InvalidDBClusterState")
            || c.starts_with("InvalidGlobalClusterState")
            || c.starts_with("InvalidDBInstanceState")
    })
}

pub async fn run(
    ctx: &Context,
    sides: &Regions<Side>,
    global_id: &str,
    plan: &Plan,
    final_snapshot: impl FnOnce(&Side) -> Option<String>,
) -> Result<()> {
    let writer = plan.writer;
    let replica = writer.other();
    let member = |role: Role| plan.clusters.get(role).as_ref();
    // Until the replica's promotion is over, the writer can neither leave nor lose its last instance.
    leave(ctx, sides.get(replica), global_id, member(replica)).await?;
    let writer_side = sides.get(writer);
    let snapshot = final_snapshot(writer_side);
    let (replica_gone, rest) = futures::join!(
        drop_cluster(ctx, sides.get(replica), member(replica), None),
        async {
            leave(ctx, writer_side, global_id, member(writer)).await?;
            let (cluster, global) = futures::join!(
                drop_cluster(ctx, writer_side, member(writer), snapshot),
                aurora::delete_global(ctx, &sides.primary, global_id)
            );
            cluster.and(global)
        }
    );
    replica_gone.and(rest)
}

/// The cluster leaves the global cluster while its instances are asked to go; returns once it
/// stands alone.
async fn leave(ctx: &Context, side: &Side, global_id: &str, member: Option<&Member>) -> Result<()> {
    let Some(m) = member else {
        return Ok(());
    };
    let detach = async {
        match m.attached && !m.leaving {
            true => aurora::remove_from_global(ctx, side, global_id, &m.arn).await,
            false => Ok(()),
        }
    };
    let (detached, instances) = futures::join!(
        detach,
        aurora::request_instance_deletions(ctx, side, &m.instances)
    );
    detached.and(instances)?;
    match m.attached {
        true => aurora::wait_detached(ctx, side).await,
        false => Ok(()),
    }
}

async fn drop_cluster(
    ctx: &Context,
    side: &Side,
    member: Option<&Member>,
    final_snapshot: Option<String>,
) -> Result<()> {
    match member {
        Some(_) => aurora::delete_cluster(ctx, side, final_snapshot).await,
        None => Ok(()),
    }
}
