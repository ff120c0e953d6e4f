//! What the emulator writes itself (injected errors, switchover state, replicas, S3 fixes) must parse in the
//! AWS SDK for Rust, with the error code the provider will match on.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, CreateReplicationGroupMemberAction,
    KeySchemaElement, KeyType, ReplicationGroupUpdate, ScalarAttributeType,
};
use aws_sdk_rds::error::ProvideErrorMetadata;
use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType};
use aws_sdk_s3::types::{
    BucketVersioningStatus, CreateBucketConfiguration, Destination, ReplicationConfiguration,
    ReplicationRule, ReplicationRuleFilter, ReplicationRuleStatus, VersioningConfiguration,
};
use dr_test_support::{Emulator, Fault, RateLimit};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_errors_parse_in_every_service_format() {
    let emu = Emulator::start().await;

    emu.inject_fault(Fault::throttle("rds", "DescribeDBClusters").region("us-east-2"))
        .await;
    let rds_east1 = emu.rds("us-east-1").await;
    rds_east1
        .describe_db_clusters()
        .send()
        .await
        .expect("the fault is for us-east-2 only");
    let err = emu
        .rds("us-east-2")
        .await
        .describe_db_clusters()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some("Throttling"));
    assert_eq!(err.message(), Some("Rate exceeded"));

    emu.inject_fault(Fault::server_error("route53", "ListHostedZones"))
        .await;
    let err = emu
        .route53()
        .await
        .list_hosted_zones()
        .send()
        .await
        .expect_err("500");
    assert_eq!(err.code(), Some("InternalFailure"));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));

    emu.inject_fault(Fault::throttle("dynamodb", "ListTables"))
        .await;
    let err = emu
        .dynamodb("us-east-1")
        .await
        .list_tables()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some("ThrottlingException"));

    emu.inject_fault(Fault::throttle("s3", "ListBuckets")).await;
    let err = emu
        .s3("us-east-1")
        .await
        .list_buckets()
        .send()
        .await
        .expect_err("slow down");
    assert_eq!(err.code(), Some("SlowDown"));

    // A bucket of 5 refilled slowly: a burst of 8 sees Throttling in Route 53's own XML.
    emu.set_rate_limits(&[("route53", RateLimit::new(1.0, 5.0))])
        .await;
    let r53 = emu.route53().await;
    let mut throttled = 0;
    for _ in 0..8 {
        if let Err(e) = r53.list_health_checks().send().await {
            assert_eq!(e.code(), Some("Throttling"));
            throttled += 1;
        }
    }
    assert!(throttled >= 1, "a burst above the bucket must be throttled");
    let injected = emu
        .calls()
        .await
        .iter()
        .filter(|c| c.injected.is_some())
        .count();
    assert_eq!(injected, 4 + throttled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switchover_state_and_health_parse() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("switching-over", 3.0)]).await;
    let (east1, east2) = (emu.rds("us-east-1").await, emu.rds("us-east-2").await);
    east1
        .create_global_cluster()
        .global_cluster_identifier("g")
        .engine("aurora-mysql")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .send()
        .await
        .unwrap();
    east1
        .create_db_cluster()
        .db_cluster_identifier("p")
        .engine("aurora-mysql")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .global_cluster_identifier("g")
        .master_username("admin")
        .master_user_password("password123")
        .send()
        .await
        .unwrap();
    let s = east2
        .create_db_cluster()
        .db_cluster_identifier("s")
        .engine("aurora-mysql")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .global_cluster_identifier("g")
        .send()
        .await
        .unwrap();
    let s_arn = s
        .db_cluster()
        .unwrap()
        .db_cluster_arn()
        .unwrap()
        .to_string();

    // Headless target: refused.
    let err = east1
        .switchover_global_cluster()
        .global_cluster_identifier("g")
        .target_db_cluster_identifier(&s_arn)
        .send()
        .await
        .expect_err("headless");
    assert_eq!(err.code(), Some("InvalidDBClusterStateFault"));
    for (id, cluster, rds) in [("p-1", "p", &east1), ("s-1", "s", &east2)] {
        rds.create_db_instance()
            .db_instance_identifier(id)
            .db_cluster_identifier(cluster)
            .engine("aurora-mysql")
            .db_instance_class("db.r6g.large")
            .send()
            .await
            .unwrap();
    }
    east1
        .switchover_global_cluster()
        .global_cluster_identifier("g")
        .target_db_cluster_identifier(&s_arn)
        .send()
        .await
        .expect("switchover");
    let during = east2
        .describe_global_clusters()
        .global_cluster_identifier("g")
        .send()
        .await
        .unwrap();
    let gc = &during.global_clusters()[0];
    let state = gc
        .failover_state()
        .expect("FailoverState while switching over");
    assert_eq!(state.status().map(|s| s.as_str()), Some("switching-over"));
    assert_eq!(state.to_db_cluster_arn(), Some(s_arn.as_str()));
    assert_eq!(state.is_data_loss_allowed(), Some(false));
    assert_eq!(gc.status(), Some("switching-over"));

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = east1
            .describe_global_clusters()
            .global_cluster_identifier("g")
            .send()
            .await
            .unwrap();
        let gc = &out.global_clusters()[0];
        let writer = gc
            .global_cluster_members()
            .iter()
            .find(|m| m.is_writer() == Some(true))
            .and_then(|m| m.db_cluster_arn());
        if gc.failover_state().is_none() && writer == Some(s_arn.as_str()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "switchover never finished: {gc:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Route 53: a health check marked unhealthy is reported by every checker.
    let r53 = emu.route53().await;
    let hc = r53
        .create_health_check()
        .caller_reference("ref-1")
        .health_check_config(
            HealthCheckConfig::builder()
                .r#type(HealthCheckType::Https)
                .fully_qualified_domain_name("db.example.com")
                .resource_path("/health")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let id = hc.health_check().unwrap().id().to_string();
    emu.set_health(&id, false).await;
    let status = r53
        .get_health_check_status()
        .health_check_id(&id)
        .send()
        .await
        .unwrap();
    assert!(!status.health_check_observations().is_empty());
    for o in status.health_check_observations() {
        assert!(
            o.status_report()
                .unwrap()
                .status()
                .unwrap()
                .starts_with("Failure"),
            "{o:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_replicas_and_s3_replication_through_the_rust_sdk() {
    let emu = Emulator::start().await;
    let (d1, d2) = (
        emu.dynamodb("us-east-1").await,
        emu.dynamodb("us-east-2").await,
    );
    d1.create_table()
        .table_name("sessions")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    d1.update_table()
        .table_name("sessions")
        .replica_updates(
            ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name("us-east-2")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .expect("UpdateTable ReplicaUpdates");
    let t2 = d2
        .describe_table()
        .table_name("sessions")
        .send()
        .await
        .expect("replica exists in us-east-2");
    let replicas: Vec<_> = t2
        .table()
        .unwrap()
        .replicas()
        .iter()
        .filter_map(|r| r.region_name())
        .collect();
    assert_eq!(replicas, vec!["us-east-1"]);
    d1.put_item()
        .table_name("sessions")
        .item("pk", AttributeValue::S("u1".into()))
        .send()
        .await
        .unwrap();
    let got = d2
        .get_item()
        .table_name("sessions")
        .key("pk", AttributeValue::S("u1".into()))
        .send()
        .await
        .unwrap();
    assert!(
        got.item().is_some(),
        "an item written in us-east-1 appears in us-east-2"
    );

    let (s1, s2) = (emu.s3("us-east-1").await, emu.s3("us-east-2").await);
    s1.create_bucket()
        .bucket("src-bucket")
        .send()
        .await
        .unwrap();
    s2.create_bucket()
        .bucket("dst-bucket")
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint("us-east-2".into())
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (client, bucket) in [(&s1, "src-bucket"), (&s2, "dst-bucket")] {
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
    let v = s1
        .get_bucket_versioning()
        .bucket("src-bucket")
        .send()
        .await
        .expect("GetBucketVersioning parses");
    assert_eq!(v.status(), Some(&BucketVersioningStatus::Enabled));
    s1.put_bucket_replication()
        .bucket("src-bucket")
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role("arn:aws:iam::123456789012:role/replication")
                .rules(
                    ReplicationRule::builder()
                        .id("all")
                        .priority(1)
                        .status(ReplicationRuleStatus::Enabled)
                        .filter(ReplicationRuleFilter::builder().prefix("").build())
                        .delete_marker_replication(
                            aws_sdk_s3::types::DeleteMarkerReplication::builder()
                                .status(aws_sdk_s3::types::DeleteMarkerReplicationStatus::Disabled)
                                .build(),
                        )
                        .destination(
                            Destination::builder()
                                .bucket("arn:aws:s3:::dst-bucket")
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s1.put_object()
        .bucket("src-bucket")
        .key("a/b.txt")
        .body(b"hello".to_vec().into())
        .send()
        .await
        .expect("PutObject");
    let head = s1
        .head_object()
        .bucket("src-bucket")
        .key("a/b.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.replication_status().map(|s| s.as_str()),
        Some("COMPLETED")
    );
    assert_eq!(head.content_length(), Some(5));
    let copy = s2
        .get_object()
        .bucket("dst-bucket")
        .key("a/b.txt")
        .send()
        .await
        .expect("replica in destination");
    assert_eq!(
        copy.replication_status().map(|s| s.as_str()),
        Some("REPLICA")
    );
    let body = copy.body.collect().await.unwrap().into_bytes();
    assert_eq!(&body[..], b"hello");
}
