// Uses every resource, input type, output type and config value of the multiregion-dr SDK, with
// explicit annotations, so that `tsc --strict` proves the generated types are the ones users
// rely on. It is only type-checked, never run.
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";
import { input as inputs, output as outputs } from "pulumi-multiregion-dr/types";

const provider: mrdr.Provider = new mrdr.Provider("dr", {
    primaryRegion: "us-east-1",
    secondaryRegion: pulumi.output("us-west-2"),
    profile: "dr-admin",
    endpoints: { rds: "http://127.0.0.1:5000" },
    maxRetries: 3,
    defaultTags: { team: pulumi.output("dr") },
});
const providerRegion: pulumi.Output<string | undefined> = provider.primaryRegion;

const serverless: inputs.ServerlessV2ScalingArgs = { minCapacity: 0.5, maxCapacity: pulumi.output(8) };
const primary: inputs.RegionSettingsArgs = {
    instanceCount: 2,
    dbSubnetGroupName: "db-subnets",
    vpcSecurityGroupIds: ["sg-1", pulumi.output("sg-2")],
    kmsKeyId: "alias/primary",
};
const db = new mrdr.GlobalDatabase("orders", {
    globalClusterIdentifier: "orders",
    engine: "aurora-postgresql",
    engineVersion: "16.4",
    databaseName: "orders",
    masterUsername: "admin",
    masterPassword: pulumi.secret("correct-horse-battery"),
    instanceClass: undefined,
    serverlessV2: serverless,
    primary,
    secondary: { instanceCount: 0 },
    backupRetentionPeriod: 7,
    preferredBackupWindow: "03:00-04:00",
    deletionProtection: false,
    skipFinalSnapshot: true,
    finalSnapshotIdentifier: "orders-final",
    storageEncrypted: true,
    tags: { app: "orders" },
    primaryRegion: "us-east-1",
    secondaryRegion: "us-west-2",
    activeRegion: "secondary",
    allowDataLoss: false,
    maxReplicationLagSeconds: 15,
}, { provider });

const arn: pulumi.Output<string> = db.globalClusterArn;
const writer: pulumi.Output<string> = db.globalWriterEndpoint;
const writerRegion: pulumi.Output<string> = db.writerRegion;
const password: pulumi.Output<string> = db.masterPassword;
const cluster: pulumi.Output<outputs.ClusterState> = db.primaryCluster;
const readerEndpoint: pulumi.Output<string> = db.secondaryCluster.readerEndpoint;
const instances: pulumi.Output<string[]> = db.primaryCluster.instanceIdentifiers;
const isWriter: pulumi.Output<boolean> = cluster.apply((c: outputs.ClusterState) => c.isWriter);
const settings: pulumi.Output<outputs.RegionSettings | undefined> = db.primary;
const scaling: pulumi.Output<outputs.ServerlessV2Scaling | undefined> = db.serverlessV2;
const retention: pulumi.Output<number> = db.backupRetentionPeriod;
const tags: pulumi.Output<{ [key: string]: string } | undefined> = db.tags;
const lastSwitch: pulumi.Output<outputs.SwitchRecord | undefined> = db.lastSwitch;
const phases: pulumi.Output<string[]> = db.lastSwitch.apply((r?: outputs.SwitchRecord) =>
    (r?.phases ?? []).map((p: outputs.SwitchPhase) => `${p.name} in ${p.region}: ${p.seconds}s`));
const allowDataLoss: pulumi.Output<boolean> = db.allowDataLoss;

const alias: inputs.AliasTargetArgs = { dnsName: "lb.example.com", hostedZoneId: "Z123", evaluateTargetHealth: true };
const check: inputs.HealthCheckSettingsArgs = {
    type: "HTTPS",
    port: 443,
    resourcePath: "/health",
    searchString: "ok",
    requestInterval: 10,
    failureThreshold: 3,
    regions: ["us-east-1", "us-west-1", "eu-west-1"],
    measureLatency: false,
    inverted: false,
    disabled: false,
};
const dns = new mrdr.DnsFailover("api", {
    hostedZoneId: "Z0123",
    zoneName: "example.com",
    recordName: "api",
    recordType: "CNAME",
    primaryEndpoint: db.primaryCluster.endpoint,
    secondaryEndpoint: db.secondaryCluster.endpoint,
    primaryAlias: alias,
    secondaryAlias: { dnsName: "lb2.example.com", hostedZoneId: "Z456" },
    ttl: 60,
    healthCheck: check,
    activeRegion: "primary",
    primaryRegion: "us-east-1",
    secondaryRegion: "us-west-2",
    tags: { app: "api" },
}, { provider, dependsOn: [db] });

const fqdn: pulumi.Output<string> = dns.fqdn;
const answering: pulumi.Output<string> = dns.answeringRegion;
const healthCheck: pulumi.Output<outputs.HealthCheckSettings> = dns.healthCheck;
const primaryAlias: pulumi.Output<outputs.AliasTarget | undefined> = dns.primaryAlias;
const checkIds: pulumi.Output<(string | undefined)[]> = pulumi.all([dns.primaryHealthCheckId, dns.secondaryHealthCheckId]);
const sets: pulumi.Output<string | undefined>[] = [dns.primarySetIdentifier, dns.secondarySetIdentifier];

const looked: mrdr.GlobalDatabase = mrdr.GlobalDatabase.get("existing", "orders", { provider });
const isDb: boolean = mrdr.GlobalDatabase.isInstance(looked) && mrdr.DnsFailover.isInstance(dns);

const regionFromConfig: string = mrdr.config.primaryRegion;
const retries: number = mrdr.config.maxRetries;
const endpoints: { [key: string]: string } | undefined = mrdr.config.endpoints;
const profile: string | undefined = mrdr.config.profile;

const tableIndex: inputs.GlobalTableIndexArgs = {
    name: "byCustomer", hashKey: "customerId", rangeKey: "createdAt", projectionType: "INCLUDE", nonKeyAttributes: ["amount"],
};
const tableAttribute: inputs.GlobalTableAttributeArgs = { name: "sessionId", type: "S" };
const encryption: inputs.GlobalTableEncryptionArgs = {
    enabled: true,
    primaryKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1",
    secondaryKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/2",
};
const table = new mrdr.GlobalTable("sessions", {
    name: "sessions",
    hashKey: "sessionId",
    rangeKey: "createdAt",
    attributes: [tableAttribute, { name: "createdAt", type: "N" }, { name: "customerId", type: "S" }],
    globalSecondaryIndexes: [tableIndex],
    billingMode: "PAY_PER_REQUEST",
    pointInTimeRecovery: true,
    ttlAttribute: "expiresAt",
    serverSideEncryption: encryption,
    deletionProtection: false,
    tags: { app: "sessions" },
}, { provider });
const tableName: pulumi.Output<string> = table.tableName;
const replica: pulumi.Output<outputs.GlobalTableReplicaState | undefined> = table.secondaryReplica;
const replicaStatus: pulumi.Output<string | undefined> = replica.apply((r: outputs.GlobalTableReplicaState | undefined) => r?.replicaStatus);
const streams: pulumi.Output<string | undefined>[] = [table.primaryStreamArn, table.secondaryTableArn];

const bucketEncryption: inputs.BucketEncryptionArgs = {
    sseAlgorithm: "aws:kms",
    primaryKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1",
    secondaryKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/2",
};
const bucket = new mrdr.ReplicatedBucket("documents", {
    namePrefix: "acme-documents",
    encryption: bucketEncryption,
    replicationRoleArn: undefined,
    replicationTimeControl: true,
    deleteMarkerReplication: true,
    twoWay: false,
    noncurrentVersionExpirationDays: 90,
    forceDestroy: false,
    tags: { data: "documents" },
}, { provider });
const bucketNames: pulumi.Output<string>[] = [bucket.primaryBucketName, bucket.secondaryBucketName];
const rules: pulumi.Output<outputs.ReplicationRuleSummary[]> = bucket.replicationRules;
const roleManaged: pulumi.Output<boolean> = bucket.replicationRoleManaged;

// The component: each block is typed as its child's arguments; regions come from the component.
const drDatabase: inputs.MultiRegionDRDatabaseArgs = {
    engine: "aurora-postgresql",
    masterUsername: "admin",
    masterPassword: pulumi.secret("correct-horse-battery"),
    serverlessV2: serverless,
};
const drSessions: inputs.MultiRegionDRSessionTableArgs = { hashKey: "sessionId", attributes: [tableAttribute] };
const drBucket: inputs.MultiRegionDRBucketArgs = { namePrefix: "acme-audit", twoWay: true, forceDestroy: true };
const drDns: inputs.MultiRegionDRDnsArgs = { recordName: "api", primaryEndpoint: "a", secondaryEndpoint: "b", healthCheck: check };
const dr = new mrdr.MultiRegionDR("payments", {
    primaryRegion: "us-east-1",
    secondaryRegion: "us-west-2",
    activeRegion: "primary",
    database: drDatabase,
    dns: drDns,
    sessionTable: drSessions,
    bucket: drBucket,
}, { providers: [provider], protect: true });
const drFqdn: pulumi.Output<string | undefined> = dr.fqdn;
const drActive: pulumi.Output<string> = dr.activeRegion;
const drWriter: pulumi.Output<string | undefined> = dr.writerEndpoint;

// getReadiness: the output form takes a MultiRegionDR's and a DnsFailover's outputs as they are;
// the plain form takes plain values and returns a promise.
const readiness: pulumi.Output<mrdr.GetReadinessResult> = mrdr.getReadinessOutput({
    globalClusterIdentifier: db.id,
    primaryRegion: dr.primaryRegion,
    secondaryRegion: dr.secondaryRegion,
    targetRegion: "us-west-2",
    maxReplicationLagSeconds: 10,
    primaryHealthCheckId: dr.primaryHealthCheckId,
    secondaryHealthCheckId: dr.secondaryHealthCheckId,
    hostedZoneId: dns.hostedZoneId,
    fqdn: dr.fqdn,
    recordType: dns.recordType,
}, { provider });
const ready: pulumi.Output<boolean> = readiness.ready;
const failing: pulumi.Output<string[]> = readiness.checks.apply((checks: outputs.ReadinessCheck[]) =>
    checks.filter((c: outputs.ReadinessCheck) => !c.passed).map((c) => `${c.name} (${c.region ?? "pair"}): ${c.reason}`));
const readinessWriter: pulumi.Output<string | undefined> = readiness.apply((r: mrdr.GetReadinessResult) => r.writerRegion);
const plainArgs: mrdr.GetReadinessArgs = { globalClusterIdentifier: "orders", maxReplicationLagSeconds: 30 };
const plainReadiness: Promise<mrdr.GetReadinessResult> = mrdr.getReadiness(plainArgs, { provider });
const outputArgs: mrdr.GetReadinessOutputArgs = { fqdn: dns.fqdn, hostedZoneId: "Z0123" };
const dnsOnly: pulumi.Output<boolean> = mrdr.getReadinessOutput(outputArgs).ready;

export const outputs_ = {
    ready, failing, readinessWriter, plainReadiness, dnsOnly,
    drFqdn, drActive, drWriter, tableName, replicaStatus, streams, bucketNames, rules, roleManaged,
    drBuckets: [dr.primaryBucketName, dr.secondaryBucketArn],
    providerRegion, arn, writer, writerRegion, password, readerEndpoint, instances, isWriter, settings, scaling,
    retention, tags, lastSwitch, phases, allowDataLoss, fqdn, answering, healthCheck, primaryAlias, checkIds, sets, isDb, regionFromConfig, retries,
    endpoints, profile, secondaryRegion: mrdr.config.secondaryRegion, defaultTags: mrdr.config.defaultTags,
};
