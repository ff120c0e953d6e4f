//! ReplicatedBucket against the AWS emulator: the Resource trait called as the engine would (check,
//! diff, create, read, update, delete), both regions' buckets and IAM inspected through the
//! emulator's own S3 and IAM clients and its inventory after each step.

use std::collections::BTreeMap;

mod common;

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use dr_test_support::{Emulator, Fault};
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::Context;
use multiregion_dr::error::{ProviderError, ResourceError};
use multiregion_dr::resources::replicated_bucket::inputs::Spec;
use multiregion_dr::resources::replicated_bucket::ReplicatedBucket;
use multiregion_dr::resources::{CheckRequest, DiffRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

const P: &str = "us-east-1";
const S: &str = "us-east-2";
const PRIMARY: &str = "orders-us-east-1";
const SECONDARY: &str = "orders-us-east-2";

fn ctx(emu: &Emulator) -> Context {
    common::context(ProviderConfig {
        default_tags: BTreeMap::from([("managed-by".to_string(), "multiregion-dr".to_string())]),
        ..common::config(emu, 2)
    })
}

fn check(c: &Context, news: Json, olds: &Value) -> multiregion_dr::resources::CheckResult {
    ReplicatedBucket.check(CheckRequest {
        urn: "urn:pulumi:dev::dr::multiregion-dr:index:ReplicatedBucket::orders",
        name: "orders",
        olds,
        news: &Value::from_json(&news),
        random_seed: b"seed",
        config: &c.config,
    })
}

/// Checked inputs: `namePrefix: orders` and `tags.team: payments` unless `patch` says otherwise.
fn inputs(c: &Context, patch: Json) -> Value {
    let mut news = json!({"namePrefix": "orders", "tags": {"team": "payments"}});
    for (k, v) in patch.as_object().unwrap() {
        news[k] = v.clone();
    }
    let r = check(c, news, &Value::Null);
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r.inputs
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string {key} in {v:?}"))
}

/// The buckets S3 has, by name: (region, object versions, versioning, replication rules).
async fn buckets(emu: &Emulator) -> BTreeMap<String, (String, u64, Json, u64)> {
    emu.inventory().await["s3"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap().to_string(),
                (
                    b["region"].as_str().unwrap().to_string(),
                    b["object_versions"].as_u64().unwrap(),
                    b["versioning"].clone(),
                    b["replication_rules"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

/// ARNs of every IAM role in the account.
async fn roles(emu: &Emulator) -> Vec<String> {
    emu.iam()
        .await
        .list_roles()
        .send()
        .await
        .unwrap()
        .roles()
        .iter()
        .map(|r| r.arn().to_string())
        .collect()
}

async fn replication(
    emu: &Emulator,
    region: &str,
    bucket: &str,
) -> Option<aws_sdk_s3::types::ReplicationConfiguration> {
    emu.s3(region)
        .await
        .get_bucket_replication()
        .bucket(bucket)
        .send()
        .await
        .ok()
        .and_then(|o| o.replication_configuration)
}

async fn tags_of(emu: &Emulator, region: &str, bucket: &str) -> BTreeMap<String, String> {
    emu.s3(region)
        .await
        .get_bucket_tagging()
        .bucket(bucket)
        .send()
        .await
        .unwrap()
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

async fn put(emu: &Emulator, region: &str, bucket: &str, key: &str, body: &str) {
    emu.s3(region)
        .await
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.as_bytes().to_vec().into())
        .send()
        .await
        .unwrap();
}

async fn object(emu: &Emulator, region: &str, bucket: &str, key: &str) -> Option<(String, String)> {
    let got = emu
        .s3(region)
        .await
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    let status = got
        .replication_status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let body = got.body.collect().await.unwrap().into_bytes();
    Some((String::from_utf8_lossy(&body).to_string(), status))
}

fn diff(olds: &Value, old_inputs: &Value, news: &Value) -> multiregion_dr::diff::Diff {
    ReplicatedBucket
        .diff(DiffRequest {
            id: "orders",
            olds,
            news,
            old_inputs: Some(old_inputs),
        })
        .unwrap()
}

fn paths(d: &multiregion_dr::diff::Diff) -> Vec<String> {
    d.changes.iter().map(|c| c.path.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn create_read_update_delete_in_both_regions() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));

    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    assert_eq!(created.id, "orders");
    let out = &created.outputs;
    assert_eq!(str_of(out, "primaryBucketName"), PRIMARY);
    assert_eq!(
        str_of(out, "secondaryBucketArn"),
        "arn:aws:s3:::orders-us-east-2"
    );
    assert_eq!(out.get("replicationRoleManaged"), Some(&Value::Bool(true)));
    let role_arn = str_of(out, "replicationRoleArn").to_string();
    assert!(
        role_arn.contains(":role/multiregion-dr/orders-replication-"),
        "{role_arn}"
    );

    let have = buckets(&emu).await;
    assert_eq!(have.len(), 2, "{have:?}");
    assert_eq!(have[PRIMARY].0, P);
    assert_eq!(have[SECONDARY].0, S);
    for (name, region) in [(PRIMARY, P), (SECONDARY, S)] {
        assert_eq!(have[name].2, json!("Enabled"), "{name} versioned");
        let s3 = emu.s3(region).await;
        let enc = s3
            .get_bucket_encryption()
            .bucket(name)
            .send()
            .await
            .unwrap();
        let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
        assert_eq!(
            rule.apply_server_side_encryption_by_default()
                .unwrap()
                .sse_algorithm()
                .as_str(),
            "AES256"
        );
        let pab = s3
            .get_public_access_block()
            .bucket(name)
            .send()
            .await
            .unwrap();
        let pab = pab.public_access_block_configuration().unwrap();
        assert_eq!(pab.block_public_acls(), Some(true));
        assert_eq!(pab.restrict_public_buckets(), Some(true));
        let tags = tags_of(&emu, region, name).await;
        assert_eq!(tags["team"], "payments");
        assert_eq!(tags["managed-by"], "multiregion-dr", "default tags merged");
        assert_eq!(
            tags["multiregion-dr:replicated-bucket"],
            format!("{PRIMARY}/{SECONDARY}")
        );
    }
    // One rule, on the primary, to the secondary, with RTC and its metrics, and delete markers.
    let config = replication(&emu, P, PRIMARY)
        .await
        .expect("a rule on the primary");
    assert_eq!(config.role(), role_arn);
    let rule = &config.rules()[0];
    let dest = rule.destination().unwrap();
    assert_eq!(dest.bucket(), "arn:aws:s3:::orders-us-east-2");
    assert_eq!(
        dest.replication_time().unwrap().time().unwrap().minutes(),
        Some(15)
    );
    assert_eq!(
        dest.metrics().unwrap().event_threshold().unwrap().minutes(),
        Some(15)
    );
    assert_eq!(
        rule.delete_marker_replication()
            .unwrap()
            .status()
            .unwrap()
            .as_str(),
        "Enabled"
    );
    assert!(replication(&emu, S, SECONDARY).await.is_none(), "one-way");
    // The role: trusted by S3, its policy names exactly the two buckets.
    let iam = emu.iam().await;
    let role_name = role_arn.rsplit('/').next().unwrap();
    let policy = iam
        .get_role_policy()
        .role_name(role_name)
        .policy_name("s3-replication")
        .send()
        .await
        .unwrap();
    let doc = urlencoded_json(policy.policy_document());
    let resources: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap())
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        resources,
        [
            "arn:aws:s3:::orders-us-east-1",
            "arn:aws:s3:::orders-us-east-1/*",
            "arn:aws:s3:::orders-us-east-2/*"
        ]
    );

    // Refresh: nothing drifted.
    let read = ReplicatedBucket
        .read(&c, "orders", out, &v1)
        .await
        .unwrap()
        .expect("exists");
    assert_eq!(
        &read.outputs, out,
        "a read right after create sees what create saw"
    );
    assert!(!diff(&read.outputs, &read.inputs, &v1).has_changes());

    // Diff rules through the resource: the prefix replaces, the rest is in place.
    let renamed = inputs(&c, json!({"namePrefix": "payments"}));
    assert!(diff(out, &v1, &renamed).replaces());
    let v2 = inputs(
        &c,
        json!({"replicationTimeControl": false, "noncurrentVersionExpirationDays": 30,
               "deleteMarkerReplication": false, "tags": {"team": "ledger"}}),
    );
    let d = diff(out, &v1, &v2);
    assert!(!d.replaces(), "{:?}", paths(&d));
    assert_eq!(
        paths(&d),
        [
            "deleteMarkerReplication",
            "replicationTimeControl",
            "tags.team",
            "noncurrentVersionExpirationDays"
        ]
    );

    emu.clear_calls().await;
    let updated = ReplicatedBucket
        .update(&c, "orders", out, &v2)
        .await
        .unwrap();
    let calls = emu.calls().await;
    assert!(
        !calls
            .iter()
            .any(|c| c.operation == "CreateBucket" || c.operation == "CreateRole"),
        "an update makes nothing new"
    );
    assert!(
        !calls
            .iter()
            .any(|c| c.operation == "PutBucketVersioning" || c.operation == "PutBucketEncryption"),
        "settings that did not change are not written"
    );
    let rule = replication(&emu, P, PRIMARY).await.unwrap().rules()[0].clone();
    assert!(
        rule.destination().unwrap().replication_time().is_none(),
        "RTC off"
    );
    assert_eq!(
        rule.delete_marker_replication()
            .unwrap()
            .status()
            .unwrap()
            .as_str(),
        "Disabled"
    );
    for (name, region) in [(PRIMARY, P), (SECONDARY, S)] {
        assert_eq!(tags_of(&emu, region, name).await["team"], "ledger");
        let lc = emu
            .s3(region)
            .await
            .get_bucket_lifecycle_configuration()
            .bucket(name)
            .send()
            .await
            .unwrap();
        assert_eq!(
            lc.rules()[0]
                .noncurrent_version_expiration()
                .unwrap()
                .noncurrent_days(),
            Some(30),
            "{name}"
        );
    }
    let rules = updated.get("replicationRules").unwrap().to_plain_json();
    assert_eq!(rules[0]["replicationTimeControl"], json!(false));

    // Back to the first inputs: the lifecycle rule goes, RTC comes back.
    let back = ReplicatedBucket
        .update(&c, "orders", &updated, &v1)
        .await
        .unwrap();
    for (name, region) in [(PRIMARY, P), (SECONDARY, S)] {
        let lc = emu
            .s3(region)
            .await
            .get_bucket_lifecycle_configuration()
            .bucket(name)
            .send()
            .await;
        assert!(lc.is_err(), "{name}: the lifecycle rule is removed");
    }
    assert_eq!(
        back.get("replicationRules").unwrap().to_plain_json()[0]["replicationTimeControl"],
        json!(true)
    );

    ReplicatedBucket.delete(&c, "orders", &back).await.unwrap();
    assert!(buckets(&emu).await.is_empty());
    assert!(roles(&emu).await.is_empty());
    // Deleting again finds everything gone, which is fine.
    ReplicatedBucket.delete(&c, "orders", &back).await.unwrap();
    assert!(ReplicatedBucket
        .read(&c, "orders", &back, &v1)
        .await
        .unwrap()
        .is_none());
}

/// IAM returns policy documents URL-encoded.
fn urlencoded_json(doc: &str) -> Json {
    let decoded: String = url::form_urlencoded::parse(format!("d={doc}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap();
    serde_json::from_str(&decoded).unwrap_or_else(|_| serde_json::from_str(doc).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn objects_replicate_one_way_then_both_ways() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();

    put(&emu, P, PRIMARY, "a.txt", "from the primary").await;
    assert_eq!(
        object(&emu, S, SECONDARY, "a.txt").await,
        Some(("from the primary".into(), "REPLICA".into()))
    );
    assert_eq!(
        object(&emu, P, PRIMARY, "a.txt").await.unwrap().1,
        "COMPLETED"
    );
    put(&emu, S, SECONDARY, "b.txt", "from the secondary").await;
    assert_eq!(object(&emu, P, PRIMARY, "b.txt").await, None, "one-way");

    let v2 = inputs(&c, json!({"twoWay": true}));
    let d = diff(&created.outputs, &v1, &v2);
    assert_eq!(paths(&d), ["twoWay"]);
    let updated = ReplicatedBucket
        .update(&c, "orders", &created.outputs, &v2)
        .await
        .unwrap();
    let back = replication(&emu, S, SECONDARY).await.expect("a rule back");
    let rule = &back.rules()[0];
    assert_eq!(
        rule.destination().unwrap().bucket(),
        "arn:aws:s3:::orders-us-east-1"
    );
    assert!(rule
        .source_selection_criteria()
        .and_then(|c| c.replica_modifications())
        .is_some());
    assert_eq!(
        updated.get("replicationRules").unwrap().to_plain_json()[1]["sourceBucket"],
        json!(SECONDARY)
    );
    put(&emu, S, SECONDARY, "c.txt", "back again").await;
    assert_eq!(
        object(&emu, P, PRIMARY, "c.txt").await,
        Some(("back again".into(), "REPLICA".into()))
    );
    // Replicas are not replicated back: one version of a.txt in the primary.
    let versions = emu
        .s3(P)
        .await
        .list_object_versions()
        .bucket(PRIMARY)
        .prefix("a.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 1);

    // Import by ID (the prefix) with no state: the pair and its rules are read from AWS.
    let empty = Value::object::<[(&str, Value); 0], &str>([]);
    let imported = ReplicatedBucket
        .read(&c, "orders", &empty, &empty)
        .await
        .unwrap()
        .expect("found by its prefix");
    let plain = imported.inputs.to_plain_json();
    assert_eq!(plain["namePrefix"], json!("orders"));
    assert_eq!(plain["twoWay"], json!(true));
    assert_eq!(plain["replicationTimeControl"], json!(true));
    assert!(
        plain.get("replicationRoleArn").is_none(),
        "the managed role stays managed"
    );
    assert_eq!(
        imported.outputs.get("replicationRoleManaged"),
        Some(&Value::Bool(true))
    );

    // Back to one-way: the rule on the secondary goes.
    let v3 = inputs(&c, json!({"twoWay": false}));
    let outputs = ReplicatedBucket
        .update(&c, "orders", &updated, &v3)
        .await
        .unwrap();
    assert!(replication(&emu, S, SECONDARY).await.is_none());
    assert_eq!(
        outputs
            .get("replicationRules")
            .unwrap()
            .to_plain_json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn drift_shows_on_read_and_update_repairs_it() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();

    // Out of band: the rule removed, versioning suspended on the secondary.
    let s3p = emu.s3(P).await;
    s3p.delete_bucket_replication()
        .bucket(PRIMARY)
        .send()
        .await
        .unwrap();
    emu.s3(S)
        .await
        .put_bucket_versioning()
        .bucket(SECONDARY)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let read = ReplicatedBucket
        .read(&c, "orders", &created.outputs, &v1)
        .await
        .unwrap()
        .expect("exists");
    assert_eq!(
        str_of(&read.outputs, "secondaryBucketVersioning"),
        "Suspended"
    );
    assert_eq!(str_of(&read.outputs, "primaryBucketVersioning"), "Enabled");
    assert_eq!(
        read.outputs.get("replicationRules"),
        Some(&Value::Array(vec![]))
    );
    let d = diff(&read.outputs, &read.inputs, &v1);
    assert_eq!(paths(&d), ["secondaryBucketVersioning", "replicationRules"]);
    assert!(!d.replaces());

    let repaired = ReplicatedBucket
        .update(&c, "orders", &read.outputs, &v1)
        .await
        .unwrap();
    assert_eq!(str_of(&repaired, "secondaryBucketVersioning"), "Enabled");
    assert!(
        replication(&emu, P, PRIMARY).await.is_some(),
        "the rule is back"
    );
    assert_eq!(buckets(&emu).await[SECONDARY].2, json!("Enabled"));
    let again = ReplicatedBucket
        .read(&c, "orders", &repaired, &v1)
        .await
        .unwrap()
        .unwrap();
    assert!(!diff(&again.outputs, &again.inputs, &v1).has_changes());

    // One bucket deleted out of band: drift, and the update makes it again.
    emu.s3(S)
        .await
        .delete_bucket_replication()
        .bucket(SECONDARY)
        .send()
        .await
        .ok();
    emu.s3(S)
        .await
        .delete_bucket()
        .bucket(SECONDARY)
        .send()
        .await
        .unwrap();
    let read = ReplicatedBucket
        .read(&c, "orders", &repaired, &v1)
        .await
        .unwrap()
        .expect("the primary still exists");
    assert!(read.outputs.get("secondaryBucketVersioning").is_none());
    assert_eq!(
        paths(&diff(&read.outputs, &read.inputs, &v1)),
        ["secondaryBucketVersioning"]
    );
    let back = ReplicatedBucket
        .update(&c, "orders", &read.outputs, &v1)
        .await
        .unwrap();
    assert_eq!(str_of(&back, "secondaryBucketVersioning"), "Enabled");
    put(&emu, P, PRIMARY, "after.txt", "x").await;
    assert!(object(&emu, S, SECONDARY, "after.txt").await.is_some());

    // Everything gone out of band: the resource is gone.
    ReplicatedBucket
        .delete(&c, "orders", &inputs(&c, json!({"forceDestroy": true})))
        .await
        .unwrap();
    assert!(ReplicatedBucket
        .read(&c, "orders", &back, &v1)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failure_in_the_secondary_is_partial_and_update_converges() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    emu.inject_fault(
        Fault::error("s3", "CreateBucket", "InternalError")
            .region(S)
            .http_status(500)
            .every(),
    )
    .await;
    let err = ReplicatedBucket.create(&c, &v1).await.err().expect("fails");
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
        reasons[0].contains("CreateBucket in us-east-2") && reasons[0].contains("InternalError"),
        "{reasons:?}"
    );
    assert!(reasons[0].contains("pulumi up"), "{reasons:?}");
    assert_eq!(str_of(&outputs, "primaryBucketVersioning"), "Enabled");
    assert!(outputs.get("secondaryBucketVersioning").is_none());
    let role_arn = str_of(&outputs, "replicationRoleArn").to_string();
    assert_eq!(
        roles(&emu).await,
        vec![role_arn.clone()],
        "the role is in the state"
    );

    emu.clear_faults().await;
    let d = diff(&outputs, &v1, &v1);
    assert!(d.has_changes() && !d.replaces(), "{:?}", paths(&d));
    let done = ReplicatedBucket
        .update(&c, "orders", &outputs, &v1)
        .await
        .unwrap();
    assert_eq!(str_of(&done, "secondaryBucketVersioning"), "Enabled");
    assert_eq!(str_of(&done, "replicationRoleArn"), role_arn);
    let have = buckets(&emu).await;
    assert_eq!(
        have.keys().collect::<Vec<_>>(),
        [PRIMARY, SECONDARY],
        "no duplicate"
    );
    assert_eq!(have[PRIMARY].3, 1, "one rule");
    assert_eq!(roles(&emu).await, [role_arn], "no second role");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_create_retried_after_a_lost_partial_adopts_what_it_made() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    emu.inject_fault(
        Fault::error("s3", "PutBucketVersioning", "InternalError")
            .region(S)
            .http_status(500)
            .every(),
    )
    .await;
    let err = ReplicatedBucket.create(&c, &v1).await.err().expect("fails");
    assert!(matches!(err, ResourceError::Partial { .. }), "{err}");
    assert!(
        err.to_string().contains("PutBucketVersioning in us-east-2"),
        "{err}"
    );
    emu.clear_faults().await;
    // The engine lost the partial state: Create runs again and finds its own buckets and role.
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    assert_eq!(
        str_of(&created.outputs, "secondaryBucketVersioning"),
        "Enabled"
    );
    assert_eq!(buckets(&emu).await.len(), 2);
    assert_eq!(roles(&emu).await.len(), 1);
    // The second create asks IAM for the role again, is told it exists, and adopts it.
    let creates = emu.calls_of("iam", "CreateRole").await;
    let made = creates.iter().filter(|c| c.status == Some(200)).count();
    assert_eq!(made, 1, "one role made: {creates:?}");
    assert!(
        creates
            .iter()
            .skip(1)
            .all(|c| c.error_code.as_deref() == Some("EntityAlreadyExists")),
        "{creates:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lost_answers_are_adopted_not_duplicated() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    // The calls happen, the answers are lost: the SDK retries and meets what it made.
    emu.inject_fault(
        Fault::error("s3", "CreateBucket", "InternalError")
            .region(S)
            .http_status(500)
            .after(),
    )
    .await;
    emu.inject_fault(
        Fault::error("iam", "CreateRole", "ServiceFailure")
            .http_status(500)
            .after(),
    )
    .await;
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    assert_eq!(
        str_of(&created.outputs, "secondaryBucketVersioning"),
        "Enabled"
    );
    let creates = emu.calls_of("s3", "CreateBucket").await;
    let in_secondary: Vec<_> = creates.iter().filter(|c| c.region == S).collect();
    assert_eq!(in_secondary.len(), 2, "retried once");
    assert_eq!(
        in_secondary[1].error_code.as_deref(),
        Some("BucketAlreadyOwnedByYou")
    );
    assert_eq!(buckets(&emu).await.len(), 2);
    assert_eq!(roles(&emu).await.len(), 1);
    let role_creates = emu.calls_of("iam", "CreateRole").await;
    assert_eq!(role_creates.len(), 2, "retried once");
    assert_eq!(
        role_creates[1].error_code.as_deref(),
        Some("EntityAlreadyExists")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn buckets_and_roles_of_others_are_refused_and_nothing_is_left_behind() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({"forceDestroy": true}));
    // Someone else's bucket with the secondary's name, holding an object.
    emu.s3(S)
        .await
        .create_bucket()
        .bucket(SECONDARY)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(S.into())
                .build(),
        )
        .send()
        .await
        .unwrap();
    put(&emu, S, SECONDARY, "theirs.txt", "keep me").await;

    let err = ReplicatedBucket
        .create(&c, &v1)
        .await
        .err()
        .expect("refused");
    let message = err.to_string();
    assert!(
        message.contains("bucket orders-us-east-2 already exists in us-east-2")
            && message.contains("choose another namePrefix"),
        "{message}"
    );
    let ResourceError::Partial { outputs, .. } = err else {
        panic!("the primary and the role exist: partial, got {err}")
    };
    assert!(outputs.get("secondaryBucketVersioning").is_none());
    // Destroying the partial pair, even with forceDestroy, removes only what it made.
    ReplicatedBucket
        .delete(&c, "orders", &outputs)
        .await
        .unwrap();
    assert_eq!(buckets(&emu).await.keys().collect::<Vec<_>>(), [SECONDARY]);
    assert_eq!(
        object(&emu, S, SECONDARY, "theirs.txt").await.unwrap().0,
        "keep me"
    );
    assert!(roles(&emu).await.is_empty());

    // A role with the managed role's name but without the pair's tag is not taken over either.
    emu.reset().await;
    let name = Spec::from_value(&v1, &c.config).unwrap().role_name();
    emu.iam()
        .await
        .create_role()
        .role_name(&name)
        .assume_role_policy_document("{}")
        .send()
        .await
        .unwrap();
    let err = ReplicatedBucket
        .create(&c, &v1)
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string()
            .contains(&format!("IAM role {name} already exists")),
        "{err}"
    );
    let ResourceError::Partial { outputs, .. } = err else {
        panic!("the buckets exist: partial")
    };
    assert!(outputs.get("replicationRoleArn").is_none());
    ReplicatedBucket
        .delete(&c, "orders", &outputs)
        .await
        .unwrap();
    assert!(
        buckets(&emu).await.is_empty(),
        "the buckets it made are gone"
    );
    assert_eq!(roles(&emu).await.len(), 1, "the other role is left alone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_is_refused_while_objects_remain_and_force_destroy_removes_everything() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let v1 = inputs(&c, json!({}));
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    put(&emu, P, PRIMARY, "k", "1").await;
    put(&emu, P, PRIMARY, "k", "2").await;
    emu.s3(P)
        .await
        .delete_object()
        .bucket(PRIMARY)
        .key("k")
        .send()
        .await
        .unwrap();
    // Two versions and a delete marker in the primary, two replicas in the secondary.
    let err = ReplicatedBucket
        .delete(&c, "orders", &created.outputs)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Refused { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("forceDestroy"), "{message}");
    assert!(
        message.contains("3 object version(s) or delete marker(s) remain in orders-us-east-1 (primary, us-east-1)"),
        "{message}"
    );
    assert!(
        message.contains("2 object version(s) or delete marker(s) remain in orders-us-east-2"),
        "{message}"
    );
    assert_eq!(buckets(&emu).await.len(), 2, "nothing was deleted");
    assert!(replication(&emu, P, PRIMARY).await.is_some());

    // More than one DeleteObjects batch: 1,005 more versions in the secondary.
    let s3s = emu.s3(S).await;
    for i in 0..1005 {
        s3s.put_object()
            .bucket(SECONDARY)
            .key(format!("bulk/{i}"))
            .body(b"x".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let v2 = inputs(&c, json!({"forceDestroy": true}));
    assert_eq!(paths(&diff(&created.outputs, &v1, &v2)), ["forceDestroy"]);
    emu.clear_calls().await;
    let updated = ReplicatedBucket
        .update(&c, "orders", &created.outputs, &v2)
        .await
        .unwrap();
    assert!(
        emu.calls()
            .await
            .iter()
            .all(|c| !c.operation.starts_with("Put")),
        "forceDestroy changes nothing in AWS"
    );
    ReplicatedBucket
        .delete(&c, "orders", &updated)
        .await
        .unwrap();
    assert!(buckets(&emu).await.is_empty(), "{:?}", buckets(&emu).await);
    assert!(roles(&emu).await.is_empty());
    let batches = emu.calls_of("s3", "DeleteObjects").await;
    assert!(
        batches.iter().any(|c| c.region == S) && batches.len() >= 3,
        "{}",
        batches.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn preview_makes_no_aws_call() {
    let emu = Emulator::start().await;
    let c = ctx(&emu).with_preview(true);
    let v1 = inputs(&c, json!({}));
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    assert_eq!(created.id, "orders");
    assert_eq!(str_of(&created.outputs, "primaryBucketName"), PRIMARY);
    assert!(created
        .outputs
        .get("replicationRoleArn")
        .unwrap()
        .is_unknown());
    let olds = Value::object([
        ("namePrefix", Value::from("orders")),
        ("replicationRoleManaged", Value::from(true)),
        (
            "replicationRoleArn",
            Value::from("arn:aws:iam::123456789012:role/x"),
        ),
    ]);
    let updated = ReplicatedBucket
        .update(&c, "orders", &olds, &inputs(&c, json!({"twoWay": true})))
        .await
        .unwrap();
    assert_eq!(
        str_of(&updated, "replicationRoleArn"),
        "arn:aws:iam::123456789012:role/x"
    );
    assert!(emu.calls().await.is_empty(), "preview called AWS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn check_names_the_property_and_the_rule() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let key =
        |r: &str| format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    for (news, property, part) in [
        (
            json!({"namePrefix": "Orders.Data"}),
            "namePrefix",
            "bucket naming rules",
        ),
        (json!({"namePrefix": "xn--orders"}), "namePrefix", "'xn--'"),
        (
            json!({"encryption": {"primaryKmsKeyArn": key(P), "secondaryKmsKeyArn": key("eu-west-1")}}),
            "encryption.secondaryKmsKeyArn",
            "the key is in eu-west-1 but the secondary bucket is in us-east-2",
        ),
        (
            json!({"replicationRoleArn": "role/x"}),
            "replicationRoleArn",
            "IAM role ARN",
        ),
    ] {
        let r = check(&c, news.clone(), &Value::Null);
        assert!(
            r.failures
                .iter()
                .any(|f| f.property == property && f.reason.contains(part)),
            "{news}: {:?}",
            r.failures
        );
    }
    assert!(emu.calls().await.is_empty(), "Check never calls AWS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kms_encryption_and_a_given_role() {
    let emu = Emulator::start().await;
    let c = ctx(&emu);
    let key =
        |r: &str| format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let given = "arn:aws:iam::123456789012:role/my-replication";
    let v1 = inputs(
        &c,
        json!({"encryption": {"primaryKmsKeyArn": key(P), "secondaryKmsKeyArn": key(S)},
               "replicationRoleArn": given}),
    );
    let created = ReplicatedBucket.create(&c, &v1).await.unwrap();
    assert!(
        roles(&emu).await.is_empty(),
        "no role is made when one is given"
    );
    assert_eq!(
        created.outputs.get("replicationRoleManaged"),
        Some(&Value::Bool(false))
    );
    for (name, region) in [(PRIMARY, P), (SECONDARY, S)] {
        let enc = emu
            .s3(region)
            .await
            .get_bucket_encryption()
            .bucket(name)
            .send()
            .await
            .unwrap();
        let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
        let by_default = rule.apply_server_side_encryption_by_default().unwrap();
        assert_eq!(by_default.sse_algorithm().as_str(), "aws:kms");
        assert_eq!(by_default.kms_master_key_id(), Some(key(region).as_str()));
        assert_eq!(rule.bucket_key_enabled(), Some(true));
    }
    let config = replication(&emu, P, PRIMARY).await.unwrap();
    assert_eq!(config.role(), given);
    let rule = &config.rules()[0];
    assert_eq!(
        rule.destination()
            .unwrap()
            .encryption_configuration()
            .unwrap()
            .replica_kms_key_id(),
        Some(key(S).as_str())
    );

    // Given role → managed role: the role is made and the rule points at it.
    let v2 = inputs(
        &c,
        json!({"encryption": {"primaryKmsKeyArn": key(P), "secondaryKmsKeyArn": key(S)}}),
    );
    assert_eq!(
        paths(&diff(&created.outputs, &v1, &v2)),
        ["replicationRoleArn"]
    );
    let managed = ReplicatedBucket
        .update(&c, "orders", &created.outputs, &v2)
        .await
        .unwrap();
    let arn = str_of(&managed, "replicationRoleArn").to_string();
    assert_eq!(roles(&emu).await, vec![arn.clone()]);
    assert_eq!(replication(&emu, P, PRIMARY).await.unwrap().role(), arn);
    let policy = emu
        .iam()
        .await
        .get_role_policy()
        .role_name(arn.rsplit('/').next().unwrap())
        .policy_name("s3-replication")
        .send()
        .await
        .unwrap();
    let doc = urlencoded_json(policy.policy_document()).to_string();
    assert!(
        doc.contains("kms:Decrypt") && doc.contains(&key(P)),
        "{doc}"
    );
    assert!(
        doc.contains("kms:Encrypt") && doc.contains(&key(S)),
        "{doc}"
    );

    // And back: the managed role is deleted once the rule no longer uses it.
    let back = ReplicatedBucket
        .update(&c, "orders", &managed, &v1)
        .await
        .unwrap();
    assert_eq!(replication(&emu, P, PRIMARY).await.unwrap().role(), given);
    assert!(roles(&emu).await.is_empty());
    assert_eq!(
        back.get("replicationRoleManaged"),
        Some(&Value::Bool(false))
    );
}
