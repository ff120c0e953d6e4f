//! Seeded fuzzing of the provider's gRPC surface: random and mutated property Structs (wrong types,
//! nulls, 1 MB strings, unknown sentinels, secret and output-value envelopes in odd places, malformed
//! envelopes, odd numbers) sent to Check, Diff, Create and Update with preview, Construct (against a
//! stand-in monitor), CheckConfig and Configure, through the service's trait methods so that a panic
//! surfaces here instead of inside tonic.
//!
//! Each call must finish within a time limit, must not panic (in the call or in a task it spawns),
//! must answer either a well-formed reply or a gRPC status with a bounded, non-empty message, and a
//! preview must not reach AWS (every endpoint points at a listener that counts connections).
//!
//! `DR_FUZZ_SEED` and `DR_FUZZ_CASES` change the seed and the number of cases; a failure prints the
//! seed and case to replay.

mod rpc_support;

use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use multiregion_dr::rpc::codec::{
    decode_opt, encode_struct, SIG_ARCHIVE, SIG_ASSET, SIG_KEY, SIG_OUTPUT, SIG_RESOURCE_REF,
    SIG_SECRET,
};
use multiregion_dr::rpc::service::ProviderService;
use multiregion_dr::value::UnknownKind;
use prost::Message;
use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value as Pv};
use pulumi_gestalt_proto::pulumi::pulumirpc as rpc;
use rpc::resource_provider_server::ResourceProvider;
use rpc_support::{figure, json, serve_monitor, urn, Monitor};
use serde_json::json as j;
use tonic::{Request, Status};

static PANICS: AtomicUsize = AtomicUsize::new(0);

const DEFAULT_SEED: u64 = 0x5eed_d15a_57e2;
const DEFAULT_CASES: usize = 4000;
/// A call taking longer than this is a hang.
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// gRPC trailers carry the message; ours are cut well below what HTTP/2 peers accept.
const MAX_STATUS_MESSAGE: usize = 17 * 1024;

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOKENS: [&str; 4] = [
    "multiregion-dr:index:GlobalDatabase",
    "multiregion-dr:index:DnsFailover",
    "multiregion-dr:index:GlobalTable",
    "multiregion-dr:index:ReplicatedBucket",
];
const COMPONENT: &str = "multiregion-dr:index:MultiRegionDR";

const KEYS: &[&str] = &[
    "engine",
    "engineVersion",
    "masterUsername",
    "masterPassword",
    "instanceClass",
    "serverlessV2",
    "primary",
    "secondary",
    "backupRetentionPeriod",
    "preferredBackupWindow",
    "deletionProtection",
    "skipFinalSnapshot",
    "finalSnapshotIdentifier",
    "storageEncrypted",
    "tags",
    "primaryRegion",
    "secondaryRegion",
    "globalClusterIdentifier",
    "databaseName",
    "activeRegion",
    "allowDataLoss",
    "hostedZoneId",
    "zoneName",
    "recordName",
    "recordType",
    "primaryEndpoint",
    "secondaryEndpoint",
    "primaryAlias",
    "secondaryAlias",
    "ttl",
    "healthCheck",
    "name",
    "hashKey",
    "rangeKey",
    "attributes",
    "globalSecondaryIndexes",
    "billingMode",
    "readCapacity",
    "writeCapacity",
    "pointInTimeRecovery",
    "ttlAttribute",
    "serverSideEncryption",
    "namePrefix",
    "encryption",
    "replicationRoleArn",
    "replicationTimeControl",
    "deleteMarkerReplication",
    "twoWay",
    "noncurrentVersionExpirationDays",
    "forceDestroy",
    "database",
    "dns",
    "sessionTable",
    "bucket",
    "profile",
    "endpoints",
    "maxRetries",
    "defaultTags",
    "version",
    "instanceCount",
    "minCapacity",
    "maxCapacity",
    "type",
    "projectionType",
    "nonKeyAttributes",
    "enabled",
    "primaryKmsKeyArn",
    "secondaryKmsKeyArn",
    "sseAlgorithm",
    "dnsName",
    "evaluateTargetHealth",
    "port",
    "resourcePath",
    "searchString",
    "requestInterval",
    "failureThreshold",
    "regions",
    "measureLatency",
    "inverted",
    "disabled",
    "vpcSecurityGroupIds",
    "kmsKeyId",
    "dbSubnetGroupName",
    "rds",
    "s3",
    "__defaults",
    "",
    "id",
    "urn",
    "value",
    SIG_KEY,
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "primary",
    "secondary",
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "mars-1",
    "aurora-postgresql",
    "aurora-mysql",
    "16.4",
    "S",
    "N",
    "B",
    "PROVISIONED",
    "PAY_PER_REQUEST",
    "INCLUDE",
    "KEYS_ONLY",
    "ALL",
    "TCP",
    "HTTP",
    "HTTP_STR_MATCH",
    "A",
    "AAAA",
    "CNAME",
    "example.com",
    "api",
    "*",
    "@",
    ".",
    "..",
    "127.0.0.1",
    "::1",
    "192.0.2.1",
    "2001:db8::1",
    "db.r6g.large",
    "db.serverless",
    "sg-12345678",
    "aws:kms",
    "AES256",
    "03:00-04:00",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:aws:iam::123456789012:role/x",
    "Z0123456789ABC",
    "é",
    "\u{0}",
    "\n\r\t",
    "🦀💥",
    "%s%n%x",
    "../../etc/passwd",
    "{\"rds\":\"http://127.0.0.1:9\"}",
    "[1,2]",
    "-1",
    "1e999",
    "true",
    "null",
    "aws:reserved",
    "correct-horse-9",
    "pw with @ and \"",
];

fn pv(kind: Kind) -> Pv {
    Pv { kind: Some(kind) }
}

fn pstr(s: &str) -> Pv {
    pv(Kind::StringValue(s.to_string()))
}

fn pstruct(fields: BTreeMap<String, Pv>) -> Pv {
    pv(Kind::StructValue(Struct { fields }))
}

fn number(rng: &mut Rng) -> f64 {
    *rng.pick(&[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1.5,
        7.0,
        15.0,
        16.0,
        35.0,
        36.0,
        65535.0,
        65536.0,
        100.0,
        101.0,
        1e300,
        -1e300,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        9_007_199_254_740_993.0,
        i64::MAX as f64,
        2_147_483_648.0,
        1e-300,
    ])
}

fn string(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 if rng.chance(60) => "x".repeat(1024 * 1024),
        0 => "a".repeat(rng.below(400)),
        1 => UnknownKind::ALL[rng.below(7)].sentinel().to_string(),
        2 => (0..rng.below(24))
            .map(|_| char::from_u32(rng.below(0x2fff) as u32).unwrap_or('?'))
            .collect(),
        _ => rng.pick(STRINGS).to_string(),
    }
}

fn key(rng: &mut Rng) -> String {
    if rng.chance(50) {
        string(rng)
    } else {
        rng.pick(KEYS).to_string()
    }
}

/// A special object as the engine spells it, or a malformed one.
fn envelope(rng: &mut Rng, depth: usize) -> Pv {
    let mut fields = BTreeMap::new();
    let sig = match rng.below(8) {
        0 | 1 => SIG_SECRET,
        2 | 3 => SIG_OUTPUT,
        4 => SIG_RESOURCE_REF,
        5 => SIG_ASSET,
        6 => SIG_ARCHIVE,
        _ => "ffffffffffffffffffffffffffffffff",
    };
    if rng.chance(50) {
        fields.insert(SIG_KEY.to_string(), gen(rng, depth + 1));
    } else {
        fields.insert(SIG_KEY.to_string(), pstr(sig));
    }
    if rng.chance(800) {
        fields.insert("value".into(), gen(rng, depth + 1));
    }
    match sig {
        SIG_OUTPUT => {
            if rng.chance(500) {
                fields.insert(
                    "secret".into(),
                    if rng.chance(800) {
                        pv(Kind::BoolValue(rng.chance(500)))
                    } else {
                        gen(rng, depth + 1)
                    },
                );
            }
            if rng.chance(500) {
                let deps = (0..rng.below(3))
                    .map(|_| {
                        if rng.chance(900) {
                            pstr("urn:pulumi:dev::p::t:index:T::x")
                        } else {
                            gen(rng, depth + 1)
                        }
                    })
                    .collect();
                fields.insert(
                    "dependencies".into(),
                    pv(Kind::ListValue(ListValue { values: deps })),
                );
            }
        }
        SIG_RESOURCE_REF => {
            fields.insert(
                "urn".into(),
                if rng.chance(700) {
                    pstr("urn:pulumi:dev::p::t:index:T::x")
                } else {
                    gen(rng, depth + 1)
                },
            );
            if rng.chance(500) {
                fields.insert("id".into(), gen(rng, depth + 1));
            }
        }
        _ => {}
    }
    pstruct(fields)
}

/// A random value, nested at most a few levels.
fn gen(rng: &mut Rng, depth: usize) -> Pv {
    let choices = if depth >= 5 { 6 } else { 10 };
    match rng.below(choices) {
        0 => pv(Kind::NullValue(0)),
        1 => pv(Kind::BoolValue(rng.chance(500))),
        2 => pv(Kind::NumberValue(number(rng))),
        3 | 4 => pstr(&string(rng)),
        5 => pstr(UnknownKind::ALL[rng.below(7)].sentinel()),
        6 => pv(Kind::ListValue(ListValue {
            values: (0..rng.below(5)).map(|_| gen(rng, depth + 1)).collect(),
        })),
        7 | 8 => pstruct(
            (0..rng.below(6))
                .map(|_| (key(rng), gen(rng, depth + 1)))
                .collect(),
        ),
        _ => envelope(rng, depth),
    }
}

/// `v` wrapped the way the engine wraps secrets, unknowns and output values.
fn wrap(rng: &mut Rng, v: Pv) -> Pv {
    match rng.below(4) {
        0 => pstruct(BTreeMap::from([
            (SIG_KEY.to_string(), pstr(SIG_SECRET)),
            ("value".to_string(), v),
        ])),
        1 => {
            let mut f = BTreeMap::from([(SIG_KEY.to_string(), pstr(SIG_OUTPUT))]);
            if rng.chance(700) {
                f.insert("value".into(), v);
            }
            f.insert("secret".into(), pv(Kind::BoolValue(rng.chance(500))));
            pstruct(f)
        }
        2 => pstr(UnknownKind::ALL[rng.below(7)].sentinel()),
        _ => pv(Kind::ListValue(ListValue { values: vec![v] })),
    }
}

/// Changes one place inside `v`: a value replaced, removed, added, wrapped, or a level deeper.
fn mutate(rng: &mut Rng, v: &mut Pv, depth: usize) {
    match v.kind.as_mut() {
        Some(Kind::StructValue(s)) if !s.fields.is_empty() || depth == 0 => {
            let keys: Vec<String> = s.fields.keys().cloned().collect();
            let chosen = (!keys.is_empty()).then(|| rng.pick(&keys).clone());
            match (rng.below(6), chosen) {
                (0, Some(k)) => {
                    s.fields.insert(k, gen(rng, depth + 1));
                }
                (1, Some(k)) => {
                    s.fields.remove(&k);
                }
                (2, Some(k)) => {
                    let old = s.fields.remove(&k).unwrap_or_default();
                    s.fields.insert(k, wrap(rng, old));
                }
                (3 | 4, Some(k)) => {
                    if let Some(inner) = s.fields.get_mut(&k) {
                        mutate(rng, inner, depth + 1);
                    }
                }
                _ => {
                    s.fields.insert(key(rng), gen(rng, depth + 1));
                }
            }
        }
        Some(Kind::ListValue(l)) if !l.values.is_empty() => {
            let i = rng.below(l.values.len());
            match rng.below(5) {
                0 => l.values[i] = gen(rng, depth + 1),
                1 => {
                    l.values.remove(i);
                }
                2 => l.values.push(gen(rng, depth + 1)),
                3 => {
                    let old = std::mem::take(&mut l.values[i]);
                    l.values[i] = wrap(rng, old);
                }
                _ => mutate(rng, &mut l.values[i], depth + 1),
            }
        }
        _ => {
            *v = if rng.chance(500) {
                gen(rng, depth)
            } else {
                wrap(rng, v.clone())
            };
        }
    }
}

fn as_pv(s: Struct) -> Pv {
    pv(Kind::StructValue(s))
}

fn as_struct(v: Pv) -> Struct {
    match v.kind {
        Some(Kind::StructValue(s)) => s,
        // The engine always sends an object; a top-level non-object becomes one holding it.
        other => Struct {
            fields: BTreeMap::from([("value".to_string(), Pv { kind: other })]),
        },
    }
}

/// Valid inputs to start from, so that mutations reach the deep rules.
fn base(token: &str) -> Struct {
    let v = match token {
        "multiregion-dr:index:GlobalDatabase" => j!({
            "engine": "aurora-postgresql", "engineVersion": "16.4", "masterUsername": "app",
            "masterPassword": "correct-horse-9", "serverlessV2": {"minCapacity": 0.5, "maxCapacity": 4},
            "primary": {"instanceCount": 2, "vpcSecurityGroupIds": ["sg-12345678"]},
            "secondary": {"instanceCount": 1, "kmsKeyId": "alias/x"},
            "backupRetentionPeriod": 7, "preferredBackupWindow": "03:00-04:00", "tags": {"team": "a"},
            "primaryRegion": "us-east-1", "secondaryRegion": "us-west-2"}),
        "multiregion-dr:index:DnsFailover" => j!({
            "zoneName": "example.com", "recordName": "api", "recordType": "A",
            "primaryEndpoint": "192.0.2.1", "secondaryEndpoint": "192.0.2.2", "ttl": 60,
            "secondaryAlias": {"dnsName": "lb.elb.amazonaws.com", "hostedZoneId": "Z35SXDOTRQ7X7K"},
            "healthCheck": {"type": "HTTPS_STR_MATCH", "searchString": "ok", "port": 443,
                            "resourcePath": "/health", "regions": ["us-east-1", "us-west-1", "eu-west-1"]},
            "activeRegion": "primary", "tags": {"team": "a"}}),
        "multiregion-dr:index:GlobalTable" => j!({
            "name": "orders", "hashKey": "pk", "rangeKey": "sk",
            "attributes": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "N"}, {"name": "g", "type": "S"}],
            "globalSecondaryIndexes": [{"name": "byG", "hashKey": "g", "projectionType": "INCLUDE", "nonKeyAttributes": ["x"]}],
            "billingMode": "PROVISIONED", "readCapacity": 5, "writeCapacity": 5, "ttlAttribute": "exp",
            "serverSideEncryption": {"enabled": true,
                "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abcd",
                "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:key/abcd"}}),
        "multiregion-dr:index:ReplicatedBucket" => j!({
            "namePrefix": "orders", "replicationTimeControl": true, "twoWay": true,
            "noncurrentVersionExpirationDays": 30, "tags": {"team": "a"},
            "encryption": {"sseAlgorithm": "aws:kms",
                "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}),
        COMPONENT => j!({
            "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2", "activeRegion": "primary",
            "database": {"engine": "aurora-postgresql", "masterUsername": "app",
                         "masterPassword": "correct-horse-9", "instanceClass": "db.r6g.large"},
            "dns": {"zoneName": "example.com", "recordName": "api",
                    "primaryEndpoint": "a.example.net", "secondaryEndpoint": "b.example.net"},
            "sessionTable": {"hashKey": "pk", "attributes": [{"name": "pk", "type": "S"}]},
            "bucket": {"namePrefix": "orders"}}),
        _ => unreachable!("no base for {token}"),
    };
    encode_struct(&json(v))
}

/// The provider configuration every endpoint of which is the connection-counting guard.
fn guard_config(guard: &str) -> Struct {
    let endpoints: serde_json::Map<String, serde_json::Value> =
        ["rds", "route53", "dynamodb", "s3", "iam", "sts"]
            .iter()
            .map(|s| (s.to_string(), j!(format!("http://{guard}"))))
            .collect();
    encode_struct(&json(j!({
        "primaryRegion": "us-east-1", "secondaryRegion": "us-east-2", "maxRetries": 0,
        "endpoints": serde_json::Value::Object(endpoints), "defaultTags": {"env": "fuzz"}, "version": "0.1.0"
    })))
}

/// Inputs for one case: a mutated base most of the time, a random object otherwise.
fn inputs(rng: &mut Rng, start: Struct) -> Struct {
    if rng.chance(200) {
        return as_struct(pstruct(
            (0..rng.below(8)).map(|_| (key(rng), gen(rng, 1))).collect(),
        ));
    }
    let mut v = as_pv(start);
    for _ in 0..1 + rng.below(4) {
        mutate(rng, &mut v, 0);
    }
    as_struct(v)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Op {
    Check,
    Diff,
    CreatePreview,
    UpdatePreview,
    Construct,
    CheckConfig,
    Configure,
}

const OPS: [(Op, usize); 7] = [
    (Op::Check, 25),
    (Op::Diff, 15),
    (Op::CreatePreview, 20),
    (Op::UpdatePreview, 10),
    (Op::Construct, 15),
    (Op::CheckConfig, 7),
    (Op::Configure, 8),
];

fn pick_op(rng: &mut Rng) -> Op {
    let mut n = rng.below(OPS.iter().map(|(_, w)| w).sum());
    for (op, w) in OPS {
        if n < w {
            return op;
        }
        n -= w;
    }
    Op::Check
}

/// What a call answered, judged: `Err` is a finding.
fn judge_status(s: &Status) -> Result<String, String> {
    if s.message().trim().is_empty() {
        return Err(format!("a {:?} status without a message", s.code()));
    }
    if s.message().len() > MAX_STATUS_MESSAGE {
        return Err(format!("a {} byte status message", s.message().len()));
    }
    if matches!(
        s.code(),
        tonic::Code::Internal | tonic::Code::Unimplemented | tonic::Code::Ok
    ) {
        return Err(format!(
            "status {:?}: {}",
            s.code(),
            &s.message()[..s.message().len().min(300)]
        ));
    }
    Ok(format!("{:?}", s.code()))
}

/// `check` judges a reply and names its kind ("ok", or "refused" for Check failures).
fn judge<T: Message>(
    reply: Result<tonic::Response<T>, Status>,
    check: impl FnOnce(&T) -> Result<&'static str, String>,
) -> Result<String, String> {
    match reply {
        Ok(r) => {
            let r = r.into_inner();
            // The reply must encode: the engine receives it over the wire.
            let _ = r.encode_to_vec();
            check(&r).map(str::to_string)
        }
        Err(s) => judge_status(&s),
    }
}

fn judge_failures(failures: &[rpc::CheckFailure]) -> Result<&'static str, String> {
    if let Some(f) = failures
        .iter()
        .find(|f| f.reason.trim().is_empty() || f.reason.len() > 5000)
    {
        return Err(format!(
            "failure `{}` with a reason of {} bytes",
            f.property,
            f.reason.len()
        ));
    }
    Ok(if failures.is_empty() { "ok" } else { "refused" })
}

struct Fuzz {
    service: ProviderService,
    monitor: String,
    guard: String,
}

impl Fuzz {
    async fn configure_guarded(&self) {
        self.service
            .configure(Request::new(rpc::ConfigureRequest {
                args: Some(guard_config(&self.guard)),
                ..Default::default()
            }))
            .await
            .expect("the guarded configuration is valid");
    }

    async fn case(&self, rng: &mut Rng, op: Op) -> Result<String, String> {
        let token = *rng.pick(&TOKENS);
        // Now and then the type token or URN is itself junk.
        let (ty, name) = if rng.chance(30) {
            (string(rng), string(rng))
        } else {
            (token.to_string(), "r1".to_string())
        };
        let urn = urn(&ty, &name);
        let s = &self.service;
        match op {
            Op::Check => {
                let news = inputs(rng, base(token));
                let olds = rng.chance(300).then(|| inputs(rng, base(token)));
                let request = rpc::CheckRequest {
                    urn,
                    name,
                    r#type: ty,
                    olds,
                    news: Some(news),
                    random_seed: (0..rng.below(40)).map(|_| rng.next() as u8).collect(),
                    ..Default::default()
                };
                let reply = s.check(Request::new(request.clone())).await;
                // Checked inputs that pass are a fixed point: checking them again changes nothing
                // (the engine checks stored inputs again on the next update).
                let again = match &reply {
                    Ok(r) if r.get_ref().failures.is_empty() => Some(
                        s.check(Request::new(rpc::CheckRequest {
                            news: r.get_ref().inputs.clone(),
                            ..request
                        }))
                        .await,
                    ),
                    _ => None,
                };
                judge(reply, |r| {
                    let Some(inputs) = &r.inputs else {
                        return Err("Check returned no inputs".into());
                    };
                    if let Some(again) = again {
                        let again = again
                            .map_err(|e| format!("a second Check answered {e:?}"))?
                            .into_inner();
                        if !again.failures.is_empty() {
                            return Err(format!(
                                "checked inputs fail a second Check: {:?}",
                                again.failures
                            ));
                        }
                        // Compared as bytes: NaN is not equal to itself.
                        if again.inputs.as_ref().map(Message::encode_to_vec)
                            != Some(inputs.encode_to_vec())
                        {
                            let first = decode_opt(Some(inputs));
                            let second = decode_opt(again.inputs.as_ref());
                            let changed: Vec<String> = first
                                .as_object()
                                .into_iter()
                                .flatten()
                                .filter(|(k, v)| second.get(k) != Some(*v))
                                .map(|(k, v)| format!("{k}: {v:?} -> {:?}", second.get(k)))
                                .take(3)
                                .map(|s| s.chars().take(400).collect())
                                .collect();
                            return Err(format!(
                                "a second Check of {token} changed the checked inputs: {changed:?}"
                            ));
                        }
                    }
                    judge_failures(&r.failures)
                })
            }
            Op::Diff => {
                let olds = if rng.chance(500) {
                    base(token)
                } else {
                    inputs(rng, base(token))
                };
                let news = inputs(rng, base(token));
                let old_inputs = rng.chance(500).then(|| inputs(rng, base(token)));
                let reply = s
                    .diff(Request::new(rpc::DiffRequest {
                        id: string(rng),
                        urn,
                        r#type: ty,
                        olds: Some(olds),
                        news: Some(news),
                        old_inputs,
                        ignore_changes: (0..rng.below(3)).map(|_| key(rng)).collect(),
                        ..Default::default()
                    }))
                    .await;
                judge(reply, |r| {
                    for d in r.detailed_diff.keys() {
                        let top = d.split(['.', '[']).next().unwrap_or_default();
                        if !r.diffs.iter().any(|x| x == top) {
                            return Err(format!("detailed diff {d} has no top-level diff"));
                        }
                    }
                    Ok("ok")
                })
            }
            Op::CreatePreview => {
                let reply = s
                    .create(Request::new(rpc::CreateRequest {
                        urn,
                        r#type: ty,
                        name,
                        properties: Some(inputs(rng, base(token))),
                        timeout: *rng.pick(&[0.0, 0.001, 1.0, -5.0, f64::NAN, 1e12]),
                        preview: true,
                        ..Default::default()
                    }))
                    .await;
                judge(reply, |r| answered(&r.properties, "Create preview"))
            }
            Op::UpdatePreview => {
                let reply = s
                    .update(Request::new(rpc::UpdateRequest {
                        id: string(rng),
                        urn,
                        r#type: ty,
                        name,
                        olds: Some(inputs(rng, base(token))),
                        news: Some(inputs(rng, base(token))),
                        timeout: *rng.pick(&[0.0, 1.0, f64::INFINITY]),
                        preview: true,
                        ..Default::default()
                    }))
                    .await;
                judge(reply, |r| answered(&r.properties, "Update preview"))
            }
            Op::Construct => {
                let component = if rng.chance(30) {
                    string(rng)
                } else {
                    COMPONENT.to_string()
                };
                let input = inputs(rng, base(COMPONENT));
                let dependencies: HashMap<String, rpc::construct_request::PropertyDependencies> =
                    input
                        .fields
                        .keys()
                        .filter(|_| rng.chance(300))
                        .map(|k| {
                            (
                                k.clone(),
                                rpc::construct_request::PropertyDependencies {
                                    urns: vec!["urn:pulumi:dev::p::t:index:T::d".into()],
                                },
                            )
                        })
                        .collect();
                let reply = s
                    .construct(Request::new(rpc::ConstructRequest {
                        project: "proj".into(),
                        stack: "dev".into(),
                        dry_run: rng.chance(500),
                        monitor_endpoint: self.monitor.clone(),
                        r#type: component,
                        name: name.clone(),
                        parent: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev".into(),
                        inputs: Some(input),
                        input_dependencies: dependencies,
                        ignore_changes: (0..rng.below(3)).map(|_| key(rng)).collect(),
                        accepts_output_values: true,
                        ..Default::default()
                    }))
                    .await;
                judge(reply, |r| {
                    if r.urn.is_empty() {
                        Err("Construct returned no URN".into())
                    } else {
                        Ok("ok")
                    }
                })
            }
            Op::CheckConfig => {
                let news = inputs(rng, guard_config(&self.guard));
                let reply = s
                    .check_config(Request::new(rpc::CheckRequest {
                        urn: urn.replace(&ty, "pulumi:providers:multiregion-dr"),
                        news: Some(news),
                        ..Default::default()
                    }))
                    .await;
                judge(reply, |r| judge_failures(&r.failures))
            }
            Op::Configure => {
                let args = inputs(rng, guard_config(&self.guard));
                let variables = if rng.chance(200) {
                    (0..rng.below(3))
                        .map(|_| (format!("multiregion-dr:config:{}", key(rng)), string(rng)))
                        .collect()
                } else {
                    HashMap::new()
                };
                let reply = s
                    .configure(Request::new(rpc::ConfigureRequest {
                        args: rng.chance(900).then_some(args),
                        variables,
                        accept_secrets: true,
                        ..Default::default()
                    }))
                    .await;
                let verdict = judge(reply, |_| Ok("ok"));
                // Whatever was configured, the next cases run against the guard again.
                self.configure_guarded().await;
                verdict
            }
        }
    }
}

/// Counts the connections made to it: a preview must make none.
async fn connection_guard() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (address, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_inputs_get_clean_answers_from_every_rpc() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    dr_test_support::static_credentials();

    let seed = std::env::var("DR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let cases = std::env::var("DR_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let (guard, connections) = connection_guard().await;
    let monitor = serve_monitor(Arc::new(Monitor::default())).await;
    let fuzz = Fuzz {
        service: ProviderService::new(None),
        monitor,
        guard,
    };
    fuzz.configure_guarded().await;

    let started = Instant::now();
    let mut rng = Rng(seed);
    let mut findings = Vec::new();
    let mut outcomes: BTreeMap<(Op, String), usize> = BTreeMap::new();
    let mut slowest = (Duration::ZERO, Op::Check);
    for case in 0..cases {
        let op = pick_op(&mut rng);
        let call = Instant::now();
        let panics_before = PANICS.load(Ordering::SeqCst);
        let result = tokio::time::timeout(
            CALL_LIMIT,
            AssertUnwindSafe(fuzz.case(&mut rng, op)).catch_unwind(),
        )
        .await;
        let took = call.elapsed();
        if took > slowest.0 {
            slowest = (took, op);
        }
        let verdict = match result {
            Err(_) => Err(format!("no answer within {CALL_LIMIT:?} (a hang)")),
            Ok(Err(_)) => Err("the call panicked".to_string()),
            Ok(Ok(v)) if PANICS.load(Ordering::SeqCst) > panics_before => {
                Err(format!("a task it spawned panicked ({v:?})"))
            }
            Ok(Ok(v)) => v,
        };
        match verdict {
            Ok(kind) => *outcomes.entry((op, kind)).or_default() += 1,
            Err(e) => {
                findings.push(format!("case {case} ({op:?}): {e}"));
                // The service may be left in a state the next cases should not inherit.
                fuzz.configure_guarded().await;
            }
        }
    }
    let elapsed = started.elapsed();
    let summary: Vec<String> = outcomes
        .iter()
        .map(|((op, kind), n)| format!("{op:?}/{kind} {n}"))
        .collect();
    figure(
        "fuzz_rpc",
        &format!(
            "{cases} cases (seed {seed:#x}) in {:.1}s, slowest call {:?} ({:?}); {}; findings {}",
            elapsed.as_secs_f64(),
            slowest.0,
            slowest.1,
            summary.join(", "),
            findings.len()
        ),
    );
    let reached_aws = connections.load(Ordering::SeqCst);
    assert!(
        findings.is_empty(),
        "seed {seed:#x}: {} findings:\n{}",
        findings.len(),
        findings
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        reached_aws, 0,
        "previews, checks and diffs made {reached_aws} connections to AWS endpoints"
    );
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "panics happened");
    // Every operation was exercised, with both outcomes where both are possible.
    for (op, _) in OPS {
        assert!(
            outcomes.keys().any(|(o, k)| *o == op && k == "ok"),
            "{op:?} never succeeded"
        );
        assert!(
            outcomes.keys().any(|(o, k)| *o == op && k != "ok") || op == Op::Diff,
            "{op:?} never failed"
        );
    }
}

/// A preview must answer with properties, even when they are all unknown.
fn answered(properties: &Option<prost_types::Struct>, what: &str) -> Result<&'static str, String> {
    properties
        .as_ref()
        .map(|_| "ok")
        .ok_or_else(|| format!("{what} returned no properties"))
}
