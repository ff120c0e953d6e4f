//! getReadiness against the AWS emulator: a DnsFailover made through the resource, its health set
//! through the emulator, the Route 53 rules judged directly and through the provider service's
//! Invoke (argument errors, unknowns, secrets, a missing global cluster).

use std::time::Duration;

mod common;

use aws_sdk_route53::types::ChangeAction;
use dr_test_support::{max_concurrency, Emulator, Fault, Latency};
use multiregion_dr::context::Context;
use multiregion_dr::readiness::request::{invoke_args, Args, Request};
use multiregion_dr::readiness::{self, Check};
use multiregion_dr::resources::dns_failover::DnsFailover;
use multiregion_dr::resources::{CheckRequest, Resource};
use multiregion_dr::rpc::codec::{decode_opt, encode_struct};
use multiregion_dr::rpc::service::ProviderService;
use multiregion_dr::rpc::status::InputPropertiesError;
use multiregion_dr::value::{UnknownKind, Value};
use prost::Message;
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_provider_server::ResourceProvider;
use serde_json::{json, Value as Json};

const URN: &str = "urn:pulumi:dev::dr::multiregion-dr:index:DnsFailover::api";

/// An emulator with the zone example.com and a DnsFailover for api.example.com in it.
struct Env {
    emu: Emulator,
    ctx: Context,
    /// The DnsFailover's outputs.
    dns: Value,
}

async fn env() -> Env {
    let emu = Emulator::start().await;
    let ctx = common::context(common::config(&emu, 2));
    emu.route53()
        .await
        .create_hosted_zone()
        .name("example.com")
        .caller_reference("readiness-zone")
        .send()
        .await
        .unwrap();
    let news = Value::from_json(&json!({
        "zoneName": "example.com",
        "recordName": "api",
        "primaryEndpoint": "api-use1.example.net",
        "secondaryEndpoint": "api-use2.example.net",
        "healthCheck": {"resourcePath": "/health"},
    }));
    let checked = DnsFailover.check(CheckRequest {
        urn: URN,
        name: "api",
        olds: &Value::Null,
        news: &news,
        random_seed: b"seed",
        config: &ctx.config,
    });
    assert!(checked.failures.is_empty(), "{:?}", checked.failures);
    let dns = DnsFailover
        .create(&ctx, &checked.inputs)
        .await
        .unwrap_or_else(|e| panic!("create: {e}"))
        .outputs;
    Env { emu, ctx, dns }
}

fn out<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{key} missing in {:?}", v.to_plain_json()))
}

/// getReadiness's arguments taken from the DnsFailover's outputs, as a program passes them.
fn dns_args(dns: &Value) -> Json {
    json!({
        "primaryHealthCheckId": out(dns, "primaryHealthCheckId"),
        "secondaryHealthCheckId": out(dns, "secondaryHealthCheckId"),
        "hostedZoneId": out(dns, "hostedZoneId"),
        "fqdn": out(dns, "fqdn"),
        "recordType": out(dns, "recordType"),
        "primaryRegion": out(dns, "primaryRegion"),
        "secondaryRegion": out(dns, "secondaryRegion"),
    })
}

fn request(ctx: &Context, args: Json) -> Request {
    match invoke_args(&Value::from_json(&args), &ctx.config, false) {
        Ok(Args::Known(r)) => *r,
        other => panic!("arguments {args} refused: {other:?}"),
    }
}

async fn judge(ctx: &Context, args: Json) -> Vec<Check> {
    readiness::evaluate(ctx, &request(ctx, args))
        .await
        .unwrap()
        .readiness
        .checks
}

fn find<'a>(checks: &'a [Check], name: &str, region: Option<&str>) -> &'a Check {
    checks
        .iter()
        .find(|c| c.name == name && c.region.as_deref() == region)
        .unwrap_or_else(|| panic!("no {name} ({region:?}) in {checks:#?}"))
}

#[tokio::test]
async fn health_checks_pass_while_healthy_and_fail_with_what_the_checkers_say() {
    let Env { emu, ctx, dns } = env().await;
    let checks = judge(&ctx, dns_args(&dns)).await;
    let names: Vec<(&str, Option<&str>)> = checks
        .iter()
        .map(|c| (c.name.as_str(), c.region.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("healthCheck", Some("us-east-1")),
            ("healthCheck", Some("us-east-2")),
            ("recordsPresent", None),
        ]
    );
    assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
    let primary_id = out(&dns, "primaryHealthCheckId");
    let secondary_id = out(&dns, "secondaryHealthCheckId");
    let primary = find(&checks, "healthCheck", Some("us-east-1"));
    assert!(
        primary.reason.starts_with(&format!(
            "health check {primary_id}: 8 of 8 checkers report healthy (Success"
        )),
        "{primary:?}"
    );

    emu.set_health(secondary_id, false).await;
    let checks = judge(&ctx, dns_args(&dns)).await;
    assert!(find(&checks, "healthCheck", Some("us-east-1")).passed);
    assert!(find(&checks, "recordsPresent", None).passed);
    let secondary = find(&checks, "healthCheck", Some("us-east-2"));
    assert!(!secondary.passed);
    assert!(
        secondary.reason.starts_with(&format!(
            "health check {secondary_id}: 0 of 8 checkers report healthy, Route 53 needs more than 18%"
        )),
        "{secondary:?}"
    );
    assert!(
        secondary.reason.contains("Failure: Connection timed out"),
        "{secondary:?}"
    );

    // Both regions' checks are read concurrently, every Route 53 call in us-east-1.
    emu.set_latency(Latency {
        service: Some("route53".into()),
        operation: Some("GetHealthCheckStatus".into()),
        fixed_ms: 300,
        ..Latency::default()
    })
    .await;
    emu.clear_calls().await;
    // The client-side Route 53 budget (4/s, burst 3) refills, so both calls may go out at once.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let missing = json!({"primaryHealthCheckId": primary_id, "secondaryHealthCheckId": "00000000-0000-0000-0000-000000000000"});
    let checks = judge(&ctx, missing).await;
    let gone = find(&checks, "healthCheck", Some("us-east-2"));
    assert!(!gone.passed);
    assert_eq!(
        gone.reason,
        "health check 00000000-0000-0000-0000-000000000000 does not exist (NoSuchHealthCheck)"
    );
    let status_calls = emu.calls_of("route53", "GetHealthCheckStatus").await;
    assert_eq!(status_calls.len(), 2, "{status_calls:?}");
    assert_eq!(max_concurrency(&status_calls), 2, "{status_calls:?}");
    assert!(
        status_calls.iter().all(|c| c.region == "us-east-1"),
        "{status_calls:?}"
    );
    emu.clear_latency().await;

    // A Route 53 error is the rule's failure, with the error; the other rules are still judged.
    emu.inject_fault(Fault::error("route53", "GetHealthCheckStatus", "AccessDenied").count(1))
        .await;
    let checks = judge(&ctx, json!({"primaryHealthCheckId": primary_id})).await;
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].passed);
    assert!(
        checks[0]
            .reason
            .starts_with(&format!("could not read the status of health check {primary_id}: GetHealthCheckStatus in us-east-1 failed (AccessDenied)")),
        "{:?}",
        checks[0]
    );
}

#[tokio::test]
async fn records_present_until_one_is_removed() {
    let Env { emu, ctx, dns } = env().await;
    let zone = out(&dns, "hostedZoneId").to_string();
    let records = json!({"hostedZoneId": zone, "fqdn": "API.example.com.", "recordType": "cname"});
    let checks = judge(&ctx, records.clone()).await;
    let present = find(&checks, "recordsPresent", None);
    assert!(present.passed, "{present:?}");
    assert_eq!(
        present.reason,
        format!("api.example.com CNAME in hosted zone {zone}: PRIMARY in us-east-1 and SECONDARY in us-east-2, each with its health check")
    );

    // The wrong type names what it looked for.
    let mut as_a = records.clone();
    as_a["recordType"] = json!("A");
    let wrong = judge(&ctx, as_a).await;
    assert!(!wrong[0].passed);
    assert!(
        wrong[0].reason.contains(
            "no failover record for us-east-1 (set identifier api.example.com-a-us-east-1)"
        ),
        "{:?}",
        wrong[0]
    );

    // The secondary's record removed by hand.
    let r53 = emu.route53().await;
    let listed = r53
        .list_resource_record_sets()
        .hosted_zone_id(&zone)
        .send()
        .await
        .unwrap();
    let secondary = listed
        .resource_record_sets()
        .iter()
        .find(|r| r.set_identifier() == Some("api.example.com-cname-us-east-2"))
        .cloned()
        .expect("the secondary record");
    r53.change_resource_record_sets()
        .hosted_zone_id(&zone)
        .change_batch(
            aws_sdk_route53::types::ChangeBatch::builder()
                .changes(
                    aws_sdk_route53::types::Change::builder()
                        .action(ChangeAction::Delete)
                        .resource_record_set(secondary)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut with_ids = dns_args(&dns);
    with_ids["fqdn"] = json!("api.example.com");
    let checks = judge(&ctx, with_ids).await;
    let missing = find(&checks, "recordsPresent", None);
    assert!(!missing.passed);
    assert_eq!(
        missing.reason,
        format!("api.example.com CNAME in hosted zone {zone}: no failover record for us-east-2 (set identifier api.example.com-cname-us-east-2)")
    );
    // The health checks themselves are still fine.
    assert!(find(&checks, "healthCheck", Some("us-east-2")).passed);

    let no_zone = judge(
        &ctx,
        json!({"hostedZoneId": "ZNOSUCHZONE", "fqdn": "api.example.com"}),
    )
    .await;
    assert!(!no_zone[0].passed);
    assert_eq!(
        no_zone[0].reason,
        "hosted zone ZNOSUCHZONE does not exist (NoSuchHostedZone)"
    );
}

/// A provider service configured for the emulator, as the engine would configure it.
async fn service(emu: &Emulator) -> ProviderService {
    // The same static credentials the resource tests use.
    let _ = common::context(common::config(emu, 1));
    let svc = ProviderService::new(None);
    let args = Value::from_json(&json!({"endpoints": emu.endpoints_json(), "maxRetries": 1}));
    svc.configure(tonic::Request::new(rpc::ConfigureRequest {
        args: Some(encode_struct(&args)),
        ..Default::default()
    }))
    .await
    .unwrap();
    svc
}

async fn invoke(svc: &ProviderService, args: Value, preview: bool) -> Result<Value, tonic::Status> {
    let reply = svc
        .invoke(tonic::Request::new(rpc::InvokeRequest {
            tok: "multiregion-dr:index:getReadiness".into(),
            args: Some(encode_struct(&args)),
            preview,
        }))
        .await?
        .into_inner();
    assert!(reply.failures.is_empty(), "{:?}", reply.failures);
    Ok(decode_opt(reply.r#return.as_ref()))
}

#[tokio::test]
async fn invoke_judges_through_the_service_and_names_bad_arguments() {
    let Env { emu, dns, .. } = env().await;
    let svc = service(&emu).await;

    let result = invoke(&svc, Value::from_json(&dns_args(&dns)), false)
        .await
        .unwrap();
    let plain = result.to_plain_json();
    assert_eq!(plain["ready"], true, "{plain}");
    assert_eq!(plain["checks"].as_array().unwrap().len(), 3, "{plain}");
    assert_eq!(plain["checks"][0]["name"], "healthCheck");
    assert_eq!(plain["checks"][0]["region"], "us-east-1");
    assert_eq!(plain["checks"][0]["passed"], true);
    assert!(plain["checks"][2].get("region").is_none(), "{plain}");
    assert!(plain.get("writerRegion").is_none(), "{plain}");

    emu.set_health(out(&dns, "primaryHealthCheckId"), false)
        .await;
    let plain = invoke(&svc, Value::from_json(&dns_args(&dns)), false)
        .await
        .unwrap()
        .to_plain_json();
    assert_eq!(plain["ready"], false, "{plain}");
    assert_eq!(plain["checks"][0]["passed"], false, "{plain}");

    // Wrong arguments: InvalidArgument naming each property, also as InputPropertiesError details.
    let bad = Value::from_json(&json!({
        "fqdn": "api.example.com",
        "maxReplicationLagSeconds": "30",
        "secondaryRegion": "us-nowhere-1",
        "colour": "blue",
    }));
    let err = invoke(&svc, bad, false).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    for needle in [
        "colour: is not an argument of getReadiness",
        "maxReplicationLagSeconds: must be a number of seconds, got string '30'",
        "secondaryRegion: 'us-nowhere-1' is not an AWS region name",
        "hostedZoneId: is required with fqdn",
    ] {
        assert!(
            err.message().contains(needle),
            "{needle} not in {}",
            err.message()
        );
    }
    let details = tonic_types::pb::Status::decode(err.details()).unwrap();
    let detail = InputPropertiesError::decode(details.details[0].value.as_slice()).unwrap();
    let paths: Vec<&str> = detail
        .errors
        .iter()
        .map(|e| e.property_path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "colour",
            "secondaryRegion",
            "maxReplicationLagSeconds",
            "hostedZoneId"
        ]
    );

    // Another function token is refused by name.
    let err = svc
        .invoke(tonic::Request::new(rpc::InvokeRequest {
            tok: "multiregion-dr:index:getNothing".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(err.message().contains("getNothing"), "{}", err.message());

    // Unknown arguments: in preview the answer is unknown (and AWS is not asked); otherwise refused.
    emu.clear_calls().await;
    let unknown = Value::object([
        ("primaryHealthCheckId", Value::Unknown(UnknownKind::String)),
        ("fqdn", Value::from("api.example.com")),
        ("hostedZoneId", Value::from(out(&dns, "hostedZoneId"))),
    ]);
    let result = invoke(&svc, unknown.clone(), true).await.unwrap();
    assert!(result.get("ready").unwrap().is_unknown(), "{result:?}");
    assert!(result.get("checks").unwrap().is_unknown(), "{result:?}");
    assert!(emu.calls().await.is_empty());
    let err = invoke(&svc, unknown, false).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(
        err.message().contains("primaryHealthCheckId: is unknown"),
        "{}",
        err.message()
    );

    // A secret argument: the checks (whose reasons quote it) come back secret; `ready` does not.
    let secret = Value::object([(
        "primaryHealthCheckId",
        Value::secret(Value::from(out(&dns, "primaryHealthCheckId"))),
    )]);
    let result = invoke(&svc, secret, false).await.unwrap();
    assert!(result.get("checks").unwrap().is_secret(), "{result:?}");
    assert!(!result.get("ready").unwrap().is_secret(), "{result:?}");
}

/// Needs the database rules (readiness/database.rs): a global cluster that does not exist is a
/// failing `globalClusterExists` check, not an error, and the DNS rules are still judged.
#[tokio::test]
async fn invoke_reports_a_missing_global_cluster_as_a_failing_check() {
    let Env { emu, dns, .. } = env().await;
    let svc = service(&emu).await;
    let mut args = dns_args(&dns);
    args["globalClusterIdentifier"] = json!("no-such-global-cluster");
    let plain = tokio::time::timeout(
        Duration::from_secs(60),
        invoke(&svc, Value::from_json(&args), false),
    )
    .await
    .expect("answers within a minute")
    .unwrap()
    .to_plain_json();
    assert_eq!(plain["ready"], false, "{plain}");
    let checks = plain["checks"].as_array().unwrap();
    let exists = checks
        .iter()
        .find(|c| c["name"] == "globalClusterExists")
        .unwrap_or_else(|| panic!("no globalClusterExists check in {plain}"));
    assert_eq!(exists["passed"], false, "{plain}");
    assert!(
        exists["reason"]
            .as_str()
            .unwrap()
            .contains("no-such-global-cluster"),
        "{plain}"
    );
    assert!(plain.get("writerRegion").is_none(), "{plain}");
    // The DNS rules are judged all the same.
    for rule in ["healthCheck", "recordsPresent"] {
        assert!(
            checks
                .iter()
                .any(|c| c["name"] == rule && c["passed"] == true),
            "{rule} missing or failing in {plain}"
        );
    }
}
