// The end-to-end tests' JavaScript program: a local component holding a DnsFailover, driven by config so that one
// program covers create, in-place update, removal, a Check failure and a program error.
// Resolves @pulumi/pulumi and pulumi-multiregion-dr from examples/typescript/node_modules (linked in).
"use strict";
const pulumi = require("@pulumi/pulumi");
const dr = require("pulumi-multiregion-dr");

const config = new pulumi.Config();

class Site extends pulumi.ComponentResource {
    constructor(name, args, opts) {
        super("drtest:index:Site", name, {}, opts);
        this.dns = new dr.DnsFailover(`${name}-api`, {
            hostedZoneId: args.zoneId,
            recordName: "api",
            recordType: args.recordType,
            primaryEndpoint: "api-use1.example.net",
            secondaryEndpoint: args.secondaryEndpoint,
            ttl: args.ttl,
            healthCheck: { resourcePath: "/health" },
        }, { parent: this });
        this.registerOutputs({ fqdn: this.dns.fqdn });
    }
}

if (config.getBoolean("fail")) {
    throw new Error("the program failed on purpose");
}

const site = config.getBoolean("withDns") === false ? undefined : new Site("site", {
    zoneId: config.require("zoneId"),
    recordType: config.get("recordType") || "CNAME",
    secondaryEndpoint: config.requireSecret("secondaryEndpoint"),
    ttl: config.getNumber("ttl") || 60,
});

exports.marker = "node";
if (site) {
    exports.fqdn = site.dns.fqdn;
    exports.ttl = site.dns.ttl;
    exports.secondary = site.dns.secondaryEndpoint;
    // The built-in getResource invoke, as SDKs use it to rehydrate a resource from its URN.
    exports.lookedUpId = site.dns.urn.apply(async (urn) => {
        const r = await pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn });
        return r.id;
    });
    exports.dnsId = site.dns.id;
}

// Resource.get: the engine reads an existing resource (ReadResource) and records it as external.
const readId = config.get("readId");
if (readId) {
    // A read cannot know that the program keeps secondaryEndpoint secret: the program says so.
    const read = dr.DnsFailover.get("read", readId, { additionalSecretOutputs: ["secondaryEndpoint"] });
    exports.readFqdn = read.fqdn;
}
