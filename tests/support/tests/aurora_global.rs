//! An Aurora global database across two Regions, through the AWS SDK for Rust against the emulator:
//! created, a secondary detached (seen in `promoting`), everything deleted in AWS's documented order
//! (Aurora user guide, "Deleting an Amazon Aurora global database"), nothing left in either Region.

use std::time::{Duration, Instant};

use aws_sdk_rds::error::ProvideErrorMetadata;
use dr_test_support::Emulator;

const PRIMARY: &str = "us-east-1";
const SECONDARY: &str = "us-east-2";
const ENGINE: &str = "aurora-postgresql";
const VERSION: &str = "15.4";

async fn cluster_status(rds: &aws_sdk_rds::Client, id: &str) -> Option<String> {
    match rds
        .describe_db_clusters()
        .db_cluster_identifier(id)
        .send()
        .await
    {
        Ok(out) => out.db_clusters()[0].status().map(str::to_string),
        Err(e) if e.code() == Some("DBClusterNotFoundFault") => None,
        Err(e) => panic!("DescribeDBClusters {id}: {e:?}"),
    }
}

/// Poll (generously: CI machines are slow) until the cluster's status is `want` (None: gone).
async fn wait_cluster(rds: &aws_sdk_rds::Client, id: &str, want: Option<&str>) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let status = cluster_status(rds, id).await;
        if let Some(s) = &status {
            if seen.last() != Some(s) {
                seen.push(s.clone());
            }
        }
        if status.as_deref() == want {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{id} never reached {want:?}; seen {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_instance_gone(rds: &aws_sdk_rds::Client, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match rds
            .describe_db_instances()
            .db_instance_identifier(id)
            .send()
            .await
        {
            Err(e)
                if e.code() == Some("DBInstanceNotFound")
                    || e.code() == Some("DBInstanceNotFoundFault") =>
            {
                return
            }
            Err(e) => panic!("DescribeDBInstances {id}: {e:?}"),
            Ok(_) => {}
        }
        assert!(Instant::now() < deadline, "instance {id} never went away");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aurora_global_database_create_detach_delete_in_documented_order() {
    let emu = Emulator::start().await;
    emu.set_lifecycle("rds", &[("promoting", 3.0), ("deleting", 0.5)])
        .await;
    let east1 = emu.rds(PRIMARY).await;
    let east2 = emu.rds(SECONDARY).await;

    // Create: the global cluster, the primary with credentials, the secondary without.
    east1
        .create_global_cluster()
        .global_cluster_identifier("orders-global")
        .engine(ENGINE)
        .engine_version(VERSION)
        .send()
        .await
        .expect("CreateGlobalCluster");
    let primary = east1
        .create_db_cluster()
        .db_cluster_identifier("orders-primary")
        .engine(ENGINE)
        .engine_version(VERSION)
        .global_cluster_identifier("orders-global")
        .master_username("dbadmin")
        .master_user_password("correct-horse-battery")
        .send()
        .await
        .expect("CreateDBCluster primary");
    let primary_arn = primary
        .db_cluster()
        .unwrap()
        .db_cluster_arn()
        .unwrap()
        .to_string();
    assert!(
        primary_arn.starts_with("arn:aws:rds:us-east-1:"),
        "{primary_arn}"
    );
    east1
        .create_db_instance()
        .db_instance_identifier("orders-primary-1")
        .db_cluster_identifier("orders-primary")
        .engine(ENGINE)
        .db_instance_class("db.r6g.large")
        .send()
        .await
        .expect("CreateDBInstance primary");

    // A secondary given the primary's user name is refused, as AWS does.
    let refused = east2
        .create_db_cluster()
        .db_cluster_identifier("orders-secondary")
        .engine(ENGINE)
        .engine_version(VERSION)
        .global_cluster_identifier("orders-global")
        .master_username("dbadmin")
        .send()
        .await
        .expect_err("a secondary with MasterUsername must be refused");
    assert_eq!(refused.code(), Some("InvalidParameterCombination"));
    assert_eq!(
        refused.message(),
        Some("Cannot specify user name for cross region replication cluster")
    );

    let secondary = east2
        .create_db_cluster()
        .db_cluster_identifier("orders-secondary")
        .engine(ENGINE)
        .engine_version(VERSION)
        .global_cluster_identifier("orders-global")
        .send()
        .await
        .expect("CreateDBCluster secondary");
    let secondary_arn = secondary
        .db_cluster()
        .unwrap()
        .db_cluster_arn()
        .unwrap()
        .to_string();
    assert!(
        secondary_arn.starts_with("arn:aws:rds:us-east-2:"),
        "{secondary_arn}"
    );
    east2
        .create_db_instance()
        .db_instance_identifier("orders-secondary-1")
        .db_cluster_identifier("orders-secondary")
        .engine(ENGINE)
        .db_instance_class("db.r6g.large")
        .send()
        .await
        .expect("CreateDBInstance secondary");

    // The global cluster is account-level: the secondary Region sees both members, the writer in us-east-1.
    let globals = east2
        .describe_global_clusters()
        .global_cluster_identifier("orders-global")
        .send()
        .await
        .expect("DescribeGlobalClusters");
    let members = globals.global_clusters()[0].global_cluster_members();
    assert_eq!(members.len(), 2);
    for m in members {
        let writer = m.db_cluster_arn() == Some(primary_arn.as_str());
        assert_eq!(m.is_writer(), Some(writer), "{m:?}");
        assert_eq!(
            m.synchronization_status().map(|s| s.as_str()),
            Some("connected")
        );
    }

    // Wrong order is refused: the primary cannot go while a secondary is attached.
    let early = east1
        .delete_db_cluster()
        .db_cluster_identifier("orders-primary")
        .skip_final_snapshot(true)
        .send()
        .await
        .expect_err("deleting the primary first must fail");
    assert_eq!(early.code(), Some("InvalidGlobalClusterStateFault"));

    // 1. Detach the secondary: it is promoted to a standalone cluster.
    east2
        .remove_from_global_cluster()
        .global_cluster_identifier("orders-global")
        .db_cluster_identifier(&secondary_arn)
        .send()
        .await
        .expect("RemoveFromGlobalCluster secondary");
    assert_eq!(
        cluster_status(&east2, "orders-secondary").await.as_deref(),
        Some("promoting")
    );
    let seen = wait_cluster(&east2, "orders-secondary", Some("available")).await;
    assert_eq!(
        seen.first().map(String::as_str),
        Some("promoting"),
        "{seen:?}"
    );

    // 2. Delete the secondary's instance, then the secondary cluster.
    east2
        .delete_db_instance()
        .db_instance_identifier("orders-secondary-1")
        .send()
        .await
        .expect("DeleteDBInstance secondary");
    wait_instance_gone(&east2, "orders-secondary-1").await;
    east2
        .delete_db_cluster()
        .db_cluster_identifier("orders-secondary")
        .skip_final_snapshot(true)
        .send()
        .await
        .expect("DeleteDBCluster secondary");
    wait_cluster(&east2, "orders-secondary", None).await;

    // 3. Detach the primary, now the only member.
    east1
        .remove_from_global_cluster()
        .global_cluster_identifier("orders-global")
        .db_cluster_identifier(&primary_arn)
        .send()
        .await
        .expect("RemoveFromGlobalCluster primary");
    wait_cluster(&east1, "orders-primary", Some("available")).await;

    // 4. Delete the primary's instance, then the primary cluster.
    east1
        .delete_db_instance()
        .db_instance_identifier("orders-primary-1")
        .send()
        .await
        .expect("DeleteDBInstance primary");
    wait_instance_gone(&east1, "orders-primary-1").await;
    east1
        .delete_db_cluster()
        .db_cluster_identifier("orders-primary")
        .skip_final_snapshot(true)
        .send()
        .await
        .expect("DeleteDBCluster primary");
    wait_cluster(&east1, "orders-primary", None).await;

    // 5. Delete the global cluster.
    east1
        .delete_global_cluster()
        .global_cluster_identifier("orders-global")
        .send()
        .await
        .expect("DeleteGlobalCluster");

    // Nothing left in either Region (the global cluster may linger briefly in `deleting`).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let inv = emu.inventory().await;
        let rds = &inv["rds"];
        let empty = ["global_clusters", "clusters", "instances"]
            .iter()
            .all(|k| rds[k].as_array().unwrap().is_empty());
        if empty {
            break;
        }
        assert!(Instant::now() < deadline, "left behind: {rds:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let gone = east2
        .describe_global_clusters()
        .global_cluster_identifier("orders-global")
        .send()
        .await;
    assert_eq!(
        gone.expect_err("global cluster must be gone").code(),
        Some("GlobalClusterNotFoundFault")
    );

    // The documented order, by Region, as the call log recorded it.
    let calls = emu.calls().await;
    let pos = |op: &str, region: &str| {
        calls
            .iter()
            .position(|c| c.operation == op && c.region == region && c.status == Some(200))
            .unwrap_or_else(|| panic!("no successful {op} in {region}"))
    };
    assert!(pos("RemoveFromGlobalCluster", SECONDARY) < pos("DeleteDBCluster", SECONDARY));
    assert!(pos("DeleteDBCluster", SECONDARY) < pos("RemoveFromGlobalCluster", PRIMARY));
    assert!(pos("DeleteDBInstance", PRIMARY) < pos("DeleteDBCluster", PRIMARY));
    assert!(pos("DeleteDBCluster", PRIMARY) < pos("DeleteGlobalCluster", PRIMARY));
}
