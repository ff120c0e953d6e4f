//! A Python program on the real Python SDK (through dr-engine's exec shim) with an explicit provider
//! resource; then the failures: a Check failure, a program that raises, a remote component whose
//! Construct fails. Each failure exits 1, names its cause, and deletes nothing.

mod common;

use common::{hosted_zone, is_secret, route53_records, writes, Stack, SIG};
use dr_test_support::Emulator;

const DNS: &str = "site-api";
const PASSWORD: &str = "dr-engine-test-pw";

#[tokio::test(flavor = "multi_thread")]
async fn a_python_program_with_an_explicit_provider_and_its_failures() {
    let emu = Emulator::start().await;
    let zone = hosted_zone(&emu, "example.com").await;
    let mut stack = Stack::new("python-dns", &emu);
    stack.config.push(("zoneId".into(), zone.clone()));
    stack
        .config
        .push(("endpoints".into(), emu.endpoints_json().to_string()));
    stack.secrets.push(("password".into(), PASSWORD.into()));

    emu.clear_calls().await;
    let preview = stack.run("preview", &[]).await;
    preview.assert_ok();
    assert_eq!(
        preview.steps(),
        [
            ("create".into(), "site".into()),
            ("create".into(), "explicit".into()),
            ("create".into(), DNS.into())
        ],
        "{}",
        preview.describe()
    );
    assert_eq!(writes(&emu).await, Vec::<String>::new());

    let up = stack.run("up", &[]).await;
    up.assert_ok();
    assert_eq!(up.summary["programExitCode"], 0);
    assert_eq!(up.summary["outputs"]["fqdn"], "www.example.com");
    assert_eq!(route53_records(&emu).await.0.len(), 2);
    // The explicit provider: its own instance, inputs as the SDK sends them (JSON strings).
    let provider = up.state_resource("explicit").expect("explicit provider");
    assert_eq!(provider["type"], "pulumi:providers:multiregion-dr");
    assert_eq!(provider["inputs"]["maxRetries"], "2");
    let dns = up.state_resource(DNS).unwrap();
    assert_eq!(
        dns["provider"],
        format!(
            "{}::{}",
            provider["urn"].as_str().unwrap(),
            provider["id"].as_str().unwrap()
        )
    );
    assert!(
        up.state_resource("default_0_1_0").is_none(),
        "no default provider is loaded when every resource names one"
    );
    // The secret stays wrapped: in the state file, the password appears only inside a secret.
    let state_text = std::fs::read_to_string(stack.state_path()).unwrap();
    assert_eq!(state_text.matches(PASSWORD).count(), 1, "{state_text}");
    assert!(is_secret(&up.state["resources"][0]["outputs"]["password"]));
    assert!(state_text.contains(SIG));
    assert!(is_secret(&up.summary["outputs"]["password"]));

    let update = stack.run("up", &["--config", "ttl=45"]).await;
    update.assert_ok();
    assert_eq!(
        update.op_of(DNS).as_deref(),
        Some("update"),
        "{}",
        update.describe()
    );
    assert_eq!(update.op_of("explicit").as_deref(), Some("same"));
    stack.config.push(("ttl".into(), "45".into()));

    // A new record name replaces the resource, create before delete: the new record exists
    // before the old one goes (the delete comes after the replacement's create in the events).
    let replaced = stack
        .run(
            "up",
            &["--config", "recordName=www2", "--config", "protect=true"],
        )
        .await;
    replaced.assert_ok();
    assert_eq!(
        replaced.op_of(DNS).as_deref(),
        Some("replace"),
        "{}",
        replaced.describe()
    );
    let new_dns = replaced.state_resource(DNS).unwrap();
    assert_ne!(new_dns["id"], dns["id"]);
    assert_eq!(new_dns["protect"], true);
    assert_eq!(new_dns["customTimeouts"]["create"], "5m");
    assert_eq!(
        replaced.state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["urn"] == dns["urn"])
            .count(),
        1
    );
    let names: Vec<String> = route53_records(&emu)
        .await
        .0
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.iter().all(|n| n.starts_with("www2.")), "{names:?}");
    let ops: Vec<&str> = replaced
        .events
        .iter()
        .filter(|e| e["kind"] == "step" && e["urn"] == dns["urn"])
        .map(|e| e["op"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        ["replace", "delete-replaced"],
        "{}",
        replaced.describe()
    );

    // Protected: a replacement is refused, nothing changes.
    let refused = stack
        .run(
            "up",
            &["--config", "recordName=www3", "--config", "protect=true"],
        )
        .await;
    assert_eq!(refused.code, 1, "{}", refused.describe());
    assert!(
        refused.errors().contains("unable to replace resource"),
        "{}",
        refused.describe()
    );
    assert_eq!(refused.state_resource(DNS).unwrap()["id"], new_dns["id"]);

    // Unprotected and deleteBeforeReplace in the same run: the old one goes first.
    let dbr = stack
        .run(
            "up",
            &[
                "--config",
                "recordName=www3",
                "--config",
                "deleteBeforeReplace=true",
            ],
        )
        .await;
    dbr.assert_ok();
    let ops: Vec<&str> = dbr
        .events
        .iter()
        .filter(|e| e["kind"] == "step" && e["urn"] == dns["urn"])
        .map(|e| e["op"].as_str().unwrap())
        .collect();
    assert_eq!(ops, ["delete-replaced", "replace"], "{}", dbr.describe());
    assert_eq!(
        dbr.state_resource(DNS).unwrap()["deleteBeforeReplace"],
        true
    );
    let names: Vec<String> = route53_records(&emu)
        .await
        .0
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.len() == 2 && names.iter().all(|n| n.starts_with("www3.")),
        "{names:?}"
    );
    stack.config.push(("recordName".into(), "www3".into()));

    // A Check failure: exit 1, the property named, no AWS change, the state as it was.
    emu.clear_calls().await;
    let before = std::fs::read_to_string(stack.state_path()).unwrap();
    let bad = stack.run("up", &["--config", "recordType=MX"]).await;
    assert_eq!(bad.code, 1, "{}", bad.describe());
    assert_eq!(bad.summary["ok"], false);
    let dns_urn = dns["urn"].as_str().unwrap();
    assert!(
        bad.errors().contains(&format!("{dns_urn}: recordType: ")),
        "{}",
        bad.describe()
    );
    assert!(!bad.steps().iter().any(|(op, _)| op == "delete"));
    assert_eq!(writes(&emu).await, Vec::<String>::new());
    assert_eq!(route53_records(&emu).await.0.len(), 2);
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(stack.state_path()).unwrap()).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(
        after["resources"].as_array().unwrap().len(),
        before["resources"].as_array().unwrap().len()
    );

    // A program that raises before registering anything: nothing is deleted.
    let raised = stack.run("up", &["--config", "fail=true"]).await;
    assert_eq!(raised.code, 1, "{}", raised.describe());
    assert_eq!(raised.summary["programExitCode"], 32);
    assert!(
        raised.errors().contains("the program failed on purpose"),
        "{}",
        raised.describe()
    );
    assert!(
        !raised.steps().iter().any(|(op, _)| op == "delete"),
        "{}",
        raised.describe()
    );
    assert!(raised.state_resource(DNS).is_some());
    assert_eq!(route53_records(&emu).await.0.len(), 2);

    // A remote component no provider implements: Construct's error reaches the summary.
    let remote = stack.run("up", &["--config", "remoteError=true"]).await;
    assert_eq!(remote.code, 1, "{}", remote.describe());
    assert!(
        remote
            .errors()
            .contains("Construct of multiregion-dr:index:NoSuchComponent failed"),
        "{}",
        remote.describe()
    );
    assert!(remote.state_resource(DNS).is_some());

    let destroy = stack.run("destroy", &[]).await;
    destroy.assert_ok();
    assert_eq!(destroy.summary["programExitCode"], serde_json::Value::Null);
    assert_eq!(route53_records(&emu).await, (vec![], 0));
    assert_eq!(destroy.state["resources"], serde_json::json!([]));
}
