//! A partial failure: the GlobalDatabase's primary exists but its secondary cannot be created.
//! The provider answers with ErrorResourceInitFailed; the engine records the resource (id, outputs,
//! inputs, reasons) and fails the run; the next up diffs it and updates it to completion.

mod common;

use common::Stack;
use dr_test_support::{Emulator, Fault};

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_failure_is_recorded_and_the_next_up_completes_it() {
    let emu = Emulator::start().await;
    let mut stack = Stack::new("python-db", &emu);
    stack
        .config
        .push(("multiregion-dr:maxRetries".into(), "0".into()));
    stack
        .secrets
        .push(("dbPassword".into(), "correct-horse-9".into()));

    emu.inject_fault(
        Fault::error("rds", "CreateDBCluster", "InternalFailure")
            .region("us-east-2")
            .every()
            .http_status(500),
    )
    .await;
    let failed = stack.run("up", &[]).await;
    assert_eq!(failed.code, 1, "{}", failed.describe());
    assert!(
        failed.errors().contains("partially failed"),
        "{}",
        failed.describe()
    );
    let db = failed
        .state_resource("orders")
        .expect("the partly created database is in the state");
    assert_eq!(db["id"], "orders");
    assert!(db["outputs"]["primaryCluster"].is_object(), "{db}");
    assert!(!db["initErrors"].as_array().unwrap().is_empty(), "{db}");
    assert_eq!(db["inputs"]["engine"], "aurora-postgresql");

    emu.clear_faults().await;
    let completed = stack.run("up", &[]).await;
    completed.assert_ok();
    assert_eq!(
        completed.op_of("orders").as_deref(),
        Some("update"),
        "{}",
        completed.describe()
    );
    let db = completed.state_resource("orders").unwrap();
    assert!(db.get("initErrors").is_none(), "{db}");
    assert_eq!(
        db["outputs"]["secondaryCluster"]["status"], "available",
        "{db}"
    );
    assert_eq!(completed.summary["outputs"]["writerRegion"], "us-east-1");

    let destroy = stack.run("destroy", &[]).await;
    destroy.assert_ok();
    let inv = emu.inventory().await;
    assert_eq!(inv["rds"]["clusters"], serde_json::json!([]), "{inv}");
}
