//! A plain JavaScript program on the real Node.js SDK, driven through preview, up, an unchanged up,
//! an in-place update, refresh (unchanged, then after an out-of-band change), removal of a resource
//! from the program, and destroy; the emulator is checked after each step.

mod common;

use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};
use common::{hosted_zone, is_secret, route53_records, writes, Stack};
use dr_test_support::Emulator;

const DNS: &str = "site-api";

async fn record_ttls(emu: &Emulator, zone: &str) -> Vec<i64> {
    emu.route53()
        .await
        .list_resource_record_sets()
        .hosted_zone_id(zone)
        .send()
        .await
        .unwrap()
        .resource_record_sets()
        .iter()
        .filter(|r| r.failover().is_some())
        .filter_map(|r| r.ttl())
        .collect()
}

/// Changes the primary record's TTL behind the program's back.
async fn change_ttl_out_of_band(emu: &Emulator, zone: &str, ttl: i64) {
    let client = emu.route53().await;
    let sets = client
        .list_resource_record_sets()
        .hosted_zone_id(zone)
        .send()
        .await
        .unwrap();
    let primary = sets
        .resource_record_sets()
        .iter()
        .find(|r| r.failover().map(|f| f.as_str()) == Some("PRIMARY"))
        .expect("a primary failover record")
        .clone();
    let mut changed = ResourceRecordSet::builder()
        .name(primary.name())
        .r#type(RrType::Cname)
        .ttl(ttl)
        .set_set_identifier(primary.set_identifier().map(str::to_string))
        .set_failover(primary.failover().cloned())
        .set_health_check_id(primary.health_check_id().map(str::to_string));
    for r in primary.resource_records() {
        changed =
            changed.resource_records(ResourceRecord::builder().value(r.value()).build().unwrap());
    }
    client
        .change_resource_record_sets()
        .hosted_zone_id(zone)
        .change_batch(
            ChangeBatch::builder()
                .changes(
                    Change::builder()
                        .action(ChangeAction::Upsert)
                        .resource_record_set(changed.build().unwrap())
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_javascript_program_through_its_whole_lifecycle() {
    let emu = Emulator::start().await;
    let zone = hosted_zone(&emu, "example.com").await;
    let mut stack = Stack::new("node-dns", &emu);
    stack.config.push(("zoneId".into(), zone.clone()));
    stack
        .secrets
        .push(("secondaryEndpoint".into(), "api-use2.example.net".into()));

    // Preview: every resource to create, no AWS change, no state written.
    emu.clear_calls().await;
    let preview = stack.run("preview", &[]).await;
    preview.assert_ok();
    assert_eq!(
        preview.steps(),
        [
            ("create".into(), "site".into()),
            ("create".into(), DNS.into())
        ],
        "{}",
        preview.describe()
    );
    assert_eq!(writes(&emu).await, Vec::<String>::new());
    assert!(!stack.state_path().exists(), "a preview wrote state");
    assert!(preview.stdout.contains("Previewing update (dev):"));

    // Up: created in Route 53, outputs exported, secrets wrapped in the state.
    let up = stack.run("up", &[]).await;
    up.assert_ok();
    assert_eq!(
        up.op_of(DNS).as_deref(),
        Some("create"),
        "{}",
        up.describe()
    );
    assert_eq!(up.summary["counts"]["create"], 3, "{}", up.describe());
    let (records, checks) = route53_records(&emu).await;
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(checks, 2);
    let outputs = &up.summary["outputs"];
    assert_eq!(outputs["fqdn"], "api.example.com");
    assert_eq!(outputs["ttl"], 60);
    // The built-in getResource invoke found the resource registered in this run.
    assert_eq!(outputs["lookedUpId"], outputs["dnsId"]);
    assert!(outputs["dnsId"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(is_secret(&outputs["secondary"]), "{outputs}");
    let dns = up.state_resource(DNS).expect("DnsFailover in state");
    assert!(is_secret(&dns["inputs"]["secondaryEndpoint"]), "{dns}");
    assert!(is_secret(&dns["outputs"]["secondaryEndpoint"]), "{dns}");
    assert!(dns["provider"]
        .as_str()
        .unwrap()
        .contains("::pulumi:providers:multiregion-dr::default_0_1_0::"));
    let stack_outputs = &up.state["resources"][0]["outputs"];
    assert!(is_secret(&stack_outputs["secondary"]), "{stack_outputs}");

    // An unchanged program: nothing but sames.
    let again = stack.run("up", &["--expect-no-changes"]).await;
    again.assert_ok();
    assert_eq!(again.op_of(DNS).as_deref(), Some("same"));

    // A changed TTL: an update in place, and --expect-no-changes would have caught it.
    let changed = stack
        .run("preview", &["--config", "ttl=30", "--expect-no-changes"])
        .await;
    assert_eq!(changed.code, 1, "{}", changed.describe());
    assert_eq!(changed.op_of(DNS).as_deref(), Some("update"));
    let update = stack.run("up", &["--config", "ttl=30"]).await;
    update.assert_ok();
    assert_eq!(
        update.op_of(DNS).as_deref(),
        Some("update"),
        "{}",
        update.describe()
    );
    assert_eq!(update.op_of("site").as_deref(), Some("same"));
    assert_eq!(record_ttls(&emu, &zone).await, [30, 30]);
    assert_eq!(
        update.state_resource(DNS).unwrap()["id"],
        dns["id"],
        "an update keeps the id"
    );
    stack.config.push(("ttl".into(), "30".into()));

    // Refresh with nothing changed: all the same, no change in AWS.
    emu.clear_calls().await;
    let refresh = stack.run("refresh", &[]).await;
    refresh.assert_ok();
    assert_eq!(
        refresh.op_of(DNS).as_deref(),
        Some("same"),
        "{}",
        refresh.describe()
    );
    assert_eq!(writes(&emu).await, Vec::<String>::new());

    // Refresh after an out-of-band change: an update, the new value in the state.
    change_ttl_out_of_band(&emu, &zone, 300).await;
    let drifted = stack.run("refresh", &[]).await;
    drifted.assert_ok();
    assert_eq!(
        drifted.op_of(DNS).as_deref(),
        Some("update"),
        "{}",
        drifted.describe()
    );
    assert_eq!(
        drifted.state_resource(DNS).unwrap()["outputs"]["ttl"],
        300,
        "{}",
        drifted.describe()
    );
    // The next up puts the program's value back.
    let repaired = stack.run("up", &[]).await;
    repaired.assert_ok();
    assert_eq!(repaired.op_of(DNS).as_deref(), Some("update"));
    assert_eq!(record_ttls(&emu, &zone).await, [30, 30]);

    // Resource.get: a read, recorded as external; dropping it later deletes nothing in AWS.
    let dns_id = dns["id"].as_str().unwrap().to_string();
    let read = stack
        .run("up", &["--config", &format!("readId={dns_id}")])
        .await;
    read.assert_ok();
    assert_eq!(
        read.op_of("read").as_deref(),
        Some("read"),
        "{}",
        read.describe()
    );
    assert_eq!(read.summary["outputs"]["readFqdn"], "api.example.com");
    let external = read.state_resource("read").unwrap();
    assert_eq!(external["external"], true);
    assert_eq!(external["id"], dns_id.as_str());
    let unread = stack.run("up", &[]).await;
    unread.assert_ok();
    assert_eq!(unread.op_of("read").as_deref(), Some("delete"));
    assert!(unread.state_resource("read").is_none());
    assert_eq!(
        route53_records(&emu).await.0.len(),
        2,
        "an external resource is not deleted"
    );

    // A preview of the removal: deletes planned, nothing deleted.
    let planned = stack.run("preview", &["--config", "withDns=false"]).await;
    planned.assert_ok();
    assert_eq!(
        planned.steps(),
        [
            ("delete".into(), DNS.into()),
            ("delete".into(), "site".into())
        ],
        "{}",
        planned.describe()
    );
    assert_eq!(route53_records(&emu).await.0.len(), 2);

    // The resource taken out of the program: deleted, child before its component.
    let removed = stack.run("up", &["--config", "withDns=false"]).await;
    removed.assert_ok();
    assert_eq!(
        removed.steps(),
        [
            ("delete".into(), DNS.into()),
            ("delete".into(), "site".into())
        ],
        "{}",
        removed.describe()
    );
    assert_eq!(route53_records(&emu).await, (vec![], 0));
    let names: Vec<String> = removed.state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["pulumi:pulumi:Stack"],
        "the default provider goes too"
    );

    // Back, then destroyed: nothing left in Route 53 or in the state.
    stack.run("up", &[]).await.assert_ok();
    assert_eq!(route53_records(&emu).await.0.len(), 2);
    let destroy = stack.run("destroy", &[]).await;
    destroy.assert_ok();
    assert!(destroy.stdout.contains("Destroying (dev):"));
    assert_eq!(
        destroy.steps(),
        [
            ("delete".into(), DNS.into()),
            ("delete".into(), "site".into())
        ],
        "{}",
        destroy.describe()
    );
    assert_eq!(route53_records(&emu).await, (vec![], 0));
    assert_eq!(destroy.state["resources"], serde_json::json!([]));
    // Every step was an event too, and the plugin's stderr was captured, not lost.
    assert!(destroy.events.iter().any(|e| e["kind"] == "step"
        && e["op"] == "delete"
        && e["type"] == "pulumi:providers:multiregion-dr"));
}
