// The DR layer of a financial transaction-processing system (RPO < 5 minutes, RTO < 15 minutes),
// first written with CDKTF as MultiRegionDRStack, across us-east-1 (primary) and us-east-2 (secondary):
// - DynamoDB global table transactions-<env>: on demand, point-in-time recovery in both regions;
// - Aurora PostgreSQL global database: a db.r5.large writer in the primary, a db.r5.large reader in
//   the secondary (promoted when the primary region is lost), no deletion protection, no final snapshot;
// - S3 cross-region replication from the primary bucket to the secondary with Replication Time
//   Control (15 minutes) and SSE-S3;
// - Route 53 health checks of both regional endpoints and a failover record for dr-app-<env>.<zone>.
// Lambda, Step Functions, EventBridge, AWS Backup, SSM replication, VPCs and CloudWatch are not part of
// this package: see README.md. The regions come from the provider config.
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const config = new pulumi.Config();
const env = config.get("environmentSuffix") ?? "dev";

const dr = new mrdr.MultiRegionDR("transactions", {
    database: {
        globalClusterIdentifier: `aurora-global-${env}`,
        engine: "aurora-postgresql",
        engineVersion: config.get("engineVersion") ?? "16.4",
        databaseName: "transactions",
        masterUsername: "dbadmin",
        masterPassword: config.requireSecret("dbPassword"),
        instanceClass: config.get("instanceClass") ?? "db.r5.large",
        primary: {
            instanceCount: 1,
            dbSubnetGroupName: config.get("primaryDbSubnetGroup"),
        },
        secondary: {
            instanceCount: 1,
            dbSubnetGroupName: config.get("secondaryDbSubnetGroup"),
        },
        backupRetentionPeriod: 7,
        storageEncrypted: true,
        deletionProtection: false,
        skipFinalSnapshot: true,
        tags: { tier: "database" },
    },
    sessionTable: {
        name: `transactions-${env}`,
        hashKey: "transactionId",
        attributes: [{ name: "transactionId", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: true,
        deletionProtection: false,
        tags: { tier: "data" },
    },
    bucket: {
        namePrefix: `dr-${env}`,
        encryption: { sseAlgorithm: "AES256" },
        replicationTimeControl: true,
        deleteMarkerReplication: true,
        forceDestroy: true,
        tags: { tier: "storage" },
    },
    dns: {
        zoneName: config.require("zoneName"),
        recordName: `dr-app-${env}`,
        recordType: "CNAME",
        primaryEndpoint: config.require("primaryEndpoint"),
        secondaryEndpoint: config.require("secondaryEndpoint"),
        ttl: 60,
        healthCheck: {
            type: "HTTPS",
            resourcePath: config.get("healthCheckPath") ?? "/health",
            requestInterval: 30,
            failureThreshold: 3,
        },
        tags: { tier: "edge" },
    },
});

export const activeRegion = dr.activeRegion;
export const transactionsTable = dr.sessionTableName;
export const tableArns = { primary: dr.primaryTableArn, secondary: dr.secondaryTableArn };
export const globalClusterArn = dr.globalClusterArn;
export const writerRegion = dr.writerRegion;
export const writerEndpoint = dr.writerEndpoint;
export const primaryClusterEndpoint = dr.primaryClusterEndpoint;
export const secondaryReaderEndpoint = dr.secondaryReaderEndpoint;
export const buckets = { primary: dr.primaryBucketName, secondary: dr.secondaryBucketName };
export const appFqdn = dr.fqdn;
export const healthCheckIds = { primary: dr.primaryHealthCheckId, secondary: dr.secondaryHealthCheckId };
export const answeringRegion = dr.answeringRegion;
