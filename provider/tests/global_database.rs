//! GlobalDatabase against the AWS emulator, both regions checked after each step.

mod common;

use common::database::{checked, clusters_in, news, str_at};
use dr_test_support::{Emulator, Fault, Latency};
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::Context;
use multiregion_dr::error::ResourceError;
use multiregion_dr::resources::global_database::GlobalDatabase;
use multiregion_dr::resources::{CheckRequest, DiffRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::json;

const P: &str = "us-east-1";
const S: &str = "us-east-2";

fn ctx(emu: &Emulator) -> Context {
    common::context(common::config(emu, 3))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn create_read_update_delete_in_both_regions() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({"secondary": {"instanceCount": 1}})));

    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();
    assert_eq!(created.id, "orders");
    assert_eq!(str_at(&created.outputs, &["writerRegion"]), P);
    assert_eq!(
        str_at(&created.outputs, &["primaryCluster", "clusterIdentifier"]),
        "orders-us-east-1"
    );
    for region in [P, S] {
        let clusters = clusters_in(&emu, region).await;
        assert_eq!(clusters.len(), 1, "one cluster in {region}");
        assert_eq!(clusters[0].global_cluster_identifier(), Some("orders"));
        assert_eq!(clusters[0].db_cluster_members().len(), 1, "{region}");
    }
    // The secondary never got credentials or a database name.
    let calls = emu.calls().await;
    assert!(calls
        .iter()
        .any(|c| c.operation == "CreateDBCluster" && c.region == S));

    let read = GlobalDatabase
        .read(&c, "orders", &created.outputs, &inputs)
        .await
        .unwrap()
        .expect("exists");
    let diff = GlobalDatabase
        .diff(DiffRequest {
            id: "orders",
            olds: &read.outputs,
            news: &inputs,
            old_inputs: Some(&read.inputs),
        })
        .unwrap();
    assert!(!diff.has_changes(), "refresh shows no drift: {diff:?}");

    let updated_inputs = checked(
        &c,
        &news(
            json!({"secondary": {"instanceCount": 2}, "backupRetentionPeriod": 14, "tags": {"team": "ledger"}}),
        ),
    );
    let diff = GlobalDatabase
        .diff(DiffRequest {
            id: "orders",
            olds: &created.outputs,
            news: &updated_inputs,
            old_inputs: Some(&inputs),
        })
        .unwrap();
    assert!(diff.has_changes() && !diff.replaces(), "{diff:?}");
    let outputs = GlobalDatabase
        .update(&c, "orders", &created.outputs, &updated_inputs)
        .await
        .unwrap();
    let secondary = clusters_in(&emu, S).await;
    assert_eq!(secondary[0].db_cluster_members().len(), 2);
    assert_eq!(secondary[0].backup_retention_period(), Some(14));
    assert_eq!(
        clusters_in(&emu, P).await[0].backup_retention_period(),
        Some(14)
    );

    GlobalDatabase.delete(&c, "orders", &outputs).await.unwrap();
    for region in [P, S] {
        assert!(
            clusters_in(&emu, region).await.is_empty(),
            "{region} is empty"
        );
    }
    let inventory = emu.inventory().await.to_string();
    assert!(!inventory.contains("orders"), "nothing left: {inventory}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn preview_makes_no_aws_call() {
    let emu = Emulator::start().await;
    let c = ctx(&emu).with_preview(true);
    let inputs = checked(&c, &news(json!({})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();
    assert!(created
        .outputs
        .get("globalClusterArn")
        .unwrap()
        .is_unknown());
    assert!(created.outputs.get("masterPassword").unwrap().is_secret());
    assert!(emu.calls().await.is_empty(), "preview called AWS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failure_in_the_secondary_is_a_partial_failure_that_the_next_up_completes() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({})));
    emu.inject_fault(
        Fault::error("rds", "CreateDBCluster", "InternalFailure")
            .region(S)
            .count(10)
            .http_status(500),
    )
    .await;
    let err = GlobalDatabase
        .create(&c, &inputs)
        .await
        .err()
        .expect("must fail");
    let ResourceError::Partial {
        id,
        outputs,
        reasons,
    } = err
    else {
        panic!("a failure after the primary exists must be partial: {err}")
    };
    assert_eq!(id, "orders");
    assert!(
        reasons[0].contains(S) && reasons[0].contains("CreateDBCluster"),
        "{reasons:?}"
    );
    assert!(outputs.get("primaryCluster").is_some());
    assert!(clusters_in(&emu, S).await.is_empty());

    emu.clear_faults().await;
    let outputs = GlobalDatabase
        .update(&c, &id, &outputs, &inputs)
        .await
        .unwrap();
    assert_eq!(clusters_in(&emu, S).await.len(), 1);
    assert_eq!(
        str_at(&outputs, &["secondaryCluster", "status"]),
        "available"
    );

    GlobalDatabase.delete(&c, &id, &outputs).await.unwrap();
    for region in [P, S] {
        assert!(clusters_in(&emu, region).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn primary_instances_and_the_secondary_cluster_are_created_concurrently() {
    let emu = Emulator::start().await;
    emu.set_latency(Latency {
        fixed_ms: 300,
        ..Latency::default()
    })
    .await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();
    let calls = emu.calls().await;
    let find = |op: &str, region: &str| {
        calls
            .iter()
            .find(|c| c.operation == op && c.region == region)
            .unwrap_or_else(|| panic!("no {op} in {region}"))
    };
    let last = |op: &str, region: &str| {
        calls
            .iter()
            .rfind(|c| c.operation == op && c.region == region)
            .unwrap_or_else(|| panic!("no {op} in {region}"))
    };
    // Each region's chain runs beside the other: the primary's instance is asked for while the
    // writer is polled for, and the secondary's cluster before the primary's instance is available.
    let instance = find("CreateDBInstance", P);
    let writer_poll = find("DescribeGlobalClusters", P);
    let secondary = find("CreateDBCluster", S);
    let instance_ready = last("DescribeDBInstances", P);
    assert!(
        instance.start < writer_poll.end.unwrap() && writer_poll.start < instance.end.unwrap(),
        "the primary's instance ({}-{:?}) must be asked for while the writer is polled ({}-{:?})",
        instance.start,
        instance.end,
        writer_poll.start,
        writer_poll.end
    );
    assert!(
        secondary.start < instance_ready.end.unwrap(),
        "the secondary cluster ({}) must be asked for before the primary's instance is seen available ({:?})",
        secondary.start,
        instance_ready.end
    );
    // Nothing is waited for that AWS does not require: no cluster is polled on the way.
    assert!(
        !calls.iter().any(|c| c.operation == "DescribeDBClusters"),
        "{:?}",
        calls.iter().map(|c| &c.operation).collect::<Vec<_>>()
    );
    // Outputs built from the answers on the way are what a read of AWS reports.
    let read = GlobalDatabase
        .read(&c, "orders", &created.outputs, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.outputs.to_plain_json(),
        created.outputs.to_plain_json()
    );
    GlobalDatabase
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_tolerates_pieces_already_gone_and_respects_deletion_protection() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({"secondary": {"instanceCount": 0}})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();

    let mut protected = created.outputs.clone();
    if let Value::Object(o) = &mut protected {
        o.insert("deletionProtection".into(), Value::from(true));
    }
    let err = GlobalDatabase
        .delete(&c, "orders", &protected)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("deletionProtection: false"), "{err}");

    // The secondary is detached and deleted out of band.
    let s = aws_sdk_rds::Client::new(&emu.sdk_config(S).await);
    let arn = str_at(&created.outputs, &["secondaryCluster", "clusterArn"]).to_string();
    s.remove_from_global_cluster()
        .global_cluster_identifier("orders")
        .db_cluster_identifier(&arn)
        .send()
        .await
        .unwrap();
    s.delete_db_cluster()
        .db_cluster_identifier("orders-us-east-2")
        .skip_final_snapshot(true)
        .send()
        .await
        .unwrap();
    GlobalDatabase
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
    assert!(clusters_in(&emu, P).await.is_empty());
    // A second delete of what is gone is fine.
    GlobalDatabase
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_after_an_out_of_band_failover_shows_the_new_writer_and_proposes_nothing_destructive(
) {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();

    let s = aws_sdk_rds::Client::new(&emu.sdk_config(S).await);
    s.failover_global_cluster()
        .global_cluster_identifier("orders")
        .target_db_cluster_identifier(str_at(
            &created.outputs,
            &["secondaryCluster", "clusterArn"],
        ))
        .allow_data_loss(true)
        .send()
        .await
        .unwrap();
    // Wait for the emulator to finish the failover.
    let mut read = None;
    for _ in 0..50 {
        let r = GlobalDatabase
            .read(&c, "orders", &created.outputs, &inputs)
            .await
            .unwrap()
            .unwrap();
        if str_at(&r.outputs, &["writerRegion"]) == S {
            read = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let read = read.expect("refresh shows the secondary as the writer");
    let diff = GlobalDatabase
        .diff(DiffRequest {
            id: "orders",
            olds: &read.outputs,
            news: &inputs,
            old_inputs: Some(&read.inputs),
        })
        .unwrap();
    assert!(
        !diff.replaces(),
        "no replacement because of who writes: {diff:?}"
    );
    // An up with the same program detaches nothing: both clusters stay members.
    let outputs = GlobalDatabase
        .update(&c, "orders", &read.outputs, &inputs)
        .await
        .unwrap();
    assert_eq!(str_at(&outputs, &["writerRegion"]), S);
    for region in [P, S] {
        let clusters = clusters_in(&emu, region).await;
        assert_eq!(
            clusters[0].global_cluster_identifier(),
            Some("orders"),
            "{region}"
        );
    }
    assert!(!emu
        .calls()
        .await
        .iter()
        .any(|c| c.operation == "RemoveFromGlobalCluster"));

    // Import by identifier reads both regions; the writer's region becomes primaryRegion.
    let imported = GlobalDatabase
        .read(&c, "orders", &Value::Null, &Value::Null)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(str_at(&imported.inputs, &["engine"]), "aurora-postgresql");
    assert_eq!(str_at(&imported.inputs, &["primaryRegion"]), S);

    GlobalDatabase.delete(&c, "orders", &outputs).await.unwrap();
    for region in [P, S] {
        assert!(clusters_in(&emu, region).await.is_empty());
    }
}

fn check_with(cfg: &ProviderConfig, inputs: &Value) -> multiregion_dr::resources::CheckResult {
    GlobalDatabase.check(CheckRequest {
        urn: "urn:x",
        name: "orders",
        olds: &Value::Null,
        news: inputs,
        random_seed: b"s",
        config: cfg,
    })
}

#[test]
fn check_rules_name_the_property() {
    let cfg = ProviderConfig::default();
    let cases: &[(serde_json::Value, &str)] = &[
        (json!({"engine": "mysql"}), "engine"),
        (json!({"engineVersion": "sixteen"}), "engineVersion"),
        (
            json!({"engine": "aurora-mysql", "engineVersion": "16.4"}),
            "engineVersion",
        ),
        (json!({"instanceClass": "r6g.large"}), "instanceClass"),
        (json!({"instanceClass": "db.serverless"}), "instanceClass"),
        (
            json!({"serverlessV2": {"minCapacity": 0.5, "maxCapacity": 300}}),
            "serverlessV2.maxCapacity",
        ),
        (
            json!({"instanceClass": null, "serverlessV2": {"minCapacity": 8, "maxCapacity": 4}}),
            "serverlessV2.maxCapacity",
        ),
        (
            json!({"instanceClass": null, "serverlessV2": {"minCapacity": 0.3, "maxCapacity": 4}}),
            "serverlessV2.minCapacity",
        ),
        (
            json!({"globalClusterIdentifier": "1orders"}),
            "globalClusterIdentifier",
        ),
        (
            json!({"globalClusterIdentifier": "or--ders"}),
            "globalClusterIdentifier",
        ),
        (
            json!({"globalClusterIdentifier": "orders-"}),
            "globalClusterIdentifier",
        ),
        (
            json!({"globalClusterIdentifier": "a".repeat(46)}),
            "globalClusterIdentifier",
        ),
        (json!({"masterUsername": "9app"}), "masterUsername"),
        (
            json!({"primary": {"instanceCount": 0}}),
            "primary.instanceCount",
        ),
        (
            json!({"secondary": {"instanceCount": 16}}),
            "secondary.instanceCount",
        ),
        (
            json!({"secondary": {"vpcSecurityGroupIds": ["sg-zz"]}}),
            "secondary.vpcSecurityGroupIds[0]",
        ),
        (json!({"backupRetentionPeriod": 0}), "backupRetentionPeriod"),
        (
            json!({"preferredBackupWindow": "3:00-4:00"}),
            "preferredBackupWindow",
        ),
        (
            json!({"preferredBackupWindow": "03:00-03:10"}),
            "preferredBackupWindow",
        ),
        (json!({"primaryRegion": "us-east-2"}), "secondaryRegion"),
        (json!({"secondaryRegion": "moon-1"}), "secondaryRegion"),
        (json!({"databaseName": "1db"}), "databaseName"),
        (json!({"tags": {"aws:x": "y"}}), "tags.aws:x"),
        (json!({"bogus": 1}), "bogus"),
    ];
    for (extra, prop) in cases {
        let mut inputs = news(extra.clone());
        if let Value::Object(o) = &mut inputs {
            o.retain(|_, v| !v.is_null());
        }
        let r = check_with(&cfg, &inputs);
        assert!(
            r.failures.iter().any(|f| f.property == *prop),
            "{extra} should fail on {prop}, got {:?}",
            r.failures
        );
    }
    for (pw, why) in [
        ("short", "8-128"),
        ("has space1", "space"),
        ("slash/slash", "/"),
        ("quote\"quote", "\""),
        ("at@at@at", "@"),
    ] {
        let mut inputs = news(json!({}));
        if let Value::Object(o) = &mut inputs {
            o.insert("masterPassword".into(), Value::secret(pw.into()));
        }
        let r = check_with(&cfg, &inputs);
        let f = r
            .failures
            .iter()
            .find(|f| f.property == "masterPassword")
            .unwrap_or_else(|| panic!("{pw} must be refused"));
        assert!(f.reason.contains(why), "{}", f.reason);
        assert!(
            !f.reason.contains(pw),
            "a reason must not quote the password"
        );
    }
    let mut missing = news(json!({}));
    if let Value::Object(o) = &mut missing {
        o.remove("masterPassword");
        o.remove("engine");
    }
    let r = check_with(&cfg, &missing);
    let props: Vec<_> = r.failures.iter().map(|f| f.property.as_str()).collect();
    assert!(
        props.contains(&"masterPassword") && props.contains(&"engine"),
        "{props:?}"
    );
}

#[test]
fn replacement_versus_in_place_per_property() {
    let cfg = ProviderConfig::default();
    let base = news(json!({"secondary": {"instanceCount": 1, "kmsKeyId": "k1"}}));
    let cases: &[(serde_json::Value, bool)] = &[
        (json!({"engine": "aurora-mysql"}), true),
        (json!({"globalClusterIdentifier": "other"}), true),
        (json!({"databaseName": "other"}), true),
        (json!({"storageEncrypted": false}), true),
        (json!({"secondaryRegion": "us-west-2"}), true),
        (
            json!({"secondary": {"instanceCount": 1, "kmsKeyId": "k2"}}),
            true,
        ),
        (json!({"instanceClass": "db.r6g.xlarge"}), false),
        (
            json!({"secondary": {"instanceCount": 3, "kmsKeyId": "k1"}}),
            false,
        ),
        (json!({"backupRetentionPeriod": 20}), false),
        (json!({"deletionProtection": true}), false),
        (json!({"tags": {"team": "x"}}), false),
        (json!({"engineVersion": "16.6"}), false),
    ];
    let check = |v: &Value| check_with(&cfg, v).inputs;
    let old = check(&base);
    for (change, replaces) in cases {
        let mut merged = base.to_plain_json();
        merged
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let new = check(&Value::from_json(&merged));
        let d = GlobalDatabase
            .diff(DiffRequest {
                id: "orders",
                olds: &old,
                news: &new,
                old_inputs: Some(&old),
            })
            .unwrap();
        assert!(d.has_changes(), "{change}");
        assert_eq!(d.replaces(), *replaces, "{change}: {d:?}");
    }
}

/// Where AWS wants a cluster available before an instance joins it, or before a secondary follows
/// the primary, the create waits for that cluster and asks again, and still ends whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn create_waits_for_a_cluster_only_when_aws_refuses_to_go_on_without_it() {
    let emu = Emulator::start().await;
    for (op, region) in [("CreateDBInstance", P), ("CreateDBCluster", S)] {
        emu.inject_fault(
            Fault::error("rds", op, "InvalidDBClusterStateFault")
                .region(region)
                .message("the cluster is not available yet"),
        )
        .await;
    }
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();
    let calls = emu.calls().await;
    let ops: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.operation.as_str(), c.region.as_str()))
        .collect();
    let positions = |op: &str, region: &str| -> Vec<usize> {
        ops.iter()
            .enumerate()
            .filter(|(_, o)| **o == (op, region))
            .map(|(i, _)| i)
            .collect()
    };
    // The instance: refused, the primary's cluster polled, asked again.
    let instance = positions("CreateDBInstance", P);
    assert_eq!(instance.len(), 2, "{ops:?}");
    // The secondary: refused, the primary's cluster polled (its source), asked again.
    let secondary = positions("CreateDBCluster", S);
    assert_eq!(secondary.len(), 2, "{ops:?}");
    let polls = positions("DescribeDBClusters", P);
    for pair in [&instance, &secondary] {
        assert!(
            polls.iter().any(|p| pair[0] < *p && *p < pair[1]),
            "a poll of the primary cluster between the two attempts: {ops:?}"
        );
    }
    assert_eq!(str_at(&created.outputs, &["writerRegion"]), P);
    for (region, key) in [(P, "primaryCluster"), (S, "secondaryCluster")] {
        let clusters = clusters_in(&emu, region).await;
        assert_eq!(clusters.len(), 1, "{region}");
        assert_eq!(clusters[0].db_cluster_members().len(), 1, "{region}");
        assert_eq!(str_at(&created.outputs, &[key, "status"]), "available");
    }
    GlobalDatabase
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
}

/// Delete plans from the state. After a switchover done outside Pulumi the state names the wrong
/// writer; AWS refuses that plan, and the delete reads what AWS holds and finishes. An instance the
/// state does not know is deleted too, so nothing is left behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_from_a_stale_state_reads_aws_and_leaves_nothing() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &news(json!({})));
    let created = GlobalDatabase.create(&c, &inputs).await.unwrap();

    let p = aws_sdk_rds::Client::new(&emu.sdk_config(P).await);
    let s = aws_sdk_rds::Client::new(&emu.sdk_config(S).await);
    p.switchover_global_cluster()
        .global_cluster_identifier("orders")
        .target_db_cluster_identifier(str_at(
            &created.outputs,
            &["secondaryCluster", "clusterArn"],
        ))
        .send()
        .await
        .unwrap();
    s.create_db_instance()
        .db_instance_identifier("orders-us-east-2-extra")
        .db_cluster_identifier("orders-us-east-2")
        .engine("aurora-postgresql")
        .db_instance_class("db.r6g.large")
        .send()
        .await
        .unwrap();
    // The emulator's switchover is instant here; wait until the new writer shows.
    for _ in 0..50 {
        let g = p
            .describe_global_clusters()
            .global_cluster_identifier("orders")
            .send()
            .await
            .unwrap();
        let writer_in_s = g.global_clusters()[0]
            .global_cluster_members()
            .iter()
            .any(|m| m.is_writer() == Some(true) && m.db_cluster_arn().unwrap_or("").contains(S));
        if writer_in_s {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    emu.clear_calls().await;

    GlobalDatabase
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
    let calls = emu.calls().await;
    assert!(
        calls
            .iter()
            .any(|c| c.operation == "DescribeGlobalClusters"),
        "the refused plan sent the delete to read AWS"
    );
    for region in [P, S] {
        assert!(clusters_in(&emu, region).await.is_empty(), "{region}");
        let instances = aws_sdk_rds::Client::new(&emu.sdk_config(region).await)
            .describe_db_instances()
            .send()
            .await
            .unwrap();
        assert!(
            instances
                .db_instances()
                .iter()
                .all(|i| i.db_instance_status() == Some("deleting")),
            "{region}: {:?}",
            instances.db_instances()
        );
    }
    let globals = p.describe_global_clusters().send().await.unwrap();
    assert!(globals.global_clusters().is_empty());
}
