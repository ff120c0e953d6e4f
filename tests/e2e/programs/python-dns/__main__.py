"""The end-to-end tests' test program: a local component holding a DnsFailover, managed by an explicit
provider resource (so the engine loads a second plugin instance configured from the program).
Config knobs: `ttl` (an update), `recordName` (a replacement), `protect`, `deleteBeforeReplace`,
`recordType` (an invalid one fails Check), `fail` (the program raises), `remoteError` (a remote
component type no provider has, so Construct fails)."""

import json

import pulumi
import pulumi_multiregion_dr as dr

config = pulumi.Config()


class Site(pulumi.ComponentResource):
    def __init__(self, name: str, zone_id: str, ttl: int, record_type: str, provider: pulumi.ProviderResource, opts=None):
        super().__init__("drtest:index:Site", name, {}, opts)
        self.dns = dr.DnsFailover(
            f"{name}-api",
            hosted_zone_id=zone_id,
            record_name=config.get("recordName") or "www",
            record_type=record_type,
            primary_endpoint="www-use1.example.net",
            secondary_endpoint="www-use2.example.net",
            ttl=ttl,
            health_check=dr.HealthCheckSettingsArgs(resource_path="/health"),
            opts=pulumi.ResourceOptions(
                parent=self,
                provider=provider,
                protect=config.get_bool("protect") or False,
                delete_before_replace=config.get_bool("deleteBeforeReplace") or False,
                custom_timeouts=pulumi.CustomTimeouts(create="5m", update="5m", delete="5m"),
            ),
        )
        self.register_outputs({"fqdn": self.dns.fqdn})


if config.get_bool("fail"):
    raise Exception("the program failed on purpose")

provider = dr.Provider(
    "explicit",
    endpoints=json.loads(config.require("endpoints")),
    max_retries=2,
)
site = Site(
    "site", config.require("zoneId"), config.get_int("ttl") or 60, config.get("recordType") or "CNAME", provider
)
if config.get_bool("remoteError"):
    pulumi.ComponentResource("multiregion-dr:index:NoSuchComponent", "nope", {}, remote=True)

pulumi.export("fqdn", site.dns.fqdn)
pulumi.export("ttl", site.dns.ttl)
pulumi.export("password", config.require_secret("password"))
