// The DR layer of a financial trading platform (99.99% uptime; RPO < 1 minute, RTO < 60 seconds),
// first written with CDKTF, across us-east-1 (primary) and us-east-2 (secondary):
// - Aurora PostgreSQL global database: a db.r5.large writer in the primary, a db.r5.large reader in
//   the secondary, promotable to writer;
// - DynamoDB global table user-sessions-<env>: on demand, point-in-time recovery in both regions;
// - the configuration bucket trading-config-<env>, replicated to the secondary within 15 minutes (RTC);
// - Route 53 HTTPS health checks of both regional APIs and a failover record pair;
// and, beside the component, the audit-log bucket trading-audit-logs-<env>, replicated the same way.
// Lambda, SQS, API Gateway, Step Functions, EventBridge, VPCs, CloudWatch, SNS and SSM are not part of
// this package: see README.md. The regions come from the provider config.
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const config = new pulumi.Config();
const env = config.get("environmentSuffix") ?? "dev";

const dr = new mrdr.MultiRegionDR("trading-platform", {
    database: {
        globalClusterIdentifier: `trading-global-${env}`,
        engine: "aurora-postgresql",
        engineVersion: config.get("engineVersion") ?? "16.4",
        databaseName: "trading",
        masterUsername: "trading_admin",
        masterPassword: config.requireSecret("dbPassword"),
        instanceClass: config.get("instanceClass") ?? "db.r5.large",
        primary: { instanceCount: 1, dbSubnetGroupName: config.get("primaryDbSubnetGroup") },
        secondary: { instanceCount: 1, dbSubnetGroupName: config.get("secondaryDbSubnetGroup") },
        backupRetentionPeriod: 7,
        storageEncrypted: true,
        skipFinalSnapshot: true,
        tags: { tier: "database" },
    },
    sessionTable: {
        name: `user-sessions-${env}`,
        hashKey: "sessionId",
        attributes: [{ name: "sessionId", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: true,
        tags: { tier: "sessions" },
    },
    bucket: {
        namePrefix: `trading-config-${env}`,
        replicationTimeControl: true,
        deleteMarkerReplication: true,
        tags: { tier: "configuration" },
    },
    dns: {
        zoneName: config.require("zoneName"),
        recordName: "api",
        recordType: "CNAME",
        primaryEndpoint: config.require("primaryApi"),
        secondaryEndpoint: config.require("secondaryApi"),
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

// Audit logs: a second replicated pair beside the component, versioned in both regions so the audit
// trail survives the loss of a region.
const auditLogs = new mrdr.ReplicatedBucket("trading-audit-logs", {
    namePrefix: `trading-audit-logs-${env}`,
    replicationTimeControl: true,
    tags: { tier: "audit" },
});

export const activeRegion = dr.activeRegion;
export const globalClusterArn = dr.globalClusterArn;
export const writerRegion = dr.writerRegion;
export const writerEndpoint = dr.writerEndpoint;
export const primaryClusterEndpoint = dr.primaryClusterEndpoint;
export const secondaryReaderEndpoint = dr.secondaryReaderEndpoint;
export const sessionTable = dr.sessionTableName;
export const configBuckets = { primary: dr.primaryBucketName, secondary: dr.secondaryBucketName };
export const auditLogBuckets = { primary: auditLogs.primaryBucketName, secondary: auditLogs.secondaryBucketName };
export const apiFqdn = dr.fqdn;
export const healthCheckIds = { primary: dr.primaryHealthCheckId, secondary: dr.secondaryHealthCheckId };
export const answeringRegion = dr.answeringRegion;
