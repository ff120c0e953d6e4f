//! What the GlobalDatabase tests share: the inputs of a small global database, Check, and reading
//! what the emulator holds.

use dr_test_support::Emulator;
use multiregion_dr::context::Context;
use multiregion_dr::resources::global_database::GlobalDatabase;
use multiregion_dr::resources::{CheckRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::json;

pub fn news(extra: serde_json::Value) -> Value {
    let mut base = json!({
        "globalClusterIdentifier": "orders",
        "engine": "aurora-postgresql",
        "engineVersion": "16.4",
        "databaseName": "orders",
        "masterUsername": "app",
        "instanceClass": "db.r6g.large",
        "skipFinalSnapshot": true,
        "tags": {"team": "payments"}
    });
    base.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let mut v = Value::from_json(&base);
    if let Value::Object(o) = &mut v {
        o.insert(
            "masterPassword".into(),
            Value::secret("correct-horse-9".into()),
        );
    }
    v
}

pub fn checked(c: &Context, inputs: &Value) -> Value {
    let r = GlobalDatabase.check(CheckRequest {
        urn: "urn:pulumi:dev::p::multiregion-dr:index:GlobalDatabase::orders",
        name: "orders",
        olds: &Value::object::<[(&str, Value); 0], &str>([]),
        news: inputs,
        random_seed: b"seed",
        config: &c.config,
    });
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r.inputs
}

pub async fn clusters_in(emu: &Emulator, region: &str) -> Vec<aws_sdk_rds::types::DbCluster> {
    let client = aws_sdk_rds::Client::new(&emu.sdk_config(region).await);
    client
        .describe_db_clusters()
        .send()
        .await
        .unwrap()
        .db_clusters()
        .to_vec()
}

pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = cur.get(p).unwrap_or_else(|| panic!("no {p} in {cur:?}"));
    }
    cur.as_str().unwrap()
}
