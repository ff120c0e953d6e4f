//! GlobalTable against the AWS emulator: the Resource trait called as the engine would (check, diff,
//! create, read, update, delete), DynamoDB inspected in both regions after each step.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, DeleteReplicationGroupMemberAction, KeySchemaElement,
    KeyType, PointInTimeRecoverySpecification, ReplicationGroupUpdate, ScalarAttributeType,
    TableDescription,
};
use dr_test_support::{Emulator, Fault};
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::Context;
use multiregion_dr::error::ResourceError;
use multiregion_dr::resources::global_table::GlobalTable;
use multiregion_dr::resources::{CheckRequest, CheckResult, DiffRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

const P: &str = "us-east-1";
const S: &str = "us-east-2";
const URN: &str = "urn:pulumi:dev::dr::multiregion-dr:index:GlobalTable::orders";

fn config(emu: &Emulator) -> ProviderConfig {
    ProviderConfig {
        default_tags: BTreeMap::from([("managed-by".to_string(), "multiregion-dr".to_string())]),
        ..common::config(emu, 3)
    }
}

fn ctx(emu: &Emulator) -> Context {
    common::context(config(emu))
}

fn base() -> Json {
    json!({
        "name": "orders",
        "hashKey": "pk",
        "rangeKey": "sk",
        "attributes": [
            {"name": "pk", "type": "S"},
            {"name": "sk", "type": "N"},
            {"name": "customer", "type": "S"},
        ],
        "globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer"}],
        "ttlAttribute": "expiresAt",
        "tags": {"team": "payments"},
    })
}

fn with(patch: Json) -> Json {
    let mut v = base();
    for (k, val) in patch.as_object().unwrap() {
        if val.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = val.clone();
        }
    }
    v
}

fn check_json(cfg: &ProviderConfig, inputs: &Json) -> CheckResult {
    GlobalTable.check(CheckRequest {
        urn: URN,
        name: "orders",
        olds: &Value::Null,
        news: &Value::from_json(inputs),
        random_seed: b"seed",
        config: cfg,
    })
}

fn checked(c: &Context, inputs: &Json) -> Value {
    let r = check_json(&c.config, inputs);
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r.inputs
}

fn diff(olds: &Value, news: &Value, old_inputs: &Value) -> multiregion_dr::diff::Diff {
    GlobalTable
        .diff(DiffRequest {
            id: "orders",
            olds,
            news,
            old_inputs: Some(old_inputs),
        })
        .unwrap()
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

async fn describe(emu: &Emulator, region: &str, name: &str) -> Option<TableDescription> {
    match emu
        .dynamodb(region)
        .await
        .describe_table()
        .table_name(name)
        .send()
        .await
    {
        Ok(out) => out.table,
        Err(e) => {
            let e = e.into_service_error();
            assert!(e.is_resource_not_found_exception(), "{e:?}");
            None
        }
    }
}

async fn point_in_time_recovery(emu: &Emulator, region: &str) -> bool {
    emu.dynamodb(region)
        .await
        .describe_continuous_backups()
        .table_name("orders")
        .send()
        .await
        .unwrap()
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .map(|s| s.as_str() == "ENABLED")
        .unwrap()
}

/// The table's tags as AWS lists them: one value per key. (moto appends a re-tagged key instead of
/// replacing its value; the later entry is the current one, as the provider reads it too.)
async fn tags_in(emu: &Emulator, region: &str, arn: &str) -> Vec<(String, String)> {
    let tags: BTreeMap<String, String> = emu
        .dynamodb(region)
        .await
        .list_tags_of_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.into_iter().collect()
}

/// The tables the emulator holds, as (region, name).
async fn tables(emu: &Emulator) -> Vec<(String, String)> {
    let inv = emu.inventory().await;
    let mut out: Vec<(String, String)> = inv["dynamodb"]["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["region"].as_str().unwrap_or_default().to_string(),
                t["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn one_per_region() -> Vec<(String, String)> {
    vec![(P.into(), "orders".into()), (S.into(), "orders".into())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn create_read_update_delete_in_both_regions() {
    let emu = Emulator::start().await;
    // Replicas take a while, as in AWS: the waits must see CREATING and DELETING.
    emu.set_lifecycle(
        "dynamodb",
        &[("replica-creating", 0.6), ("replica-deleting", 0.6)],
    )
    .await;
    let c = ctx(&emu);
    let inputs = checked(&c, &base());

    let created = GlobalTable.create(&c, &inputs).await.unwrap();
    assert_eq!(created.id, "orders");
    let out = &created.outputs;
    assert_eq!(str_at(out, &["tableName"]), Some("orders"));
    assert_eq!(str_at(out, &["globalTableVersion"]), Some("2019.11.21"));
    for (role, region) in [("primary", P), ("secondary", S)] {
        let arn = str_at(out, &[&format!("{role}TableArn")]).unwrap();
        assert!(
            arn.starts_with(&format!("arn:aws:dynamodb:{region}:")),
            "{arn}"
        );
        assert!(str_at(out, &[&format!("{role}StreamArn")]).is_some_and(|s| s.starts_with(arn)));
        let replica = &[&format!("{role}Replica") as &str];
        assert_eq!(str_at(out, &[replica[0], "region"]), Some(region));
        assert_eq!(str_at(out, &[replica[0], "tableStatus"]), Some("ACTIVE"));
        assert_eq!(str_at(out, &[replica[0], "replicaStatus"]), Some("ACTIVE"));
    }
    for (region, other) in [(P, S), (S, P)] {
        let t = describe(&emu, region, "orders")
            .await
            .expect("a table in each region");
        assert_eq!(t.table_status().unwrap().as_str(), "ACTIVE", "{region}");
        let replicas: Vec<_> = t
            .replicas()
            .iter()
            .map(|r| {
                (
                    r.region_name().unwrap(),
                    r.replica_status().unwrap().as_str(),
                )
            })
            .collect();
        assert_eq!(replicas, [(other, "ACTIVE")], "{region}");
        let stream = t.stream_specification().unwrap();
        assert!(stream.stream_enabled());
        assert_eq!(
            stream.stream_view_type().unwrap().as_str(),
            "NEW_AND_OLD_IMAGES"
        );
        assert_eq!(
            t.global_secondary_indexes()[0].index_name(),
            Some("byCustomer")
        );
        assert!(
            point_in_time_recovery(&emu, region).await,
            "PITR in {region}"
        );
        assert_eq!(
            tags_in(&emu, region, t.table_arn().unwrap()).await,
            [
                ("managed-by".to_string(), "multiregion-dr".to_string()),
                ("team".to_string(), "payments".to_string())
            ],
            "{region}"
        );
    }
    let ttl = emu
        .dynamodb(P)
        .await
        .describe_time_to_live()
        .table_name("orders")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ttl.time_to_live_description().unwrap().attribute_name(),
        Some("expiresAt")
    );

    let read = GlobalTable
        .read(&c, "orders", &created.outputs, &inputs)
        .await
        .unwrap()
        .expect("exists");
    let d = diff(&read.outputs, &inputs, &read.inputs);
    assert!(!d.has_changes(), "refresh shows no drift: {d:?}");
    // Import by table name reads both regions back into inputs that pass Check and match the program.
    let imported = GlobalTable
        .read(&c, "orders", &Value::Null, &Value::Null)
        .await
        .unwrap()
        .expect("importable");
    let again = GlobalTable.check(CheckRequest {
        urn: URN,
        name: "orders",
        olds: &Value::Null,
        news: &imported.inputs,
        random_seed: b"other",
        config: &c.config,
    });
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    let d = diff(&imported.outputs, &inputs, &again.inputs);
    assert!(!d.has_changes(), "the import matches the program: {d:?}");

    // Indexes swapped, settings changed: all in place.
    let changed = checked(
        &c,
        &with(json!({
            "attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}, {"name": "status", "type": "S"}],
            "globalSecondaryIndexes": [{"name": "byStatus", "hashKey": "status", "rangeKey": "sk", "projectionType": "KEYS_ONLY"}],
            "ttlAttribute": "purgeAt",
            "pointInTimeRecovery": false,
            "deletionProtection": true,
            "tags": {"team": "ledger"},
        })),
    );
    let d = diff(&created.outputs, &changed, &inputs);
    assert!(d.has_changes() && !d.replaces(), "{d:?}");
    let updated = GlobalTable
        .update(&c, "orders", &created.outputs, &changed)
        .await
        .unwrap();
    let primary = describe(&emu, P, "orders").await.unwrap();
    let indexes: Vec<_> = primary
        .global_secondary_indexes()
        .iter()
        .map(|i| i.index_name().unwrap())
        .collect();
    assert_eq!(indexes, ["byStatus"]);
    for region in [P, S] {
        let t = describe(&emu, region, "orders").await.unwrap();
        assert_eq!(t.deletion_protection_enabled(), Some(true), "{region}");
        assert!(
            !point_in_time_recovery(&emu, region).await,
            "PITR off in {region}"
        );
        let tags = tags_in(&emu, region, t.table_arn().unwrap()).await;
        assert!(
            tags.contains(&("team".into(), "ledger".into())),
            "{region}: {tags:?}"
        );
        assert!(
            !tags.contains(&("team".into(), "payments".into())),
            "{region}: {tags:?}"
        );
    }
    let ttl = emu
        .dynamodb(P)
        .await
        .describe_time_to_live()
        .table_name("orders")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ttl.time_to_live_description().unwrap().attribute_name(),
        Some("purgeAt")
    );
    let read = GlobalTable
        .read(&c, "orders", &updated, &changed)
        .await
        .unwrap()
        .unwrap();
    let d = diff(&read.outputs, &changed, &read.inputs);
    assert!(!d.has_changes(), "no drift after the update: {d:?}");

    // Deletion protection refuses the delete and names the way out.
    let err = GlobalTable
        .delete(&c, "orders", &updated)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("deletionProtection"), "{err}");
    assert_eq!(tables(&emu).await, one_per_region());
    let unprotected = checked(&c, &with(json!({"deletionProtection": false})));
    let outputs = GlobalTable
        .update(&c, "orders", &updated, &unprotected)
        .await
        .unwrap();
    GlobalTable.delete(&c, "orders", &outputs).await.unwrap();
    for region in [P, S] {
        assert!(describe(&emu, region, "orders").await.is_none(), "{region}");
    }
    assert!(
        tables(&emu).await.is_empty(),
        "nothing left in either region"
    );
    // What is already gone is fine.
    GlobalTable.delete(&c, "orders", &outputs).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_item_written_in_the_primary_appears_in_the_secondary() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let created = GlobalTable.create(&c, &checked(&c, &base())).await.unwrap();
    emu.dynamodb(P)
        .await
        .put_item()
        .table_name("orders")
        .item("pk", AttributeValue::S("order-1".into()))
        .item("sk", AttributeValue::N("1".into()))
        .item("amount", AttributeValue::N("42".into()))
        .send()
        .await
        .unwrap();
    let secondary = emu.dynamodb(S).await;
    let mut found = None;
    for _ in 0..50 {
        let got = secondary
            .get_item()
            .table_name("orders")
            .key("pk", AttributeValue::S("order-1".into()))
            .key("sk", AttributeValue::N("1".into()))
            .send()
            .await
            .unwrap();
        if let Some(item) = got.item {
            found = Some(item);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let item = found.expect("the item reaches the secondary");
    assert_eq!(item["amount"], AttributeValue::N("42".into()));
    GlobalTable
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn preview_makes_no_aws_call() {
    let emu = Emulator::start().await;
    let c = ctx(&emu).with_preview(true);
    let inputs = checked(&c, &base());
    let created = GlobalTable.create(&c, &inputs).await.unwrap();
    assert_eq!(created.id, "orders");
    assert_eq!(str_at(&created.outputs, &["tableName"]), Some("orders"));
    assert!(created.outputs.get("primaryTableArn").unwrap().is_unknown());
    assert!(created
        .outputs
        .get("secondaryReplica")
        .unwrap()
        .is_unknown());
    let changed = checked(&c, &with(json!({"tags": {"team": "x"}})));
    let state = Value::from_json(
        &json!({"tableName": "orders", "primaryTableArn": "arn:aws:dynamodb:us-east-1:1:table/orders"}),
    );
    let updated = GlobalTable
        .update(&c, "orders", &state, &changed)
        .await
        .unwrap();
    assert_eq!(
        str_at(&updated, &["primaryTableArn"]),
        Some("arn:aws:dynamodb:us-east-1:1:table/orders"),
        "preview keeps what the state knows"
    );
    assert!(emu.calls().await.is_empty(), "preview called AWS");
    assert!(tables(&emu).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replica_deleted_out_of_band_shows_on_refresh_and_the_next_up_restores_it() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &base());
    let created = GlobalTable.create(&c, &inputs).await.unwrap();

    emu.dynamodb(P)
        .await
        .update_table()
        .table_name("orders")
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .delete(
                    DeleteReplicationGroupMemberAction::builder()
                        .region_name(S)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(describe(&emu, S, "orders").await.is_none());

    let read = GlobalTable
        .read(&c, "orders", &created.outputs, &inputs)
        .await
        .unwrap()
        .expect("the primary still exists");
    assert!(
        read.outputs.get("secondaryTableArn").is_none(),
        "{:?}",
        read.outputs
    );
    assert!(read.outputs.get("secondaryReplica").is_none());
    assert!(read.outputs.get("globalTableVersion").is_none());
    let d = diff(&read.outputs, &inputs, &read.inputs);
    let changes: Vec<_> = d
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.replace))
        .collect();
    assert_eq!(changes, [("secondaryRegion", false)], "{d:?}");

    let outputs = GlobalTable
        .update(&c, "orders", &read.outputs, &inputs)
        .await
        .unwrap();
    assert_eq!(tables(&emu).await, one_per_region());
    let primary = describe(&emu, P, "orders").await.unwrap();
    assert_eq!(primary.replicas()[0].region_name(), Some(S));
    let secondary = describe(&emu, S, "orders").await.unwrap();
    assert!(point_in_time_recovery(&emu, S).await);
    let tags = tags_in(&emu, S, secondary.table_arn().unwrap()).await;
    assert!(
        tags.contains(&("team".into(), "payments".into())),
        "{tags:?}"
    );
    assert_eq!(
        str_at(&outputs, &["secondaryReplica", "replicaStatus"]),
        Some("ACTIVE")
    );

    // A per-replica setting changed out of band in one region is drift too.
    emu.dynamodb(S)
        .await
        .update_continuous_backups()
        .table_name("orders")
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let read = GlobalTable
        .read(&c, "orders", &outputs, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.inputs.get("pointInTimeRecovery"),
        Some(&Value::from(false))
    );
    assert_eq!(
        read.outputs
            .get("secondaryReplica")
            .and_then(|r| r.get("pointInTimeRecovery")),
        Some(&Value::from(false))
    );
    let d = diff(&read.outputs, &inputs, &read.inputs);
    assert!(d.changed("pointInTimeRecovery") && !d.replaces(), "{d:?}");
    GlobalTable
        .update(&c, "orders", &read.outputs, &inputs)
        .await
        .unwrap();
    assert!(point_in_time_recovery(&emu, S).await);

    GlobalTable.delete(&c, "orders", &outputs).await.unwrap();
    assert!(tables(&emu).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failure_in_the_secondary_is_partial_and_the_next_up_finishes_without_duplicates() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &base());
    emu.inject_fault(
        Fault::server_error("dynamodb", "UpdateContinuousBackups")
            .region(S)
            .every(),
    )
    .await;
    let err = GlobalTable
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
        panic!("a failure after the table exists must be partial: {err}")
    };
    assert_eq!(id, "orders");
    assert!(
        reasons[0].contains(S) && reasons[0].contains("UpdateContinuousBackups"),
        "{reasons:?}"
    );
    assert_eq!(
        outputs
            .get("secondaryReplica")
            .and_then(|r| r.get("pointInTimeRecovery")),
        Some(&Value::from(false))
    );
    assert!(
        point_in_time_recovery(&emu, P).await,
        "the primary went ahead"
    );
    // The engine records the partial state with the inputs as given: the diff still asks for an update.
    let d = diff(&outputs, &inputs, &inputs);
    assert!(d.changed("pointInTimeRecovery") && !d.replaces(), "{d:?}");

    emu.clear_faults().await;
    let outputs = GlobalTable
        .update(&c, &id, &outputs, &inputs)
        .await
        .unwrap();
    assert!(point_in_time_recovery(&emu, S).await);
    assert_eq!(tables(&emu).await, one_per_region());
    assert_eq!(emu.calls_of("dynamodb", "CreateTable").await.len(), 1);
    GlobalTable.delete(&c, &id, &outputs).await.unwrap();
    assert!(tables(&emu).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_timeout_while_waiting_for_the_replica_is_resumed_by_the_next_up() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("dynamodb", &[("replica-creating", 2.5)])
        .await;
    let short = ctx(&emu).with_timeout(1.0);
    let inputs = checked(&short, &base());
    let err = GlobalTable
        .create(&short, &inputs)
        .await
        .err()
        .expect("the replica outlasts the timeout");
    let ResourceError::Partial {
        id,
        outputs,
        reasons,
    } = err
    else {
        panic!("the table exists: partial, not {err}")
    };
    assert!(reasons[0].contains("timed out"), "{reasons:?}");
    let d = diff(&outputs, &inputs, &inputs);
    assert!(
        d.has_changes() && !d.replaces(),
        "the next up must resume: {d:?}"
    );

    let c = ctx(&emu);
    let outputs = GlobalTable
        .update(&c, &id, &outputs, &inputs)
        .await
        .unwrap();
    assert_eq!(
        str_at(&outputs, &["secondaryReplica", "replicaStatus"]),
        Some("ACTIVE")
    );
    assert_eq!(tables(&emu).await, one_per_region());
    let calls = emu.calls().await;
    let count = |op: &str| calls.iter().filter(|c| c.operation == op).count();
    assert_eq!(count("CreateTable"), 1, "one table");
    // The only UpdateTable this program needs is the one that adds the replica.
    assert_eq!(count("UpdateTable"), 1, "one replica");
    assert!(point_in_time_recovery(&emu, S).await);
    GlobalTable.delete(&c, &id, &outputs).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_lost_after_the_table_and_the_replica_were_made_are_not_duplicates() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &base());
    // The calls go through, but the client hears an error and its SDK retries them.
    for op in ["CreateTable", "UpdateTable"] {
        emu.inject_fault(
            Fault::server_error("dynamodb", op)
                .region(P)
                .after()
                .count(1),
        )
        .await;
    }
    let created = GlobalTable.create(&c, &inputs).await.unwrap();
    let injected = emu
        .calls()
        .await
        .into_iter()
        .filter(|c| c.injected.as_deref() == Some("fault"))
        .count();
    assert_eq!(injected, 2, "both lost answers happened");
    assert_eq!(tables(&emu).await, one_per_region());
    assert_eq!(
        emu.calls_of("dynamodb", "CreateTable").await.len(),
        2,
        "the SDK retried"
    );
    assert_eq!(
        str_at(&created.outputs, &["secondaryReplica", "replicaStatus"]),
        Some("ACTIVE")
    );
    // A second Create of the same resource (the engine retrying) finds it instead of failing.
    let again = GlobalTable.create(&c, &inputs).await.unwrap();
    assert_eq!(again.id, created.id);
    assert_eq!(tables(&emu).await, one_per_region());
    GlobalTable
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_name_taken_by_another_table_is_refused_without_touching_it() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    emu.dynamodb(P)
        .await
        .create_table()
        .table_name("orders")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let err = GlobalTable
        .create(&c, &checked(&c, &base()))
        .await
        .err()
        .expect("must fail");
    let ResourceError::Failed(e) = err else {
        panic!("someone else's table must not be recorded as this resource: {err}")
    };
    assert!(
        e.to_string().contains("key schema") && e.to_string().contains(P),
        "{e}"
    );
    assert_eq!(tables(&emu).await, [(P.to_string(), "orders".to_string())]);
    assert!(emu.calls_of("dynamodb", "UpdateTable").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn billing_and_capacity_change_in_place_where_the_table_is() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let inputs = checked(&c, &base());
    let created = GlobalTable.create(&c, &inputs).await.unwrap();
    let provisioned = checked(
        &c,
        &with(json!({
            "billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 7,
            "globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "readCapacity": 2, "writeCapacity": 3}],
        })),
    );
    let d = diff(&created.outputs, &provisioned, &inputs);
    assert!(d.changed("billingMode") && !d.replaces(), "{d:?}");
    let outputs = GlobalTable
        .update(&c, "orders", &created.outputs, &provisioned)
        .await
        .unwrap();
    let t = describe(&emu, P, "orders").await.unwrap();
    assert_eq!(
        t.billing_mode_summary()
            .unwrap()
            .billing_mode()
            .unwrap()
            .as_str(),
        "PROVISIONED"
    );
    let p = t.provisioned_throughput().unwrap();
    assert_eq!(
        (p.read_capacity_units(), p.write_capacity_units()),
        (Some(5), Some(7))
    );
    let i = t.global_secondary_indexes()[0]
        .provisioned_throughput()
        .unwrap();
    assert_eq!(
        (i.read_capacity_units(), i.write_capacity_units()),
        (Some(2), Some(3))
    );
    let read = GlobalTable
        .read(&c, "orders", &outputs, &provisioned)
        .await
        .unwrap()
        .unwrap();
    let d = diff(&read.outputs, &provisioned, &read.inputs);
    assert!(!d.has_changes(), "{d:?}");
    // Back to on demand: the capacities go with it.
    let outputs = GlobalTable
        .update(&c, "orders", &read.outputs, &inputs)
        .await
        .unwrap();
    let t = describe(&emu, P, "orders").await.unwrap();
    assert_eq!(
        t.billing_mode_summary()
            .unwrap()
            .billing_mode()
            .unwrap()
            .as_str(),
        "PAY_PER_REQUEST"
    );
    GlobalTable.delete(&c, "orders", &outputs).await.unwrap();
    assert!(tables(&emu).await.is_empty());
}

#[test]
fn check_rules_name_the_property() {
    let cfg = ProviderConfig::default();
    let cases: &[(Json, &str)] = &[
        (json!({"name": "ab"}), "name"),
        (json!({"name": "orders table"}), "name"),
        (json!({"hashKey": "id"}), "hashKey"),
        (json!({"rangeKey": "pk"}), "rangeKey"),
        (json!({"rangeKey": "missing"}), "rangeKey"),
        (
            json!({"attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}, {"name": "customer", "type": "S"}, {"name": "extra", "type": "S"}]}),
            // the program's fourth attribute, wherever name order puts it
            "attributes[3].name",
        ),
        (
            json!({"attributes": [{"name": "pk", "type": "STRING"}, {"name": "sk", "type": "N"}, {"name": "customer", "type": "S"}]}),
            // positions are the program's, not name order's
            "attributes[0].type",
        ),
        (
            json!({"attributes": [{"name": "pk", "type": "S"}, {"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}, {"name": "customer", "type": "S"}]}),
            "attributes[1].name",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "nobody"}]}),
            "globalSecondaryIndexes[0].hashKey",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "x", "hashKey": "customer"}]}),
            "globalSecondaryIndexes[0].name",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "projectionType": "SOME"}]}),
            "globalSecondaryIndexes[0].projectionType",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "projectionType": "INCLUDE"}]}),
            "globalSecondaryIndexes[0].nonKeyAttributes",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "nonKeyAttributes": ["a"]}]}),
            "globalSecondaryIndexes[0].nonKeyAttributes",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer"}, {"name": "byCustomer", "hashKey": "customer"}]}),
            "globalSecondaryIndexes[1].name",
        ),
        (
            json!({"globalSecondaryIndexes": (0..21).map(|i| json!({"name": format!("index{i}"), "hashKey": "customer"})).collect::<Vec<_>>()}),
            "globalSecondaryIndexes",
        ),
        (json!({"billingMode": "ON_DEMAND"}), "billingMode"),
        (
            json!({"billingMode": "PROVISIONED", "writeCapacity": 5}),
            "readCapacity",
        ),
        (
            json!({"billingMode": "PROVISIONED", "readCapacity": 0, "writeCapacity": 5}),
            "readCapacity",
        ),
        (json!({"readCapacity": 5}), "readCapacity"),
        (
            json!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5}),
            "globalSecondaryIndexes[0].readCapacity",
        ),
        (
            json!({"globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "writeCapacity": 3}]}),
            "globalSecondaryIndexes[0].writeCapacity",
        ),
        (json!({"ttlAttribute": ""}), "ttlAttribute"),
        (json!({"ttlAttribute": "customer"}), "ttlAttribute"),
        (
            json!({"serverSideEncryption": {"primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}}),
            "serverSideEncryption.enabled",
        ),
        (
            json!({"serverSideEncryption": {"enabled": false, "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}}),
            "serverSideEncryption.primaryKmsKeyArn",
        ),
        (
            json!({"serverSideEncryption": {"enabled": true, "secondaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}}),
            "serverSideEncryption.secondaryKmsKeyArn",
        ),
        (
            json!({"serverSideEncryption": {"enabled": true, "primaryKmsKeyArn": "1234abcd-key"}}),
            "serverSideEncryption.primaryKmsKeyArn",
        ),
        (json!({"secondaryRegion": "us-east-1"}), "secondaryRegion"),
        (json!({"primaryRegion": "mars-1"}), "primaryRegion"),
        (json!({"tags": {"aws:owner": "x"}}), "tags.aws:owner"),
        (json!({"streamEnabled": true}), "streamEnabled"),
        (json!({"pointInTimeRecovery": "yes"}), "pointInTimeRecovery"),
    ];
    for (patch, prop) in cases {
        let r = check_json(&cfg, &with(patch.clone()));
        assert!(
            r.failures.iter().any(|f| f.property == *prop),
            "{patch} should fail on {prop}, got {:?}",
            r.failures
        );
    }
    // A valid program passes, and so do a region's own KMS keys.
    let ok = check_json(
        &cfg,
        &with(json!({"serverSideEncryption": {
            "enabled": true,
            "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/a",
            "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:alias/b",
        }})),
    );
    assert!(ok.failures.is_empty(), "{:?}", ok.failures);
    let missing = check_json(&cfg, &json!({}));
    let props: Vec<_> = missing
        .failures
        .iter()
        .map(|f| f.property.as_str())
        .collect();
    assert!(
        props.contains(&"hashKey") && props.contains(&"attributes"),
        "{props:?}"
    );
    // The reason names the rule, not just the property.
    let r = check_json(&cfg, &with(json!({"hashKey": "id"})));
    let f = r.failures.iter().find(|f| f.property == "hashKey").unwrap();
    assert!(
        f.reason.contains("not declared in attributes"),
        "{}",
        f.reason
    );
}

#[test]
fn unknown_values_are_not_judged() {
    let cfg = ProviderConfig::default();
    let mut inputs = Value::from_json(&base());
    if let Value::Object(o) = &mut inputs {
        o.insert(
            "name".into(),
            Value::Unknown(multiregion_dr::value::UnknownKind::String),
        );
        o.insert(
            "attributes".into(),
            Value::Unknown(multiregion_dr::value::UnknownKind::Array),
        );
    }
    let r = GlobalTable.check(CheckRequest {
        urn: URN,
        name: "orders",
        olds: &Value::Null,
        news: &inputs,
        random_seed: b"s",
        config: &cfg,
    });
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(
        r.inputs.get("name").unwrap().is_unknown(),
        "no default replaces an unknown"
    );
}

#[test]
fn replacement_versus_in_place_per_property() {
    let cfg = ProviderConfig::default();
    let old = check_json(&cfg, &base()).inputs;
    let cases: &[(Json, bool)] = &[
        (json!({"name": "orders-v2"}), true),
        (json!({"hashKey": "sk", "rangeKey": "pk"}), true),
        (
            json!({"attributes": [{"name": "pk", "type": "B"}, {"name": "sk", "type": "N"}, {"name": "customer", "type": "S"}]}),
            true,
        ),
        (json!({"primaryRegion": "us-west-2"}), true),
        (json!({"secondaryRegion": "eu-west-1"}), true),
        (
            json!({"attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}, {"name": "customer", "type": "N"}]}),
            false,
        ),
        (
            json!({"globalSecondaryIndexes": null, "attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}]}),
            false,
        ),
        (
            json!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5, "globalSecondaryIndexes": [{"name": "byCustomer", "hashKey": "customer", "readCapacity": 1, "writeCapacity": 1}]}),
            false,
        ),
        (json!({"pointInTimeRecovery": false}), false),
        (json!({"ttlAttribute": null}), false),
        (json!({"serverSideEncryption": {"enabled": true}}), false),
        (json!({"deletionProtection": true}), false),
        (json!({"tags": {"team": "x"}}), false),
    ];
    for (patch, replaces) in cases {
        let r = check_json(&cfg, &with(patch.clone()));
        assert!(r.failures.is_empty(), "{patch}: {:?}", r.failures);
        let d = diff(&old, &r.inputs, &old);
        assert!(d.has_changes(), "{patch}");
        assert_eq!(d.replaces(), *replaces, "{patch}: {d:?}");
    }
    // Reordering attributes or indexes is no change: DynamoDB keeps no order.
    let mut reordered = base();
    reordered["attributes"].as_array_mut().unwrap().reverse();
    let d = diff(&old, &check_json(&cfg, &reordered).inputs, &old);
    assert!(!d.has_changes(), "{d:?}");
}
