//! IAM (stock moto) and the S3 replication configuration as the AWS SDK for Rust reads them: what a
//! ReplicatedBucket relies on to tell its role and its rule from anything else.

use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketVersioningStatus, CreateBucketConfiguration, DeleteMarkerReplication,
    DeleteMarkerReplicationStatus, Destination, Metrics, MetricsStatus, ReplicaModifications,
    ReplicaModificationsStatus, ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter,
    ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue,
    SourceSelectionCriteria, VersioningConfiguration,
};
use dr_test_support::Emulator;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::src"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iam_roles_and_the_replication_rule_round_trip() {
    let emu = Emulator::start().await;
    let iam = emu.iam().await;
    let role = iam
        .create_role()
        .role_name("replication")
        .path("/multiregion-dr/")
        .assume_role_policy_document(TRUST)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key("owner")
                .value("src/dst")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let arn = role.role().unwrap().arn().to_string();
    assert_eq!(
        arn,
        "arn:aws:iam::123456789012:role/multiregion-dr/replication"
    );
    let again = iam
        .create_role()
        .role_name("replication")
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .expect_err("the name is taken");
    assert_eq!(again.code(), Some("EntityAlreadyExists"));
    let got = iam
        .get_role()
        .role_name("replication")
        .send()
        .await
        .unwrap();
    assert_eq!(got.role().unwrap().path(), "/multiregion-dr/");
    assert_eq!(got.role().unwrap().tags()[0].value(), "src/dst");
    let missing = iam
        .get_role()
        .role_name("nobody")
        .send()
        .await
        .expect_err("no such role");
    assert_eq!(missing.code(), Some("NoSuchEntity"));
    iam.put_role_policy()
        .role_name("replication")
        .policy_name("s3-replication")
        .policy_document(POLICY)
        .send()
        .await
        .unwrap();
    let conflict = iam
        .delete_role()
        .role_name("replication")
        .send()
        .await
        .expect_err("inline policy first");
    assert_eq!(conflict.code(), Some("DeleteConflict"));
    let listed = iam
        .list_roles()
        .path_prefix("/multiregion-dr/")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.roles().len(), 1);

    let (s1, s2) = (emu.s3("us-east-1").await, emu.s3("us-east-2").await);
    s1.create_bucket().bucket("src").send().await.unwrap();
    s2.create_bucket()
        .bucket("dst")
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint("us-east-2".into())
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (client, bucket) in [(&s1, "src"), (&s2, "dst")] {
        client
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let rule = ReplicationRule::builder()
        .id("dr")
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder()
                .status(DeleteMarkerReplicationStatus::Enabled)
                .build(),
        )
        .source_selection_criteria(
            SourceSelectionCriteria::builder()
                .replica_modifications(
                    ReplicaModifications::builder()
                        .status(ReplicaModificationsStatus::Enabled)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .destination(
            Destination::builder()
                .bucket("arn:aws:s3:::dst")
                .replication_time(
                    ReplicationTime::builder()
                        .status(ReplicationTimeStatus::Enabled)
                        .time(ReplicationTimeValue::builder().minutes(15).build())
                        .build()
                        .unwrap(),
                )
                .metrics(
                    Metrics::builder()
                        .status(MetricsStatus::Enabled)
                        .event_threshold(ReplicationTimeValue::builder().minutes(15).build())
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    s1.put_bucket_replication()
        .bucket("src")
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role(&arn)
                .rules(rule.clone())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let read = s1
        .get_bucket_replication()
        .bucket("src")
        .send()
        .await
        .unwrap();
    let config = read.replication_configuration().unwrap();
    assert_eq!(config.role(), arn);
    assert_eq!(config.rules(), [rule]);
}
