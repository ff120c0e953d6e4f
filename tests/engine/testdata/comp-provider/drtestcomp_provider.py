"""A component provider for dr-engine's Construct and Call tests, written on the real Python SDK's
provider server (pulumi.provider). Package `drtestcomp`:

- component `drtestcomp:index:Pair`: registers itself and, when given `zoneId`, a child
  `multiregion-dr:index:DnsFailover` (so the engine serves nested registrations and loads the
  multiregion-dr default provider while Construct waits); outputs `label` (and `childId`).
- method `drtestcomp:index:Pair/describe`: reads the component's state through the built-in
  `pulumi:pulumi:getResource` invoke on the engine's monitor, returns `text`.

Run as: <python> drtestcomp_provider.py <engine address> (the test wraps it in a
`pulumi-resource-drtestcomp` script on PATH)."""

import sys

import pulumi
import pulumi.runtime
from pulumi.provider import CallResult, ConstructResult, Provider, main

TOKEN = "drtestcomp:index:Pair"


class Pair(pulumi.ComponentResource):
    def __init__(self, name, inputs, opts):
        super().__init__(TOKEN, name, {}, opts)
        prefix = inputs.get("prefix") or "pair"
        self.label = pulumi.Output.from_input(prefix).apply(lambda p: f"{p}-{name}")
        outputs = {"label": self.label}
        if inputs.get("zoneId") is not None:
            import pulumi_multiregion_dr as dr

            child = dr.DnsFailover(
                f"{name}-dns",
                hosted_zone_id=inputs["zoneId"],
                record_name="pair",
                record_type="CNAME",
                primary_endpoint="pair-use1.example.net",
                secondary_endpoint="pair-use2.example.net",
                opts=pulumi.ResourceOptions(parent=self),
            )
            outputs["childId"] = child.id
        self.outputs = outputs
        self.register_outputs(outputs)


class DrTestComp(Provider):
    def __init__(self):
        super().__init__("0.0.1")

    def construct(self, name, resource_type, inputs, options=None):
        if resource_type != TOKEN:
            raise Exception(f"unknown component type {resource_type}")
        pair = Pair(name, inputs, options)
        return ConstructResult(urn=pair.urn, state=pair.outputs)

    def call(self, token, args):
        if token != f"{TOKEN}/describe":
            raise Exception(f"unknown method {token}")
        this = args["__self__"]
        urn = this.urn if hasattr(this, "urn") else pulumi.Output.from_input(this)

        async def describe(u):
            found = await pulumi.runtime.invoke_async("pulumi:pulumi:getResource", {"urn": u})
            return f"{found['state']['label']}{args.get('suffix', '')}"

        text = pulumi.Output.from_input(urn).apply(describe)
        return CallResult(outputs={"text": text})


if __name__ == "__main__":
    main(DrTestComp(), sys.argv[1:])
