//! The replication rule of one source bucket: what it should be, what S3 has, and the one call
//! that moves S3 from one to the other. Both directions are the same code with the roles swapped.

use aws_sdk_s3::types::{
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, EncryptionConfiguration,
    Metrics, MetricsStatus, ReplicaModifications, ReplicaModificationsStatus,
    ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter, ReplicationRuleStatus,
    ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue, SourceSelectionCriteria,
    SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus,
};
use serde::{Deserialize, Serialize};

use super::buckets::{absent, Bucket};
use super::inputs::Spec;
use crate::context::Context;
use crate::error::{aws, ProviderError, Result};
use crate::regions::Role;

/// The ID of the rule this provider writes; other rules in a configuration are not its own.
pub const RULE_ID: &str = "multiregion-dr";
/// Replication Time Control: 15 minutes is the only value S3 accepts, for the replication time and
/// for the metrics' event threshold, which must be enabled together (aws-dr.md 3.7).
pub const RTC_MINUTES: i32 = 15;

const NO_CONFIG: [&str; 2] = ["ReplicationConfigurationNotFoundError", "NoSuchBucket"];

/// One replication rule as the outputs show it and as drift is judged: everything the provider
/// sets, nothing S3 adds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    pub source_bucket: String,
    pub destination_bucket: String,
    pub status: String,
    pub role_arn: String,
    pub replication_time_control: bool,
    pub delete_marker_replication: bool,
    pub replica_modifications: bool,
    pub replica_kms_key_arn: Option<String>,
}

/// The rule `spec` asks of the bucket on `source`, None when that bucket does not replicate.
pub fn desired(spec: &Spec, source: Role, role_arn: &str) -> Option<RuleSummary> {
    if !spec.replicates(source) {
        return None;
    }
    let (from, to) = (spec.buckets.get(source), spec.buckets.get(source.other()));
    Some(RuleSummary {
        source_bucket: from.name.clone(),
        destination_bucket: to.name.clone(),
        status: "Enabled".into(),
        role_arn: role_arn.to_string(),
        replication_time_control: spec.replication_time_control,
        delete_marker_replication: spec.delete_marker_replication,
        // Two-way replication keeps metadata changes made to replicas in step (replica
        // modification sync), as AWS advises for buckets that replicate to each other.
        replica_modifications: spec.two_way,
        replica_kms_key_arn: to.kms_key_arn.clone(),
    })
}

/// Every rule `spec` asks for, the primary's first.
pub fn desired_all(spec: &Spec, role_arn: &str) -> Vec<RuleSummary> {
    Role::BOTH
        .into_iter()
        .filter_map(|r| desired(spec, r, role_arn))
        .collect()
}

fn bucket_of_arn(arn: &str) -> &str {
    arn.rsplit(":::").next().unwrap_or(arn)
}

/// This provider's rule in a configuration S3 returned, summarized the same way as [`desired`].
pub fn observed(source_bucket: &str, config: &ReplicationConfiguration) -> Option<RuleSummary> {
    let rule = config.rules().iter().find(|r| r.id() == Some(RULE_ID))?;
    let dest = rule.destination();
    let rtc = dest.and_then(|d| d.replication_time()).is_some_and(|t| {
        t.status() == &ReplicationTimeStatus::Enabled
            && t.time().and_then(|v| v.minutes()) == Some(RTC_MINUTES)
    }) && dest.and_then(|d| d.metrics()).is_some_and(|m| {
        m.status() == &MetricsStatus::Enabled
            && m.event_threshold().and_then(|v| v.minutes()) == Some(RTC_MINUTES)
    });
    let criteria = rule.source_selection_criteria();
    let kms_objects = criteria
        .and_then(|c| c.sse_kms_encrypted_objects())
        .is_some_and(|s| s.status() == &SseKmsEncryptedObjectsStatus::Enabled);
    Some(RuleSummary {
        source_bucket: source_bucket.to_string(),
        destination_bucket: dest
            .map(|d| bucket_of_arn(d.bucket()).to_string())
            .unwrap_or_default(),
        status: rule.status().as_str().to_string(),
        role_arn: config.role().to_string(),
        replication_time_control: rtc,
        delete_marker_replication: rule.delete_marker_replication().and_then(|d| d.status())
            == Some(&DeleteMarkerReplicationStatus::Enabled),
        replica_modifications: criteria
            .and_then(|c| c.replica_modifications())
            .is_some_and(|m| m.status() == &ReplicaModificationsStatus::Enabled),
        replica_kms_key_arn: dest
            .and_then(|d| d.encryption_configuration())
            .and_then(|e| e.replica_kms_key_id())
            .filter(|_| kms_objects)
            .map(str::to_string),
    })
}

fn build_error(e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Internal(format!("building the replication configuration: {e}"))
}

/// The configuration S3 gets for a summary: one rule for the whole bucket (an empty prefix filter,
/// the current rule schema, which delete-marker replication needs).
pub(super) fn configuration(
    want: &RuleSummary,
    destination_arn: &str,
) -> Result<ReplicationConfiguration, ProviderError> {
    let mut dest = Destination::builder().bucket(destination_arn);
    if want.replication_time_control {
        let fifteen = || ReplicationTimeValue::builder().minutes(RTC_MINUTES).build();
        dest = dest
            .replication_time(
                ReplicationTime::builder()
                    .status(ReplicationTimeStatus::Enabled)
                    .time(fifteen())
                    .build()
                    .map_err(build_error)?,
            )
            .metrics(
                Metrics::builder()
                    .status(MetricsStatus::Enabled)
                    .event_threshold(fifteen())
                    .build()
                    .map_err(build_error)?,
            );
    }
    let mut criteria = SourceSelectionCriteria::builder();
    if let Some(key) = &want.replica_kms_key_arn {
        dest = dest.encryption_configuration(
            EncryptionConfiguration::builder()
                .replica_kms_key_id(key)
                .build(),
        );
        criteria = criteria.sse_kms_encrypted_objects(
            SseKmsEncryptedObjects::builder()
                .status(SseKmsEncryptedObjectsStatus::Enabled)
                .build()
                .map_err(build_error)?,
        );
    }
    if want.replica_modifications {
        criteria = criteria.replica_modifications(
            ReplicaModifications::builder()
                .status(ReplicaModificationsStatus::Enabled)
                .build()
                .map_err(build_error)?,
        );
    }
    let criteria = criteria.build();
    let marker_status = if want.delete_marker_replication {
        DeleteMarkerReplicationStatus::Enabled
    } else {
        DeleteMarkerReplicationStatus::Disabled
    };
    let mut rule = ReplicationRule::builder()
        .id(RULE_ID)
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder()
                .status(marker_status)
                .build(),
        )
        .destination(dest.build().map_err(build_error)?);
    if criteria != SourceSelectionCriteria::builder().build() {
        rule = rule.source_selection_criteria(criteria);
    }
    ReplicationConfiguration::builder()
        .role(&want.role_arn)
        .rules(rule.build().map_err(build_error)?)
        .build()
        .map_err(build_error)
}

/// What S3 has on one bucket; None when it has no replication configuration.
pub async fn read(ctx: &Context, b: &Bucket) -> Result<Option<ReplicationConfiguration>> {
    let res = ctx
        .call("reading the replication configuration", async {
            b.client
                .get_bucket_replication()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "GetBucketReplication", e))
        })
        .await;
    match res {
        Ok(out) => Ok(out.replication_configuration),
        Err(e) if absent(&e, &NO_CONFIG) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Brings the bucket on `source` to its rule (or to none), writing only when S3 differs.
pub async fn converge(
    ctx: &Context,
    b: &Bucket,
    spec: &Spec,
    source: Role,
    role_arn: &str,
    current: Option<&ReplicationConfiguration>,
) -> Result<()> {
    let have = current.and_then(|c| observed(&b.name, c));
    match desired(spec, source, role_arn) {
        Some(want) if have.as_ref() != Some(&want) => {
            let config = configuration(&want, &spec.buckets.get(source.other()).arn())?;
            put(ctx, b, config).await
        }
        None if have.is_some() => delete(ctx, b).await,
        _ => Ok(()),
    }
}

/// Writes the bucket's replication configuration.
pub async fn put(ctx: &Context, b: &Bucket, config: ReplicationConfiguration) -> Result<()> {
    ctx.call("writing the replication rule", async {
        b.client
            .put_bucket_replication()
            .bucket(&b.name)
            .replication_configuration(config)
            .send()
            .await
            .map_err(|e| aws(&b.region, "PutBucketReplication", e))
    })
    .await?;
    Ok(())
}

/// Removes the bucket's replication configuration; a bucket or configuration already gone is fine.
pub async fn delete(ctx: &Context, b: &Bucket) -> Result<()> {
    let res = ctx
        .call("removing the replication rule", async {
            b.client
                .delete_bucket_replication()
                .bucket(&b.name)
                .send()
                .await
                .map_err(|e| aws(&b.region, "DeleteBucketReplication", e))
        })
        .await;
    match res {
        Err(e) if !absent(&e, &NO_CONFIG) => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProviderConfig;
    use crate::value::Value;

    fn spec(json: serde_json::Value) -> Spec {
        Spec::from_value(&Value::from_json(&json), &ProviderConfig::default()).unwrap()
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/multiregion-dr/r";

    #[test]
    fn one_way_replicates_from_the_primary_only() {
        let s = spec(serde_json::json!({"namePrefix": "o"}));
        let rules = desired_all(&s, ROLE);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].source_bucket, "o-us-east-1");
        assert_eq!(rules[0].destination_bucket, "o-us-east-2");
        assert!(rules[0].replication_time_control && rules[0].delete_marker_replication);
        assert!(!rules[0].replica_modifications);
    }

    #[test]
    fn a_built_configuration_reads_back_as_its_summary() {
        let kms = |r: &str| {
            format!("arn:aws:kms:{r}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        };
        for json in [
            serde_json::json!({"namePrefix": "o", "twoWay": true}),
            serde_json::json!({"namePrefix": "o", "replicationTimeControl": false, "deleteMarkerReplication": false}),
            serde_json::json!({"namePrefix": "o", "twoWay": true, "encryption": {"sseAlgorithm": "aws:kms",
                "primaryKmsKeyArn": kms("us-east-1"), "secondaryKmsKeyArn": kms("us-east-2")}}),
        ] {
            let s = spec(json.clone());
            for want in desired_all(&s, ROLE) {
                let source = if want.source_bucket == s.buckets.primary.name {
                    Role::Primary
                } else {
                    Role::Secondary
                };
                let dest_arn = s.buckets.get(source.other()).arn();
                let config = configuration(&want, &dest_arn).unwrap();
                assert_eq!(
                    observed(&want.source_bucket, &config),
                    Some(want.clone()),
                    "{json}"
                );
                let rule = &config.rules()[0];
                assert_eq!(
                    rule.destination().unwrap().replication_time().is_some(),
                    want.replication_time_control
                );
            }
        }
        let two_way = spec(serde_json::json!({"namePrefix": "o", "twoWay": true}));
        let back = desired(&two_way, Role::Secondary, ROLE).unwrap();
        assert_eq!(back.destination_bucket, "o-us-east-1");
        assert!(back.replica_modifications);
    }

    #[test]
    fn foreign_rules_are_not_ours() {
        let config = ReplicationConfiguration::builder()
            .role(ROLE)
            .rules(
                ReplicationRule::builder()
                    .id("someone-else")
                    .status(ReplicationRuleStatus::Enabled)
                    .destination(
                        Destination::builder()
                            .bucket("arn:aws:s3:::x")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(observed("o-us-east-1", &config), None);
    }
}
