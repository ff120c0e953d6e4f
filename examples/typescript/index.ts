// A payments system's disaster-recovery pair across two AWS regions:
// - an Aurora PostgreSQL global database: the writer in the primary region, a headless-ready reader
//   cluster in the secondary, replicated by storage with a lag of about a second;
// - DNS failover: a Route 53 health check per region and a PRIMARY/SECONDARY failover record pair,
//   so clients follow the healthy region.
// The regions come from the provider config (multiregion-dr:primaryRegion / secondaryRegion).
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const config = new pulumi.Config();

const db = new mrdr.GlobalDatabase("payments-db", {
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
});

const api = new mrdr.DnsFailover("payments-api", {
    zoneName: config.require("zoneName"),
    recordName: "api",
    recordType: "CNAME",
    primaryEndpoint: config.require("primaryApi"),
    secondaryEndpoint: config.require("secondaryApi"),
    ttl: config.getNumber("ttl") ?? 60,
    healthCheck: { type: "HTTPS", resourcePath: "/health", failureThreshold: 3, requestInterval: 30 },
    tags: { tier: "edge" },
});

export const globalClusterArn = db.globalClusterArn;
export const writerRegion = db.writerRegion;
export const writerEndpoint = db.globalWriterEndpoint;
export const primaryClusterEndpoint = db.primaryCluster.endpoint;
export const secondaryReaderEndpoint = db.secondaryCluster.readerEndpoint;
export const apiFqdn = api.fqdn;
export const healthCheckIds = { primary: api.primaryHealthCheckId, secondary: api.secondaryHealthCheckId };
export const answeringRegion = api.answeringRegion;
