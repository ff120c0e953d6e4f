//! Check: the rules DynamoDB would apply to a global table, enforced before anything is created and
//! named by property. A rule whose operands are unknown (preview) waits until they are known.

use std::collections::BTreeSet;

use regex::Regex;

use super::inputs::{
    Encryption, Index, Inputs, ATTRIBUTE_TYPES, BILLING_MODES, MAX_INDEXES, MAX_NAME,
    MAX_PROJECTED_ATTRIBUTES, MIN_NAME, PROJECTION_INCLUDE, PROJECTION_TYPES, PROVISIONED, TOKEN,
};
use crate::check::Failures;
use crate::config::is_known_region;
use crate::regions::Role;
use crate::resources::lifecycle::decode_judged;
use crate::tags;
use crate::value::Value;

/// DynamoDB's rule for table and index names.
pub fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if !(MIN_NAME..=MAX_NAME).contains(&len) {
        return Some(format!(
            "must be {MIN_NAME}-{MAX_NAME} characters, got {len}"
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map(|bad| format!("may contain only letters, digits, '_', '.' and '-', found '{bad}'"))
}

/// Attribute names (keys, TTL): 1-255 bytes, as DynamoDB measures key attribute names.
fn attribute_name_problem(name: &str) -> Option<String> {
    (name.is_empty() || name.len() > 255)
        .then(|| format!("attribute names must be 1-255 bytes, got {}", name.len()))
}

/// The region a KMS key or alias ARN names, or why it is not one.
pub fn kms_arn_region(arn: &str) -> Result<String, String> {
    let re = Regex::new(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)/.+$")
        .expect("static pattern");
    re.captures(arn)
        .map(|c| c[1].to_string())
        .ok_or_else(|| {
            format!("'{arn}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>): the region must be visible to check it")
        })
}

/// The inputs as Check sees them: which top-level values are known, and the typed inputs.
struct Known<'a> {
    obj: &'a crate::value::Object,
    typed: &'a Inputs,
}

impl Known<'_> {
    fn known(&self, key: &str) -> bool {
        self.obj.get(key).is_some_and(|v| !v.contains_unknowns())
    }

    /// Present but not known yet: a rule about it, even about its absence, must wait.
    fn unknown(&self, key: &str) -> bool {
        self.obj.get(key).is_some_and(Value::contains_unknowns)
    }

    fn any_unknown(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.unknown(k))
    }
}

pub fn check(inputs: &Value, f: &mut Failures) {
    let obj = inputs.as_object().cloned().unwrap_or_default();
    let Some(typed) = decode_judged::<Inputs>(TOKEN, inputs, f) else {
        return;
    };
    let k = Known {
        obj: &obj,
        typed: &typed,
    };
    names(&k, f);
    attributes(&k, f);
    keys(&k, f);
    indexes(&k, f);
    billing(&k, f);
    ttl(&k, f);
    encryption(&k, f);
    regions(&k, f);
    if let (true, Some(t)) = (k.known("tags"), &typed.tags) {
        tags::check_tags("tags", t, f);
    }
}

fn names(k: &Known<'_>, f: &mut Failures) {
    if let (true, Some(name)) = (k.known("name"), &k.typed.name) {
        if let Some(problem) = name_problem(name) {
            f.push(
                "name",
                format!("'{name}' is not a DynamoDB table name: {problem}"),
            );
        }
    }
}

fn attributes(k: &Known<'_>, f: &mut Failures) {
    if !k.known("attributes") {
        return;
    }
    let mut seen = BTreeSet::new();
    for (i, a) in k.typed.attributes.iter().enumerate() {
        if let Some(problem) = attribute_name_problem(&a.name) {
            f.push(format!("attributes[{i}].name"), problem);
        }
        if !seen.insert(a.name.as_str()) {
            f.push(
                format!("attributes[{i}].name"),
                format!("'{}' is declared twice", a.name),
            );
        }
        if !ATTRIBUTE_TYPES.contains(&a.kind.as_str()) {
            f.push(
                format!("attributes[{i}].type"),
                format!(
                    "must be S (string), N (number) or B (binary), got '{}': key attributes can have no other type",
                    a.kind
                ),
            );
        }
    }
}

/// A key names a declared attribute, and a range key differs from its hash key.
fn key_rule(k: &Known<'_>, f: &mut Failures, prefix: &str, hash: &str, range: Option<&str>) {
    let declared = |name: &str| k.typed.attribute_type(name).is_some();
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for (key, name) in std::iter::once(("hashKey", hash)).chain(range.map(|r| ("rangeKey", r))) {
        if name.is_empty() {
            // The table's own hashKey is reported as required once, by `check`.
            if key == "hashKey" && !prefix.is_empty() {
                f.push(path(key), "is required");
            }
            continue;
        }
        if !declared(name) {
            f.push(
                path(key),
                format!(
                    "'{name}' is not declared in attributes: add {{name: \"{name}\", type: \"S\" | \"N\" | \"B\"}}"
                ),
            );
        }
    }
    if range == Some(hash) {
        f.push(
            path("rangeKey"),
            format!("must differ from hashKey ('{hash}')"),
        );
    }
}

fn keys(k: &Known<'_>, f: &mut Failures) {
    if k.any_unknown(&["hashKey", "rangeKey", "attributes"]) {
        return;
    }
    let t = k.typed;
    key_rule(k, f, "", &t.hash_key, t.range_key.as_deref());
    // DynamoDB refuses an attribute definition that no key schema uses.
    if k.unknown("globalSecondaryIndexes") {
        return;
    }
    let used: BTreeSet<&str> = std::iter::once(t.hash_key.as_str())
        .chain(t.range_key.as_deref())
        .chain(
            t.indexes()
                .iter()
                .flat_map(|i| std::iter::once(i.hash_key.as_str()).chain(i.range_key.as_deref())),
        )
        .collect();
    for (i, a) in t.attributes.iter().enumerate() {
        if !used.contains(a.name.as_str()) {
            f.push(
                format!("attributes[{i}].name"),
                format!(
                    "'{}' is declared but no key of the table or of an index uses it: DynamoDB refuses attribute definitions that are not keys (other attributes need no declaration)",
                    a.name
                ),
            );
        }
    }
}

fn indexes(k: &Known<'_>, f: &mut Failures) {
    if !k.known("globalSecondaryIndexes") {
        return;
    }
    let list = k.typed.indexes();
    if list.len() > MAX_INDEXES {
        f.push(
            "globalSecondaryIndexes",
            format!(
                "at most {MAX_INDEXES} global secondary indexes per table, got {}",
                list.len()
            ),
        );
    }
    let projected: usize = list.iter().map(|i| i.non_key().len()).sum();
    if projected > MAX_PROJECTED_ATTRIBUTES {
        f.push(
            "globalSecondaryIndexes",
            format!("at most {MAX_PROJECTED_ATTRIBUTES} nonKeyAttributes summed over all indexes, got {projected}"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, index) in list.iter().enumerate() {
        let prefix = format!("globalSecondaryIndexes[{i}]");
        if let Some(problem) = name_problem(&index.name) {
            f.push(
                format!("{prefix}.name"),
                format!("'{}': {problem}", index.name),
            );
        }
        if !seen.insert(index.name.as_str()) {
            f.push(
                format!("{prefix}.name"),
                format!("'{}' names two indexes", index.name),
            );
        }
        if k.known("attributes") {
            key_rule(k, f, &prefix, &index.hash_key, index.range_key.as_deref());
        }
        projection(index, &prefix, f);
        if k.known("billingMode") {
            capacities(
                f,
                &prefix,
                k.typed.billing() == PROVISIONED,
                index.read_capacity,
                index.write_capacity,
            );
        }
    }
}

fn projection(index: &Index, prefix: &str, f: &mut Failures) {
    let kind = index.projection();
    if !PROJECTION_TYPES.contains(&kind) {
        f.push(
            format!("{prefix}.projectionType"),
            format!("must be ALL, KEYS_ONLY or INCLUDE, got '{kind}'"),
        );
        return;
    }
    match (kind == PROJECTION_INCLUDE, index.non_key().is_empty()) {
        (true, true) => f.push(
            format!("{prefix}.nonKeyAttributes"),
            "INCLUDE projects the attributes listed here: list at least one",
        ),
        (false, false) => f.push(
            format!("{prefix}.nonKeyAttributes"),
            format!(
                "only an INCLUDE projection takes nonKeyAttributes ({kind} projects {})",
                if kind == "ALL" {
                    "every attribute"
                } else {
                    "the keys only"
                }
            ),
        ),
        _ => {}
    }
}

/// PROVISIONED needs both capacities (at least 1); PAY_PER_REQUEST takes none.
fn capacities(
    f: &mut Failures,
    prefix: &str,
    provisioned: bool,
    read: Option<i64>,
    write: Option<i64>,
) {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for (key, value) in [("readCapacity", read), ("writeCapacity", write)] {
        match (provisioned, value) {
            (true, None) => f.push(
                path(key),
                "is required with billingMode PROVISIONED (capacity units, at least 1)",
            ),
            (true, Some(n)) if n < 1 => {
                f.push(path(key), format!("must be at least 1, got {n}"))
            }
            (false, Some(_)) => f.push(
                path(key),
                "applies only with billingMode PROVISIONED: PAY_PER_REQUEST tables have no capacity to set",
            ),
            _ => {}
        }
    }
}

fn billing(k: &Known<'_>, f: &mut Failures) {
    if !k.known("billingMode") {
        return;
    }
    let mode = k.typed.billing();
    if !BILLING_MODES.contains(&mode) {
        f.push(
            "billingMode",
            format!("must be PAY_PER_REQUEST or PROVISIONED, got '{mode}'"),
        );
        return;
    }
    if !k.any_unknown(&["readCapacity", "writeCapacity"]) {
        capacities(
            f,
            "",
            mode == PROVISIONED,
            k.typed.read_capacity,
            k.typed.write_capacity,
        );
    }
}

fn ttl(k: &Known<'_>, f: &mut Failures) {
    let (true, Some(attr)) = (k.known("ttlAttribute"), &k.typed.ttl_attribute) else {
        return;
    };
    if let Some(problem) = attribute_name_problem(attr) {
        f.push("ttlAttribute", problem);
    }
    if !k.known("attributes") {
        return;
    }
    if let Some(kind) = k.typed.attribute_type(attr).filter(|t| *t != "N") {
        f.push(
            "ttlAttribute",
            format!("'{attr}' is declared with type {kind}, but DynamoDB expires items only by a Number attribute holding epoch seconds"),
        );
    }
}

fn encryption(k: &Known<'_>, f: &mut Failures) {
    let Some(sse_v) = k.obj.get("serverSideEncryption").filter(|v| !v.is_null()) else {
        return;
    };
    if sse_v.get("enabled").is_none_or(Value::is_null) && !sse_v.is_unknown() {
        f.push("serverSideEncryption.enabled", "is required");
    }
    let sse = k.typed.encryption();
    let enabled_known = sse_v.get("enabled").is_some_and(|v| !v.is_unknown());
    for role in Role::BOTH {
        let prop = Encryption::key_property(role);
        let key_known = sse_v
            .get(&format!("{role}KmsKeyArn"))
            .is_some_and(|v| !v.is_unknown());
        let Some(arn) = sse.key(role).filter(|_| key_known) else {
            continue;
        };
        if enabled_known && !sse.enabled {
            f.push(
                &prop,
                "a KMS key needs enabled: true (with enabled: false the table uses a key DynamoDB owns)",
            );
        }
        match kms_arn_region(arn) {
            Err(problem) => f.push(&prop, problem),
            Ok(key_region) => {
                let region_key = format!("{role}Region");
                let Some(region) = k.typed.region_input(role).filter(|_| k.known(&region_key))
                else {
                    continue;
                };
                if key_region != region {
                    f.push(
                        &prop,
                        format!("the key is in {key_region}, but the {role} replica is in {region}: KMS keys are regional, use a key of {region}"),
                    );
                }
            }
        }
    }
}

fn regions(k: &Known<'_>, f: &mut Failures) {
    for role in Role::BOTH {
        let key = format!("{role}Region");
        if let (true, Some(r)) = (k.known(&key), k.typed.region_input(role)) {
            if !is_known_region(r) {
                f.push(&key, format!("'{r}' is not an AWS region name"));
            }
        }
    }
    if k.known("primaryRegion")
        && k.known("secondaryRegion")
        && k.typed.primary_region.is_some()
        && k.typed.primary_region == k.typed.secondary_region
    {
        f.push(
            "secondaryRegion",
            "must differ from primaryRegion: a global table needs a replica in a second region",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        assert_eq!(name_problem("orders.v2_x-1"), None);
        assert!(name_problem("ab").unwrap().contains("3-255"));
        assert!(name_problem(&"a".repeat(256)).unwrap().contains("3-255"));
        assert!(name_problem("has space").unwrap().contains("' '"));
        assert!(name_problem("ordérs").unwrap().contains("'é'"));
    }

    #[test]
    fn kms_arns_name_their_region() {
        assert_eq!(
            kms_arn_region("arn:aws:kms:us-east-2:123456789012:key/abcd").unwrap(),
            "us-east-2"
        );
        assert_eq!(
            kms_arn_region("arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/app").unwrap(),
            "us-gov-west-1"
        );
        assert!(kms_arn_region("abcd-1234")
            .unwrap_err()
            .contains("not a KMS key ARN"));
        assert!(kms_arn_region("arn:aws:s3:::bucket").is_err());
    }
}
