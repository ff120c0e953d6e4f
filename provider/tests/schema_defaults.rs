//! The schema's defaults against Check's rules. The generated SDKs fill every `default` of
//! schema.json into what a program sends (top level, inside object types, inside array items), so
//! a default that Check refuses for some variant of a resource makes that variant impossible to
//! declare from an SDK (a TCP health check got the HTTP path `/` and was refused).
//!
//! Each case is the least a user writes for one variant of a resource; the test fills the schema's
//! defaults into it as the SDKs do and runs the resource's Check (and the component's, with the
//! case as its block): no failure is allowed.

use multiregion_dr::component;
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::resources::{self, CheckRequest};
use multiregion_dr::schema;
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

const DB: &str = "multiregion-dr:index:GlobalDatabase";
const DNS: &str = "multiregion-dr:index:DnsFailover";
const TABLE: &str = "multiregion-dr:index:GlobalTable";
const BUCKET: &str = "multiregion-dr:index:ReplicatedBucket";

/// (resource, variant, what the user writes).
fn cases() -> Vec<(&'static str, &'static str, Json)> {
    let db = json!({"engine": "aurora-postgresql", "masterUsername": "app",
                    "masterPassword": "correct-horse-9", "instanceClass": "db.r6g.large"});
    let dns = json!({"zoneName": "example.com", "recordName": "api",
                     "primaryEndpoint": "a.example.net", "secondaryEndpoint": "b.example.net"});
    let alias = |zone: &str| json!({"dnsName": "lb.example.net", "hostedZoneId": zone});
    let table = json!({"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]});
    // with a second key attribute, for an index or the sort key
    let table2 = json!({"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"},
                                                       {"name": "gk", "type": "S"}]});
    let index = |extra: Json| {
        let mut i = json!({"name": "by-gk", "hashKey": "gk"});
        merge(&mut i, extra);
        i
    };
    let with = |base: &Json, extra: Json| {
        let mut v = base.clone();
        merge(&mut v, extra);
        v
    };
    let mut out = vec![
        (DB, "provisioned", db.clone()),
        (
            DB,
            "aurora-mysql",
            with(&db, json!({"engine": "aurora-mysql"})),
        ),
        (
            DB,
            "serverless v2",
            with(
                &db,
                json!({"instanceClass": null, "serverlessV2": {"minCapacity": 0.5, "maxCapacity": 4}}),
            ),
        ),
        (
            DB,
            "headless secondary",
            with(&db, json!({"secondary": {"instanceCount": 0}})),
        ),
        (
            DB,
            "active secondary",
            with(&db, json!({"activeRegion": "secondary"})),
        ),
        (
            DB,
            "unplanned failover allowed",
            with(&db, json!({"allowDataLoss": true})),
        ),
        (
            DB,
            "final snapshot named",
            with(&db, json!({"finalSnapshotIdentifier": "last-one"})),
        ),
        (
            DB,
            "unencrypted",
            with(&db, json!({"storageEncrypted": false})),
        ),
        (DNS, "address records", dns.clone()),
        (
            DNS,
            "A records",
            with(
                &dns,
                json!({"recordType": "A", "primaryEndpoint": "192.0.2.1", "secondaryEndpoint": "192.0.2.2"}),
            ),
        ),
        (
            DNS,
            "AAAA records",
            with(
                &dns,
                json!({"recordType": "AAAA", "primaryEndpoint": "2001:db8::1", "secondaryEndpoint": "2001:db8::2"}),
            ),
        ),
        (
            DNS,
            "alias records",
            with(
                &dns,
                json!({"primaryAlias": alias("Z35SXDOTRQ7X7K"), "secondaryAlias": alias("Z3AADJGX6KTTL2")}),
            ),
        ),
        (
            DNS,
            "by hosted zone id, active secondary",
            with(
                &dns,
                json!({"zoneName": null, "hostedZoneId": "Z0ABC", "activeRegion": "secondary"}),
            ),
        ),
    ];
    for (variant, hc) in [
        ("HTTP check", json!({"type": "HTTP"})),
        ("HTTPS check", json!({"type": "HTTPS"})),
        (
            "HTTP_STR_MATCH check",
            json!({"type": "HTTP_STR_MATCH", "searchString": "ok"}),
        ),
        (
            "HTTPS_STR_MATCH check",
            json!({"type": "HTTPS_STR_MATCH", "searchString": "ok"}),
        ),
        ("TCP check", json!({"type": "TCP", "port": 5432})),
        ("default check", json!({})),
    ] {
        out.push((DNS, variant, with(&dns, json!({"healthCheck": hc}))));
    }
    out.extend([
        (TABLE, "on demand", table.clone()),
        (
            TABLE,
            "provisioned",
            with(
                &table,
                json!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5}),
            ),
        ),
        (
            TABLE,
            "index, all attributes",
            with(&table2, json!({"globalSecondaryIndexes": [index(json!({}))]})),
        ),
        (
            TABLE,
            "index, keys only",
            with(
                &table2,
                json!({"globalSecondaryIndexes": [index(json!({"projectionType": "KEYS_ONLY"}))]}),
            ),
        ),
        (
            TABLE,
            "index, some attributes",
            with(
                &table2,
                json!({"globalSecondaryIndexes": [index(json!({"projectionType": "INCLUDE", "nonKeyAttributes": ["x"]}))]}),
            ),
        ),
        (
            TABLE,
            "provisioned with an index",
            with(
                &table2,
                json!({"billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5,
                       "globalSecondaryIndexes": [index(json!({"readCapacity": 5, "writeCapacity": 5}))]}),
            ),
        ),
        (
            TABLE,
            "KMS encrypted",
            with(&table, json!({"serverSideEncryption": {"enabled": true}})),
        ),
        (
            TABLE,
            "with sort key and TTL",
            with(
                &table2,
                json!({"rangeKey": "gk", "ttlAttribute": "expiresAt"}),
            ),
        ),
        (BUCKET, "one way", json!({"namePrefix": "orders"})),
        (
            BUCKET,
            "two way",
            json!({"namePrefix": "orders", "twoWay": true}),
        ),
        (
            BUCKET,
            "without RTC",
            json!({"namePrefix": "orders", "replicationTimeControl": false}),
        ),
        (
            BUCKET,
            "SSE-S3",
            json!({"namePrefix": "orders", "encryption": {"sseAlgorithm": "AES256"}}),
        ),
        (
            BUCKET,
            "SSE-KMS",
            json!({"namePrefix": "orders", "encryption": {"sseAlgorithm": "aws:kms",
                   "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                   "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"}}),
        ),
        (
            BUCKET,
            "own replication role",
            json!({"namePrefix": "orders",
                   "replicationRoleArn": "arn:aws:iam::123456789012:role/replication"}),
        ),
        (BUCKET, "nothing given", json!({})),
    ]);
    out
}

fn merge(base: &mut Json, extra: Json) {
    let (Json::Object(base), Json::Object(extra)) = (base, extra) else {
        unreachable!("cases are objects")
    };
    for (k, v) in extra {
        if v.is_null() {
            base.remove(&k);
        } else {
            base.insert(k, v);
        }
    }
}

/// The schema of a property, its `$ref` followed.
fn resolve(spec: &Json) -> &Json {
    match spec.get("$ref").and_then(Json::as_str) {
        Some(r) => &schema::parsed()["types"][r.trim_start_matches("#/types/")],
        None => spec,
    }
}

/// What an SDK sends: every absent property with a default gets it, inside present objects and
/// array items too.
fn with_sdk_defaults(value: &mut Json, properties: &Json) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    for (key, spec) in properties.as_object().into_iter().flatten() {
        if let (None, Some(default)) = (obj.get(key), spec.get("default")) {
            obj.insert(key.clone(), default.clone());
        }
        let Some(present) = obj.get_mut(key) else {
            continue;
        };
        match present {
            Json::Array(items) => {
                let item = resolve(spec.get("items").unwrap_or(&Json::Null));
                for v in items {
                    with_sdk_defaults(v, &item["properties"]);
                }
            }
            other => with_sdk_defaults(other, &resolve(spec)["properties"]),
        }
    }
}

fn failures_of(token: &str, inputs: &Json) -> Vec<String> {
    let resource = resources::find(&resources::registry(), token).expect("registered");
    let news = Value::from_json(inputs);
    let config = ProviderConfig::default();
    let result = resource.check(CheckRequest {
        urn: &format!("urn:pulumi:dev::proj::{token}::r"),
        name: "r",
        olds: &Value::object::<_, String>([]),
        news: &news,
        random_seed: b"seed",
        config: &config,
    });
    result.failures.iter().map(|f| f.to_string()).collect()
}

fn component_failures(block: &str, inputs: &Json) -> Vec<String> {
    let spec = &schema::parsed()["resources"][component::TOKEN]["inputProperties"];
    let mut args = json!({ block: inputs });
    with_sdk_defaults(&mut args, spec);
    let inputs = Value::from_json(&args);
    let config = ProviderConfig::default();
    let request = component::Request {
        name: "payments",
        inputs: &inputs,
        ignore_changes: &[],
        replace_on_changes: &[],
        config: &config,
    };
    match component::plan(&request, &resources::registry()) {
        Ok(_) => Vec::new(),
        Err(failures) => failures.iter().map(|f| f.to_string()).collect(),
    }
}

#[test]
fn every_variant_with_the_schema_defaults_passes_check() {
    let mut refused = Vec::new();
    for (token, variant, given) in cases() {
        let mut sent = given.clone();
        with_sdk_defaults(
            &mut sent,
            &schema::parsed()["resources"][token]["inputProperties"],
        );
        // the case itself is valid: only a default can make it fail
        let plain = failures_of(token, &given);
        assert!(plain.is_empty(), "{token} {variant} as written: {plain:?}");
        for failure in failures_of(token, &sent) {
            refused.push(format!("{token} ({variant}): {failure}"));
        }
        let block = component::BLOCKS
            .iter()
            .find(|b| b.token == token)
            .expect("every resource is a block");
        for failure in component_failures(block.key, &given) {
            refused.push(format!(
                "MultiRegionDR.{} ({variant}): {failure}",
                block.key
            ));
        }
    }
    assert!(
        refused.is_empty(),
        "Check refuses what the SDKs send by default:\n{}",
        refused.join("\n")
    );
}

/// The filling itself: a nested default reaches the check, so the test above can fail.
#[test]
fn sdk_defaults_reach_nested_objects_and_array_items() {
    let mut v = json!({"healthCheck": {"type": "TCP"},
                       "globalSecondaryIndexes": [{"name": "i"}]});
    let mut props = schema::parsed()["resources"][DNS]["inputProperties"].clone();
    props["globalSecondaryIndexes"] =
        schema::parsed()["resources"][TABLE]["inputProperties"]["globalSecondaryIndexes"].clone();
    with_sdk_defaults(&mut v, &props);
    assert_eq!(v["ttl"], 60);
    assert_eq!(v["healthCheck"]["requestInterval"], 30);
    assert_eq!(v["globalSecondaryIndexes"][0]["projectionType"], "ALL");
}
