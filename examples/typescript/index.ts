// A payments system's disaster-recovery topology across two AWS regions, in one declaration:
// - an Aurora PostgreSQL global database: the writer in the primary region, a reader cluster in the
//   secondary, replicated by storage with a lag of about a second;
// - DNS failover: a Route 53 health check per region and a PRIMARY/SECONDARY failover record pair;
// - a DynamoDB global table for sessions, replicated both ways;
// - S3 buckets for documents, replicated to the secondary region under Replication Time Control.
// The regions come from the provider config (multiregion-dr:primaryRegion / secondaryRegion).
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const config = new pulumi.Config();

const dr = new mrdr.MultiRegionDR("payments", {
    // The side that writes and answers DNS. Change it to "secondary" and run `pulumi up` to switch
    // over: the database's writer moves first (after a readiness preflight), then DNS follows.
    activeRegion: config.get("activeRegion") ?? "primary",
    database: {
        engine: "aurora-postgresql",
        engineVersion: "16.4",
        databaseName: "payments",
        masterUsername: "payments_admin",
        masterPassword: config.requireSecret("dbPassword"),
        serverlessV2: { minCapacity: 0.5, maxCapacity: config.getNumber("maxCapacity") ?? 4 },
        primary: { instanceCount: 1 },
        secondary: { instanceCount: 1 },
        backupRetentionPeriod: config.getNumber("backupRetentionDays") ?? 7,
        skipFinalSnapshot: true,
        tags: { tier: "database" },
    },
    dns: {
        zoneName: config.require("zoneName"),
        recordName: "api",
        recordType: "CNAME",
        primaryEndpoint: config.require("primaryApi"),
        secondaryEndpoint: config.require("secondaryApi"),
        ttl: config.getNumber("ttl") ?? 60,
        healthCheck: { type: "HTTPS", resourcePath: "/health", failureThreshold: 3, requestInterval: 30 },
        tags: { tier: "edge" },
    },
    sessionTable: {
        hashKey: "sessionId",
        attributes: [{ name: "sessionId", type: "S" }],
        ttlAttribute: "expiresAt",
        tags: { tier: "sessions" },
    },
    bucket: {
        namePrefix: config.require("bucketPrefix"),
        noncurrentVersionExpirationDays: 30,
        tags: { tier: "documents" },
    },
});

export const writerRegion = dr.writerRegion;
export const writerEndpoint = dr.writerEndpoint;
export const globalClusterArn = dr.globalClusterArn;
export const secondaryReaderEndpoint = dr.secondaryReaderEndpoint;
export const apiFqdn = dr.fqdn;
export const healthCheckIds = { primary: dr.primaryHealthCheckId, secondary: dr.secondaryHealthCheckId };
export const sessionTable = dr.sessionTableName;
export const buckets = { primary: dr.primaryBucketName, secondary: dr.secondaryBucketName };
export const activeRegion = dr.activeRegion;
// The last move of the writer (kind, regions, phases, RTO); "none" until the first one, since a stack
// output cannot be undefined.
export const lastSwitch = dr.lastSwitch.apply((s) => s ?? "none");

// Could the writer move to the other side right now? Every rule with pass or fail and a reason.
const readiness = mrdr.getReadinessOutput({
    globalClusterIdentifier: dr.globalClusterIdentifier,
    primaryHealthCheckId: dr.primaryHealthCheckId,
    secondaryHealthCheckId: dr.secondaryHealthCheckId,
    hostedZoneId: dr.hostedZoneId,
    fqdn: dr.fqdn,
    recordType: dr.recordType,
});
export const ready = readiness.ready;
export const readinessChecks = readiness.checks;
