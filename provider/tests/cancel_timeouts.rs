//! Cancel and customTimeouts over the real gRPC surface (the provider served in process, a tonic
//! client in the engine's place), against the emulator's slow lifecycles:
//!
//! - the engine's Cancel ends every in-flight wait within a second with a clear error, and the
//!   provider then serves new requests and shuts down promptly;
//! - the `timeout` of Create, Update and Delete (the program's customTimeouts) bounds each operation:
//!   it ends when its time is up, not much later and not a backoff step early, and the error names the
//!   timeout and what to do next.

mod rpc_support;

use std::time::{Duration, Instant};

use dr_test_support::Emulator;
use multiregion_dr::rpc::codec::{decode_opt, encode_struct};
use multiregion_dr::rpc::service::ProviderService;
use multiregion_dr::value::Value;
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_provider_client::ResourceProviderClient;
use rpc::resource_provider_server::ResourceProviderServer;
use rpc_support::{figure, urn};
use serde_json::json;
use tokio::sync::oneshot;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Channel;

const DB: &str = "multiregion-dr:index:GlobalDatabase";
const DNS: &str = "multiregion-dr:index:DnsFailover";
const TABLE: &str = "multiregion-dr:index:GlobalTable";
const CANCEL_LIMIT: Duration = Duration::from_secs(1);

struct Provider {
    client: ResourceProviderClient<Channel>,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<Result<(), tonic::transport::Error>>,
}

async fn provider(emu: &Emulator) -> Provider {
    dr_test_support::static_credentials();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ResourceProviderServer::new(ProviderService::new(None)))
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
                let _ = stopped.await;
            }),
    );
    let mut client = ResourceProviderClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    client
        .configure(rpc::ConfigureRequest {
            args: Some(encode_struct(&Value::from_json(
                &json!({"endpoints": emu.endpoints_json(), "maxRetries": 1}),
            ))),
            ..Default::default()
        })
        .await
        .unwrap();
    Provider {
        client,
        stop,
        served,
    }
}

fn inputs_of(token: &str) -> serde_json::Value {
    match token {
        DB => json!({"globalClusterIdentifier": "ledger", "engine": "aurora-postgresql",
                     "masterUsername": "app", "masterPassword": "correct-horse-9",
                     "instanceClass": "db.r6g.large", "skipFinalSnapshot": true}),
        DNS => json!({"zoneName": "payments.example.com", "recordName": "api",
                      "primaryEndpoint": "a.example.net", "secondaryEndpoint": "b.example.net"}),
        TABLE => {
            json!({"name": "sessions", "hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]})
        }
        _ => unreachable!(),
    }
}

async fn checked(
    client: &mut ResourceProviderClient<Channel>,
    token: &str,
    inputs: serde_json::Value,
) -> prost_types::Struct {
    let r = client
        .check(rpc::CheckRequest {
            urn: urn(token, "r1"),
            name: "r1".into(),
            r#type: token.into(),
            news: Some(encode_struct(&Value::from_json(&inputs))),
            random_seed: b"seed".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    r.inputs.unwrap()
}

fn create(
    client: &ResourceProviderClient<Channel>,
    token: &str,
    properties: prost_types::Struct,
    timeout: f64,
) -> tokio::task::JoinHandle<Result<rpc::CreateResponse, tonic::Status>> {
    let mut client = client.clone();
    let token = token.to_string();
    tokio::spawn(async move {
        client
            .create(rpc::CreateRequest {
                urn: urn(&token, "r1"),
                r#type: token.clone(),
                name: "r1".into(),
                properties: Some(properties),
                timeout,
                ..Default::default()
            })
            .await
            .map(|r| r.into_inner())
    })
}

/// Waits until the emulator has seen `operation`: the provider is then inside its wait.
async fn until_called(emu: &Emulator, service: &str, operation: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while emu.calls_of(service, operation).await.is_empty() {
        assert!(Instant::now() < deadline, "{operation} was never called");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A create made slow: (token, lifecycle service, lifecycle, service and operation that start the wait).
type SlowCreate = (
    &'static str,
    &'static str,
    &'static [(&'static str, f64)],
    &'static str,
    &'static str,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_ends_in_flight_waits_within_a_second() {
    let emu = Emulator::start().await;
    let mut p = provider(&emu).await;
    emu.route53()
        .await
        .create_hosted_zone()
        .name("payments.example.com")
        .caller_reference("cancel-test")
        .send()
        .await
        .unwrap();
    let cases: [SlowCreate; 3] = [
        (DB, "rds", &[("creating", 60.0)], "rds", "CreateDBCluster"),
        (
            TABLE,
            "dynamodb",
            &[("replica-creating", 60.0)],
            "dynamodb",
            "UpdateTable",
        ),
        (
            DNS,
            "route53",
            &[("pending", 60.0)],
            "route53",
            "ChangeResourceRecordSets",
        ),
    ];
    let mut latencies = Vec::new();
    for (token, lifecycle_service, lifecycle, service, operation) in cases {
        emu.set_lifecycle(lifecycle_service, lifecycle).await;
        emu.clear_calls().await;
        let props = checked(&mut p.client, token, inputs_of(token)).await;
        let op = create(&p.client, token, props, 0.0);
        until_called(&emu, service, operation).await;
        // Inside the wait: a poll in flight or a backoff sleep.
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert!(!op.is_finished(), "{token}: the create ended before Cancel");
        let cancelled_at = Instant::now();
        p.client.cancel(()).await.unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(10), op)
            .await
            .expect("the create ends after Cancel")
            .unwrap();
        let latency = cancelled_at.elapsed();
        let status = answer.expect_err("a cancelled create fails");
        assert!(
            status.message().contains("cancelled while waiting for"),
            "{token}: {}",
            status.message()
        );
        assert!(latency < CANCEL_LIMIT, "{token}: Cancel took {latency:?}");
        latencies.push(format!(
            "{} {} ms",
            token.rsplit(':').next().unwrap(),
            latency.as_millis()
        ));
    }
    figure(
        "cancel_timeouts",
        &format!("Cancel ended in-flight waits in {}", latencies.join(", ")),
    );

    // Cancel ends what was in flight, not what comes after: the provider serves new work.
    emu.reset().await;
    p.client
        .get_plugin_info(())
        .await
        .expect("serves after Cancel");
    let props = checked(&mut p.client, TABLE, inputs_of(TABLE)).await;
    let created = create(&p.client, TABLE, props, 0.0)
        .await
        .unwrap()
        .expect("a create after Cancel succeeds");
    assert_eq!(created.id, "sessions");

    // The engine's Ctrl-C: Cancel with a wait in flight, then shutdown; both end promptly.
    emu.set_lifecycle("rds", &[("creating", 60.0)]).await;
    let props = checked(&mut p.client, DB, inputs_of(DB)).await;
    let op = create(&p.client, DB, props, 0.0);
    until_called(&emu, "rds", "CreateDBCluster").await;
    let started = Instant::now();
    p.client.cancel(()).await.unwrap();
    let _ = p.stop.send(());
    let answer = tokio::time::timeout(Duration::from_secs(5), op)
        .await
        .expect("the create ends")
        .unwrap();
    assert!(answer.is_err(), "{answer:?}");
    tokio::time::timeout(Duration::from_secs(5), p.served)
        .await
        .expect("the server stops after Cancel and shutdown")
        .unwrap()
        .unwrap();
    let shutdown = started.elapsed();
    figure(
        "cancel_timeouts",
        &format!(
            "Cancel then shutdown with a wait in flight: stopped in {} ms",
            shutdown.as_millis()
        ),
    );
    assert!(
        shutdown < Duration::from_secs(2),
        "shutdown took {shutdown:?}"
    );
}

/// The time an operation took, checked against its timeout.
fn assert_bounded(what: &str, took: Duration, timeout: f64) {
    let timeout = Duration::from_secs_f64(timeout);
    assert!(
        took >= timeout.mul_f64(0.95),
        "{what} gave up after {took:?}, before its {timeout:?} timeout"
    );
    assert!(
        took < timeout + Duration::from_millis(1500),
        "{what} took {took:?} with a {timeout:?} timeout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn custom_timeouts_bound_create_update_and_delete() {
    const TIMEOUT: f64 = 3.0;
    let emu = Emulator::start().await;
    let mut p = provider(&emu).await;
    let mut figures = Vec::new();

    // create: the cluster stays `creating`
    emu.set_lifecycle("rds", &[("creating", 60.0)]).await;
    let props = checked(&mut p.client, DB, inputs_of(DB)).await;
    let started = Instant::now();
    let status = create(&p.client, DB, props, TIMEOUT)
        .await
        .unwrap()
        .expect_err("create times out");
    let took = started.elapsed();
    for part in [
        "timed out after 3s while waiting for",
        "customTimeouts.create",
        "pulumi up",
    ] {
        assert!(
            status.message().contains(part),
            "create: {part:?} not in {}",
            status.message()
        );
    }
    assert_bounded("create", took, TIMEOUT);
    figures.push(format!("create {} ms", took.as_millis()));

    // update: a change that modifies the clusters, which then stay `modifying`
    emu.reset().await;
    let props = checked(&mut p.client, DB, inputs_of(DB)).await;
    let created = create(&p.client, DB, props.clone(), 0.0)
        .await
        .unwrap()
        .expect("an instant create");
    emu.set_lifecycle("rds", &[("modifying", 60.0)]).await;
    let mut changed = inputs_of(DB);
    changed["backupRetentionPeriod"] = json!(14);
    let news = checked(&mut p.client, DB, changed).await;
    let started = Instant::now();
    let status = p
        .client
        .update(rpc::UpdateRequest {
            id: created.id.clone(),
            urn: urn(DB, "r1"),
            r#type: DB.into(),
            name: "r1".into(),
            olds: created.properties.clone(),
            news: Some(news),
            timeout: TIMEOUT,
            ..Default::default()
        })
        .await
        .expect_err("update times out");
    let took = started.elapsed();
    for part in [
        "timed out after 3s while waiting for",
        "customTimeouts.update",
        "pulumi up",
    ] {
        assert!(
            status.message().contains(part),
            "update: {part:?} not in {}",
            status.message()
        );
    }
    assert_bounded("update", took, TIMEOUT);
    figures.push(format!("update {} ms", took.as_millis()));

    // delete: instances and clusters stay `deleting`
    emu.set_lifecycle("rds", &[("modifying", 0.0), ("deleting", 60.0)])
        .await;
    let state = decode_opt(created.properties.as_ref());
    let started = Instant::now();
    let status = p
        .client
        .delete(rpc::DeleteRequest {
            id: created.id.clone(),
            urn: urn(DB, "r1"),
            r#type: DB.into(),
            properties: Some(encode_struct(&state)),
            timeout: TIMEOUT,
            ..Default::default()
        })
        .await
        .expect_err("delete times out");
    let took = started.elapsed();
    for part in [
        "timed out after 3s while waiting for",
        "customTimeouts.delete",
        "pulumi destroy",
    ] {
        assert!(
            status.message().contains(part),
            "delete: {part:?} not in {}",
            status.message()
        );
    }
    assert_bounded("delete", took, TIMEOUT);
    figures.push(format!("delete {} ms", took.as_millis()));
    figure(
        "cancel_timeouts",
        &format!(
            "customTimeouts of {TIMEOUT}s ended create/update/delete after {}",
            figures.join(", ")
        ),
    );
}
