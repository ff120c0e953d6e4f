//! Benchmark driver (not a test): creates and deletes each resource once through the `Resource`
//! trait, as the plugin's gRPC service calls it, against the AWS emulator with a fixed latency
//! added to every AWS call. Prints one JSON object on stdout: for each resource and operation the
//! wall time and the emulator's call log of that operation. `bench/run.py` reads it and compares
//! the figures with the minimum AWS needs (bench/minimum.py).
//!
//! ```sh
//! cargo run -p pulumi-resource-multiregion-dr --example ops_bench -- [--latency-ms 100] [--only GlobalTable]
//! ```
//!
//! The context is the production one (`Backoff::default()`), not the tests' fast polling.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use dr_test_support::{Emulator, Latency};
use multiregion_dr::aws::{ClientOptions, LazyClients};
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::Context;
use multiregion_dr::progress::Reporter;
use multiregion_dr::resources::dns_failover::DnsFailover;
use multiregion_dr::resources::global_database::GlobalDatabase;
use multiregion_dr::resources::global_table::GlobalTable;
use multiregion_dr::resources::replicated_bucket::ReplicatedBucket;
use multiregion_dr::resources::{CheckRequest, Resource};
use multiregion_dr::throttle::RateLimits;
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

/// The inputs of each resource: the blocks of examples/python's MultiRegionDR.
fn cases() -> Vec<(&'static str, Arc<dyn Resource>, Json)> {
    vec![
        (
            "GlobalDatabase",
            Arc::new(GlobalDatabase),
            json!({
                "globalClusterIdentifier": "payments",
                "engine": "aurora-postgresql",
                "engineVersion": "16.4",
                "databaseName": "payments",
                "masterUsername": "payments_admin",
                "masterPassword": "bench-Sup3r-secret",
                "serverlessV2": {"minCapacity": 0.5, "maxCapacity": 4},
                "primary": {"instanceCount": 1},
                "secondary": {"instanceCount": 1},
                "backupRetentionPeriod": 7,
                "skipFinalSnapshot": true,
                "tags": {"tier": "database"},
            }),
        ),
        (
            "DnsFailover",
            Arc::new(DnsFailover),
            json!({
                "zoneName": "payments.example.com",
                "recordName": "api",
                "recordType": "CNAME",
                "primaryEndpoint": "api.us-east-1.payments.example.com",
                "secondaryEndpoint": "api.us-east-2.payments.example.com",
                "ttl": 60,
                "healthCheck": {"type": "HTTPS", "resourcePath": "/health", "failureThreshold": 3, "requestInterval": 30},
                "tags": {"tier": "edge"},
            }),
        ),
        (
            "GlobalTable",
            Arc::new(GlobalTable),
            json!({
                "name": "payments-sessions",
                "hashKey": "sessionId",
                "attributes": [{"name": "sessionId", "type": "S"}],
                "ttlAttribute": "expiresAt",
                "tags": {"tier": "sessions"},
            }),
        ),
        (
            "ReplicatedBucket",
            Arc::new(ReplicatedBucket),
            json!({
                "namePrefix": "acme-payments-documents",
                "noncurrentVersionExpirationDays": 30,
                "tags": {"tier": "documents"},
            }),
        ),
    ]
}

fn config(emu: &Emulator) -> ProviderConfig {
    ProviderConfig {
        endpoints: emu.endpoints(),
        max_retries: 2,
        default_tags: BTreeMap::from([
            ("app".to_string(), "payments".to_string()),
            ("owner".to_string(), "platform".to_string()),
        ]),
        ..ProviderConfig::default()
    }
}

/// Seconds since the epoch, the clock of the emulator's call log.
fn epoch() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

fn calls_json(calls: &[dr_test_support::CallRecord]) -> Json {
    Json::Array(
        calls
            .iter()
            .map(|c| {
                json!({"service": c.service, "operation": c.operation, "region": c.region,
                       "status": c.status, "error_code": c.error_code, "start": c.start, "end": c.end})
            })
            .collect(),
    )
}

/// What a call costs beyond the emulator's own time (its HTTP handling, the network, the SDK), per
/// service: a few sequential calls of a cheap read, timed by the client, next to the durations the
/// emulator logs for them. Run just before each measured operation, under the same load.
async fn calibrate(emu: &Emulator, resource: &str) -> Json {
    const ROUNDS: usize = 3;
    let (r53, ddb, s3, iam, rds) = (
        emu.route53().await,
        emu.dynamodb("us-east-1").await,
        emu.s3("us-east-1").await,
        emu.iam().await,
        emu.rds("us-east-1").await,
    );
    let services: &[&str] = match resource {
        "DnsFailover" => &["route53"],
        "GlobalTable" => &["dynamodb"],
        "ReplicatedBucket" => &["s3", "iam"],
        _ => &["rds"],
    };
    emu.clear_calls().await;
    let mut client = Vec::new();
    for _ in 0..ROUNDS {
        for service in services {
            let start = Instant::now();
            let ok = match *service {
                "route53" => r53.list_hosted_zones().send().await.is_ok(),
                "dynamodb" => ddb.list_tables().send().await.is_ok(),
                "s3" => s3.list_buckets().send().await.is_ok(),
                "iam" => iam.list_roles().send().await.is_ok(),
                _ => rds.describe_db_clusters().send().await.is_ok(),
            };
            assert!(ok, "calibration call to {service} failed");
            client.push((*service, start.elapsed().as_secs_f64()));
        }
    }
    let logged = emu.calls().await;
    assert_eq!(logged.len(), client.len(), "calibration calls: {logged:?}");
    Json::Array(
        client
            .iter()
            .zip(&logged)
            .map(|((service, seconds), c)| {
                json!({"service": service, "client": seconds, "server": c.end.unwrap_or(c.start) - c.start})
            })
            .collect(),
    )
}

async fn run(
    emu: &Emulator,
    name: &str,
    resource: &dyn Resource,
    news: &Json,
    budget: RateLimits,
) -> Json {
    let options = ClientOptions {
        rate_limits: budget,
        ..ClientOptions::default()
    };
    let ctx = Context::new(
        Arc::new(config(emu)),
        Arc::new(LazyClients::with_options(options)),
        Reporter::silent(),
    );
    // The clients are built once per plugin process; that is not part of any one operation.
    ctx.aws().await;
    let mut news = Value::from_json(news);
    if let Value::Object(o) = &mut news {
        if let Some(pw) = o.get("masterPassword").and_then(Value::as_str) {
            let secret = Value::secret(pw.into());
            o.insert("masterPassword".into(), secret);
        }
    }
    let checked = resource.check(CheckRequest {
        urn: &format!("urn:pulumi:bench::bench::multiregion-dr:index:{name}::bench"),
        name: "bench",
        olds: &Value::Null,
        news: &news,
        random_seed: b"bench-seed",
        config: &ctx.config,
    });
    assert!(
        checked.failures.is_empty(),
        "{name}: {:?}",
        checked.failures
    );
    let inputs = checked.inputs;
    let create_calibration = calibrate(emu, name).await;
    emu.clear_calls().await;
    let (start, create_t0) = (Instant::now(), epoch());
    let created = match resource.create(&ctx, &inputs).await {
        Ok(c) => c,
        Err(e) => panic!("{name} create failed: {e}"),
    };
    let create_wall = start.elapsed().as_secs_f64();
    let create_calls = emu.calls().await;
    // What Create returned must be what a refresh reads back: a Create that saves calls by not
    // reading AWS again must still report AWS as it is.
    let read = match resource
        .read(&ctx, &created.id, &created.outputs, &inputs)
        .await
    {
        Ok(Some(r)) => r,
        Ok(None) => panic!("{name}: read after create found nothing"),
        Err(e) => panic!("{name}: read after create failed: {e}"),
    };
    let (returned, reread) = (
        created.outputs.to_plain_json(),
        read.outputs.to_plain_json(),
    );
    let delete_calibration = calibrate(emu, name).await;
    emu.clear_calls().await;
    let (start, delete_t0) = (Instant::now(), epoch());
    if let Err(e) = resource.delete(&ctx, &created.id, &created.outputs).await {
        panic!("{name} delete failed: {e}");
    }
    let delete_wall = start.elapsed().as_secs_f64();
    let delete_calls = emu.calls().await;
    json!({
        "create": {"wall": create_wall, "t0": create_t0, "calls": calls_json(&create_calls),
                   "calibration": create_calibration},
        "delete": {"wall": delete_wall, "t0": delete_t0, "calls": calls_json(&delete_calls),
                   "calibration": delete_calibration},
        "outputs_match_read": returned == reread,
        "outputs_differ": if returned == reread { Json::Null } else { json!({"create": returned, "read": reread}) },
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let latency_ms: u64 = flag("--latency-ms")
        .map(|v| v.parse().expect("--latency-ms N"))
        .unwrap_or(100);
    let only = flag("--only");
    dr_test_support::static_credentials();

    let emu = Emulator::start().await;
    let mut results = serde_json::Map::new();
    for (name, resource, news) in cases() {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        // A first round, not measured, lets the emulator load its model of each service: moto
        // imports a service's backend on its first call, which AWS has no counterpart of. Then
        // the operation with the client-side request budget lifted (the fan-out figure: what
        // concurrency gives), and with the budget the plugin ships (what a user sees).
        let rounds = [
            (None, RateLimits::none()),
            (Some(name.to_string()), RateLimits::none()),
            (Some(format!("{name}+budget")), RateLimits::aws_published()),
        ];
        for (key, budget) in rounds {
            let measured = key.is_some();
            emu.reset().await;
            if name == "DnsFailover" {
                emu.route53()
                    .await
                    .create_hosted_zone()
                    .name("payments.example.com")
                    .caller_reference("bench-zone")
                    .send()
                    .await
                    .expect("hosted zone");
            }
            if measured {
                emu.set_latency(Latency {
                    fixed_ms: latency_ms,
                    ..Latency::default()
                })
                .await;
            }
            let result = run(&emu, name, resource.as_ref(), &news, budget).await;
            if let Some(key) = key {
                results.insert(key, result);
            }
        }
    }
    println!(
        "{}",
        json!({"latency_ms": latency_ms, "resources": results})
    );
}
