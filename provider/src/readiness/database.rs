//! The Aurora rules of readiness: what AWS requires before SwitchoverGlobalCluster (every member
//! available and synchronized, equal engine versions, a target with an instance), and the replication
//! lag that decides how long writes stop while it runs.

use std::time::{Duration, SystemTime};

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_sdk_rds::types::{DbCluster, GlobalCluster, GlobalClusterMember};
use aws_smithy_types::DateTime;

use super::Check;
use crate::context::Context;
use crate::error::{aws, Result};
use crate::regions::Regions;

/// Which global database to judge, and where its writer would go.
pub struct DatabaseTarget<'a> {
    pub global_cluster_identifier: &'a str,
    /// The pair's regions; the global cluster is described in the first.
    pub regions: &'a Regions<String>,
    /// The region the writer would move to; `None` means the member that is not the writer now.
    pub target_region: Option<&'a str>,
    /// The most replication lag (AuroraGlobalDBRPOLag) a switchover accepts.
    pub max_lag: Duration,
}

/// Lag metrics in the order AWS recommends them: RPO lag, then the older replication lag that MySQL
/// minors below 3.04.0 and 2.12.0 publish instead.
const LAG_METRICS: [&str; 2] = ["AuroraGlobalDBRPOLag", "AuroraGlobalDBReplicationLag"];
/// How far back a lag data point still says something about now.
const LAG_WINDOW: Duration = Duration::from_secs(5 * 60);

/// One member of the global cluster, as AWS lists it.
#[derive(Debug, Clone)]
pub struct Member {
    pub region: String,
    pub cluster_id: String,
    pub arn: String,
    pub is_writer: bool,
    pub synchronization: Option<String>,
}

impl Member {
    fn from_aws(m: &GlobalClusterMember) -> Option<Member> {
        let arn = m.db_cluster_arn()?.to_string();
        // arn:aws:rds:<region>:<account>:cluster:<identifier>
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let (region, cluster_id) = (parts.get(3)?, parts.get(6)?);
        Some(Member {
            region: region.to_string(),
            cluster_id: cluster_id.to_string(),
            is_writer: m.is_writer() == Some(true),
            synchronization: m.synchronization_status().map(|s| s.as_str().to_string()),
            arn,
        })
    }

    pub fn all(global: &GlobalCluster) -> Vec<Member> {
        global
            .global_cluster_members()
            .iter()
            .filter_map(Member::from_aws)
            .collect()
    }
}

pub async fn describe_global(
    ctx: &Context,
    region: &str,
    global_id: &str,
) -> Result<Option<GlobalCluster>> {
    let client = ctx.aws().await.rds(region);
    let res = ctx
        .call("describing the global cluster", async {
            client
                .describe_global_clusters()
                .global_cluster_identifier(global_id)
                .send()
                .await
                .map_err(|e| aws(region, "DescribeGlobalClusters", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.global_clusters().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

async fn describe_member(ctx: &Context, member: &Member) -> Result<Option<DbCluster>> {
    let client = ctx.aws().await.rds(&member.region);
    let res = ctx
        .call("describing a member cluster", async {
            client
                .describe_db_clusters()
                .db_cluster_identifier(&member.cluster_id)
                .send()
                .await
                .map_err(|e| aws(&member.region, "DescribeDBClusters", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.db_clusters().first().cloned()),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Rules: `globalClusterExists`, `switchNotRunning`, `targetIsSecondary`, `clustersAvailable` (per
/// region), `membersSynchronized` (per secondary), `engineVersionsMatch`, `targetHasInstance`,
/// `replicationLag`.
pub async fn checks(ctx: &Context, t: &DatabaseTarget<'_>) -> Result<Vec<Check>> {
    let id = t.global_cluster_identifier;
    // Asked in the target's region: when the writer's region is down, that is the one that answers.
    let home = t.target_region.unwrap_or(&t.regions.primary);
    let Some(global) = describe_global(ctx, home, id).await? else {
        return Ok(vec![Check::fail(
            "globalClusterExists",
            None,
            format!("no global cluster {id} (described in {home})"),
        )]);
    };
    let members = Member::all(&global);
    let writer = members.iter().find(|m| m.is_writer);
    let target_region = t.target_region.map(str::to_string).or_else(|| {
        members
            .iter()
            .find(|m| !m.is_writer)
            .map(|m| m.region.clone())
    });
    let mut checks = vec![Check::pass(
        "globalClusterExists",
        None,
        format!(
            "global cluster {id}: {} member(s), writer in {}",
            members.len(),
            writer.map_or("no region", |w| w.region.as_str())
        ),
    )];
    checks.push(switch_not_running(&global));
    let target = target_region
        .as_deref()
        .and_then(|r| members.iter().find(|m| m.region == r));
    checks.push(match (target, target_region.as_deref()) {
        (Some(m), _) if m.is_writer => Check::fail(
            "targetIsSecondary",
            Some(&m.region),
            format!("{} is already the writer", m.cluster_id),
        ),
        (Some(m), _) => Check::pass(
            "targetIsSecondary",
            Some(&m.region),
            format!("{} is a secondary of {id}", m.cluster_id),
        ),
        (None, Some(region)) => Check::fail(
            "targetIsSecondary",
            Some(region),
            format!("{id} has no member in {region}"),
        ),
        (None, None) => Check::fail(
            "targetIsSecondary",
            None,
            format!("{id} has no secondary to switch to"),
        ),
    });

    // A region that does not answer is a failed rule, not an error: that is what an SRE must see.
    let described =
        futures::future::join_all(members.iter().map(|m| describe_member(ctx, m))).await;
    let mut clusters = Vec::new();
    for (member, cluster) in members.iter().zip(described) {
        match cluster {
            Ok(c) => {
                checks.push(available(member, c.as_ref()));
                clusters.push(c);
            }
            Err(e) => {
                checks.push(Check::fail(
                    "clustersAvailable",
                    Some(&member.region),
                    format!("{} could not be described: {e}", member.cluster_id),
                ));
                clusters.push(None);
            }
        }
        if !member.is_writer {
            checks.push(synchronized(member));
        }
    }
    checks.push(engine_versions(&members, &clusters));
    if let Some(target) = target.filter(|m| !m.is_writer) {
        let cluster = members
            .iter()
            .position(|m| m.arn == target.arn)
            .and_then(|i| clusters[i].as_ref());
        checks.push(has_instance(target, cluster));
        checks.push(lag(ctx, target, t.max_lag).await);
    }
    Ok(checks)
}

fn switch_not_running(global: &GlobalCluster) -> Check {
    match global.failover_state() {
        Some(state) if state.status().is_some() => Check::fail(
            "switchNotRunning",
            None,
            format!(
                "a switchover or failover is already {} (from {} to {})",
                state.status().map(|s| s.as_str()).unwrap_or_default(),
                state.from_db_cluster_arn().unwrap_or("?"),
                state.to_db_cluster_arn().unwrap_or("?")
            ),
        ),
        _ => Check::pass(
            "switchNotRunning",
            None,
            format!(
                "the global cluster is {}",
                global.status().unwrap_or("of unknown status")
            ),
        ),
    }
}

fn available(member: &Member, cluster: Option<&DbCluster>) -> Check {
    let region = Some(member.region.as_str());
    match cluster.and_then(|c| c.status()) {
        Some("available") => Check::pass(
            "clustersAvailable",
            region,
            format!("{} is available", member.cluster_id),
        ),
        Some(status) => Check::fail(
            "clustersAvailable",
            region,
            format!(
                "{} is {status}; a switchover needs every member available",
                member.cluster_id
            ),
        ),
        None => Check::fail(
            "clustersAvailable",
            region,
            format!("{} was not found in {}", member.cluster_id, member.region),
        ),
    }
}

fn synchronized(member: &Member) -> Check {
    let region = Some(member.region.as_str());
    match member.synchronization.as_deref() {
        Some("connected") | None => Check::pass(
            "membersSynchronized",
            region,
            format!(
                "{} replicates from the writer (connected)",
                member.cluster_id
            ),
        ),
        Some(status) => Check::fail(
            "membersSynchronized",
            region,
            format!(
                "{} is {status}: it is not replicating from the writer yet",
                member.cluster_id
            ),
        ),
    }
}

/// Switchover needs the same major and minor version everywhere; a patch difference is allowed for
/// some versions only, so it passes with a note.
fn engine_versions(members: &[Member], clusters: &[Option<DbCluster>]) -> Check {
    let versions: Vec<(String, String)> = members
        .iter()
        .zip(clusters)
        .filter_map(|(m, c)| {
            let v = c.as_ref()?.engine_version()?;
            Some((m.region.clone(), v.to_string()))
        })
        .collect();
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    let listed = versions
        .iter()
        .map(|(r, v)| format!("{v} in {r}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some((_, first)) = versions.first() else {
        return Check::fail(
            "engineVersionsMatch",
            None,
            "no member reported an engine version",
        );
    };
    if versions.iter().any(|(_, v)| minor(v) != minor(first)) {
        Check::fail(
            "engineVersionsMatch",
            None,
            format!("engine versions differ ({listed}); upgrade the secondaries to the writer's minor version first"),
        )
    } else if versions.iter().any(|(_, v)| v != first) {
        Check::pass(
            "engineVersionsMatch",
            None,
            format!("same minor version, patch levels differ ({listed}); AWS accepts this only for some versions"),
        )
    } else {
        Check::pass(
            "engineVersionsMatch",
            None,
            format!("every member runs {first}"),
        )
    }
}

fn has_instance(target: &Member, cluster: Option<&DbCluster>) -> Check {
    let region = Some(target.region.as_str());
    let count = cluster.map_or(0, |c| c.db_cluster_members().len());
    if count > 0 {
        Check::pass(
            "targetHasInstance",
            region,
            format!("{} has {count} instance(s)", target.cluster_id),
        )
    } else {
        Check::fail(
            "targetHasInstance",
            region,
            format!(
                "{} has no instance (headless): add one (instanceCount) before switching to it",
                target.cluster_id
            ),
        )
    }
}

/// The newest lag data point of the target. A missing metric does not block: a switchover waits for
/// full synchronization anyway (RPO 0); lag only tells how long writes pause.
async fn lag(ctx: &Context, target: &Member, max: Duration) -> Check {
    let region = Some(target.region.as_str());
    match newest_lag(ctx, target).await {
        Ok(Some((metric, ms))) if ms <= max.as_secs_f64() * 1000.0 => Check::pass(
            "replicationLag",
            region,
            format!(
                "{metric} is {:.1} s (at most {} s allowed)",
                ms / 1000.0,
                max.as_secs_f64()
            ),
        ),
        Ok(Some((metric, ms))) => Check::fail(
            "replicationLag",
            region,
            format!(
                "{metric} is {:.1} s, over the {} s allowed (maxReplicationLagSeconds); writes would pause that long",
                ms / 1000.0,
                max.as_secs_f64()
            ),
        ),
        Ok(None) => Check::pass(
            "replicationLag",
            region,
            format!(
                "not measured: no {} data for {} in the last {} minutes",
                LAG_METRICS.join(" or "),
                target.cluster_id,
                LAG_WINDOW.as_secs() / 60
            ),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "reading replication lag");
            Check::pass(
                "replicationLag",
                region,
                format!("not measured: {e}"),
            )
        }
    }
}

async fn newest_lag(ctx: &Context, target: &Member) -> Result<Option<(&'static str, f64)>> {
    let client = ctx.aws().await.cloudwatch(&target.region);
    let now = SystemTime::now();
    let queries = LAG_METRICS.iter().enumerate().map(|(i, name)| {
        MetricDataQuery::builder()
            .id(format!("lag{i}"))
            .metric_stat(
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("AWS/RDS")
                            .metric_name(*name)
                            .dimensions(
                                Dimension::builder()
                                    .name("DBClusterIdentifier")
                                    .value(&target.cluster_id)
                                    .build(),
                            )
                            .build(),
                    )
                    .period(60)
                    .stat("Maximum")
                    .build(),
            )
            .return_data(true)
            .build()
    });
    let out = ctx
        .call("reading replication lag", async {
            client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.collect()))
                .start_time(DateTime::from(now - LAG_WINDOW))
                // A minute ahead: a data point from this very second still falls inside.
                .end_time(DateTime::from(now + Duration::from_secs(60)))
                .send()
                .await
                .map_err(|e| aws(&target.region, "GetMetricData", e))
        })
        .await?;
    for (i, name) in LAG_METRICS.iter().enumerate() {
        let id = format!("lag{i}");
        let Some(result) = out
            .metric_data_results()
            .iter()
            .find(|r| r.id() == Some(&id))
        else {
            continue;
        };
        let newest = result
            .timestamps()
            .iter()
            .zip(result.values())
            .max_by_key(|(t, _)| t.secs())
            .map(|(_, v)| *v);
        if let Some(ms) = newest {
            return Ok(Some((name, ms)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::types::GlobalClusterMemberSynchronizationStatus as Sync;

    fn member(arn: &str, writer: bool) -> GlobalClusterMember {
        GlobalClusterMember::builder()
            .db_cluster_arn(arn)
            .is_writer(writer)
            .synchronization_status(Sync::Connected)
            .build()
    }

    #[test]
    fn members_read_region_and_identifier_from_the_arn() {
        let m = Member::from_aws(&member(
            "arn:aws:rds:us-west-2:123456789012:cluster:payments-us-west-2",
            false,
        ))
        .unwrap();
        assert_eq!(m.region, "us-west-2");
        assert_eq!(m.cluster_id, "payments-us-west-2");
        assert_eq!(m.synchronization.as_deref(), Some("connected"));
        assert!(Member::from_aws(&member("not-an-arn", true)).is_none());
    }

    fn cluster(version: &str, instances: usize) -> Option<DbCluster> {
        let mut b = DbCluster::builder()
            .engine_version(version)
            .status("available");
        for i in 0..instances {
            b = b.db_cluster_members(
                aws_sdk_rds::types::DbClusterMember::builder()
                    .db_instance_identifier(format!("i{i}"))
                    .build(),
            );
        }
        Some(b.build())
    }

    fn pair() -> Vec<Member> {
        ["us-east-1", "us-west-2"]
            .iter()
            .enumerate()
            .map(|(i, r)| Member {
                region: r.to_string(),
                cluster_id: format!("c-{r}"),
                arn: format!("arn:aws:rds:{r}:1:cluster:c-{r}"),
                is_writer: i == 0,
                synchronization: Some("connected".into()),
            })
            .collect()
    }

    #[test]
    fn engine_versions_compare_major_and_minor() {
        let m = pair();
        assert!(engine_versions(&m, &[cluster("15.4", 1), cluster("15.4", 1)]).passed);
        let patch = engine_versions(
            &m,
            &[
                cluster("8.0.mysql_aurora.3.05.2", 1),
                cluster("8.0.mysql_aurora.3.05.1", 1),
            ],
        );
        assert!(patch.passed && patch.reason.contains("patch"), "{patch}");
        let minor = engine_versions(&m, &[cluster("15.4", 1), cluster("15.3", 1)]);
        assert!(
            !minor.passed && minor.reason.contains("15.3 in us-west-2"),
            "{minor}"
        );
    }

    #[test]
    fn a_headless_or_unsynchronized_target_fails_with_the_way_out() {
        let m = pair();
        let headless = has_instance(&m[1], cluster("15.4", 0).as_ref());
        assert!(
            !headless.passed && headless.reason.contains("instanceCount"),
            "{headless}"
        );
        assert!(has_instance(&m[1], cluster("15.4", 2).as_ref()).passed);
        let mut resync = m[1].clone();
        resync.synchronization = Some("pending-resync".into());
        let check = synchronized(&resync);
        assert!(
            !check.passed && check.reason.contains("pending-resync"),
            "{check}"
        );
        assert_eq!(check.region.as_deref(), Some("us-west-2"));
    }
}
