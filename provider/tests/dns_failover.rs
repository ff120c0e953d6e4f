//! DnsFailover against the AWS emulator: the Resource trait called as the engine would (check, diff,
//! create, read, update, delete), Route 53 inspected through the emulator's inventory after each step.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

mod common;

use aws_sdk_route53::types::{ChangeAction, ResourceRecordSetFailover};
use dr_test_support::{CallRecord, Emulator, Fault, Latency, RateLimit};
use multiregion_dr::aws::LazyClients;
use multiregion_dr::config::ProviderConfig;
use multiregion_dr::context::Context;
use multiregion_dr::error::ResourceError;
use multiregion_dr::progress::Reporter;
use multiregion_dr::resources::dns_failover::DnsFailover;
use multiregion_dr::resources::{CheckRequest, DiffRequest, Resource};
use multiregion_dr::value::Value;
use serde_json::{json, Value as Json};

const URN: &str = "urn:pulumi:dev::dr::multiregion-dr:index:DnsFailover::api";

struct Env {
    emu: Emulator,
    ctx: Context,
    zone_id: String,
}

fn context(emu: &Emulator, max_retries: u32) -> Context {
    common::context(ProviderConfig {
        default_tags: BTreeMap::from([("managed-by".to_string(), "multiregion-dr".to_string())]),
        ..common::config(emu, max_retries)
    })
}

/// An emulator with the zone example.com.
async fn env(max_retries: u32) -> Env {
    let emu = Emulator::start().await;
    let ctx = context(&emu, max_retries);
    let zone = emu
        .route53()
        .await
        .create_hosted_zone()
        .name("example.com")
        .caller_reference("test-zone")
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    Env { emu, ctx, zone_id }
}

fn base() -> Json {
    json!({
        "zoneName": "example.com",
        "recordName": "api",
        "recordType": "CNAME",
        "primaryEndpoint": "api-use1.example.net",
        "secondaryEndpoint": "api-use2.example.net",
        "healthCheck": {"resourcePath": "/health"},
        "tags": {"team": "dr"},
    })
}

fn patched(mut base: Json, patch: Json) -> Json {
    fn merge(into: &mut Json, patch: &Json) {
        match (into, patch) {
            (Json::Object(a), Json::Object(b)) => {
                for (k, v) in b {
                    merge(a.entry(k.clone()).or_insert(Json::Null), v);
                }
            }
            (slot, p) => *slot = p.clone(),
        }
    }
    merge(&mut base, &patch);
    base
}

fn check(ctx: &Context, news: &Json) -> Result<Value, Vec<String>> {
    let news = Value::from_json(news);
    let r = DnsFailover.check(CheckRequest {
        urn: URN,
        name: "api",
        olds: &Value::object::<_, String>([]),
        news: &news,
        random_seed: b"seed",
        config: &ctx.config,
    });
    if r.failures.is_empty() {
        Ok(r.inputs)
    } else {
        Err(r.failures.iter().map(|f| f.to_string()).collect())
    }
}

fn checked(ctx: &Context, news: &Json) -> Value {
    check(ctx, news).unwrap_or_else(|f| panic!("check refused {news}: {f:?}"))
}

fn diff(olds: &Value, old_inputs: &Value, news: &Value) -> multiregion_dr::diff::Diff {
    DnsFailover
        .diff(DiffRequest {
            id: "x",
            olds,
            news,
            old_inputs: Some(old_inputs),
        })
        .unwrap()
}

/// The error of a create that must fail (`Created` has no Debug for `unwrap_err`).
fn refused(r: Result<multiregion_dr::resources::Created, ResourceError>) -> ResourceError {
    match r {
        Ok(c) => panic!("expected a failure, got {:?}", c.outputs.to_plain_json()),
        Err(e) => e,
    }
}

fn out<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("output {key} missing in {:?}", v.to_plain_json()))
}

/// Out-of-band edits, as someone with the console or the CLI would make them.
mod by_hand {
    use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecordSet};
    use aws_sdk_route53::Client;

    pub async fn failover_records(r53: &Client, zone_id: &str) -> Vec<ResourceRecordSet> {
        let listed = r53
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .send()
            .await
            .unwrap();
        listed
            .resource_record_sets()
            .iter()
            .filter(|r| r.failover().is_some())
            .cloned()
            .collect()
    }

    pub async fn record(r53: &Client, zone_id: &str, set_identifier: &str) -> ResourceRecordSet {
        failover_records(r53, zone_id)
            .await
            .into_iter()
            .find(|r| r.set_identifier() == Some(set_identifier))
            .unwrap_or_else(|| panic!("no record {set_identifier}"))
    }

    pub fn change(action: ChangeAction, record: ResourceRecordSet) -> Change {
        Change::builder()
            .action(action)
            .resource_record_set(record)
            .build()
            .unwrap()
    }

    pub async fn apply(r53: &Client, zone_id: &str, changes: Vec<Change>) {
        r53.change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(
                ChangeBatch::builder()
                    .set_changes(Some(changes))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
}

/// One record as the emulator holds it.
#[derive(Debug, Clone, PartialEq)]
struct Rec {
    set_identifier: String,
    failover: String,
    health_check_id: String,
    values: Vec<String>,
    alias: Json,
}

async fn route53(emu: &Emulator) -> Json {
    emu.inventory().await["route53"].clone()
}

/// The failover records of a name, by set identifier.
async fn records(emu: &Emulator, name: &str) -> BTreeMap<String, Rec> {
    let inv = route53(emu).await;
    assert_eq!(
        inv["dangling_health_check_refs"],
        json!([]),
        "a record names a missing check"
    );
    let mut out = BTreeMap::new();
    for zone in inv["hosted_zones"].as_array().unwrap() {
        for r in zone["records"].as_array().unwrap() {
            if r["name"].as_str().unwrap().trim_end_matches('.') != name {
                continue;
            }
            let rec = Rec {
                set_identifier: r["set_identifier"].as_str().unwrap_or_default().to_string(),
                failover: r["failover"].as_str().unwrap_or_default().to_string(),
                health_check_id: r["health_check_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                values: r["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect(),
                alias: r["alias_target"].clone(),
            };
            out.insert(rec.set_identifier.clone(), rec);
        }
    }
    out
}

/// Health check ids in the emulator.
async fn check_ids(emu: &Emulator) -> Vec<String> {
    let mut ids: Vec<String> = route53(emu).await["health_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Both records: the side `active` is PRIMARY, each points at its own check.
async fn assert_pair(emu: &Emulator, outputs: &Value, fqdn: &str, active: &str) {
    let recs = records(emu, fqdn).await;
    assert_eq!(recs.len(), 2, "{recs:#?}");
    for side in ["primary", "secondary"] {
        let set_id = out(outputs, &format!("{side}SetIdentifier"));
        let rec = recs
            .get(set_id)
            .unwrap_or_else(|| panic!("no record {set_id}: {recs:#?}"));
        assert_eq!(
            rec.health_check_id,
            out(outputs, &format!("{side}HealthCheckId"))
        );
        let want = if side == active {
            "PRIMARY"
        } else {
            "SECONDARY"
        };
        assert_eq!(rec.failover, want, "{side}: {rec:?}");
    }
    let region = out(outputs, &format!("{active}Region"));
    assert_eq!(out(outputs, "answeringRegion"), region);
}

async fn calls(emu: &Emulator, operation: &str) -> Vec<CallRecord> {
    emu.calls_of("route53", operation).await
}

fn ok(calls: &[CallRecord]) -> usize {
    calls
        .iter()
        .filter(|c| c.status.is_some_and(|s| s < 300))
        .count()
}

#[tokio::test]
async fn create_read_update_delete() {
    let Env { emu, ctx, zone_id } = env(3).await;
    // Slow enough that two sequential creates could not overlap.
    emu.set_latency(Latency {
        service: Some("route53".into()),
        operation: Some("CreateHealthCheck".into()),
        fixed_ms: 300,
        ..Latency::default()
    })
    .await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    assert_eq!(created.id, format!("{zone_id}/api.example.com/CNAME"));
    let outputs = created.outputs;
    assert_eq!(out(&outputs, "fqdn"), "api.example.com");
    assert_eq!(out(&outputs, "hostedZoneId"), zone_id);
    assert_eq!(
        out(&outputs, "primarySetIdentifier"),
        "api.example.com-cname-us-east-1"
    );
    assert_eq!(
        out(&outputs, "secondarySetIdentifier"),
        "api.example.com-cname-us-east-2"
    );
    assert_pair(&emu, &outputs, "api.example.com", "primary").await;
    let recs = records(&emu, "api.example.com").await;
    assert_eq!(
        recs["api.example.com-cname-us-east-1"].values,
        ["api-use1.example.net"]
    );
    assert_eq!(
        recs["api.example.com-cname-us-east-2"].values,
        ["api-use2.example.net"]
    );
    // Both checks were created concurrently, each once.
    let creates = calls(&emu, "CreateHealthCheck").await;
    assert_eq!(ok(&creates), 2);
    assert!(
        creates[0].start < creates[1].end.unwrap() && creates[1].start < creates[0].end.unwrap(),
        "the two health checks were not created concurrently: {creates:#?}"
    );
    assert_eq!(
        ok(&calls(&emu, "ChangeResourceRecordSets").await),
        1,
        "one atomic batch"
    );
    assert!(
        !calls(&emu, "GetChange").await.is_empty(),
        "waited for INSYNC"
    );

    // The checks as configured, and tagged.
    let r53 = emu.route53().await;
    let p_id = out(&outputs, "primaryHealthCheckId").to_string();
    let hc = r53
        .get_health_check()
        .health_check_id(&p_id)
        .send()
        .await
        .unwrap();
    let cfg = hc.health_check().unwrap().health_check_config().unwrap();
    assert_eq!(cfg.r#type().as_str(), "HTTPS");
    assert_eq!(
        cfg.fully_qualified_domain_name(),
        Some("api-use1.example.net")
    );
    assert_eq!(cfg.resource_path(), Some("/health"));
    assert_eq!(cfg.port(), Some(443));
    assert_eq!(cfg.regions().len(), 8);
    let tags = r53
        .list_tags_for_resource()
        .resource_type(aws_sdk_route53::types::TagResourceType::Healthcheck)
        .resource_id(&p_id)
        .send()
        .await
        .unwrap();
    let tags: BTreeMap<_, _> = tags
        .resource_tag_set()
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_string(), t.value().unwrap().to_string()))
        .collect();
    assert_eq!(tags["Name"], "api.example.com (us-east-1)");
    assert_eq!(tags["team"], "dr");
    assert_eq!(tags["managed-by"], "multiregion-dr");

    // Read finds what was created: the same outputs, inputs without drift.
    let read = DnsFailover
        .read(&ctx, &created.id, &outputs, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.id, created.id);
    assert_eq!(read.outputs.to_plain_json(), outputs.to_plain_json());
    assert!(
        !diff(&read.outputs, &read.inputs, &inputs).has_changes(),
        "{:?}",
        diff(&read.outputs, &read.inputs, &inputs)
    );

    // In-place update: endpoint, TTL, threshold and path change; the checks stay.
    emu.clear_calls().await;
    let news = checked(
        &ctx,
        &patched(
            base(),
            json!({"primaryEndpoint": "api-use1-v2.example.net", "ttl": 30,
                   "healthCheck": {"failureThreshold": 5, "resourcePath": "/ready"}}),
        ),
    );
    let d = diff(&outputs, &inputs, &news);
    assert!(d.has_changes() && !d.replaces(), "{d:?}");
    let updated = DnsFailover
        .update(&ctx, &created.id, &outputs, &news)
        .await
        .unwrap();
    assert_eq!(out(&updated, "primaryHealthCheckId"), p_id);
    assert_eq!(
        out(&updated, "secondaryHealthCheckId"),
        out(&outputs, "secondaryHealthCheckId")
    );
    assert_eq!(ok(&calls(&emu, "CreateHealthCheck").await), 0);
    assert_eq!(ok(&calls(&emu, "UpdateHealthCheck").await), 2);
    assert_eq!(
        ok(&calls(&emu, "ChangeResourceRecordSets").await),
        1,
        "both records in one batch"
    );
    assert_pair(&emu, &updated, "api.example.com", "primary").await;
    let recs = records(&emu, "api.example.com").await;
    assert_eq!(
        recs["api.example.com-cname-us-east-1"].values,
        ["api-use1-v2.example.net"]
    );
    let hc = r53
        .get_health_check()
        .health_check_id(&p_id)
        .send()
        .await
        .unwrap();
    let cfg = hc.health_check().unwrap().health_check_config().unwrap();
    assert_eq!(cfg.failure_threshold(), Some(5));
    assert_eq!(cfg.resource_path(), Some("/ready"));
    assert_eq!(
        cfg.fully_qualified_domain_name(),
        Some("api-use1-v2.example.net")
    );
    let read = DnsFailover
        .read(&ctx, &created.id, &updated, &news)
        .await
        .unwrap()
        .unwrap();
    assert!(!diff(&read.outputs, &read.inputs, &news).has_changes());

    DnsFailover
        .delete(&ctx, &created.id, &updated)
        .await
        .unwrap();
    assert!(records(&emu, "api.example.com").await.is_empty());
    assert!(check_ids(&emu).await.is_empty());
    assert!(DnsFailover
        .read(&ctx, &created.id, &updated, &news)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn address_and_alias_records() {
    let Env { emu, ctx, zone_id } = env(3).await;
    let news = checked(
        &ctx,
        &json!({
            "hostedZoneId": format!("/hostedzone/{zone_id}"),
            "recordName": "www.example.com.",
            "recordType": "A",
            "primaryEndpoint": "198.51.100.10",
            "secondaryEndpoint": "lb-use2.example.net",
            "secondaryAlias": {"dnsName": "lb-use2.us-east-2.elb.amazonaws.com", "hostedZoneId": "Z3AADJGX6KTTL2"},
            "ttl": 20,
            "healthCheck": {"type": "HTTP", "regions": ["us-west-2", "us-east-1", "eu-west-1"]},
        }),
    );
    let created = DnsFailover.create(&ctx, &news).await.unwrap();
    let outputs = created.outputs;
    assert_eq!(out(&outputs, "zoneName"), "example.com");
    assert_pair(&emu, &outputs, "www.example.com", "primary").await;
    let recs = records(&emu, "www.example.com").await;
    let p = &recs[out(&outputs, "primarySetIdentifier")];
    assert_eq!(p.values, ["198.51.100.10"]);
    let s = &recs[out(&outputs, "secondarySetIdentifier")];
    assert!(s.values.is_empty());
    assert_eq!(s.alias["DNSName"], "lb-use2.us-east-2.elb.amazonaws.com");
    assert_eq!(s.alias["HostedZoneId"], "Z3AADJGX6KTTL2");
    let checks = route53(&emu).await["health_checks"].clone();
    let by_id = |id: &str| {
        checks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_id(out(&outputs, "primaryHealthCheckId"))["ip_address"],
        "198.51.100.10"
    );
    assert_eq!(
        by_id(out(&outputs, "secondaryHealthCheckId"))["fqdn"],
        "lb-use2.example.net"
    );
    let read = DnsFailover
        .read(&ctx, &created.id, &outputs, &news)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !diff(&read.outputs, &read.inputs, &news).has_changes(),
        "{:?}",
        diff(&read.outputs, &read.inputs, &news)
    );

    // The alias side's endpoint turns from a host name into an address: only that side's check is new.
    let news2 = checked(
        &ctx,
        &patched(
            news.to_plain_json(),
            json!({"secondaryEndpoint": "203.0.113.20"}),
        ),
    );
    let updated = DnsFailover
        .update(&ctx, &created.id, &outputs, &news2)
        .await
        .unwrap();
    assert_eq!(
        out(&updated, "primaryHealthCheckId"),
        out(&outputs, "primaryHealthCheckId")
    );
    assert_ne!(
        out(&updated, "secondaryHealthCheckId"),
        out(&outputs, "secondaryHealthCheckId")
    );
    assert_pair(&emu, &updated, "www.example.com", "primary").await;
    assert_eq!(
        check_ids(&emu).await,
        sorted(vec![
            out(&updated, "primaryHealthCheckId").into(),
            out(&updated, "secondaryHealthCheckId").into()
        ]),
        "the replaced check is deleted"
    );

    // A refresh where the engine sends the state but no inputs: the inputs stay inputs.
    let empty = Value::object::<_, String>([]);
    let refreshed = DnsFailover
        .read(&ctx, &created.id, &updated, &empty)
        .await
        .unwrap()
        .unwrap();
    let keys: Vec<String> = refreshed
        .inputs
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(
        !keys
            .iter()
            .any(|k| k.ends_with("HealthCheckId") || k == "fqdn" || k == "answeringRegion"),
        "outputs leaked into the inputs: {keys:?}"
    );
    assert!(!diff(&refreshed.outputs, &refreshed.inputs, &news2).has_changes());

    // Import: only the id.
    let imported = DnsFailover
        .read(&ctx, &created.id, &empty, &empty)
        .await
        .unwrap()
        .unwrap();
    let inputs = imported.inputs.to_plain_json();
    assert_eq!(inputs["recordName"], "www.example.com");
    assert_eq!(inputs["primaryEndpoint"], "198.51.100.10");
    assert_eq!(inputs["secondaryEndpoint"], "203.0.113.20");
    assert_eq!(
        inputs["secondaryAlias"]["dnsName"],
        "lb-use2.us-east-2.elb.amazonaws.com"
    );
    assert_eq!(inputs["ttl"], 20);
    assert_eq!(inputs["healthCheck"]["type"], "HTTP");
    assert!(check(&ctx, &inputs).is_ok(), "{:?}", check(&ctx, &inputs));
    DnsFailover
        .delete(&ctx, &created.id, &updated)
        .await
        .unwrap();
    assert!(records(&emu, "www.example.com").await.is_empty());
    assert!(check_ids(&emu).await.is_empty());
}

/// Every Check rule, through the trait, each naming its property.
#[test]
fn check_refuses_with_the_property_named() {
    let config = ProviderConfig::default();
    let ctx = Context::new(
        Arc::new(config),
        Arc::new(LazyClients::default()),
        Reporter::silent(),
    );
    let a =
        |p: &str, s: &str| json!({"recordType": "A", "primaryEndpoint": p, "secondaryEndpoint": s});
    let cases: Vec<(Json, &str, &str)> = vec![
        (
            json!({"zoneName": null}),
            "hostedZoneId",
            "either hostedZoneId or zoneName",
        ),
        (
            json!({"hostedZoneId": "not a zone"}),
            "hostedZoneId",
            "not a hosted zone id",
        ),
        (json!({"recordName": null}), "recordName", "required"),
        (json!({"recordName": "a b"}), "recordName", "contains ' '"),
        (
            json!({"recordName": "x.example.org."}),
            "recordName",
            "not inside the hosted zone",
        ),
        (
            json!({"recordType": "TXT"}),
            "recordType",
            "A, AAAA or CNAME",
        ),
        (
            a("api.example.net", "198.51.100.2"),
            "primaryEndpoint",
            "IPv4",
        ),
        (
            json!({"recordType": "AAAA", "primaryEndpoint": "2001:db8::1", "secondaryEndpoint": "198.51.100.2"}),
            "secondaryEndpoint",
            "IPv6",
        ),
        (
            json!({"primaryEndpoint": "198.51.100.1"}),
            "primaryEndpoint",
            "host name",
        ),
        (
            json!({"primaryEndpoint": "-bad-.example..net"}),
            "primaryEndpoint",
            "IP address or a host name",
        ),
        (
            a("192.168.1.1", "198.51.100.2"),
            "primaryEndpoint",
            "private",
        ),
        (
            json!({"secondaryEndpoint": "API-USE1.example.net."}),
            "secondaryEndpoint",
            "must differ",
        ),
        (
            json!({"secondaryEndpoint": null}),
            "secondaryEndpoint",
            "required",
        ),
        (json!({"ttl": -5}), "ttl", "between 0 and 2147483647"),
        (
            json!({"ttl": 3000000000i64}),
            "ttl",
            "between 0 and 2147483647",
        ),
        (
            json!({"healthCheck": {"type": "CLOUDWATCH_METRIC"}}),
            "healthCheck.type",
            "not one of",
        ),
        (
            json!({"healthCheck": {"type": "TCP", "resourcePath": null}}),
            "healthCheck.port",
            "required for TCP",
        ),
        (
            json!({"healthCheck": {"port": 70000}}),
            "healthCheck.port",
            "1 and 65535",
        ),
        (
            json!({"healthCheck": {"resourcePath": "health"}}),
            "healthCheck.resourcePath",
            "start with '/'",
        ),
        (
            json!({"healthCheck": {"type": "HTTP_STR_MATCH"}}),
            "healthCheck.searchString",
            "required",
        ),
        (
            json!({"healthCheck": {"searchString": "OK"}}),
            "healthCheck.searchString",
            "only",
        ),
        (
            json!({"healthCheck": {"requestInterval": 15}}),
            "healthCheck.requestInterval",
            "10 (fast) or 30",
        ),
        (
            json!({"healthCheck": {"failureThreshold": 0}}),
            "healthCheck.failureThreshold",
            "1 and 10",
        ),
        (
            json!({"healthCheck": {"regions": ["us-east-1", "eu-west-1"]}}),
            "healthCheck.regions",
            "at least 3",
        ),
        (
            json!({"healthCheck": {"regions": ["us-east-1", "eu-west-1", "mars-1"]}}),
            "healthCheck.regions[2]",
            "checker region",
        ),
        (
            json!({"activeRegion": "tertiary"}),
            "activeRegion",
            "primary or secondary",
        ),
        (
            json!({"secondaryRegion": "us-east-1"}),
            "secondaryRegion",
            "must differ from primaryRegion",
        ),
        (
            json!({"primaryRegion": "moon-1"}),
            "primaryRegion",
            "not an AWS region",
        ),
        (
            json!({"primaryAlias": {"dnsName": "lb.example.net"}}),
            "primaryAlias.hostedZoneId",
            "required",
        ),
        (
            json!({"tags": {"aws:owner": "x"}}),
            "tags.aws:owner",
            "reserved",
        ),
    ];
    for (patch, property, reason) in cases {
        let news = patched(base(), patch.clone());
        let failures = check(&ctx, &news).expect_err(&format!("{patch} should be refused"));
        assert!(
            failures
                .iter()
                .any(|f| f.starts_with(&format!("{property}: ")) && f.contains(reason)),
            "{patch}: expected {property} ~ {reason}, got {failures:?}"
        );
    }
    assert!(check(&ctx, &base()).is_ok());
}

/// Which property changes replace the resource and which update it in place.
#[test]
fn diff_in_place_versus_replacement() {
    let ctx = Context::new(
        Arc::new(ProviderConfig::default()),
        Arc::new(LazyClients::default()),
        Reporter::silent(),
    );
    let old_inputs = checked(&ctx, &base());
    let mut state = old_inputs.to_plain_json();
    for (k, v) in [
        ("hostedZoneId", "Z1"),
        ("fqdn", "api.example.com"),
        ("primaryHealthCheckId", "p"),
        ("secondaryHealthCheckId", "s"),
        ("primarySetIdentifier", "api.example.com-cname-us-east-1"),
        ("secondarySetIdentifier", "api.example.com-cname-us-east-2"),
        ("answeringRegion", "us-east-1"),
    ] {
        state[k] = v.into();
    }
    let state = Value::from_json(&state);
    let cases = [
        (json!({"recordName": "www"}), true),
        (
            json!({"recordType": "A", "primaryEndpoint": "198.51.100.1", "secondaryEndpoint": "198.51.100.2"}),
            true,
        ),
        (json!({"zoneName": "example.org"}), true),
        (json!({"hostedZoneId": "Z9"}), true),
        (json!({"recordName": "api.example.com"}), false),
        (json!({"primaryEndpoint": "x.example.net"}), false),
        (json!({"secondaryEndpoint": "y.example.net"}), false),
        (json!({"ttl": 10}), false),
        (json!({"activeRegion": "secondary"}), false),
        (json!({"primaryRegion": "us-west-2"}), false),
        (json!({"tags": {"team": "ops"}}), false),
        (json!({"healthCheck": {"type": "HTTP"}}), false),
        (json!({"healthCheck": {"requestInterval": 10}}), false),
        (json!({"healthCheck": {"measureLatency": true}}), false),
        (json!({"healthCheck": {"failureThreshold": 2}}), false),
        (json!({"healthCheck": {"port": 8443}}), false),
        (json!({"healthCheck": {"resourcePath": "/x"}}), false),
        (
            json!({"healthCheck": {"regions": ["us-east-1", "us-west-1", "us-west-2"]}}),
            false,
        ),
        (json!({"healthCheck": {"inverted": true}}), false),
        (json!({"healthCheck": {"disabled": true}}), false),
        (
            json!({"secondaryAlias": {"dnsName": "lb.example.net", "hostedZoneId": "Z2"}}),
            false,
        ),
    ];
    for (patch, replaces) in cases {
        let news = checked(&ctx, &patched(base(), patch.clone()));
        let d = diff(&state, &old_inputs, &news);
        let changed = patch.as_object().unwrap().keys().all(|k| d.changed(k));
        if patch == json!({"recordName": "api.example.com"}) {
            assert!(
                !d.has_changes(),
                "{patch}: the same name spelled in full: {d:?}"
            );
            continue;
        }
        assert!(changed, "{patch}: {d:?}");
        assert_eq!(d.replaces(), replaces, "{patch}: {d:?}");
    }
}

/// Type and interval changes replace the health checks (not the resource); records are repointed in
/// the same step and the old checks deleted afterwards.
#[tokio::test]
async fn immutable_health_check_settings_replace_only_the_checks() {
    let Env { emu, ctx, .. } = env(3).await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let mut state = created.outputs;
    let mut old_inputs = inputs;
    for patch in [
        json!({"healthCheck": {"type": "HTTP", "port": null}}),
        json!({"healthCheck": {"type": "HTTP", "port": null, "requestInterval": 10}}),
        json!({"healthCheck": {"type": "HTTP", "port": null, "requestInterval": 10, "measureLatency": true}}),
    ] {
        let news = checked(&ctx, &patched(base(), patch.clone()));
        assert!(!diff(&state, &old_inputs, &news).replaces());
        emu.clear_calls().await;
        let updated = DnsFailover
            .update(&ctx, &created.id, &state, &news)
            .await
            .unwrap();
        for side in ["primary", "secondary"] {
            let key = format!("{side}HealthCheckId");
            assert_ne!(
                out(&updated, &key),
                out(&state, &key),
                "{patch}: {side} check kept"
            );
        }
        assert_pair(&emu, &updated, "api.example.com", "primary").await;
        assert_eq!(
            check_ids(&emu).await,
            sorted(vec![
                out(&updated, "primaryHealthCheckId").into(),
                out(&updated, "secondaryHealthCheckId").into()
            ]),
            "{patch}: old checks left behind"
        );
        // The records moved to the new checks before the old ones went.
        let batch = calls(&emu, "ChangeResourceRecordSets").await;
        let deletes = calls(&emu, "DeleteHealthCheck").await;
        assert_eq!((ok(&batch), ok(&deletes)), (1, 2), "{patch}");
        assert!(
            batch[0].end.unwrap() <= deletes[0].start,
            "{patch}: a check was deleted while in use"
        );
        state = updated;
        old_inputs = news;
    }
    DnsFailover.delete(&ctx, &created.id, &state).await.unwrap();
    assert!(check_ids(&emu).await.is_empty());
}

#[tokio::test]
async fn active_region_flips_and_flips_back() {
    let Env { emu, ctx, .. } = env(3).await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let ids = |v: &Value| {
        (
            out(v, "primaryHealthCheckId").to_string(),
            out(v, "secondaryHealthCheckId").to_string(),
        )
    };
    let mut state = created.outputs.clone();
    let mut old_inputs = inputs;
    for active in ["secondary", "primary", "secondary"] {
        let news = checked(&ctx, &patched(base(), json!({ "activeRegion": active })));
        let d = diff(&state, &old_inputs, &news);
        assert!(d.changed("activeRegion") && !d.replaces(), "{d:?}");
        emu.clear_calls().await;
        let updated = DnsFailover
            .update(&ctx, &created.id, &state, &news)
            .await
            .unwrap();
        assert_pair(&emu, &updated, "api.example.com", active).await;
        assert_eq!(
            ids(&updated),
            ids(&created.outputs),
            "checks are untouched by a flip"
        );
        assert_eq!(
            ok(&calls(&emu, "ChangeResourceRecordSets").await),
            1,
            "one atomic batch per flip"
        );
        assert_eq!(calls(&emu, "CreateHealthCheck").await.len(), 0);
        let read = DnsFailover
            .read(&ctx, &created.id, &updated, &news)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            read.inputs.get("activeRegion").and_then(Value::as_str),
            Some(active)
        );
        assert!(!diff(&read.outputs, &read.inputs, &news).has_changes());
        state = updated;
        old_inputs = news;
    }
    assert_eq!(out(&state, "answeringRegion"), "us-east-2");
    DnsFailover.delete(&ctx, &created.id, &state).await.unwrap();
    assert!(records(&emu, "api.example.com").await.is_empty());
}

#[tokio::test]
async fn drift_out_of_band_shows_on_refresh_and_update_repairs_it() {
    let Env { emu, ctx, zone_id } = env(3).await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let r53 = emu.route53().await;

    // Someone deletes the secondary record.
    let secondary = by_hand::record(&r53, &zone_id, "api.example.com-cname-us-east-2").await;
    by_hand::apply(
        &r53,
        &zone_id,
        vec![by_hand::change(ChangeAction::Delete, secondary)],
    )
    .await;
    let read = DnsFailover
        .read(&ctx, &created.id, &created.outputs, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert!(
        read.outputs.get("secondarySetIdentifier").is_none(),
        "refresh must show the record gone"
    );
    assert!(read.outputs.get("primarySetIdentifier").is_some());
    let d = diff(&read.outputs, &read.inputs, &inputs);
    assert!(d.changed("secondaryEndpoint") && !d.replaces(), "{d:?}");
    let repaired = DnsFailover
        .update(&ctx, &created.id, &read.outputs, &inputs)
        .await
        .unwrap();
    assert_pair(&emu, &repaired, "api.example.com", "primary").await;
    assert_eq!(repaired.to_plain_json(), created.outputs.to_plain_json());

    // Someone deletes the primary health check (Route 53 lets them).
    let p_id = out(&repaired, "primaryHealthCheckId").to_string();
    r53.delete_health_check()
        .health_check_id(&p_id)
        .send()
        .await
        .unwrap();
    let read = DnsFailover
        .read(&ctx, &created.id, &repaired, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert!(read.outputs.get("primaryHealthCheckId").is_none());
    let d = diff(&read.outputs, &read.inputs, &inputs);
    assert!(d.changed("healthCheck") && !d.replaces(), "{d:?}");
    let repaired = DnsFailover
        .update(&ctx, &created.id, &read.outputs, &inputs)
        .await
        .unwrap();
    assert_ne!(out(&repaired, "primaryHealthCheckId"), p_id);
    assert_pair(&emu, &repaired, "api.example.com", "primary").await;

    // Someone edits a check and swaps the roles by hand.
    let s_id = out(&repaired, "secondaryHealthCheckId").to_string();
    r53.update_health_check()
        .health_check_id(&s_id)
        .failure_threshold(9)
        .send()
        .await
        .unwrap();
    let mut changes = Vec::new();
    for r in by_hand::failover_records(&r53, &zone_id).await {
        let mut swapped = r.clone();
        swapped.failover = Some(if r.failover().unwrap().as_str() == "PRIMARY" {
            ResourceRecordSetFailover::Secondary
        } else {
            ResourceRecordSetFailover::Primary
        });
        changes.push(by_hand::change(ChangeAction::Delete, r));
        changes.push(by_hand::change(ChangeAction::Create, swapped));
    }
    changes.sort_by_key(|c| c.action().as_str() != "DELETE");
    by_hand::apply(&r53, &zone_id, changes).await;
    let read = DnsFailover
        .read(&ctx, &created.id, &repaired, &inputs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out(&read.outputs, "answeringRegion"), "us-east-2");
    let seen = read.inputs.to_plain_json();
    assert_eq!(seen["activeRegion"], "secondary");
    assert_eq!(seen["healthCheck"]["failureThreshold"], 9);
    let d = diff(&read.outputs, &read.inputs, &inputs);
    assert!(
        d.changed("activeRegion") && d.changed("healthCheck") && !d.replaces(),
        "{d:?}"
    );
    let repaired = DnsFailover
        .update(&ctx, &created.id, &read.outputs, &inputs)
        .await
        .unwrap();
    assert_pair(&emu, &repaired, "api.example.com", "primary").await;
    let hc = r53
        .get_health_check()
        .health_check_id(&s_id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        hc.health_check()
            .unwrap()
            .health_check_config()
            .unwrap()
            .failure_threshold(),
        Some(3)
    );
}

/// Half of all Route 53 calls throttled (a fixed, irregular pattern): everything still converges, and
/// no health check is made twice.
#[tokio::test]
async fn half_the_calls_throttled_still_converges_without_duplicate_checks() {
    let Env { emu, ctx, .. } = env(12).await;
    // Throttle the calls at positions `throttled` (1-based). A fault lets through `skip` matching calls
    // it sees; calls taken by earlier faults never reach it, hence skip = position - index - 1.
    let mut seed: u64 = 0x5eed;
    let mut throttled = Vec::new();
    for position in 1..=400u64 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if (seed >> 33) % 2 == 0 {
            throttled.push(position);
        }
    }
    let faults: Vec<Json> = throttled
        .iter()
        .enumerate()
        .map(|(i, pos)| {
            serde_json::to_value(Fault::throttle("route53", "").skip(pos - i as u64 - 1)).unwrap()
        })
        .collect();
    emu.control("POST", "faults", Some(Json::Array(faults)))
        .await;

    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let flipped = checked(
        &ctx,
        &patched(
            base(),
            json!({"activeRegion": "secondary", "healthCheck": {"failureThreshold": 4}}),
        ),
    );
    let updated = DnsFailover
        .update(&ctx, &created.id, &created.outputs, &flipped)
        .await
        .unwrap();
    assert_pair(&emu, &updated, "api.example.com", "secondary").await;
    assert_eq!(
        check_ids(&emu).await,
        sorted(vec![
            out(&updated, "primaryHealthCheckId").into(),
            out(&updated, "secondaryHealthCheckId").into()
        ]),
        "exactly one check per side"
    );

    let all = emu.calls().await;
    let r53: Vec<_> = all.iter().filter(|c| c.service == "route53").collect();
    let injected = r53
        .iter()
        .filter(|c| c.injected.as_deref() == Some("fault"))
        .count();
    assert!(
        injected * 10 >= r53.len() * 4,
        "about half throttled: {injected} of {}",
        r53.len()
    );
    let creates = calls(&emu, "CreateHealthCheck").await;
    assert_eq!(
        ok(&creates),
        2,
        "two checks created, each once: {creates:#?}"
    );
    assert!(creates
        .iter()
        .any(|c| c.error_code.as_deref() == Some("Throttling")));

    DnsFailover
        .delete(&ctx, &created.id, &updated)
        .await
        .unwrap();
    assert!(records(&emu, "api.example.com").await.is_empty());
    assert!(check_ids(&emu).await.is_empty());
}

/// Route 53's own limit, 5 requests per second for the account.
#[tokio::test]
async fn route53_rate_limit_is_respected() {
    let Env { emu, ctx, .. } = env(10).await;
    emu.set_rate_limits(&[("route53", RateLimit::new(5.0, 5.0))])
        .await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let flipped = checked(&ctx, &patched(base(), json!({"activeRegion": "secondary"})));
    let updated = DnsFailover
        .update(&ctx, &created.id, &created.outputs, &flipped)
        .await
        .unwrap();
    assert_pair(&emu, &updated, "api.example.com", "secondary").await;
    DnsFailover
        .delete(&ctx, &created.id, &updated)
        .await
        .unwrap();
    assert!(check_ids(&emu).await.is_empty());
    assert_eq!(ok(&calls(&emu, "CreateHealthCheck").await), 2);
}

/// CreateHealthCheck happens but its answer is lost: the retry gets the same check back.
#[tokio::test]
async fn a_lost_create_answer_returns_the_same_check() {
    let Env { emu, ctx, .. } = env(3).await;
    emu.inject_fault(
        Fault::server_error("route53", "CreateHealthCheck")
            .after()
            .count(2),
    )
    .await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    assert_pair(&emu, &created.outputs, "api.example.com", "primary").await;
    assert_eq!(check_ids(&emu).await.len(), 2, "no duplicate check");
    let creates = calls(&emu, "CreateHealthCheck").await;
    assert_eq!(creates.len(), 4, "{creates:#?}");
}

/// The record batch fails after the checks exist: Create reports a partial result with the checks,
/// the next Update (which the diff asks for) completes it without new checks.
#[tokio::test]
async fn a_partial_create_is_completed_by_the_next_update() {
    let Env { emu, ctx, .. } = env(3).await;
    emu.inject_fault(Fault::error(
        "route53",
        "ChangeResourceRecordSets",
        "InvalidInput",
    ))
    .await;
    let inputs = checked(&ctx, &base());
    let err = refused(DnsFailover.create(&ctx, &inputs).await);
    let ResourceError::Partial {
        id,
        outputs,
        reasons,
    } = err
    else {
        panic!("expected a partial result, got {err}")
    };
    assert!(
        reasons.iter().any(|r| r.contains("InvalidInput")),
        "{reasons:?}"
    );
    assert!(
        outputs.get("primaryHealthCheckId").is_some()
            && outputs.get("secondaryHealthCheckId").is_some()
    );
    assert!(outputs.get("primarySetIdentifier").is_none());
    assert!(records(&emu, "api.example.com").await.is_empty());
    let d = diff(&outputs, &inputs, &inputs);
    assert!(d.has_changes() && !d.replaces(), "{d:?}");
    emu.clear_calls().await;
    let done = DnsFailover
        .update(&ctx, &id, &outputs, &inputs)
        .await
        .unwrap();
    assert_eq!(calls(&emu, "CreateHealthCheck").await.len(), 0);
    assert_eq!(
        out(&done, "primaryHealthCheckId"),
        out(&outputs, "primaryHealthCheckId")
    );
    assert_pair(&emu, &done, "api.example.com", "primary").await;
    assert_eq!(check_ids(&emu).await.len(), 2);
}

/// One check fails to create: the other is recorded, and Update makes the missing one.
#[tokio::test]
async fn a_failed_health_check_leaves_a_partial_state_update_completes() {
    let Env { emu, ctx, .. } = env(0).await;
    emu.inject_fault(Fault::error("route53", "CreateHealthCheck", "InvalidInput").skip(1))
        .await;
    let inputs = checked(&ctx, &base());
    let err = refused(DnsFailover.create(&ctx, &inputs).await);
    let ResourceError::Partial {
        id,
        outputs,
        reasons,
    } = err
    else {
        panic!("expected a partial result, got {err}")
    };
    let known: Vec<_> = ["primaryHealthCheckId", "secondaryHealthCheckId"]
        .iter()
        .filter(|k| outputs.get(k).is_some())
        .collect();
    assert_eq!(known.len(), 1, "{reasons:?}");
    assert_eq!(check_ids(&emu).await.len(), 1);
    let done = DnsFailover
        .update(&ctx, &id, &outputs, &inputs)
        .await
        .unwrap();
    assert_pair(&emu, &done, "api.example.com", "primary").await;
    assert_eq!(check_ids(&emu).await.len(), 2);
}

#[tokio::test]
async fn delete_copes_with_pieces_already_gone() {
    let Env { emu, ctx, zone_id } = env(3).await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    let r53 = emu.route53().await;
    // The primary record and the secondary check are gone already.
    let primary = by_hand::record(&r53, &zone_id, "api.example.com-cname-us-east-1").await;
    by_hand::apply(
        &r53,
        &zone_id,
        vec![by_hand::change(ChangeAction::Delete, primary)],
    )
    .await;
    r53.delete_health_check()
        .health_check_id(out(&created.outputs, "secondaryHealthCheckId"))
        .send()
        .await
        .unwrap();
    emu.clear_calls().await;
    DnsFailover
        .delete(&ctx, &created.id, &created.outputs)
        .await
        .unwrap();
    assert!(records(&emu, "api.example.com").await.is_empty());
    assert!(check_ids(&emu).await.is_empty());
    // Records first, then checks.
    let batch = calls(&emu, "ChangeResourceRecordSets").await;
    let deletes = calls(&emu, "DeleteHealthCheck").await;
    assert!(batch[0].end.unwrap() <= deletes.iter().map(|c| c.start).fold(f64::MAX, f64::min));
    // Everything gone, even the zone: still fine.
    DnsFailover
        .delete(&ctx, &created.id, &created.outputs)
        .await
        .unwrap();
    r53.delete_hosted_zone().id(&zone_id).send().await.unwrap();
    DnsFailover
        .delete(&ctx, &created.id, &created.outputs)
        .await
        .unwrap();
    assert!(DnsFailover
        .read(&ctx, &created.id, &created.outputs, &inputs)
        .await
        .unwrap()
        .is_none());
}

/// Route 53 remembers the CallerReferences of deleted checks for days: creating the same name again
/// right after a delete must walk past them.
#[tokio::test]
async fn recreating_after_a_delete_gets_new_checks() {
    let Env { emu, ctx, .. } = env(3).await;
    let inputs = checked(&ctx, &base());
    let first = DnsFailover.create(&ctx, &inputs).await.unwrap();
    DnsFailover
        .delete(&ctx, &first.id, &first.outputs)
        .await
        .unwrap();
    emu.clear_calls().await;
    let second = DnsFailover.create(&ctx, &inputs).await.unwrap();
    assert_pair(&emu, &second.outputs, "api.example.com", "primary").await;
    assert_ne!(
        out(&second.outputs, "primaryHealthCheckId"),
        out(&first.outputs, "primaryHealthCheckId")
    );
    let refused = calls(&emu, "CreateHealthCheck")
        .await
        .iter()
        .filter(|c| c.error_code.as_deref() == Some("HealthCheckAlreadyExists"))
        .count();
    assert_eq!(refused, 2, "each side met its remembered reference once");
    assert_eq!(check_ids(&emu).await.len(), 2);
}

/// Preview calls no AWS API, not even the zone lookup.
#[tokio::test]
async fn preview_makes_no_aws_call() {
    let Env { emu, ctx, .. } = env(3).await;
    let inputs = checked(&ctx, &base());
    let created = DnsFailover.create(&ctx, &inputs).await.unwrap();
    emu.clear_calls().await;
    let preview = ctx.clone().with_preview(true);
    let planned = DnsFailover
        .create(
            &preview,
            &checked(&ctx, &patched(base(), json!({"recordName": "www"}))),
        )
        .await
        .unwrap();
    assert!(planned
        .outputs
        .get("primaryHealthCheckId")
        .unwrap()
        .is_unknown());
    assert!(planned.outputs.get("hostedZoneId").unwrap().is_unknown());
    assert_eq!(out(&planned.outputs, "fqdn"), "www.example.com");
    assert_eq!(out(&planned.outputs, "answeringRegion"), "us-east-1");
    let flip = checked(&ctx, &patched(base(), json!({"activeRegion": "secondary"})));
    let planned = DnsFailover
        .update(&preview, &created.id, &created.outputs, &flip)
        .await
        .unwrap();
    assert_eq!(out(&planned, "answeringRegion"), "us-east-2");
    assert_eq!(
        out(&planned, "primaryHealthCheckId"),
        out(&created.outputs, "primaryHealthCheckId")
    );
    let retype = checked(
        &ctx,
        &patched(
            base(),
            json!({"healthCheck": {"type": "TCP", "port": 443, "resourcePath": null}}),
        ),
    );
    let planned = DnsFailover
        .update(&preview, &created.id, &created.outputs, &retype)
        .await
        .unwrap();
    assert!(
        planned.get("primaryHealthCheckId").unwrap().is_unknown(),
        "a new check is coming"
    );
    assert!(emu.calls().await.is_empty(), "{:#?}", emu.calls().await);
}

/// A zone given by name is looked up; one that does not exist is refused naming the property.
#[tokio::test]
async fn unknown_zones_are_refused_naming_the_property() {
    let Env { emu, ctx, .. } = env(0).await;
    let err = refused(
        DnsFailover
            .create(
                &ctx,
                &checked(
                    &ctx,
                    &patched(base(), json!({"zoneName": "nowhere.example"})),
                ),
            )
            .await,
    );
    assert!(err.to_string().contains("zoneName"), "{err}");
    let err = refused(
        DnsFailover
            .create(
                &ctx,
                &checked(
                    &ctx,
                    &patched(base(), json!({"zoneName": null, "hostedZoneId": "ZNOPE"})),
                ),
            )
            .await,
    );
    assert!(err.to_string().contains("hostedZoneId"), "{err}");
    assert!(check_ids(&emu).await.is_empty());
}

/// Route 53 takes time to apply a change: the create waits for INSYNC.
#[tokio::test]
async fn waits_until_the_change_is_insync() {
    let Env { emu, ctx, .. } = env(3).await;
    emu.set_lifecycle("route53", &[("pending", 1.0)]).await;
    let started = std::time::Instant::now();
    DnsFailover
        .create(&ctx, &checked(&ctx, &base()))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert!(calls(&emu, "GetChange").await.len() >= 2);
}

/// Route 53 answers PriorRequestNotComplete while it is still working on an earlier change to the
/// zone; the batch and the INSYNC wait are retried until it goes through.
#[tokio::test]
async fn prior_request_not_complete_is_retried() {
    let Env { emu, ctx, .. } = env(5).await;
    for operation in ["ChangeResourceRecordSets", "GetChange"] {
        emu.inject_fault(Fault::error("route53", operation, "PriorRequestNotComplete").count(2))
            .await;
    }
    let created = DnsFailover
        .create(&ctx, &checked(&ctx, &base()))
        .await
        .unwrap();
    assert_pair(&emu, &created.outputs, "api.example.com", "primary").await;
    for operation in ["ChangeResourceRecordSets", "GetChange"] {
        let seen = calls(&emu, operation).await;
        let refused = seen
            .iter()
            .filter(|c| c.error_code.as_deref() == Some("PriorRequestNotComplete"))
            .count();
        assert_eq!((refused, ok(&seen)), (2, 1), "{operation}: {seen:#?}");
    }
}

/// What the user should know but is not an error reaches the engine's log as a warning.
#[tokio::test]
async fn risky_settings_are_warned_about() {
    struct Sink(std::sync::Mutex<Vec<String>>);
    impl multiregion_dr::progress::LogSink for Sink {
        fn log(
            &self,
            severity: multiregion_dr::progress::Severity,
            _: &str,
            message: &str,
            _: bool,
        ) {
            if severity == multiregion_dr::progress::Severity::Warning {
                self.0.lock().unwrap().push(message.to_string());
            }
        }
    }
    let Env { emu, mut ctx, .. } = env(3).await;
    let sink = Arc::new(Sink(std::sync::Mutex::new(Vec::new())));
    ctx.reporter = Reporter::new(sink.clone(), URN);
    let news = patched(
        base(),
        json!({"ttl": 300, "primaryAlias": {"dnsName": "lb.example.net", "hostedZoneId": "Z2",
                                            "evaluateTargetHealth": false}}),
    );
    DnsFailover
        .create(&ctx, &checked(&ctx, &news))
        .await
        .unwrap();
    let warnings = sink.0.lock().unwrap().clone();
    assert!(
        warnings.iter().any(|w| w.contains("ttl is 300 s")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("primaryAlias.evaluateTargetHealth is false")),
        "{warnings:?}"
    );
    assert_eq!(check_ids(&emu).await.len(), 2);
}
