//! Moving the writer as a declared change of `activeRegion`: a planned switchover (preflight, then
//! SwitchoverGlobalCluster in the writer's region) or, with `allowDataLoss`, an unplanned failover
//! (FailoverGlobalCluster in the target's region). Every phase is timed into a [`SwitchRecord`], and
//! every step starts from what AWS shows, so an interrupted move resumes instead of repeating a call.

use std::time::{Instant, SystemTime};

use aws_sdk_rds::types::GlobalCluster;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::{Deserialize, Serialize};

use super::aurora::{self, Side};
use super::inputs::Inputs;
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::readiness::database::{self as readiness, DatabaseTarget, Member};
use crate::regions::{Regions, Role};
use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Switchover,
    Failover,
}

impl Kind {
    pub fn of(inputs: &Inputs) -> Kind {
        if inputs.allow_data_loss == Some(true) {
            Kind::Failover
        } else {
            Kind::Switchover
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Kind::Switchover => "switchover",
            Kind::Failover => "failover",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    pub name: String,
    pub region: String,
    pub started_at: String,
    pub ended_at: String,
    pub seconds: f64,
}

/// The `lastSwitch` output: what a move did and how long each part of it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchRecord {
    pub kind: String,
    pub from_region: String,
    pub to_region: String,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    pub completed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_identifier: Option<String>,
    #[serde(default)]
    pub phases: Vec<Phase>,
}

impl SwitchRecord {
    /// The record kept in a resource's state, if any.
    pub fn from_state(state: &Value) -> Option<SwitchRecord> {
        state
            .get("lastSwitch")
            .filter(|v| !v.is_null())
            .and_then(|v| v.decode_known().ok())
    }

    pub fn to_value(&self) -> Value {
        Value::from_json(&serde_json::to_value(self).unwrap_or_default())
    }

    fn start(kind: Kind, from: &str, to: &str) -> SwitchRecord {
        SwitchRecord {
            kind: kind.as_str().into(),
            from_region: from.into(),
            to_region: to.into(),
            started_at: now(),
            ended_at: None,
            duration_seconds: None,
            completed: false,
            snapshot_identifier: None,
            phases: Vec::new(),
        }
    }

    fn finish(&mut self) {
        let end = now();
        self.duration_seconds = seconds_between(&self.started_at, &end);
        self.ended_at = Some(end);
        self.completed = true;
    }
}

fn now() -> String {
    DateTime::from(SystemTime::now())
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

fn seconds_between(start: &str, end: &str) -> Option<f64> {
    let parse = |s: &str| DateTime::from_str(s, Format::DateTime).ok();
    let (a, b) = (parse(start)?, parse(end)?);
    Some((b.as_secs_f64() - a.as_secs_f64()).max(0.0))
}

/// Runs one phase and appends its timing to the record, whether it succeeded or not.
async fn timed<T>(
    record: &mut SwitchRecord,
    name: &str,
    region: &str,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let (started_at, clock) = (now(), Instant::now());
    let out = fut.await;
    record.phases.push(Phase {
        name: name.into(),
        region: region.into(),
        started_at,
        ended_at: now(),
        seconds: (clock.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    });
    out
}

/// What an operation should do about the writer.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The writer is where it is declared, and nothing is unfinished.
    Nothing,
    /// The writer moved outside Pulumi and the program did not ask for a move: warn, change nothing.
    Drift { writer: Role, declared: Role },
    /// Move (or go on moving) the writer to `to`.
    Move { kind: Kind, to: Role },
}

/// Decides from the side declared now and before, an unfinished record, and the observed writer.
pub fn decide(
    declared: Role,
    declared_before: Role,
    kind: Kind,
    unfinished_to: Option<&str>,
    regions: &Regions<String>,
    writer: Option<Role>,
    moving: bool,
) -> Decision {
    let unfinished = unfinished_to == Some(regions.get(declared).as_str());
    let asked = declared != declared_before || unfinished;
    match writer {
        // Also when the program just caught up with a move made outside Pulumi: nothing to do.
        Some(w) if w == declared && !moving && !unfinished => Decision::Nothing,
        _ if asked => Decision::Move { kind, to: declared },
        Some(w) if w != declared => Decision::Drift {
            writer: w,
            declared,
        },
        _ => Decision::Nothing,
    }
}

/// The drift warning: the program and AWS disagree, and nothing will fail back on its own.
pub fn drift_message(writer_region: &str, declared: Role, declared_region: &str) -> String {
    format!(
        "the global database's writer is in {writer_region}, but activeRegion is {declared} ({declared_region}): \
         it was moved outside Pulumi (a failover?). Nothing was changed and nothing will fail back on its own. \
         To accept the move, set activeRegion: \"{}\"; to fail back later, accept it first, then set activeRegion: \"{declared}\"",
        declared.other()
    )
}

pub fn is_moving(global: &GlobalCluster) -> bool {
    global.failover_state().and_then(|s| s.status()).is_some()
}

fn member_in<'a>(members: &'a [Member], region: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.region == region)
}

/// Moves the writer to `to`. On failure after AWS was asked to move, the record comes back with the
/// error (`completed: false`) so that the state keeps it and the next up resumes.
pub async fn run(
    ctx: &Context,
    inputs: &Inputs,
    sides: &Regions<Side>,
    kind: Kind,
    to: Role,
    previous: Option<SwitchRecord>,
) -> std::result::Result<SwitchRecord, (ProviderError, Option<SwitchRecord>)> {
    let target = sides.get(to);
    let from = sides.get(to.other());
    let global_id = inputs.global_id();
    let global = aurora::describe_global(ctx, target, global_id)
        .await
        .map_err(|e| (e, previous.clone()))?
        .ok_or_else(|| {
            (
                ProviderError::Refused {
                    what: format!("global cluster {global_id} was not found"),
                    hint: "run `pulumi refresh`, then `pulumi up`".into(),
                },
                previous.clone(),
            )
        })?;
    let members = Member::all(&global);
    let Some(target_member) = member_in(&members, &target.region).cloned() else {
        return Err((
            ProviderError::Refused {
                what: format!(
                    "cannot move the writer to {}: {global_id} has no member there",
                    target.region
                ),
                hint:
                    "run `pulumi up` with the previous activeRegion to restore the topology first"
                        .into(),
            },
            previous,
        ));
    };
    let resumable = previous.filter(|r| !r.completed && r.to_region == target.region);
    let resuming = resumable.is_some();
    let mut record =
        resumable.unwrap_or_else(|| SwitchRecord::start(kind, &from.region, &target.region));
    let moving = is_moving(&global);
    if moving {
        let to_arn = global.failover_state().and_then(|s| s.to_db_cluster_arn());
        if to_arn != Some(target_member.arn.as_str()) {
            return Err((
                ProviderError::Refused {
                    what: format!(
                        "another switchover or failover of {global_id} is running (to {})",
                        to_arn.unwrap_or("an unknown cluster")
                    ),
                    hint: "wait for it to finish, run `pulumi refresh`, then `pulumi up`".into(),
                },
                resuming.then_some(record),
            ));
        }
        ctx.reporter.info(&format!(
            "resuming: the {} to {} is already running in AWS",
            record.kind, target.region
        ));
    } else if !target_member.is_writer {
        if kind == Kind::Switchover {
            let checks = timed(&mut record, "preflight", &target.region, async {
                readiness::checks(
                    ctx,
                    &DatabaseTarget {
                        global_cluster_identifier: global_id,
                        regions: &sides.as_ref().map(|_, s| s.region.clone()),
                        target_region: Some(&target.region),
                        max_lag: inputs.max_lag(),
                    },
                )
                .await
            })
            .await
            .map_err(|e| (e, resuming.then_some(record.clone())))?;
            let failures: Vec<String> = checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| c.to_string())
                .collect();
            if !failures.is_empty() {
                // Nothing was asked of AWS: the state stays as it was, and the next up tries again.
                return Err((refusal(&from.region, &target.region, &failures), None));
            }
        } else {
            ctx.reporter.warn(&format!(
                "unplanned failover of {global_id} to {}: writes not yet replicated from {} are lost (Aurora keeps them in an rds:unplanned-global-failover-* snapshot there)",
                target.region, from.region
            ));
        }
        let call_region = match kind {
            Kind::Switchover => from.region.clone(),
            Kind::Failover => target.region.clone(),
        };
        timed(
            &mut record,
            kind.as_str(),
            &call_region,
            ask_aws(ctx, kind, sides, to, global_id, &target_member.arn),
        )
        .await
        .map_err(|e| (e, Some(record.clone())))?;
    }
    let promoted = timed(&mut record, "promotion", &target.region, async {
        wait_until_writer(ctx, target, global_id, &target_member.arn).await?;
        aurora::wait_cluster_available(ctx, target).await
    })
    .await;
    if let Err(e) = promoted {
        return Err((e, Some(record)));
    }
    record.finish();
    name_lost_writes(ctx, sides, &mut record).await;
    Ok(record)
}

/// After a failover, names the snapshot that holds the writes that were lost. The old writer's
/// region may still be down: then it warns, and a later up (or refresh) looks again.
pub async fn name_lost_writes(ctx: &Context, sides: &Regions<Side>, record: &mut SwitchRecord) {
    if record.kind != Kind::Failover.as_str()
        || !record.completed
        || record.snapshot_identifier.is_some()
    {
        return;
    }
    let Some(old) = Role::BOTH
        .into_iter()
        .map(|r| sides.get(r))
        .find(|s| s.region == record.from_region)
    else {
        return;
    };
    match failover_snapshot(ctx, old).await {
        Ok(Some(id)) => {
            ctx.reporter.warn(&format!(
                "the writes lost in the failover are in snapshot {id} in {}; Aurora keeps it only for the backup retention period: copy it to keep it (aws rds copy-db-cluster-snapshot --region {} --source-db-cluster-snapshot-identifier {id} ...)",
                old.region, old.region
            ));
            record.snapshot_identifier = Some(id);
        }
        Ok(None) => ctx.reporter.warn(&format!(
            "no rds:unplanned-global-failover-* snapshot of {} in {} yet; the next up looks again",
            old.cluster_id, old.region
        )),
        Err(e) => ctx.reporter.warn(&format!(
            "could not look for the failover snapshot in {}: {e}; the next up looks again",
            old.region
        )),
    }
}

fn refusal(from: &str, to: &str, failures: &[String]) -> ProviderError {
    ProviderError::Refused {
        what: format!(
            "switchover from {from} to {to} refused by the preflight; nothing was changed:\n  {}",
            failures.join("\n  ")
        ),
        hint: format!(
            "fix these and run `pulumi up` again; if {from} is down, set allowDataLoss: true for an unplanned failover (writes not yet replicated are lost)"
        ),
    }
}

/// The one call that moves the writer. A retry whose first attempt went through finds the move
/// already running and goes on to wait for it.
async fn ask_aws(
    ctx: &Context,
    kind: Kind,
    sides: &Regions<Side>,
    to: Role,
    global_id: &str,
    target_arn: &str,
) -> Result<()> {
    let res = match kind {
        Kind::Switchover => {
            let side = sides.get(to.other());
            ctx.call("switching the writer over", async {
                side.client
                    .switchover_global_cluster()
                    .global_cluster_identifier(global_id)
                    .target_db_cluster_identifier(target_arn)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws(&side.region, "SwitchoverGlobalCluster", e))
            })
            .await
        }
        Kind::Failover => {
            let side = sides.get(to);
            ctx.call("failing the writer over", async {
                side.client
                    .failover_global_cluster()
                    .global_cluster_identifier(global_id)
                    .target_db_cluster_identifier(target_arn)
                    .allow_data_loss(true)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws(&side.region, "FailoverGlobalCluster", e))
            })
            .await
        }
    };
    match res {
        Err(e) if e.is_code("InvalidGlobalClusterStateFault") => {
            let global = aurora::describe_global(ctx, sides.get(to), global_id).await?;
            let already = global.as_ref().is_some_and(|g| {
                g.failover_state().and_then(|s| s.to_db_cluster_arn()) == Some(target_arn)
                    || Member::all(g)
                        .iter()
                        .any(|m| m.arn == target_arn && m.is_writer)
            });
            if already {
                Ok(())
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Polls from the target's region (in a disaster the only one that answers) until no move is
/// running and the target writes. A FailoverState the SDK does not know (`switching-over`) counts
/// as running.
async fn wait_until_writer(
    ctx: &Context,
    target: &Side,
    global_id: &str,
    target_arn: &str,
) -> Result<()> {
    let phase = format!("waiting for {} to become the writer", target.cluster_id);
    ctx.wait_for(&phase, &target.region, || async {
        let Some(global) = aurora::describe_global(ctx, target, global_id).await? else {
            return Err(ProviderError::Refused {
                what: format!("global cluster {global_id} disappeared during the move"),
                hint: "run `pulumi refresh`".into(),
            });
        };
        let writes = Member::all(&global)
            .iter()
            .any(|m| m.arn == target_arn && m.is_writer);
        Ok((writes && !is_moving(&global)).then_some(()))
    })
    .await
}

/// The newest `rds:unplanned-global-failover-*` snapshot of the old writer's cluster.
async fn failover_snapshot(ctx: &Context, old: &Side) -> Result<Option<String>> {
    let out = ctx
        .call("looking for the failover snapshot", async {
            old.client
                .describe_db_cluster_snapshots()
                .db_cluster_identifier(&old.cluster_id)
                .send()
                .await
                .map_err(|e| aws(&old.region, "DescribeDBClusterSnapshots", e))
        })
        .await?;
    Ok(out
        .db_cluster_snapshots()
        .iter()
        .filter(|s| {
            s.db_cluster_snapshot_identifier()
                .is_some_and(|id| id.starts_with("rds:unplanned-global-failover-"))
        })
        .max_by_key(|s| s.snapshot_create_time().map(|t| t.secs()))
        .and_then(|s| s.db_cluster_snapshot_identifier().map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Regions<String> {
        Regions::new("us-east-1".into(), "us-west-2".into())
    }

    use Role::{Primary as P, Secondary as S};

    #[test]
    fn a_changed_side_moves_the_writer() {
        let d = decide(S, P, Kind::Switchover, None, &regions(), Some(P), false);
        assert_eq!(
            d,
            Decision::Move {
                kind: Kind::Switchover,
                to: S
            }
        );
        let back = decide(P, S, Kind::Switchover, None, &regions(), Some(S), false);
        assert_eq!(
            back,
            Decision::Move {
                kind: Kind::Switchover,
                to: P
            }
        );
    }

    #[test]
    fn a_move_made_outside_pulumi_is_drift_not_a_fail_back() {
        let d = decide(P, P, Kind::Switchover, None, &regions(), Some(S), false);
        assert_eq!(
            d,
            Decision::Drift {
                writer: S,
                declared: P
            }
        );
        let msg = drift_message("us-west-2", P, "us-east-1");
        assert!(msg.contains("activeRegion: \"secondary\""), "{msg}");
    }

    #[test]
    fn an_unfinished_move_resumes_even_when_the_inputs_already_say_so() {
        let d = decide(
            S,
            S,
            Kind::Switchover,
            Some("us-west-2"),
            &regions(),
            Some(P),
            true,
        );
        assert!(matches!(d, Decision::Move { to: S, .. }), "{d:?}");
        // Finished in AWS meanwhile: still a Move, which only waits and completes the record.
        let done = decide(
            S,
            S,
            Kind::Switchover,
            Some("us-west-2"),
            &regions(),
            Some(S),
            false,
        );
        assert!(matches!(done, Decision::Move { to: S, .. }), "{done:?}");
    }

    #[test]
    fn declaring_the_side_that_already_writes_accepts_it() {
        assert_eq!(
            decide(S, P, Kind::Switchover, None, &regions(), Some(S), false),
            Decision::Nothing
        );
    }

    #[test]
    fn nothing_to_do_when_aws_matches() {
        assert_eq!(
            decide(P, P, Kind::Switchover, None, &regions(), Some(P), false),
            Decision::Nothing
        );
        // An unfinished record for the other direction does not make a move.
        assert_eq!(
            decide(
                P,
                P,
                Kind::Failover,
                Some("us-west-2"),
                &regions(),
                Some(P),
                false
            ),
            Decision::Nothing
        );
    }

    #[test]
    fn records_round_trip_and_time_their_phases() {
        let mut r = SwitchRecord::start(Kind::Failover, "us-east-1", "us-west-2");
        r.phases.push(Phase {
            name: "failover".into(),
            region: "us-west-2".into(),
            started_at: r.started_at.clone(),
            ended_at: now(),
            seconds: 0.1,
        });
        r.finish();
        let back = SwitchRecord::from_state(&Value::object([("lastSwitch", r.to_value())]));
        assert_eq!(back.as_ref(), Some(&r));
        assert!(r.completed && r.duration_seconds.unwrap() >= 0.0);
        assert_eq!(
            seconds_between("2026-11-21T10:00:00Z", "2026-11-21T10:01:30.5Z"),
            Some(90.5)
        );
    }
}
