// Type-checks a program against the SDK generated from sdkgen/tests/fixtures/fixture.json, which
// has what the multiregion-dr schema does not have yet: a component, enums, functions, a second
// module, resource references, unions, Any and deprecations. Only type-checked, never run.
import * as pulumi from "@pulumi/pulumi";
import * as drfix from "@pulumi/drfix";
import { input as inputs, output as outputs, enums } from "@pulumi/drfix/types";

const endpoint: inputs.EndpointArgs = {
    host: "a.example.com", port: 443, weight: 0.5, tls: true, protocol: "https",
    labels: { zone: "a" }, priority: drfix.Priority.High,
};
const pair: inputs.PairArgs = {
    primary: endpoint,
    secondary: { host: pulumi.output("b.example.com") },
    extras: [endpoint],
    byName: { backup: { host: "c.example.com" } },
};
const site = new drfix.Site("site", {
    name: "site",
    pair,
    password: pulumi.secret("pw"),
    tags: { a: "b" },
    zones: ["z1", "z2"],
    metadata: { anything: [1, "two"] },
    tier: drfix.Tier.Premium,
    ratio: drfix.Ratio.Whole,
    mode: "fast",
    count: 3,
});
const mode2: inputs.PairArgs | undefined = undefined;
const siteAsMode = new drfix.Site("site2", { name: "s2", pair, mode: drfix.Priority.Low, tier: "standard" });
const status: pulumi.Output<outputs.Status> = site.status;
const healthy: pulumi.Output<boolean> = site.status.healthy;
const tier: pulumi.Output<enums.Tier | undefined> = site.tier;
const statuses: pulumi.Output<outputs.Status[] | undefined> = site.statuses;
const apiKey: pulumi.Output<string> = site.apiKey;
const metadata: pulumi.Output<any> = site.metadata;
const modeOut: pulumi.Output<string | enums.Priority | undefined> = siteAsMode.mode;

const stack = new drfix.Stack("stack", {
    siteName: "s", pair, dbPassword: "pw", replicas: 2, region: "eu-west-1", endpoint: { host: pulumi.output("h") },
});
const stackSite: pulumi.Output<drfix.Site> = stack.site;
const ids: pulumi.Output<string[]> = stack.siteIds;
const conn: pulumi.Output<string | undefined> = stack.connectionString;

const bucket = new drfix.storage.Bucket("bucket", {
    spec: { versioning: false, replicaOf: endpoint, class: drfix.storage.StorageClass.InfrequentAccess },
    site,
    class: "STANDARD",
    tier: drfix.Tier.Standard,
});
const spec: pulumi.Output<outputs.storage.BucketSpec | undefined> = bucket.spec;
const bucketEndpoint: pulumi.Output<outputs.Endpoint | undefined> = bucket.endpoint;

const legacy = new drfix.Legacy("old", { value: "v" });
const provider = new drfix.Provider("p", { region: "eu-west-1", retries: 5, endpoints: { a: "b" }, token: "t", tier: drfix.Tier.Premium });

async function invokes(): Promise<void> {
    const plain: drfix.GetStatusResult = await drfix.getStatus({ siteName: "s", endpoint: { host: "h" }, tiers: [drfix.Tier.Standard] });
    const ready: boolean = plain.ready;
    const score: number | undefined = plain.score;
    const out: pulumi.Output<drfix.GetStatusResult> = drfix.getStatusOutput({ siteName: site.name, endpoint: { host: pulumi.output("h") } });
    const names: string[] = (await drfix.listSites()).names;
    const namesOut: pulumi.Output<string[]> = drfix.listSitesOutput().names;
    const info: drfix.storage.GetBucketInfoResult = await drfix.storage.getBucketInfo();
    const infoOut: pulumi.Output<string | undefined> = drfix.storage.getBucketInfoOutput({ spec: { versioning: true } }).apply((r) => r.arn);
    const nothing: void = await drfix.notify({ message: "failover", priority: drfix.Priority.High });
    const events: pulumi.Output<number> = drfix.watchSiteOutput({ site }).apply((r) => r.events);
    console.log(ready, score, out, names, namesOut, info, infoOut, nothing, events);
}

const region: string = drfix.config.region;
const retries: number = drfix.config.retries;
const token: string | undefined = drfix.config.token;
const tiers: enums.Tier[] = [drfix.Tier.Standard, drfix.Tier.Premium, drfix.Tier.Legacy_basic];
const ratio: drfix.Ratio = drfix.Ratio.Ratio_0_5;
const storageClass: drfix.storage.StorageClass = drfix.storage.StorageClass.STANDARD;

export {
    mode2, status, healthy, tier, statuses, apiKey, metadata, modeOut, stackSite, ids, conn, spec, bucketEndpoint,
    legacy, provider, invokes, region, retries, token, tiers, ratio, storageClass,
};
