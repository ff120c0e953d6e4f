// Constructs every resource of the multiregion-dr SDK under Pulumi's own mocks and reads the
// outputs back, checking what the SDK sends: inputs with schema defaults filled in, secrets
// marked as secret, provider inputs JSON-encoded, and output objects shaped as the types say.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

type Registration = { type: string; name: string; inputs: any; provider?: string };
const registered: Registration[] = [];
const invoked: { token: string; inputs: any }[] = [];

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
            const cluster = (region: string) => ({
                region, clusterIdentifier: `orders-${region}`, clusterArn: `arn:aws:rds:${region}:1:cluster:orders`,
                endpoint: `orders.${region}.rds`, readerEndpoint: `orders-ro.${region}.rds`, status: "available",
                instanceIdentifiers: [`orders-${region}-1`], isWriter: region === "us-east-1",
            });
            switch (args.type) {
                case "multiregion-dr:index:GlobalDatabase":
                    return {
                        id: "orders",
                        state: {
                            ...args.inputs,
                            globalClusterArn: "arn:aws:rds::1:global-cluster:orders",
                            globalWriterEndpoint: "orders.global.rds",
                            primaryCluster: cluster("us-east-1"),
                            secondaryCluster: cluster("us-west-2"),
                            writerRegion: "us-east-1",
                        },
                    };
                case "multiregion-dr:index:DnsFailover":
                    return {
                        id: "Z1_api",
                        state: {
                            ...args.inputs,
                            fqdn: "api.example.com", primaryHealthCheckId: "hc-1", secondaryHealthCheckId: "hc-2",
                            primarySetIdentifier: "us-east-1", secondarySetIdentifier: "us-west-2",
                            answeringRegion: "us-east-1",
                        },
                    };
                default:
                    return { id: `${args.name}-id`, state: args.inputs };
            }
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
            invoked.push({ token: args.token, inputs: args.inputs });
            if (args.token === "multiregion-dr:index:getReadiness") {
                return {
                    ready: false,
                    writerRegion: "us-east-1",
                    checks: [
                        { name: "healthCheck", region: "us-east-1", passed: true, reason: "health check hc-1: 8 of 8 checkers report healthy" },
                        { name: "recordsPresent", passed: false, reason: "no failover record for us-west-2" },
                    ],
                };
            }
            return args.inputs;
        },
    },
    "project",
    "stack",
    false,
);

// Loaded after setMocks, as a Pulumi program would be.
import * as mrdr from "pulumi-multiregion-dr";

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

test("Provider JSON-encodes non-string inputs and fills defaults", async () => {
    const provider = new mrdr.Provider("dr", { endpoints: { rds: "http://127.0.0.1:5000" }, defaultTags: { team: "dr" } });
    assert.equal(await value(provider.urn), "urn:pulumi:stack::project::pulumi:providers:multiregion-dr::dr");
    const reg = registered.find((r) => r.type === "pulumi:providers:multiregion-dr" && r.name === "dr");
    assert.ok(reg, "provider registered");
    assert.equal(reg.inputs.endpoints, '{"rds":"http://127.0.0.1:5000"}');
    assert.equal(reg.inputs.defaultTags, '{"team":"dr"}');
    assert.equal(reg.inputs.maxRetries, "5");
    assert.equal(reg.inputs.primaryRegion, "us-east-1");
    assert.equal(reg.inputs.secondaryRegion, "us-east-2");
    assert.equal(await value(provider.primaryRegion), "us-east-1");
});

test("GlobalDatabase registers its inputs and exposes typed outputs", async () => {
    const db = new mrdr.GlobalDatabase("orders", {
        engine: "aurora-postgresql",
        masterUsername: "admin",
        masterPassword: "correct-horse-battery",
        serverlessV2: { minCapacity: 0.5, maxCapacity: 8 },
        secondary: { instanceCount: 0 },
    });
    assert.equal(await value(db.id), "orders");
    assert.equal(await value(db.globalClusterArn), "arn:aws:rds::1:global-cluster:orders");
    assert.equal(await value(db.writerRegion), "us-east-1");
    const primary = await value(db.primaryCluster);
    assert.equal(primary.readerEndpoint, "orders-ro.us-east-1.rds");
    assert.deepEqual(primary.instanceIdentifiers, ["orders-us-east-1-1"]);
    assert.equal(primary.isWriter, true);
    assert.equal((await value(db.secondaryCluster)).isWriter, false);
    assert.deepEqual(await value(db.serverlessV2), { minCapacity: 0.5, maxCapacity: 8 });
    // Schema defaults are filled in by the SDK before registration.
    assert.equal(await value(db.backupRetentionPeriod), 7);
    assert.equal(await value(db.storageEncrypted), true);
    assert.equal(await value(db.deletionProtection), false);
    assert.equal(await value(db.skipFinalSnapshot), false);
    // The password goes to the engine as a secret.
    assert.equal(await pulumi.isSecret(db.masterPassword), true);
    assert.equal(await pulumi.isSecret(db.masterUsername), false);
    const reg = registered.find((r) => r.type === "multiregion-dr:index:GlobalDatabase");
    assert.deepEqual(reg?.inputs.secondary, { instanceCount: 0 });
});

test("GlobalDatabase checks required inputs", () => {
    assert.throws(() => new mrdr.GlobalDatabase("bad", { engine: "aurora-mysql" } as any), /Missing required property 'masterPassword'/);
});

test("DnsFailover fills nested defaults and reads outputs", async () => {
    const dns = new mrdr.DnsFailover("api", {
        recordName: "api",
        primaryEndpoint: "a.example.com",
        secondaryEndpoint: "b.example.com",
        healthCheck: { resourcePath: "/health" },
        primaryAlias: { dnsName: "lb.example.com", hostedZoneId: "Z1" },
    });
    assert.equal(await value(dns.fqdn), "api.example.com");
    assert.equal(await value(dns.answeringRegion), "us-east-1");
    assert.equal(await value(dns.primaryHealthCheckId), "hc-1");
    assert.equal(await value(dns.ttl), 60);
    assert.equal(await value(dns.recordType), "CNAME");
    assert.equal(await value(dns.activeRegion), "primary");
    const check = await value(dns.healthCheck);
    assert.equal(check.type, "HTTPS");
    assert.equal(check.resourcePath, "/health");
    assert.equal(check.requestInterval, 30);
    assert.equal(check.failureThreshold, 3);
    assert.equal(check.measureLatency, false);
    assert.equal((await value(dns.primaryAlias))?.evaluateTargetHealth, true);
    assert.equal(await value(dns.secondaryAlias), undefined);
});

test("get reads an existing resource by ID", async () => {
    const db = mrdr.GlobalDatabase.get("existing", "orders-existing");
    assert.equal(await value(db.id), "orders-existing");
    assert.ok(mrdr.GlobalDatabase.isInstance(db));
    assert.ok(!mrdr.DnsFailover.isInstance(db));
});

test("getReadiness sends camelCase arguments and reads typed checks", async () => {
    const plain = await mrdr.getReadiness({ globalClusterIdentifier: "orders", maxReplicationLagSeconds: 10 });
    assert.equal(plain.ready, false);
    assert.equal(plain.writerRegion, "us-east-1");
    assert.equal(plain.checks[0].region, "us-east-1");
    assert.equal(plain.checks[1].region, undefined);
    assert.deepEqual(invoked.at(-1), {
        token: "multiregion-dr:index:getReadiness",
        inputs: { globalClusterIdentifier: "orders", maxReplicationLagSeconds: 10 },
    });
    const dns = new mrdr.DnsFailover("api-ready", { recordName: "api", primaryEndpoint: "a", secondaryEndpoint: "b" });
    const out = mrdr.getReadinessOutput({
        primaryHealthCheckId: dns.primaryHealthCheckId,
        secondaryHealthCheckId: dns.secondaryHealthCheckId,
        fqdn: dns.fqdn,
        hostedZoneId: "Z1",
    });
    const failing = await value(out.checks.apply((cs) => cs.filter((c) => !c.passed).map((c) => c.name)));
    assert.deepEqual(failing, ["recordsPresent"]);
    assert.deepEqual(invoked.at(-1)?.inputs, {
        primaryHealthCheckId: "hc-1", secondaryHealthCheckId: "hc-2", fqdn: "api.example.com", hostedZoneId: "Z1",
    });
});
