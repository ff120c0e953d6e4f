// The warm-standby DR layer of a trading application (RTO under 15 minutes), first written with
// CDK TypeScript, across us-east-1 (primary) and us-east-2 (secondary):
// - Aurora PostgreSQL 14 global database on Serverless v2: a writer in the primary, a reader in the
//   secondary ready to take over, encrypted, destroyable (no deletion protection, no final snapshot);
// - DynamoDB global table for session state: on demand, point-in-time recovery in both regions;
// - S3 application data replicated from the primary bucket to the secondary with Replication Time
//   Control, versioning on both;
// - Route 53: a health check per region and failover alias records pointing at each region's
//   Application Load Balancer (ECS Fargate behind it).
// ECS, ALBs, VPCs and peering, EventBridge, AWS Backup, Synthetics, Step Functions and SSM are not
// part of this package: see README.md. The regions come from the provider config.
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const config = new pulumi.Config();
const env = config.get("environmentSuffix") ?? "dev";

// The hosted zones AWS gives Application Load Balancers in us-east-1 and us-east-2 (an ALB made with
// @pulumi/aws has it as alb.zoneId).
const albZone = { primary: "Z35SXDOTRQ7X7K", secondary: "Z3AADJGX6KTTL2" };

const dr = new mrdr.MultiRegionDR("trading", {
    database: {
        globalClusterIdentifier: `trading-global-${env}`,
        engine: "aurora-postgresql",
        engineVersion: config.get("engineVersion") ?? "14.12",
        databaseName: "trading",
        masterUsername: "trading_admin",
        masterPassword: config.requireSecret("dbPassword"),
        serverlessV2: {
            minCapacity: config.getNumber("minCapacity") ?? 0.5,
            maxCapacity: config.getNumber("maxCapacity") ?? 4,
        },
        primary: { instanceCount: 1, dbSubnetGroupName: config.get("primaryDbSubnetGroup") },
        secondary: { instanceCount: 1, dbSubnetGroupName: config.get("secondaryDbSubnetGroup") },
        backupRetentionPeriod: config.getNumber("backupRetentionDays") ?? 7,
        storageEncrypted: true,
        deletionProtection: false,
        skipFinalSnapshot: true,
        tags: { tier: "database" },
    },
    sessionTable: {
        name: `trading-sessions-${env}`,
        hashKey: "sessionId",
        attributes: [{ name: "sessionId", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: true,
        deletionProtection: false,
        tags: { tier: "sessions" },
    },
    bucket: {
        namePrefix: `trading-data-${env}`,
        replicationTimeControl: true,
        deleteMarkerReplication: true,
        forceDestroy: true,
        tags: { tier: "storage" },
    },
    dns: {
        zoneName: config.require("zoneName"),
        recordName: "app",
        recordType: "A",
        // What each region's health check probes: the load balancer itself.
        primaryEndpoint: config.require("primaryAlb"),
        secondaryEndpoint: config.require("secondaryAlb"),
        primaryAlias: {
            dnsName: config.require("primaryAlb"),
            hostedZoneId: config.get("primaryAlbZoneId") ?? albZone.primary,
            evaluateTargetHealth: true,
        },
        secondaryAlias: {
            dnsName: config.require("secondaryAlb"),
            hostedZoneId: config.get("secondaryAlbZoneId") ?? albZone.secondary,
            evaluateTargetHealth: true,
        },
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
export const globalClusterArn = dr.globalClusterArn;
export const writerRegion = dr.writerRegion;
export const writerEndpoint = dr.writerEndpoint;
export const primaryClusterEndpoint = dr.primaryClusterEndpoint;
export const secondaryReaderEndpoint = dr.secondaryReaderEndpoint;
export const sessionTable = dr.sessionTableName;
export const buckets = { primary: dr.primaryBucketName, secondary: dr.secondaryBucketName };
export const appFqdn = dr.fqdn;
export const healthCheckIds = { primary: dr.primaryHealthCheckId, secondary: dr.secondaryHealthCheckId };
export const answeringRegion = dr.answeringRegion;
