//! The master password never leaves a secret: not in Check failures, error messages (ours or AWS's
//! echoed), partial-failure reasons, non-secret outputs, engine Log messages or the provider's traces
//! (captured at debug level for every crate, as `-v=9` would print them to stderr).
//!
//! AWS does not echo passwords, but nothing stops an error message from quoting a parameter: the
//! emulator's faults here do, on the calls that carry the password.

mod rpc_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use dr_test_support::{Emulator, Fault};
use multiregion_dr::rpc::codec::{decode_opt, encode_struct};
use multiregion_dr::rpc::service::ProviderService;
use multiregion_dr::value::Value;
use prost::Message;
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_provider_server::ResourceProvider;
use rpc_support::{figure, plain_strings, serve_engine, urn, EngineLog};
use serde_json::json;
use tonic::{Request, Status};

const PASSWORD: &str = "Tr0ub4dor-and-3-more";
const NEW_PASSWORD: &str = "c0rrect-h0rse-battery";
const DB: &str = "multiregion-dr:index:GlobalDatabase";
const DNS: &str = "multiregion-dr:index:DnsFailover";

static TRACES: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Traces;

impl Write for Traces {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        TRACES.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the provider said, gathered for the scan.
#[derive(Default)]
struct Said(Vec<(String, String)>);

impl Said {
    fn add(&mut self, what: &str, text: impl Into<String>) {
        self.0.push((what.to_string(), text.into()));
    }

    fn status(&mut self, what: &str, s: &Status) {
        self.add(&format!("{what}: status message"), s.message());
        let Ok(pb) = tonic_types::pb::Status::decode(s.details()) else {
            return;
        };
        self.add(&format!("{what}: google.rpc.Status message"), pb.message);
        for d in pb.details {
            match rpc::ErrorResourceInitFailed::decode(d.value.as_slice()) {
                Ok(init) if d.type_url.ends_with("ErrorResourceInitFailed") => {
                    self.add(&format!("{what}: partial-failure id"), init.id);
                    for r in &init.reasons {
                        self.add(&format!("{what}: partial-failure reason"), r.clone());
                    }
                    self.outputs(
                        &format!("{what}: partial-failure outputs"),
                        init.properties.as_ref(),
                    );
                    self.outputs(
                        &format!("{what}: partial-failure inputs"),
                        init.inputs.as_ref(),
                    );
                }
                _ => self.add(
                    &format!("{what}: detail {}", d.type_url),
                    String::from_utf8_lossy(&d.value).to_string(),
                ),
            }
        }
    }

    /// The outputs' string values outside secrets: what the engine shows and stores in plain text.
    fn outputs(&mut self, what: &str, properties: Option<&prost_types::Struct>) {
        let mut plain = Default::default();
        plain_strings(&decode_opt(properties), "", &mut plain);
        for (path, s) in plain {
            self.add(&format!("{what} {path}"), s);
        }
    }
}

fn database(password: Value, extra: serde_json::Value) -> Value {
    let mut v = Value::from_json(&json!({
        "globalClusterIdentifier": "ledger", "engine": "aurora-postgresql", "engineVersion": "16.4",
        "masterUsername": "app", "instanceClass": "db.r6g.large", "skipFinalSnapshot": true,
        "backupRetentionPeriod": 7,
    }));
    if let Value::Object(o) = &mut v {
        o.insert("masterPassword".into(), password);
        for (k, e) in extra.as_object().unwrap() {
            o.insert(k.clone(), Value::from_json(e));
        }
    }
    v
}

async fn check(service: &ProviderService, token: &str, news: &Value, said: &mut Said) -> Value {
    let r = service
        .check(Request::new(rpc::CheckRequest {
            urn: urn(token, "ledger"),
            name: "ledger".into(),
            r#type: token.into(),
            news: Some(encode_struct(news)),
            random_seed: b"seed".to_vec(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    for f in &r.failures {
        said.add(&format!("Check failure {}", f.property), f.reason.clone());
    }
    said.outputs("Check inputs", r.inputs.as_ref());
    decode_opt(r.inputs.as_ref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_master_password_never_leaves_a_secret() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .with_ansi(false)
        .with_writer(|| Traces)
        .init();
    dr_test_support::static_credentials();

    let emu = Emulator::start().await;
    let engine = Arc::new(EngineLog::default());
    let engine_address = serve_engine(engine.clone()).await;
    let service = ProviderService::new(Some(&engine_address));
    let endpoints = emu.endpoints_json();
    service
        .configure(Request::new(rpc::ConfigureRequest {
            args: Some(encode_struct(&Value::from_json(
                &json!({"endpoints": endpoints, "maxRetries": 0}),
            ))),
            ..Default::default()
        }))
        .await
        .unwrap();
    let mut said = Said::default();

    // Check: a refused password, and secrets in properties whose rules quote the value they refuse.
    check(
        &service,
        DB,
        &database(Value::secret(format!("{PASSWORD} @").into()), json!({})),
        &mut said,
    )
    .await;
    let mut version_secret = database(Value::from(PASSWORD), json!({}));
    if let Value::Object(o) = &mut version_secret {
        o.insert("engineVersion".into(), Value::secret(Value::from(PASSWORD)));
    }
    let checked = check(&service, DB, &version_secret, &mut said).await;
    assert!(
        checked.get("masterPassword").is_some_and(Value::is_secret),
        "Check makes the schema's secret inputs secret: {checked:?}"
    );
    let quoted = Value::from_json(&json!({"zoneName": "example.com", "recordName": "api",
        "primaryEndpoint": "a.example.net", "secondaryEndpoint": "b.example.net"}));
    let quoted = match quoted {
        Value::Object(mut o) => {
            o.insert(
                "hostedZoneId".into(),
                Value::secret(format!("{PASSWORD}!").into()),
            );
            o.insert(
                "tags".into(),
                Value::object([("owner", Value::secret(Value::from(PASSWORD)))]),
            );
            Value::Object(o)
        }
        other => other,
    };
    check(&service, DNS, &quoted, &mut said).await;
    let refused: Vec<&(String, String)> = said
        .0
        .iter()
        .filter(|(w, _)| w.starts_with("Check failure"))
        .collect();
    assert!(
        refused
            .iter()
            .any(|(w, r)| w.ends_with("masterPassword") && r.contains("must not contain")),
        "{refused:?}"
    );
    assert!(
        refused
            .iter()
            .any(|(w, r)| w.ends_with("hostedZoneId") && r.contains("[secret]")),
        "{refused:?}"
    );

    // Create, failing on the primary's CreateDBCluster with an error that quotes the password: the
    // global cluster exists, so this is a partial failure with outputs.
    let inputs = check(
        &service,
        DB,
        &database(Value::secret(Value::from(PASSWORD)), json!({})),
        &mut said,
    )
    .await;
    emu.inject_fault(
        Fault::error("rds", "CreateDBCluster", "InvalidParameterValue")
            .region("us-east-1")
            .message(&format!(
                "The parameter MasterUserPassword '{PASSWORD}' is not a valid password"
            )),
    )
    .await;
    let create = |props: Value| {
        let service = &service;
        async move {
            service
                .create(Request::new(rpc::CreateRequest {
                    urn: urn(DB, "ledger"),
                    r#type: DB.into(),
                    name: "ledger".into(),
                    properties: Some(encode_struct(&props)),
                    ..Default::default()
                }))
                .await
        }
    };
    let failed = create(inputs.clone())
        .await
        .expect_err("the fault fails the create");
    assert!(
        failed.message().contains("InvalidParameterValue"),
        "{}",
        failed.message()
    );
    assert!(
        failed.message().contains("[secret]"),
        "the echoed password is masked: {}",
        failed.message()
    );
    said.status("Create (AWS echoes the password)", &failed);

    // Create again: it resumes and succeeds; the outputs keep the password secret. The instances take
    // a few seconds, so status lines reach the engine's Log.
    emu.clear_faults().await;
    emu.set_lifecycle("rds", &[("instance.creating", 6.0)])
        .await;
    let created = create(inputs.clone())
        .await
        .expect("the create resumes")
        .into_inner();
    said.outputs("Create outputs", created.properties.as_ref());
    let outputs = decode_opt(created.properties.as_ref());
    assert!(
        outputs.get("masterPassword").is_some_and(Value::is_secret),
        "{outputs:?}"
    );

    // Update to a new password given without secret(): the schema makes it secret all the same.
    let new_inputs = check(
        &service,
        DB,
        &database(Value::from(NEW_PASSWORD), json!({})),
        &mut said,
    )
    .await;
    emu.inject_fault(
        Fault::error("rds", "ModifyDBCluster", "InvalidParameterValue").message(&format!(
            "MasterUserPassword {NEW_PASSWORD} (was {PASSWORD}) is refused"
        )),
    )
    .await;
    let update = |news: Value| {
        let service = &service;
        let olds = outputs.clone();
        let id = created.id.clone();
        async move {
            service
                .update(Request::new(rpc::UpdateRequest {
                    id,
                    urn: urn(DB, "ledger"),
                    r#type: DB.into(),
                    name: "ledger".into(),
                    olds: Some(encode_struct(&olds)),
                    news: Some(encode_struct(&news)),
                    ..Default::default()
                }))
                .await
        }
    };
    let failed = update(new_inputs.clone())
        .await
        .expect_err("the fault fails the update");
    assert!(
        failed.message().contains("[secret]"),
        "{}",
        failed.message()
    );
    said.status("Update (AWS echoes both passwords)", &failed);
    emu.clear_faults().await;
    emu.set_lifecycle("rds", &[("instance.creating", 0.0)])
        .await;
    let updated = update(new_inputs.clone())
        .await
        .expect("the update succeeds")
        .into_inner();
    said.outputs("Update outputs", updated.properties.as_ref());

    // Read (refresh) and Construct with a refused password inside the database block.
    let read = service
        .read(Request::new(rpc::ReadRequest {
            id: created.id.clone(),
            urn: urn(DB, "ledger"),
            r#type: DB.into(),
            properties: updated.properties.clone(),
            inputs: Some(encode_struct(&new_inputs)),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    said.outputs("Read outputs", read.properties.as_ref());
    said.outputs("Read inputs", read.inputs.as_ref());
    let component = Value::object([(
        "database",
        database(Value::secret(format!("{PASSWORD} x").into()), json!({})),
    )]);
    let constructed = service
        .construct(Request::new(rpc::ConstructRequest {
            project: "proj".into(),
            stack: "dev".into(),
            r#type: "multiregion-dr:index:MultiRegionDR".into(),
            name: "dr".into(),
            inputs: Some(encode_struct(&component)),
            monitor_endpoint: "127.0.0.1:9".into(),
            ..Default::default()
        }))
        .await
        .expect_err("a password with a space is refused");
    assert!(
        constructed.message().contains("database.masterPassword"),
        "{}",
        constructed.message()
    );
    said.status("Construct", &constructed);

    let deleted = service
        .delete(Request::new(rpc::DeleteRequest {
            id: created.id.clone(),
            urn: urn(DB, "ledger"),
            r#type: DB.into(),
            properties: updated.properties.clone(),
            ..Default::default()
        }))
        .await;
    deleted.expect("delete");

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let log: Vec<String> = engine
        .messages
        .lock()
        .unwrap()
        .iter()
        .map(|m| m.message.clone())
        .collect();
    for m in &log {
        said.add("engine Log", m.clone());
    }
    let traces = String::from_utf8_lossy(&TRACES.lock().unwrap()).to_string();
    said.add("traces (stderr at -v=9)", traces.clone());

    let leaks: Vec<String> = said
        .0
        .iter()
        .filter(|(_, text)| text.contains(PASSWORD) || text.contains(NEW_PASSWORD))
        .map(|(what, text)| {
            let at = text
                .find(PASSWORD)
                .or_else(|| text.find(NEW_PASSWORD))
                .unwrap_or(0);
            let around: String = text[at..].chars().take(80).collect();
            format!("{what}: …{around}…")
        })
        .collect();
    figure(
        "secrets",
        &format!(
            "scanned {} texts ({} engine Log messages, {} KiB of debug traces, statuses, failures, outputs) for 2 passwords: {} leaks",
            said.0.len(),
            log.len(),
            traces.len() / 1024,
            leaks.len()
        ),
    );
    assert!(
        traces.contains("CreateDBCluster") || traces.len() > 10_000,
        "the traces were not captured"
    );
    assert!(
        log.iter().any(|m| m.contains("so far")),
        "no status line reached the engine Log: {log:?}"
    );
    assert!(
        leaks.is_empty(),
        "the password leaked:\n{}",
        leaks.join("\n")
    );
}
