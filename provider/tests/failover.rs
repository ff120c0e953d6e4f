//! Failover as code: `activeRegion` moves the writer of a GlobalDatabase against the emulator, with
//! slow transitions and faults: switchover and back, failover with and without allowDataLoss, a
//! preflight refusal per readiness rule, an interruption at each step then resume, and drift.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::database::{checked, news, str_at};
use dr_test_support::{Emulator, Fault};
use multiregion_dr::context::Context;
use multiregion_dr::error::ResourceError;
use multiregion_dr::progress::{LogSink, Reporter, Severity};
use multiregion_dr::resources::global_database::GlobalDatabase;
use multiregion_dr::resources::{DiffRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::json;

const P: &str = "us-east-1";
const S: &str = "us-east-2";

/// Warnings and info lines the provider sends to the engine.
#[derive(Default)]
struct Logged(Mutex<Vec<(Severity, String)>>);

impl LogSink for Logged {
    fn log(&self, severity: Severity, _: &str, message: &str, _ephemeral: bool) {
        self.0.lock().unwrap().push((severity, message.to_string()));
    }
}

impl Logged {
    fn warnings(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(s, _)| *s == Severity::Warning)
            .map(|(_, m)| m.clone())
            .collect()
    }
}

fn ctx(emu: &Emulator, retries: u32) -> (Context, Arc<Logged>) {
    let mut c = common::context(common::config(emu, retries));
    let log = Arc::new(Logged::default());
    c.reporter = Reporter::new(log.clone(), "urn:pulumi:dev::p::GlobalDatabase::orders");
    (c, log)
}

/// A database with an instance on each side, created; returns its checked inputs and state.
async fn created(c: &Context, extra: serde_json::Value) -> (Value, Value) {
    let inputs = checked(c, &news(extra));
    let out = GlobalDatabase.create(c, &inputs).await.unwrap();
    (inputs, out.outputs)
}

fn with(inputs: &Value, changes: serde_json::Value) -> Value {
    let mut obj = inputs.as_object().unwrap().clone();
    for (k, v) in changes.as_object().unwrap() {
        obj.insert(k.clone(), Value::from_json(v));
    }
    Value::Object(obj)
}

fn phases(state: &Value) -> Vec<String> {
    match state.get("lastSwitch").and_then(|r| r.get("phases")) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|p| p.get("name").and_then(Value::as_str).unwrap().to_string())
            .collect(),
        other => panic!("no phases in lastSwitch: {other:?}"),
    }
}

async fn calls_in(emu: &Emulator, operation: &str) -> Vec<String> {
    emu.calls_of("rds", operation)
        .await
        .iter()
        .map(|c| c.region.clone())
        .collect()
}

/// The text of an update that must be refused; a refusal changes nothing and keeps no partial state.
async fn refused_update(c: &Context, olds: &Value, news: &Value) -> String {
    match GlobalDatabase.update(c, "orders", olds, news).await {
        Err(ResourceError::Failed(e)) => e.to_string(),
        other => panic!("a refusal changes nothing and keeps no partial state: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn switchover_and_back_moves_the_writer_and_records_each_phase() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("switching-over", 2.0)]).await;
    let (c, log) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({})).await;
    assert_eq!(str_at(&s1, &["writerRegion"]), P);
    assert!(s1.get("lastSwitch").is_none());

    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let s2 = GlobalDatabase.update(&c, "orders", &s1, &v2).await.unwrap();
    assert_eq!(str_at(&s2, &["writerRegion"]), S);
    assert_eq!(str_at(&s2, &["lastSwitch", "kind"]), "switchover");
    assert_eq!(str_at(&s2, &["lastSwitch", "fromRegion"]), P);
    assert_eq!(str_at(&s2, &["lastSwitch", "toRegion"]), S);
    assert_eq!(phases(&s2), ["preflight", "switchover", "promotion"]);
    let took = s2.get("lastSwitch").unwrap().get("durationSeconds");
    assert!(
        matches!(took, Some(Value::Number(n)) if *n >= 1.5),
        "the 2 s switch is measured: {took:?}"
    );
    // Called in the writer's region, with no data-loss variant anywhere.
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P]);
    assert!(calls_in(&emu, "FailoverGlobalCluster").await.is_empty());
    // The emulator's own view: the old primary stayed a member, as a reader.
    let inv = emu.inventory().await;
    let members = &inv["rds"]["global_clusters"][0]["members"];
    let writer: Vec<_> = members
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["is_writer"] == true)
        .map(|m| m["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(writer, [S], "{inv}");

    let s3 = GlobalDatabase.update(&c, "orders", &s2, &v1).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), P);
    assert_eq!(str_at(&s3, &["lastSwitch", "toRegion"]), P);
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P, S]);
    assert!(log.warnings().is_empty(), "{:?}", log.warnings());

    GlobalDatabase.delete(&c, "orders", &s3).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failover_with_allow_data_loss_calls_the_target_region_and_names_the_lost_writes() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("failing-over", 1.0), ("resync", 30.0)])
        .await;
    let (c, log) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({})).await;
    // The primary's region is down for RDS: every call there fails.
    emu.inject_fault(Fault::server_error("rds", "").region(P).every())
        .await;
    let v2 = with(
        &v1,
        json!({"activeRegion": "secondary", "allowDataLoss": true}),
    );
    let err = GlobalDatabase
        .update(&c, "orders", &s1, &v2)
        .await
        .expect_err("the state read afterwards cannot reach the primary's region");
    let ResourceError::Partial { outputs: s2, .. } = err else {
        panic!("the failover happened: the state must record it ({err:?})");
    };
    assert_eq!(calls_in(&emu, "FailoverGlobalCluster").await, [S]);
    assert!(calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty());
    assert_eq!(str_at(&s2, &["lastSwitch", "kind"]), "failover");
    assert_eq!(str_at(&s2, &["lastSwitch", "toRegion"]), S);
    assert!(phases(&s2).starts_with(&["failover".to_string(), "promotion".to_string()]));
    assert!(log
        .warnings()
        .iter()
        .any(|w| w.contains("unplanned failover")));

    // The region comes back: the snapshot of the lost writes is found and named.
    emu.clear_faults().await;
    let s3 = GlobalDatabase.update(&c, "orders", &s2, &v2).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    let snapshot = str_at(&s3, &["lastSwitch", "snapshotIdentifier"]);
    assert!(
        snapshot.starts_with("rds:unplanned-global-failover-"),
        "{snapshot}"
    );
    assert_eq!(
        calls_in(&emu, "FailoverGlobalCluster").await,
        [S],
        "not asked twice"
    );

    // Failing back as a switchover is refused while the old primary resynchronizes.
    let v3 = with(&v1, json!({"activeRegion": "primary"}));
    let msg = refused_update(&c, &s3, &v3).await;
    assert!(msg.contains("membersSynchronized (us-east-1)"), "{msg}");
    assert!(msg.contains("pending-resync"), "{msg}");
    assert!(calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_allow_data_loss_a_dead_writer_region_refuses_and_says_how_to_fail_over() {
    let emu = Emulator::start().await;
    let (c, _) = ctx(&emu, 0);
    let (v1, s1) = created(&c, json!({})).await;
    emu.inject_fault(Fault::server_error("rds", "").region(P).every())
        .await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let msg = refused_update(&c, &s1, &v2).await;
    assert!(msg.contains("clustersAvailable (us-east-1)"), "{msg}");
    assert!(msg.contains("allowDataLoss: true"), "{msg}");
    assert!(msg.contains("nothing was changed"), "{msg}");
    assert!(calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty());
    assert!(calls_in(&emu, "FailoverGlobalCluster").await.is_empty());
}

/// Each readiness rule that can stop a switchover, provoked in AWS, refuses it with the rule's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_preflight_refuses_each_rule_with_a_clear_reason() {
    let emu = Emulator::start().await;
    let (c, _) = ctx(&emu, 3);

    // targetHasInstance: a headless secondary.
    let (v1, s1) = created(&c, json!({"secondary": {"instanceCount": 0}})).await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let msg = refused_update(&c, &s1, &v2).await;
    assert!(msg.contains("targetHasInstance (us-east-2)"), "{msg}");
    assert!(msg.contains("headless"), "{msg}");
    GlobalDatabase.delete(&c, "orders", &s1).await.unwrap();

    let (v1, s1) = created(&c, json!({})).await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let secondary_id = str_at(&s1, &["secondaryCluster", "clusterIdentifier"]).to_string();

    // replicationLag: CloudWatch says the secondary is two minutes behind.
    let cw = aws_sdk_cloudwatch::Client::new(&emu.sdk_config(S).await);
    cw.put_metric_data()
        .namespace("AWS/RDS")
        .metric_data(
            aws_sdk_cloudwatch::types::MetricDatum::builder()
                .metric_name("AuroraGlobalDBRPOLag")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("DBClusterIdentifier")
                        .value(&secondary_id)
                        .build(),
                )
                .value(120_000.0)
                .unit(aws_sdk_cloudwatch::types::StandardUnit::Milliseconds)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let msg = refused_update(&c, &s1, &v2).await;
    assert!(msg.contains("replicationLag (us-east-2)"), "{msg}");
    assert!(msg.contains("120.0 s, over the 30 s allowed"), "{msg}");
    // A larger limit lets the same lag through.
    let patient = with(&v2, json!({"maxReplicationLagSeconds": 300}));
    let moved = GlobalDatabase
        .update(&c, "orders", &s1, &patient)
        .await
        .unwrap();
    assert_eq!(str_at(&moved, &["writerRegion"]), S);
    let lag = moved.get("lastSwitch").unwrap();
    assert_eq!(str_at(lag, &["kind"]), "switchover");

    // engineVersionsMatch: the reader (now us-east-1) upgraded outside Pulumi.
    let rds_p = emu.rds(P).await;
    rds_p
        .modify_db_cluster()
        .db_cluster_identifier(str_at(&s1, &["primaryCluster", "clusterIdentifier"]))
        .engine_version("16.6")
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let back = with(&patient, json!({"activeRegion": "primary"}));
    let msg = refused_update(&c, &moved, &back).await;
    assert!(msg.contains("engineVersionsMatch"), "{msg}");
    assert!(msg.contains("16.6 in us-east-1"), "{msg}");

    // clustersAvailable: a member busy modifying.
    rds_p
        .modify_db_cluster()
        .db_cluster_identifier(str_at(&s1, &["primaryCluster", "clusterIdentifier"]))
        .engine_version("16.4")
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    emu.set_lifecycle("rds", &[("modifying", 30.0)]).await;
    emu.rds(S)
        .await
        .modify_db_cluster()
        .db_cluster_identifier(&secondary_id)
        .backup_retention_period(9)
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let msg = refused_update(&c, &moved, &back).await;
    assert!(msg.contains("clustersAvailable (us-east-2)"), "{msg}");
    assert!(msg.contains("is modifying"), "{msg}");
    assert!(
        calls_in(&emu, "SwitchoverGlobalCluster").await.len() == 1,
        "only the one allowed switchover was asked for"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_switchover_call_is_resumed_by_the_next_up() {
    let emu = Emulator::start().await;
    let (c, _) = ctx(&emu, 0);
    let (v1, s1) = created(&c, json!({})).await;
    emu.inject_fault(Fault::server_error("rds", "SwitchoverGlobalCluster").count(1))
        .await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let err = GlobalDatabase
        .update(&c, "orders", &s1, &v2)
        .await
        .unwrap_err();
    let ResourceError::Partial { outputs: s2, .. } = err else {
        panic!("the call may have gone through: the record must be kept ({err:?})");
    };
    assert_eq!(
        s2.get("lastSwitch").unwrap().get("completed"),
        Some(&Value::Bool(false))
    );
    assert_eq!(str_at(&s2, &["writerRegion"]), P);
    // The engine's next up: the inputs already say secondary; the unfinished record resumes it.
    let s3 = GlobalDatabase.update(&c, "orders", &s2, &v2).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    assert_eq!(
        s3.get("lastSwitch").unwrap().get("completed"),
        Some(&Value::Bool(true))
    );
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P, P]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_switchover_whose_answer_was_lost_is_not_asked_twice() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("switching-over", 2.0)]).await;
    let (c, _) = ctx(&emu, 0);
    let (v1, s1) = created(&c, json!({})).await;
    // AWS did it, the client never heard.
    emu.inject_fault(
        Fault::server_error("rds", "SwitchoverGlobalCluster")
            .count(1)
            .after(),
    )
    .await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let Err(ResourceError::Partial { outputs: s2, .. }) =
        GlobalDatabase.update(&c, "orders", &s1, &v2).await
    else {
        panic!("expected a partial failure");
    };
    let s3 = GlobalDatabase.update(&c, "orders", &s2, &v2).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    // The second up saw the switch running (or done) in AWS and only waited for it.
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P]);
    assert_eq!(phases(&s3).last().map(String::as_str), Some("promotion"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_timeout_while_promoting_resumes_without_a_second_call() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("switching-over", 4.0)]).await;
    let (c, _) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({})).await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let short = c.clone().with_timeout(1.5);
    let err = GlobalDatabase
        .update(&short, "orders", &s1, &v2)
        .await
        .unwrap_err();
    let ResourceError::Partial {
        outputs: s2,
        reasons,
        ..
    } = err
    else {
        panic!("expected a partial failure, got {err:?}");
    };
    assert!(reasons.join(" ").contains("timed out"), "{reasons:?}");
    let s3 = GlobalDatabase.update(&c, "orders", &s2, &v2).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P]);
    // One record across both ups: it started before the timeout and ended after it.
    assert_eq!(
        str_at(&s3, &["lastSwitch", "startedAt"]),
        str_at(&s2, &["lastSwitch", "startedAt"])
    );
}

/// The plugin killed mid-switch leaves the engine with the old state: the next up, from the same
/// olds, finds the switch running in AWS and waits for it instead of asking again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_up_killed_mid_switch_resumes_from_what_aws_shows() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("switching-over", 3.0)]).await;
    let (c, _) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({})).await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let (c2, s1b, v2b) = (c.clone(), s1.clone(), v2.clone());
    let running =
        tokio::spawn(async move { GlobalDatabase.update(&c2, "orders", &s1b, &v2b).await });
    for _ in 0..100 {
        if !calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.abort();
    assert!(running.await.unwrap_err().is_cancelled());
    let s3 = GlobalDatabase.update(&c, "orders", &s1, &v2).await.unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    assert_eq!(calls_in(&emu, "SwitchoverGlobalCluster").await, [P]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn drift_after_an_out_of_band_failover_warns_and_never_fails_back() {
    let emu = Emulator::start().await;
    let (c, log) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({})).await;
    emu.rds(S)
        .await
        .failover_global_cluster()
        .global_cluster_identifier("orders")
        .target_db_cluster_identifier(str_at(&s1, &["secondaryCluster", "clusterArn"]))
        .allow_data_loss(true)
        .send()
        .await
        .unwrap();
    let mut refreshed = None;
    for _ in 0..50 {
        let r = GlobalDatabase
            .read(&c, "orders", &s1, &v1)
            .await
            .unwrap()
            .unwrap();
        if str_at(&r.outputs, &["writerRegion"]) == S {
            refreshed = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let r = refreshed.expect("refresh shows the real writer");
    assert_eq!(
        r.inputs.get("activeRegion").and_then(Value::as_str),
        Some("primary"),
        "refresh does not rewrite the declared side"
    );
    let diff = GlobalDatabase
        .diff(DiffRequest {
            id: "orders",
            olds: &r.outputs,
            news: &v1,
            old_inputs: Some(&r.inputs),
        })
        .unwrap();
    assert!(!diff.has_changes(), "{diff:?}");
    assert_eq!(diff.warnings.len(), 1, "{diff:?}");
    assert!(
        diff.warnings[0].contains("writer is in us-east-2"),
        "{diff:?}"
    );
    assert!(diff.warnings[0].contains("activeRegion: \"secondary\""));

    // An up for another reason (tags) warns again and moves nothing.
    let tagged = with(&v1, json!({"tags": {"team": "payments", "tier": "1"}}));
    let s2 = GlobalDatabase
        .update(&c, "orders", &r.outputs, &tagged)
        .await
        .unwrap();
    assert_eq!(str_at(&s2, &["writerRegion"]), S);
    assert!(calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty());
    assert!(log
        .warnings()
        .iter()
        .any(|w| w.contains("nothing will fail back")));

    // Accepting the move: declare the side that writes. No AWS move, no warning.
    let accepted = with(&tagged, json!({"activeRegion": "secondary"}));
    let before = log.warnings().len();
    let s3 = GlobalDatabase
        .update(&c, "orders", &s2, &accepted)
        .await
        .unwrap();
    assert_eq!(str_at(&s3, &["writerRegion"]), S);
    assert_eq!(log.warnings().len(), before);
    assert_eq!(calls_in(&emu, "FailoverGlobalCluster").await.len(), 1);
    assert!(calls_in(&emu, "SwitchoverGlobalCluster").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn preview_of_a_planned_switchover_warns_about_failing_rules_and_writes_nothing() {
    let emu = Emulator::start().await;
    let (c, log) = ctx(&emu, 3);
    let (v1, s1) = created(&c, json!({"secondary": {"instanceCount": 0}})).await;
    emu.clear_calls().await;
    let v2 = with(&v1, json!({"activeRegion": "secondary"}));
    let preview = c.clone().with_preview(true);
    let out = GlobalDatabase
        .update(&preview, "orders", &s1, &v2)
        .await
        .unwrap();
    assert!(out.get("lastSwitch").unwrap().is_unknown());
    let warnings = log.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("targetHasInstance") && w.contains("would be refused")),
        "{warnings:?}"
    );
    let writes: Vec<_> = emu
        .calls()
        .await
        .into_iter()
        .filter(|c| !c.operation.starts_with("Describe") && !c.operation.starts_with("Get"))
        .map(|c| c.operation)
        .collect();
    assert!(writes.is_empty(), "preview wrote: {writes:?}");
}
