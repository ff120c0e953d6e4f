//! Construct of MultiRegionDR against a recording ResourceMonitor that answers as the engine does
//! (URNs built the engine's way, `{}` for components, unknowns in preview): the RegisterResource
//! sequence, the URNs, the options passed to the children, and the reply.

use std::collections::HashMap;
use std::sync::Arc;

mod rpc_support;

use multiregion_dr::config::ProviderConfig;
use multiregion_dr::resources::registry;
use multiregion_dr::rpc::codec::{decode_opt, encode_struct};
use multiregion_dr::rpc::construct::construct;
use multiregion_dr::value::{OutputValue, Value};
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc_support::{serve_monitor, stack_urn, Call, Monitor, PROJECT, STACK};

const PROVIDER_REF: &str =
    "urn:pulumi:dev::proj::pulumi:providers:multiregion-dr::default_0_1_0::11111111-2222-3333-4444-555555555555";
const PASSWORD_DEP: &str = "urn:pulumi:dev::proj::random:index:RandomPassword::pw";
const BLOCK_DEP: &str = "urn:pulumi:dev::proj::aws:kms/key:Key::db";

async fn monitor(preview: bool) -> (Arc<Monitor>, String) {
    let monitor = Arc::new(Monitor::new(preview));
    let address = serve_monitor(monitor.clone()).await;
    (monitor, address)
}

fn dns_block() -> Value {
    Value::from_json(&serde_json::json!({
        "zoneName": "example.com", "recordName": "api",
        "primaryEndpoint": "a.example.com", "secondaryEndpoint": "b.example.com", "ttl": 30,
    }))
}

fn database_block(password: Value) -> Value {
    let mut block = Value::from_json(&serde_json::json!({
        "engine": "aurora-postgresql", "masterUsername": "app", "instanceClass": "db.r6g.large",
    }));
    if let Value::Object(map) = &mut block {
        map.insert("masterPassword".into(), password);
    }
    block
}

fn request(address: &str, inputs: Value, preview: bool) -> rpc::ConstructRequest {
    rpc::ConstructRequest {
        project: PROJECT.into(),
        stack: STACK.into(),
        dry_run: preview,
        monitor_endpoint: address.into(),
        r#type: "multiregion-dr:index:MultiRegionDR".into(),
        name: "payments".into(),
        parent: stack_urn(),
        inputs: Some(encode_struct(&inputs)),
        providers: HashMap::from([("multiregion-dr".to_string(), PROVIDER_REF.to_string())]),
        protect: Some(true),
        ignore_changes: vec!["dns.ttl".into()],
        custom_timeouts: Some(rpc::construct_request::CustomTimeouts {
            create: "45m".into(),
            update: String::new(),
            delete: "30m".into(),
        }),
        accepts_output_values: true,
        ..Default::default()
    }
}

#[tokio::test]
async fn construct_registers_component_then_children_then_outputs() {
    let (recorder, address) = monitor(false).await;
    let password = Value::Output(OutputValue {
        value: Some(Box::new(Value::string("a-long-password"))),
        secret: true,
        dependencies: vec![PASSWORD_DEP.into()],
    });
    let inputs = Value::object([
        ("activeRegion", Value::string("primary")),
        ("dns", dns_block()),
        // as the Node SDK sends a block that holds outputs: one output value
        (
            "database",
            Value::Output(OutputValue {
                value: Some(Box::new(database_block(password))),
                secret: false,
                dependencies: vec![BLOCK_DEP.into()],
            }),
        ),
    ]);
    let reply = construct(
        request(&address, inputs, false),
        &registry(),
        &ProviderConfig::default(),
    )
    .await
    .expect("construct");

    let component_urn =
        "urn:pulumi:dev::proj::multiregion-dr:index:MultiRegionDR::payments".to_string();
    assert_eq!(reply.urn, component_urn);

    let calls = recorder.calls.lock().unwrap().clone();
    // the component first, exactly as asked; the outputs last, after every child
    let Call::Register(first) = &calls[0] else {
        panic!("first call must register the component: {calls:?}")
    };
    assert_eq!(first.r#type, "multiregion-dr:index:MultiRegionDR");
    assert_eq!(first.name, "payments");
    assert_eq!(first.parent, stack_urn());
    assert!(!first.custom);
    assert_eq!(first.protect, Some(true));
    assert!(matches!(calls.last(), Some(Call::Outputs(o)) if o.urn == component_urn));
    assert_eq!(calls.len(), 4, "{calls:?}");

    let children = recorder.registered();
    let mut child_urns: Vec<String> = children[1..]
        .iter()
        .map(|c| recorder.urn(&c.parent, &c.r#type, &c.name))
        .collect();
    child_urns.sort();
    assert_eq!(
        child_urns,
        vec![
            "urn:pulumi:dev::proj::multiregion-dr:index:MultiRegionDR$multiregion-dr:index:DnsFailover::payments-dns",
            "urn:pulumi:dev::proj::multiregion-dr:index:MultiRegionDR$multiregion-dr:index:GlobalDatabase::payments-db",
        ]
    );
    for child in &children[1..] {
        assert!(child.custom);
        assert_eq!(child.parent, component_urn);
        assert_eq!(child.provider, PROVIDER_REF);
        assert_eq!(child.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(child.protect, Some(true));
        assert_eq!(
            child.custom_timeouts.as_ref().map(|t| t.create.as_str()),
            Some("45m")
        );
        assert!(child.accept_secrets && child.supports_partial_values);
    }
    let dns = children.iter().find(|c| c.name == "payments-dns").unwrap();
    assert_eq!(dns.ignore_changes, vec!["ttl".to_string()]);
    // DNS follows the database: registered after the database's registration was answered, and
    // depending on it, so that the engine moves the writer before DNS in every update.
    let db_urn = "urn:pulumi:dev::proj::multiregion-dr:index:MultiRegionDR$multiregion-dr:index:GlobalDatabase::payments-db";
    assert!(
        dns.dependencies.contains(&db_urn.to_string()),
        "{:?}",
        dns.dependencies
    );
    let order: Vec<&str> = children.iter().map(|c| c.name.as_str()).collect();
    let (db_at, dns_at) = (
        order.iter().position(|n| *n == "payments-db").unwrap(),
        order.iter().position(|n| *n == "payments-dns").unwrap(),
    );
    assert!(db_at < dns_at, "{order:?}");
    let dns_inputs = decode_opt(dns.object.as_ref());
    assert_eq!(
        dns_inputs.get("activeRegion").and_then(Value::as_str),
        Some("primary")
    );

    // the password's output value became a secret, and its dependency the child's
    let db = children.iter().find(|c| c.name == "payments-db").unwrap();
    let db_inputs = decode_opt(db.object.as_ref());
    assert!(matches!(
        db_inputs.get("masterPassword"),
        Some(Value::Secret(_))
    ));
    assert!(db.dependencies.contains(&PASSWORD_DEP.to_string()));
    let mut password_deps = db.property_dependencies["masterPassword"].urns.clone();
    password_deps.sort();
    assert_eq!(
        password_deps,
        vec![BLOCK_DEP.to_string(), PASSWORD_DEP.to_string()]
    );
    assert_eq!(
        db.property_dependencies["engine"].urns,
        vec![BLOCK_DEP.to_string()]
    );
    assert!(dns.property_dependencies["recordName"].urns.is_empty());

    // the reply: the children's key outputs, no id or urn, each depending on its child
    let state = decode_opt(reply.state.as_ref());
    assert_eq!(
        state.get("fqdn").and_then(Value::as_str),
        Some("api.example.com")
    );
    assert_eq!(
        state.get("primaryRegion").and_then(Value::as_str),
        Some("us-east-1")
    );
    assert!(state.get("id").is_none() && state.get("urn").is_none());
    assert_eq!(
        reply.state_dependencies["fqdn"].urns,
        vec!["urn:pulumi:dev::proj::multiregion-dr:index:MultiRegionDR$multiregion-dr:index:DnsFailover::payments-dns".to_string()]
    );
}

#[tokio::test]
async fn preview_gives_unknown_outputs() {
    let (_recorder, address) = monitor(true).await;
    let inputs = Value::object([("dns", dns_block())]);
    let reply = construct(
        request(&address, inputs, true),
        &registry(),
        &ProviderConfig::default(),
    )
    .await
    .expect("construct");
    let state = decode_opt(reply.state.as_ref());
    assert!(
        state.get("fqdn").is_some_and(Value::is_unknown),
        "{state:?}"
    );
}

#[tokio::test]
async fn bad_input_names_the_block_path_and_registers_nothing() {
    let (recorder, address) = monitor(true).await;
    let inputs = Value::object([("database", database_block(Value::Null))]);
    let err = construct(
        request(&address, inputs, true),
        &registry(),
        &ProviderConfig::default(),
    )
    .await
    .expect_err("missing password");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(
        err.message().contains("database.masterPassword"),
        "{}",
        err.message()
    );
    assert!(recorder.calls.lock().unwrap().is_empty());
}

fn every_block(password: &str) -> Value {
    Value::object([
        ("database", database_block(Value::string(password))),
        ("dns", dns_block()),
        (
            "sessionTable",
            Value::from_json(
                &serde_json::json!({"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]}),
            ),
        ),
        (
            "bucket",
            Value::from_json(&serde_json::json!({"namePrefix": "orders"})),
        ),
    ])
}

/// Construct with `refused` failing at once while every other child takes a while to register.
async fn construct_refusing(refused: &str) -> (Arc<Monitor>, tonic::Status) {
    let recorder = Arc::new(Monitor::refusing(
        refused,
        std::time::Duration::from_millis(800),
    ));
    let address = serve_monitor(recorder.clone()).await;
    let err = construct(
        request(&address, every_block("a-long-password"), false),
        &registry(),
        &ProviderConfig::default(),
    )
    .await
    .expect_err("a child failed");
    (recorder, err)
}

/// A child that fails must not cut its siblings' registrations short: the engine records their
/// (partial) states only when it answers them, and what it never records stays in AWS.
#[tokio::test]
async fn a_failing_child_waits_for_its_siblings_registrations() {
    let (recorder, err) = construct_refusing("payments-bucket").await;
    let mut answered = recorder.answered.lock().unwrap().clone();
    answered.sort();
    assert_eq!(
        answered,
        [
            "payments",
            "payments-db",
            "payments-dns",
            "payments-sessions"
        ],
        "Construct returned before the other children's registrations were answered"
    );
    assert_eq!(err.code(), tonic::Code::Unknown, "{err:?}");
    assert!(
        err.message().contains("registering payments-bucket")
            && err.message().contains("AccessDenied"),
        "{}",
        err.message()
    );
    // the component's outputs are not registered for a failed construct
    let calls = recorder.calls.lock().unwrap();
    assert!(!calls.iter().any(|c| matches!(c, Call::Outputs(_))));
}

/// A child that follows a failed one is never registered, and the error says why.
#[tokio::test]
async fn a_child_after_a_failed_one_is_named_and_not_registered() {
    let (recorder, err) = construct_refusing("payments-db").await;
    let mut answered = recorder.answered.lock().unwrap().clone();
    answered.sort();
    assert_eq!(
        answered,
        ["payments", "payments-bucket", "payments-sessions"]
    );
    assert!(!recorder
        .registered()
        .iter()
        .any(|r| r.name == "payments-dns"));
    assert!(
        err.message().contains("registering payments-db")
            && err.message().contains(
                "payments-dns was not registered: it follows the database block, which failed"
            ),
        "{}",
        err.message()
    );
}
