// Runs the SDK generated from the fixture schema under Pulumi's mocks: a remote component, a
// resource in a sub-module, enums, secrets, nested defaults and both forms of an invoke.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

type Registration = { type: string; name: string; inputs: any };
const registered: Registration[] = [];
const invoked: { token: string; inputs: any }[] = [];
let siteUrn = "";
// The wire form of a resource reference (sig.Key and the resource-reference signature).
const resourceRef = (urn: string, id: string) => ({
    "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
    urn,
    id,
});

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs });
            const extra: Record<string, any> = {
                "drfix:index:Site": { status: { healthy: true, tier: "premium" }, apiKey: "key", url: "https://site", count: 2 },
                "drfix:index:Stack": { siteIds: ["a", "b"], connectionString: "postgres://", site: resourceRef(siteUrn, "ref-site-id") },
                "drfix:storage:Bucket": { arn: "arn:bucket" },
            }[args.type] ?? {};
            return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
            invoked.push({ token: args.token, inputs: args.inputs });
            if (args.token === "drfix:index:getStatus") {
                return { status: { healthy: true }, ready: true, score: 0.9, messages: ["ok"] };
            }
            if (args.token === "drfix:index:watchSite") {
                return { events: 7 };
            }
            if (args.token === "drfix:index:listSites") {
                return { names: ["a", "b"] };
            }
            return { arn: "arn:info" };
        },
    },
    "project",
    "stack",
    false,
);

import * as drfix from "@pulumi/drfix";

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

test("custom resource: defaults, enums, secrets and nested defaults", async () => {
    const site = new drfix.Site("site", {
        name: "site",
        pair: { primary: { host: "a" }, extras: [{ host: "x" }] },
        password: "pw",
        tier: drfix.Tier.Premium,
    });
    assert.equal(await value(site.url), "https://site");
    assert.equal(await value(site.tier), "premium");
    assert.equal(await value(site.count), 2);
    assert.equal((await value(site.status)).healthy, true);
    assert.equal(await pulumi.isSecret(site.password), true);
    const pair = await value(site.pair);
    // Defaults of the nested Endpoint type were filled in; array elements are left alone, as in gen-sdk.
    assert.equal(pair.primary.port, 443);
    assert.equal(pair.primary.weight, 0.5);
    assert.equal(pair.primary.tls, true);
    assert.equal(pair.extras?.[0].port, undefined);
});

test("remote component registers its inputs and returns a resource reference", async () => {
    const site = new drfix.Site("ref-site", { name: "ref", pair: { primary: { host: "h" } } });
    siteUrn = await value(site.urn);
    const stack = new drfix.Stack("stack", { siteName: "s", dbPassword: "pw" });
    assert.deepEqual(await value(stack.siteIds), ["a", "b"]);
    // The reference comes back as a Site object, rebuilt through the registered resource module.
    const returned = await value(stack.site);
    assert.ok(drfix.Site.isInstance(returned), "stack.site is a Site");
    assert.equal(await value(returned.urn), siteUrn);
    assert.equal(await value(returned.url), "https://site");
    assert.equal(await value(stack.connectionString), "postgres://");
    const reg = registered.find((r) => r.type === "drfix:index:Stack");
    assert.equal(reg?.inputs.replicas, 1);
    assert.equal(reg?.inputs.siteName, "s");
    assert.throws(() => new drfix.Stack("bad", { siteName: "s" }, { id: "x" } as any));
});

test("resource in a sub-module references a resource of the root module", async () => {
    const site = new drfix.Site("s2", { name: "s2", pair: { primary: { host: "h" } } });
    const bucket = new drfix.storage.Bucket("bucket", { site, spec: {}, class: drfix.storage.StorageClass.InfrequentAccess });
    assert.equal(await value(bucket.arn), "arn:bucket");
    assert.equal((await value(bucket.spec))?.versioning, true);
    const reg = registered.find((r) => r.type === "drfix:storage:Bucket");
    assert.equal(reg?.inputs.class, "STANDARD_IA");
    assert.ok(drfix.storage.Bucket.isInstance(bucket));
});

test("deprecated resource still works", async () => {
    const legacy = new drfix.Legacy("old", { value: "v" });
    assert.equal(await value(legacy.value), "v");
});

test("provider JSON-encodes non-string inputs and keeps string enums as strings", async () => {
    const p = new drfix.Provider("p", { endpoints: { a: "b" }, tier: drfix.Tier.Standard, token: "t" });
    await value(p.urn);
    const reg = registered.find((r) => r.type === "pulumi:providers:drfix");
    assert.equal(reg?.inputs.endpoints, '{"a":"b"}');
    assert.equal(reg?.inputs.retries, "3");
    assert.equal(reg?.inputs.tier, "standard");
    assert.equal(reg?.inputs.region, process.env.DRFIX_REGION ?? "us-east-1");
});

test("functions: plain and output forms", async () => {
    const plain = await drfix.getStatus({ siteName: "s", endpoint: { host: "h" } });
    assert.equal(plain.ready, true);
    assert.equal(plain.status.healthy, true);
    const inv = invoked.find((i) => i.token === "drfix:index:getStatus");
    assert.equal(inv?.inputs.endpoint.port, 443);
    const out = drfix.getStatusOutput({ siteName: pulumi.output("s") });
    assert.deepEqual(await value(out.apply((r) => r.messages)), ["ok"]);
    assert.deepEqual((await drfix.listSites()).names, ["a", "b"]);
    await drfix.notify({ message: "m", priority: drfix.Priority.Low });
    assert.deepEqual(invoked.find((i) => i.token === "drfix:index:notify")?.inputs, { message: "m", priority: 1 });
    const site = new drfix.Site("watched", { name: "w", pair: { primary: { host: "h" } } });
    assert.equal(await value(drfix.watchSiteOutput({ site }).apply((r) => r.events)), 7);
    assert.equal(await value(drfix.storage.getBucketInfoOutput().apply((r) => r.arn)), "arn:info");
});
