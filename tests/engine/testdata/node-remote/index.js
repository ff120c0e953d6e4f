// A remote component (Construct in the drtestcomp provider plugin, which registers the component
// and a DnsFailover child back through the engine's monitor) and a method call on it (Call).
"use strict";
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config();
const pair = new pulumi.ComponentResource(
    "drtestcomp:index:Pair",
    "pair",
    { prefix: config.get("prefix") || "p", zoneId: config.require("zoneId"), label: undefined, childId: undefined },
    {},
    true, // remote
);

exports.label = pair.label;
exports.childId = pair.childId;
exports.described = pulumi.runtime
    .call("drtestcomp:index:Pair/describe", { __self__: pair, suffix: "!" }, pair)
    .apply((r) => r.text);
