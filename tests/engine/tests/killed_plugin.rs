//! The plugin killed in the middle of a create (issue #11): `up` of a program with a GlobalDatabase,
//! a GlobalTable, a ReplicatedBucket and a DnsFailover, the provider process killed (SIGKILL) as soon
//! as each of them has its first create call in the emulator's call log (global cluster, table,
//! health check, bucket), so all four die half way. The engine records nothing for the
//! creates that died. The next `up` must converge with exactly one of each object (the first
//! attempt's objects found and adopted, not duplicated beside new ones), and `destroy` must leave
//! nothing: the real engine draws a new random seed for every Check, so names must not depend on it.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::Stack;
use dr_test_support::{Emulator, Latency};
use serde_json::Value as Json;

fn say(line: impl AsRef<str>) {
    // Straight to the file descriptor: libtest does not capture it, so the figures always show.
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", line.as_ref());
}

/// Children of `parent` whose executable is the provider plugin.
fn plugin_children(parent: u32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid != Some(parent) {
            continue;
        }
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
        if String::from_utf8_lossy(argv0).ends_with("pulumi-resource-multiregion-dr") {
            out.push(pid);
        }
    }
    out
}

/// What a resource of the program made, the fixture zone left out.
fn objects(inv: &Json) -> Vec<String> {
    dr_test_support::inventory::objects(inv, "example.com")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_killed_mid_create_converges_on_the_next_up_without_duplicates() {
    let emu = Emulator::start().await;
    common::hosted_zone(&emu, "example.com").await;
    // Creates take a few seconds, as in AWS, so every resource is half way when the plugin dies:
    // the replica, the record change and each S3 call take their time.
    emu.set_lifecycle("dynamodb", &[("replica-creating", 3.0)])
        .await;
    emu.set_lifecycle("route53", &[("pending", 3.0)]).await;
    emu.set_latency(Latency {
        service: Some("s3".into()),
        fixed_ms: 300,
        ..Latency::default()
    })
    .await;
    let mut stack = Stack::new("python-kill", &emu);

    // The first up, run by hand so the plugin can be killed under it.
    let mut args: Vec<String> = vec![
        "up".into(),
        "--cwd".into(),
        stack.dir.display().to_string(),
        "--stack".into(),
        "dev".into(),
        "--plugin".into(),
        common::plugin().display().to_string(),
        "--python".into(),
        common::python().display().to_string(),
        "--summary".into(),
        stack
            .scratch
            .0
            .join("killed-summary.json")
            .display()
            .to_string(),
    ];
    for (k, v) in &stack.config {
        args.extend(["--config".into(), format!("{k}={v}")]);
    }
    for (k, v) in &stack.secrets {
        args.extend(["--secret-config".into(), format!("{k}={v}")]);
    }
    let started = Instant::now();
    let mut engine = tokio::process::Command::new(env!("CARGO_BIN_EXE_dr-engine"))
        .args(&args)
        .envs(stack.env.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("dr-engine runs");
    let engine_pid = engine.id().expect("a running engine");

    let deadline = Instant::now() + Duration::from_secs(180);
    let mut killed = None;
    while Instant::now() < deadline {
        // Each resource has made its first object: the kill lands in the middle of all three.
        let calls = emu.calls().await;
        let started_all = [
            ("rds", "CreateGlobalCluster"),
            ("dynamodb", "CreateTable"),
            ("route53", "CreateHealthCheck"),
            ("s3", "CreateBucket"),
        ]
        .iter()
        .all(|(service, op)| calls.iter().any(|c| c.is(service, op)));
        if started_all {
            let plugins = plugin_children(engine_pid);
            assert_eq!(plugins.len(), 1, "one plugin process: {plugins:?}");
            // SAFETY: kill(2) of the plugin process our own dr-engine child started.
            let rc = unsafe { libc::kill(plugins[0], libc::SIGKILL) };
            assert_eq!(rc, 0, "kill {}", plugins[0]);
            killed = Some(plugins[0]);
            break;
        }
        if let Ok(Some(status)) = engine.try_wait() {
            panic!("dr-engine exited ({status}) before every resource had started creating");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = killed.expect("every resource's first create call was seen within 3 minutes");
    let writes_before = common::writes(&emu).await;
    let output = tokio::time::timeout(Duration::from_secs(120), engine.wait_with_output())
        .await
        .expect("dr-engine ends after its plugin died")
        .expect("dr-engine output");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the up whose plugin died fails: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let left_by_kill = objects(&emu.inventory().await);
    say(format!(
        "killed plugin {killed} {:.1} s into the first up, after {} write calls ({}); it left {} objects: {left_by_kill:?}",
        started.elapsed().as_secs_f64(),
        writes_before.len(),
        writes_before.join(", "),
        left_by_kill.len()
    ));

    let again = stack.run("up", &[]).await;
    again.assert_ok();
    let after_up = objects(&emu.inventory().await);
    say(format!(
        "second up: steps {:?}; {} objects: {after_up:?}",
        again.steps(),
        after_up.len()
    ));
    let want: std::collections::BTreeMap<String, usize> = [
        ("rds.global_cluster", 1),
        ("rds.cluster@us-east-1", 1),
        ("rds.cluster@us-east-2", 1),
        ("rds.instance@us-east-1", 1),
        ("rds.instance@us-east-2", 1),
        ("dynamodb.table@us-east-1", 1),
        ("dynamodb.table@us-east-2", 1),
        ("s3.bucket@us-east-1", 1),
        ("s3.bucket@us-east-2", 1),
        ("iam.role", 1),
        ("route53.health_check", 2),
        ("route53.record", 2),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_string(), n))
    .collect();
    assert_eq!(
        dr_test_support::inventory::counts(&after_up),
        want,
        "exactly one of each object after the second up: {after_up:#?}"
    );
    // The state names what exists: the table of the state is the table in AWS.
    let table = again.summary["outputs"]["tableName"]
        .as_str()
        .unwrap_or_default();
    assert!(
        after_up.contains(&format!("dynamodb.table@us-east-1 {table}")),
        "{table} in {after_up:?}"
    );

    let quiet = stack.run("up", &["--expect-no-changes"]).await;
    quiet.assert_ok();

    let destroy = stack.run("destroy", &[]).await;
    destroy.assert_ok();
    let inv = emu.inventory().await;
    let left = objects(&inv);
    say(format!(
        "destroy left {} objects (want 0): {left:?}",
        left.len()
    ));
    assert!(left.is_empty(), "orphans after destroy: {left:#?}");
    assert_eq!(
        inv["rds"]["cluster_snapshots"],
        serde_json::json!([]),
        "no backup outlives its cluster"
    );
}
