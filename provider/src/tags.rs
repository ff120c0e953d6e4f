//! Tags shared by every resource: AWS's tag rules and the merge with the provider's defaultTags.

use std::collections::BTreeMap;

use crate::check::Failures;

pub type Tags = BTreeMap<String, String>;

/// AWS's common tag rules (RDS, Route 53, DynamoDB and S3 agree on these).
pub fn check_tags(property: &str, tags: &Tags, failures: &mut Failures) {
    if tags.len() > 50 {
        failures.push(
            property,
            format!("at most 50 tags are allowed, got {}", tags.len()),
        );
    }
    for (k, v) in tags {
        let path = format!("{property}.{k}");
        if k.is_empty() || k.chars().count() > 128 {
            failures.push(&path, "tag keys must be 1-128 characters");
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            failures.push(&path, "tag keys starting with 'aws:' are reserved by AWS");
        }
        if v.chars().count() > 256 {
            failures.push(&path, "tag values must be at most 256 characters");
        }
    }
}

/// The resource's own tags win over the provider's defaults.
pub fn merge(defaults: &Tags, own: &Tags) -> Tags {
    let mut merged = defaults.clone();
    merged.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_tags_win() {
        let d = Tags::from([("team".into(), "a".into()), ("env".into(), "prod".into())]);
        let o = Tags::from([("team".into(), "b".into())]);
        let m = merge(&d, &o);
        assert_eq!(m["team"], "b");
        assert_eq!(m["env"], "prod");
    }

    #[test]
    fn reserved_and_long_keys_fail() {
        let mut f = Failures::default();
        let t = Tags::from([("aws:x".into(), "v".into()), ("k".into(), "v".repeat(257))]);
        check_tags("tags", &t, &mut f);
        let props: Vec<_> = f.0.iter().map(|f| f.property.as_str()).collect();
        assert_eq!(props, ["tags.aws:x", "tags.k"]);
    }
}
