//! ReplicatedBucket inputs: the typed shape, the defaults Check fills, and the resolved view
//! ([`Spec`]) the operations work with, including every name derived from the inputs (bucket names
//! and ARNs, the managed role's name, the ownership marker).

use serde::{Deserialize, Serialize};

use crate::config::ProviderConfig;
use crate::naming;
use crate::regions::{Regions, Role};
use crate::tags::{self, Tags};
use crate::value::{Object, Value};

pub const TOKEN: &str = "multiregion-dr:index:ReplicatedBucket";

/// SSE-S3, the default encryption of every new S3 bucket.
pub const SSE_S3: &str = "AES256";
pub const SSE_KMS: &str = "aws:kms";
pub const SSE_ALGORITHMS: [&str; 2] = [SSE_S3, SSE_KMS];

/// Inputs whose change needs new buckets: the names derive from them, and a bucket never moves region.
pub const REPLACE_KEYS: [&str; 3] = ["namePrefix", "primaryRegion", "secondaryRegion"];

/// Tag on both buckets and the managed role naming the pair they belong to (`<primary>/<secondary>`):
/// an existing bucket or role is adopted only when it carries it, so a name clash with someone
/// else's bucket or role is refused rather than taken over.
pub const OWNER_TAG: &str = "multiregion-dr:replicated-bucket";
/// IAM path of the roles this provider makes.
pub const ROLE_PATH: &str = "/multiregion-dr/";
/// IAM role names are at most 64 characters.
const MAX_ROLE_NAME: usize = 64;
/// A derived prefix leaves room for `-<region>` with the longest region names.
const MAX_DERIVED_PREFIX: usize = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Encryption {
    pub sse_algorithm: Option<String>,
    pub primary_kms_key_arn: Option<String>,
    pub secondary_kms_key_arn: Option<String>,
}

impl Encryption {
    pub fn kms_key_arn(&self, role: Role) -> Option<&str> {
        match role {
            Role::Primary => self.primary_kms_key_arn.as_deref(),
            Role::Secondary => self.secondary_kms_key_arn.as_deref(),
        }
    }

    pub fn is_kms(&self) -> bool {
        self.sse_algorithm.as_deref() == Some(SSE_KMS)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Inputs {
    pub name_prefix: Option<String>,
    pub encryption: Option<Encryption>,
    pub replication_role_arn: Option<String>,
    pub replication_time_control: Option<bool>,
    pub delete_marker_replication: Option<bool>,
    pub two_way: Option<bool>,
    pub noncurrent_version_expiration_days: Option<i64>,
    pub force_destroy: Option<bool>,
    pub tags: Option<Tags>,
    pub primary_region: Option<String>,
    pub secondary_region: Option<String>,
}

impl Inputs {
    /// Decodes checked inputs (or the input part of a state): secrets unwrapped, unknowns left out,
    /// output properties ignored.
    pub fn decode(v: &Value) -> Result<Inputs, String> {
        v.decode_known()
            .map_err(|e| format!("invalid ReplicatedBucket inputs: {e}"))
    }

    pub fn region(&self, role: Role) -> Option<&str> {
        match role {
            Role::Primary => self.primary_region.as_deref(),
            Role::Secondary => self.secondary_region.as_deref(),
        }
    }
}

/// `us-east-1` → `aws`; ARNs differ per partition.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// One bucket per region, named after the prefix and its region so the two never clash and a
/// retry finds the one it made.
pub fn bucket_name(prefix: &str, region: &str) -> String {
    format!("{prefix}-{region}")
}

/// One side of the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSpec {
    pub region: String,
    pub name: String,
    /// The KMS key of this region with SSE-KMS, None with SSE-S3.
    pub kms_key_arn: Option<String>,
}

impl BucketSpec {
    pub fn arn(&self) -> String {
        format!("arn:{}:s3:::{}", partition(&self.region), self.name)
    }
}

/// The checked inputs, resolved: regions, names and defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub name_prefix: String,
    pub buckets: Regions<BucketSpec>,
    /// The role the user gave; None means the provider manages one.
    pub given_role_arn: Option<String>,
    pub replication_time_control: bool,
    pub delete_marker_replication: bool,
    pub two_way: bool,
    pub noncurrent_days: Option<i64>,
    pub force_destroy: bool,
    /// The user's tags merged over the provider's defaultTags (without the owner tag).
    pub tags: Tags,
}

impl Spec {
    /// `fallback` gives the regions a state written without them would have had; `default_tags`
    /// are the provider's.
    pub fn new(
        inputs: &Inputs,
        fallback: &Regions<String>,
        default_tags: &Tags,
    ) -> Result<Spec, String> {
        let prefix = inputs
            .name_prefix
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or("namePrefix is missing: Check should have filled it")?;
        let encryption = inputs.encryption.clone().unwrap_or_default();
        let buckets = Regions::from_fn(|role| {
            let region = inputs
                .region(role)
                .map(str::to_string)
                .unwrap_or_else(|| fallback.get(role).clone());
            BucketSpec {
                name: bucket_name(&prefix, &region),
                kms_key_arn: encryption
                    .is_kms()
                    .then(|| encryption.kms_key_arn(role).map(str::to_string))
                    .flatten(),
                region,
            }
        });
        Ok(Spec {
            name_prefix: prefix,
            buckets,
            given_role_arn: inputs.replication_role_arn.clone(),
            replication_time_control: inputs.replication_time_control.unwrap_or(true),
            delete_marker_replication: inputs.delete_marker_replication.unwrap_or(true),
            two_way: inputs.two_way.unwrap_or(false),
            noncurrent_days: inputs.noncurrent_version_expiration_days,
            force_destroy: inputs.force_destroy.unwrap_or(false),
            tags: tags::merge(default_tags, &inputs.tags.clone().unwrap_or_default()),
        })
    }

    pub fn from_value(v: &Value, config: &ProviderConfig) -> Result<Spec, String> {
        Spec::new(&Inputs::decode(v)?, &config.regions, &config.default_tags)
    }

    pub fn kms(&self) -> bool {
        self.buckets.primary.kms_key_arn.is_some()
    }

    /// Whether the bucket on `source` replicates to the other one.
    pub fn replicates(&self, source: Role) -> bool {
        source == Role::Primary || self.two_way
    }

    /// The value of [`OWNER_TAG`]: both bucket names, in their roles.
    pub fn owner(&self) -> String {
        format!(
            "{}/{}",
            self.buckets.primary.name, self.buckets.secondary.name
        )
    }

    /// What both buckets and the managed role are tagged with.
    pub fn resource_tags(&self) -> Tags {
        let mut t = self.tags.clone();
        t.insert(OWNER_TAG.to_string(), self.owner());
        t
    }

    /// The managed role's name: the prefix for people, a digest of both bucket names so that a new
    /// pair replacing this one (other regions, same prefix) never shares its role.
    pub fn role_name(&self) -> String {
        let digest =
            &naming::digest(&[&self.buckets.primary.name, &self.buckets.secondary.name])[..8];
        let suffix = format!("-replication-{digest}");
        let head: String = self
            .name_prefix
            .chars()
            .take(MAX_ROLE_NAME - suffix.len())
            .collect();
        format!("{}{suffix}", head.trim_end_matches('-'))
    }
}

fn set_default(obj: &mut Object, key: &str, value: Value) {
    if obj.get(key).is_none_or(|v| !v.is_unknown() && v.is_null()) {
        obj.insert(key.to_string(), value);
    }
}

/// Fills the defaults that make state and diffs explicit, keeping every given value (unknowns
/// included) as it came. The derived prefix comes from the old inputs when there are some, so it
/// never changes under an existing pair.
pub fn with_defaults(
    news: &Value,
    olds: &Value,
    name: &str,
    seed: &[u8],
    config: &ProviderConfig,
) -> Value {
    let mut obj = news.as_object().cloned().unwrap_or_default();
    let prefix = olds
        .get("namePrefix")
        .filter(|v| v.as_str().is_some())
        .cloned()
        .unwrap_or_else(|| Value::from(naming::derived_identifier(name, seed, MAX_DERIVED_PREFIX)));
    set_default(&mut obj, "namePrefix", prefix);
    for role in Role::BOTH {
        set_default(
            &mut obj,
            crate::config::region_key(role),
            Value::from(config.regions.get(role).clone()),
        );
    }
    set_default(&mut obj, "replicationTimeControl", Value::from(true));
    set_default(&mut obj, "deleteMarkerReplication", Value::from(true));
    set_default(&mut obj, "twoWay", Value::from(false));
    set_default(&mut obj, "forceDestroy", Value::from(false));
    set_default(&mut obj, "encryption", Value::Object(Object::new()));
    if let Some(Value::Object(enc)) = obj.get_mut("encryption") {
        // KMS keys alone mean SSE-KMS: defaulting to SSE-S3 would only turn them into an error.
        let has_keys = ["primaryKmsKeyArn", "secondaryKmsKeyArn"]
            .iter()
            .any(|k| enc.get(*k).is_some_and(|v| !v.is_null()));
        let algorithm = if has_keys { SSE_KMS } else { SSE_S3 };
        set_default(enc, "sseAlgorithm", Value::from(algorithm));
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> Spec {
        Spec::from_value(&Value::from_json(&json), &ProviderConfig::default()).unwrap()
    }

    #[test]
    fn names_follow_the_prefix_and_the_regions() {
        let s = spec(serde_json::json!({"namePrefix": "orders"}));
        assert_eq!(s.buckets.primary.name, "orders-us-east-1");
        assert_eq!(s.buckets.secondary.name, "orders-us-east-2");
        assert_eq!(s.buckets.secondary.arn(), "arn:aws:s3:::orders-us-east-2");
        assert_eq!(s.owner(), "orders-us-east-1/orders-us-east-2");
        assert!(s.replicates(Role::Primary) && !s.replicates(Role::Secondary));
        let cn = spec(
            serde_json::json!({"namePrefix": "o", "primaryRegion": "cn-north-1", "secondaryRegion": "cn-northwest-1"}),
        );
        assert_eq!(cn.buckets.primary.arn(), "arn:aws-cn:s3:::o-cn-north-1");
    }

    #[test]
    fn role_names_fit_iam_and_differ_per_pair() {
        let a = spec(serde_json::json!({"namePrefix": "orders"}));
        let b = spec(serde_json::json!({"namePrefix": "orders", "secondaryRegion": "us-west-2"}));
        assert!(a.role_name().starts_with("orders-replication-"));
        assert_ne!(a.role_name(), b.role_name());
        let long = spec(serde_json::json!({"namePrefix": "x".repeat(52)}));
        assert!(long.role_name().len() <= 64, "{}", long.role_name());
    }

    #[test]
    fn defaults_are_explicit_and_keep_unknowns() {
        let news = Value::object([
            ("twoWay", Value::Unknown(crate::value::UnknownKind::Bool)),
            (
                "encryption",
                Value::object([(
                    "primaryKmsKeyArn",
                    Value::from("arn:aws:kms:us-east-1:123456789012:key/x"),
                )]),
            ),
        ]);
        let cfg = ProviderConfig::default();
        let v = with_defaults(&news, &Value::Null, "Orders Bucket", b"seed", &cfg);
        assert!(v.get("twoWay").unwrap().is_unknown());
        assert_eq!(v.get("replicationTimeControl"), Some(&Value::Bool(true)));
        assert_eq!(
            v.get("primaryRegion").and_then(Value::as_str),
            Some("us-east-1")
        );
        let prefix = v.get("namePrefix").and_then(Value::as_str).unwrap();
        assert!(prefix.starts_with("orders-bucket-"), "{prefix}");
        assert_eq!(
            v.get("encryption")
                .and_then(|e| e.get("sseAlgorithm"))
                .and_then(Value::as_str),
            Some(SSE_KMS)
        );
        // The prefix of an existing pair is kept whatever the seed.
        let olds = Value::object([("namePrefix", Value::from("kept"))]);
        let again = with_defaults(&news, &olds, "Orders Bucket", b"other", &cfg);
        assert_eq!(
            again.get("namePrefix").and_then(Value::as_str),
            Some("kept")
        );
    }
}
