//! Check's rules: what S3, IAM and KMS would refuse, refused before anything is made, naming the
//! property and the rule. A rule whose operands are unknown (preview) waits until they are known.

use std::net::Ipv4Addr;

use regex::Regex;

use crate::check::Failures;
use crate::config::{is_known_region, ProviderConfig, KNOWN_REGIONS};
use crate::regions::Role;
use crate::tags::{self, Tags};
use crate::value::Value;

use super::inputs::{bucket_name, Inputs, OWNER_TAG, SSE_ALGORITHMS, SSE_KMS, TOKEN};

const NAMING_RULES: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static pattern")
}

/// S3's naming rules for general purpose buckets, plus no dots: a dotted name breaks
/// virtual-hosted-style HTTPS (the `*.s3.amazonaws.com` certificate matches one label) and
/// Transfer Acceleration, which is why AWS advises against dots.
pub fn bucket_name_problem(name: &str) -> Option<String> {
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Some(format!("must be 3-63 characters long, '{name}' has {len}"));
    }
    if name.contains('.') {
        return Some(format!(
            "'{name}' contains a dot; dots break virtual-hosted-style HTTPS and Transfer Acceleration, use hyphens"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "'{name}' contains '{bad}'; only lowercase letters, digits and hyphens are allowed"
        ));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(name.chars().next()) || !alnum(name.chars().last()) {
        return Some(format!(
            "'{name}' must begin and end with a letter or a digit"
        ));
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        return Some(format!("'{name}' must not look like an IP address"));
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Some(format!(
                "'{name}' must not start with '{prefix}' (reserved by S3)"
            ));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Some(format!(
                "'{name}' must not end with '{suffix}' (reserved by S3)"
            ));
        }
    }
    None
}

/// `arn:<partition>:kms:<region>:<account>:key/<id>`: a key ARN, not an alias, because an alias
/// cannot scope the replication role's kms:Decrypt and kms:Encrypt permissions.
pub fn kms_key_region(arn: &str) -> Result<&str, String> {
    let pattern = re(
        r"^arn:aws(-cn|-us-gov)?:kms:([a-z0-9-]+):\d{12}:(key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|alias/.+)$",
    );
    let Some(caps) = pattern.captures(arn) else {
        return Err(format!(
            "'{arn}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>)"
        ));
    };
    if caps[3].starts_with("alias/") {
        return Err(format!(
            "'{arn}' is an alias ARN; give the key ARN, which the replication role's KMS permissions can name"
        ));
    }
    Ok(caps.get(2).map_or("", |m| m.as_str()))
}

pub fn role_arn_problem(arn: &str) -> Option<String> {
    let pattern = re(r"^arn:aws(-cn|-us-gov)?:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$");
    (!pattern.is_match(arn))
        .then(|| format!("'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"))
}

pub fn check(inputs: &Value, config: &ProviderConfig, f: &mut Failures) {
    let obj = inputs.as_object().cloned().unwrap_or_default();
    let allowed = crate::schema::input_properties(TOKEN);
    f.reject_unknown_keys(TOKEN, &obj);
    let known = |key: &str| obj.get(key).is_some_and(|v| !v.contains_unknowns());
    let typed = match Inputs::decode(inputs) {
        Ok(t) => t,
        Err(e) => {
            // serde does not say which field is wrong: decode them one at a time to name it.
            let wrong = obj.iter().find(|(k, v)| {
                allowed.contains(*k)
                    && Inputs::decode(&Value::object([(k.as_str(), (*v).clone())])).is_err()
            });
            match wrong {
                Some((k, v)) => {
                    let e = Inputs::decode(&Value::object([(k.as_str(), v.clone())]))
                        .err()
                        .unwrap_or(e);
                    f.push(k, e);
                }
                None => f.push("inputs", e),
            }
            return;
        }
    };

    let regions: Vec<(Role, Option<&str>)> = Role::BOTH
        .iter()
        .map(|&role| {
            let key = crate::config::region_key(role);
            let region = typed.region(role).filter(|_| known(key));
            if let Some(r) = region {
                f.require(is_known_region(r), key, || {
                    format!("'{r}' is not an AWS region name")
                });
            }
            (role, region)
        })
        .collect();
    if let [(_, Some(p)), (_, Some(s))] = regions[..] {
        f.require(p != s, "secondaryRegion", || {
            format!(
                "must differ from primaryRegion (both are '{p}'): replication needs two regions"
            )
        });
    }

    if let (true, Some(prefix)) = (known("namePrefix"), &typed.name_prefix) {
        check_prefix(prefix, &regions, f);
    }
    if known("encryption") {
        check_encryption(&typed, &regions, f);
    }
    if let (true, Some(arn)) = (known("replicationRoleArn"), &typed.replication_role_arn) {
        if let Some(problem) = role_arn_problem(arn) {
            f.push("replicationRoleArn", problem);
        }
    }
    if let (true, Some(days)) = (
        known("noncurrentVersionExpirationDays"),
        typed.noncurrent_version_expiration_days,
    ) {
        f.require(
            (1..=i32::MAX as i64).contains(&days),
            "noncurrentVersionExpirationDays",
            || format!("must be a positive number of days, got {days}"),
        );
    }
    if let (true, Some(own)) = (known("tags"), &typed.tags) {
        check_tag_set(own, config, f);
    }
}

/// The prefix is judged by the names it makes, in every region known so far; with an unknown
/// region, by the longest region name there is.
fn check_prefix(prefix: &str, regions: &[(Role, Option<&str>)], f: &mut Failures) {
    let longest = KNOWN_REGIONS.iter().copied().max_by_key(|r| r.len());
    let mut names: Vec<String> = regions
        .iter()
        .filter_map(|(_, r)| r.or(longest).map(|r| bucket_name(prefix, r)))
        .collect();
    names.dedup();
    for name in names {
        if let Some(problem) = bucket_name_problem(&name) {
            f.push(
                "namePrefix",
                format!(
                    "gives the bucket name '{name}', which breaks S3's bucket naming rules: {problem} ({NAMING_RULES})"
                ),
            );
            return;
        }
    }
}

fn check_encryption(typed: &Inputs, regions: &[(Role, Option<&str>)], f: &mut Failures) {
    let enc = typed.encryption.clone().unwrap_or_default();
    let algorithm = enc.sse_algorithm.as_deref();
    if let Some(a) = algorithm.filter(|a| !SSE_ALGORITHMS.contains(a)) {
        f.push(
            "encryption.sseAlgorithm",
            format!("'{a}' is not AES256 (SSE-S3) or aws:kms (SSE-KMS)"),
        );
        return;
    }
    for &(role, region) in regions {
        let prop = format!("encryption.{role}KmsKeyArn");
        match (algorithm == Some(SSE_KMS), enc.kms_key_arn(role)) {
            (true, None) => f.push(
                &prop,
                format!("required with sseAlgorithm aws:kms: the KMS key in the {role} region"),
            ),
            (false, Some(_)) => f.push(
                &prop,
                "only used with sseAlgorithm aws:kms; remove it or set sseAlgorithm: aws:kms",
            ),
            (true, Some(arn)) => match kms_key_region(arn) {
                Err(problem) => f.push(&prop, problem),
                Ok(key_region) => {
                    if let Some(r) = region.filter(|r| *r != key_region) {
                        f.push(
                            &prop,
                            format!(
                                "the key is in {key_region} but the {role} bucket is in {r}: S3 uses only keys of the bucket's own region"
                            ),
                        );
                    }
                }
            },
            (false, None) => {}
        }
    }
}

fn check_tag_set(own: &Tags, config: &ProviderConfig, f: &mut Failures) {
    tags::check_tags("tags", own, f);
    if own.contains_key(OWNER_TAG) {
        f.push(
            format!("tags.{OWNER_TAG}"),
            "is reserved: the provider marks the buckets and role it owns with it",
        );
    }
    let merged = tags::merge(&config.default_tags, own).len() + 1;
    if merged > 50 && own.len() <= 50 {
        f.push(
            "tags",
            format!(
                "with the provider's defaultTags and the {OWNER_TAG} tag the buckets would carry {merged} tags; S3 and IAM allow 50"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::replicated_bucket::inputs::with_defaults;
    use crate::value::UnknownKind;

    fn failures_of(news: serde_json::Value) -> Vec<(String, String)> {
        failures_with(Value::from_json(&news), &ProviderConfig::default())
    }

    fn failures_with(news: Value, config: &ProviderConfig) -> Vec<(String, String)> {
        let inputs = with_defaults(&news, &Value::Null, "bucket", b"seed", config);
        let mut f = Failures::default();
        check(&inputs, config, &mut f);
        f.into_vec()
            .into_iter()
            .map(|c| (c.property, c.reason))
            .collect()
    }

    fn refused(news: serde_json::Value, property: &str, reason_part: &str) {
        let got = failures_of(news.clone());
        assert!(
            got.iter()
                .any(|(p, r)| p == property && r.contains(reason_part)),
            "{news} should fail {property} with '{reason_part}', got {got:?}"
        );
    }

    #[test]
    fn good_inputs_pass() {
        assert_eq!(failures_of(serde_json::json!({"namePrefix": "orders"})), []);
        assert_eq!(failures_of(serde_json::json!({})), []);
        assert_eq!(
            failures_of(serde_json::json!({
                "namePrefix": "orders-2",
                "encryption": {"sseAlgorithm": "aws:kms",
                    "primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    "secondaryKmsKeyArn": "arn:aws:kms:us-east-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"},
                "replicationRoleArn": "arn:aws:iam::123456789012:role/service-role/s3-crr",
                "noncurrentVersionExpirationDays": 30,
                "twoWay": true,
                "tags": {"team": "payments"}
            })),
            []
        );
    }

    #[test]
    fn bucket_naming_rules_name_the_prefix_and_the_rule() {
        refused(
            serde_json::json!({"namePrefix": "Orders"}),
            "namePrefix",
            "contains 'O'",
        );
        refused(
            serde_json::json!({"namePrefix": "my.orders"}),
            "namePrefix",
            "dot",
        );
        refused(
            serde_json::json!({"namePrefix": "orders_x"}),
            "namePrefix",
            "'_'",
        );
        refused(
            serde_json::json!({"namePrefix": "-orders"}),
            "namePrefix",
            "begin and end",
        );
        refused(
            serde_json::json!({"namePrefix": "xn--orders"}),
            "namePrefix",
            "'xn--'",
        );
        refused(
            serde_json::json!({"namePrefix": "sthree-x"}),
            "namePrefix",
            "'sthree-'",
        );
        refused(
            serde_json::json!({"namePrefix": "amzn-s3-demo-x"}),
            "namePrefix",
            "'amzn-s3-demo-'",
        );
        refused(
            serde_json::json!({"namePrefix": "o".repeat(54)}),
            "namePrefix",
            "3-63 characters",
        );
        refused(
            serde_json::json!({"namePrefix": "Orders"}),
            "namePrefix",
            "bucketnamingrules",
        );
        assert_eq!(
            failures_of(serde_json::json!({"namePrefix": "o".repeat(53)})),
            []
        );
    }

    #[test]
    fn whole_name_rules() {
        assert!(bucket_name_problem("ab").unwrap().contains("3-63"));
        assert!(bucket_name_problem("192.168.5.4").is_some());
        assert!(bucket_name_problem("x-s3alias")
            .unwrap()
            .contains("-s3alias"));
        assert!(bucket_name_problem("x--ol-s3").unwrap().contains("--ol-s3"));
        assert!(bucket_name_problem("x--x-s3").unwrap().contains("--x-s3"));
        assert!(bucket_name_problem("x--table-s3")
            .unwrap()
            .contains("--table-s3"));
        assert!(bucket_name_problem("orders-").unwrap().contains("end"));
        assert_eq!(bucket_name_problem("orders-us-east-1"), None);
    }

    #[test]
    fn kms_keys_must_be_key_arns_of_the_bucket_region() {
        let key = |r: &str| {
            format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        };
        refused(
            serde_json::json!({"encryption": {"sseAlgorithm": "aws:kms", "primaryKmsKeyArn": key("us-east-1"), "secondaryKmsKeyArn": key("us-east-1")}}),
            "encryption.secondaryKmsKeyArn",
            "the key is in us-east-1 but the secondary bucket is in us-east-2",
        );
        refused(
            serde_json::json!({"encryption": {"sseAlgorithm": "aws:kms", "primaryKmsKeyArn": key("us-east-1")}}),
            "encryption.secondaryKmsKeyArn",
            "required",
        );
        refused(
            serde_json::json!({"encryption": {"primaryKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:alias/s3", "secondaryKmsKeyArn": key("us-east-2")}}),
            "encryption.primaryKmsKeyArn",
            "alias ARN",
        );
        refused(
            serde_json::json!({"encryption": {"sseAlgorithm": "aws:kms", "primaryKmsKeyArn": "1234abcd", "secondaryKmsKeyArn": key("us-east-2")}}),
            "encryption.primaryKmsKeyArn",
            "not a KMS key ARN",
        );
        refused(
            serde_json::json!({"encryption": {"sseAlgorithm": "AES256", "primaryKmsKeyArn": key("us-east-1")}}),
            "encryption.primaryKmsKeyArn",
            "only used with sseAlgorithm aws:kms",
        );
        refused(
            serde_json::json!({"encryption": {"sseAlgorithm": "aws:kms:dsse"}}),
            "encryption.sseAlgorithm",
            "not AES256",
        );
    }

    #[test]
    fn other_inputs() {
        refused(
            serde_json::json!({"replicationRoleArn": "arn:aws:iam::123456789012:user/bob"}),
            "replicationRoleArn",
            "not an IAM role ARN",
        );
        refused(
            serde_json::json!({"noncurrentVersionExpirationDays": 0}),
            "noncurrentVersionExpirationDays",
            "positive",
        );
        refused(
            serde_json::json!({"secondaryRegion": "us-east-1"}),
            "secondaryRegion",
            "must differ",
        );
        refused(
            serde_json::json!({"primaryRegion": "mars-1"}),
            "primaryRegion",
            "not an AWS region",
        );
        refused(
            serde_json::json!({"tags": {"multiregion-dr:replicated-bucket": "x"}}),
            "tags.multiregion-dr:replicated-bucket",
            "reserved",
        );
        refused(
            serde_json::json!({"tags": {"aws:x": "y"}}),
            "tags.aws:x",
            "reserved",
        );
        refused(
            serde_json::json!({"twoWay": "yes"}),
            "twoWay",
            "invalid type",
        );
        refused(
            serde_json::json!({"bucketName": "x"}),
            "bucketName",
            "not a ReplicatedBucket input",
        );
        let many: serde_json::Map<String, serde_json::Value> =
            (0..50).map(|i| (format!("k{i}"), "v".into())).collect();
        refused(
            serde_json::json!({"tags": many}),
            "tags",
            "would carry 51 tags",
        );
    }

    #[test]
    fn unknowns_are_not_judged() {
        let news = Value::object([
            ("namePrefix", Value::from("orders")),
            ("secondaryRegion", Value::Unknown(UnknownKind::String)),
            (
                "encryption",
                Value::object([
                    ("sseAlgorithm", Value::from("aws:kms")),
                    ("primaryKmsKeyArn", Value::Unknown(UnknownKind::String)),
                ]),
            ),
            ("replicationRoleArn", Value::Unknown(UnknownKind::String)),
        ]);
        assert_eq!(failures_with(news, &ProviderConfig::default()), []);
        // An unknown region still lets the prefix be judged, by the longest region name.
        let news = Value::object([
            ("namePrefix", Value::from("o".repeat(53))),
            ("secondaryRegion", Value::Unknown(UnknownKind::String)),
        ]);
        let got = failures_with(news, &ProviderConfig::default());
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "namePrefix");
    }
}
