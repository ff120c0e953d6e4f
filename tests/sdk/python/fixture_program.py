"""
Type-checks a program against the SDK generated from sdkgen/tests/fixtures/fixture.json: a
component, enums, functions, a sub-module, resource references, unions, Any and deprecations.
Only type-checked, never run.
"""
from typing import Any, Mapping, Optional, Sequence

import pulumi
import pulumi_drfix as drfix
from pulumi_drfix import outputs, storage

endpoint = drfix.EndpointArgs(
    host="a.example.com", port=443, weight=0.5, tls=True, protocol="https",
    labels={"zone": "a"}, priority=drfix.Priority.HIGH,
)
endpoint_dict: drfix.EndpointArgsDict = {"host": pulumi.Output.from_input("b.example.com"), "port": 8443}
pair = drfix.PairArgs(primary=endpoint, secondary=endpoint, extras=[endpoint], by_name={"backup": drfix.EndpointArgs(host="c")})
pair_dict: drfix.PairArgsDict = {"primary": endpoint_dict, "by_name": {"backup": {"host": "c"}}}
site = drfix.Site(
    "site",
    name="site",
    pair=pair,
    password=pulumi.Output.secret("pw"),
    tags={"a": "b"},
    zones=["z1", "z2"],
    metadata={"anything": [1, "two"]},
    tier=drfix.Tier.PREMIUM,
    ratio=drfix.Ratio.WHOLE,
    mode="fast",
    count=3,
)
site_with_priority = drfix.Site("site2", drfix.SiteArgs(name="s2", pair=drfix.PairArgs(primary=endpoint), mode=drfix.Priority.LOW))
site_from_dict = drfix.Site("site3", name="s3", pair=pair_dict)
status: pulumi.Output[outputs.Status] = site.status
healthy: pulumi.Output[bool] = site.status.apply(lambda s: s.healthy)
tier: pulumi.Output[Optional[drfix.Tier]] = site.tier
statuses: pulumi.Output[Optional[Sequence[outputs.Status]]] = site.statuses
api_key: pulumi.Output[str] = site.api_key
metadata: pulumi.Output[Optional[Any]] = site.metadata
# gen-sdk reads a union that includes an enum as that enum's primitive type.
mode: pulumi.Output[Optional[int]] = site_with_priority.mode
count: pulumi.Output[int] = site.count

stack = drfix.Stack(
    "stack", site_name="s", pair=pair, db_password="pw", replicas=2, region="eu-west-1", endpoint={"host": "h"},
)
stack_site: pulumi.Output[drfix.Site] = stack.site
ids: pulumi.Output[Sequence[str]] = stack.site_ids
conn: pulumi.Output[Optional[str]] = stack.connection_string

bucket = storage.Bucket(
    "bucket",
    spec=storage.BucketSpecArgs(versioning=False, replica_of=endpoint, class_=storage.StorageClass.INFREQUENT_ACCESS),
    site=site,
    class_=storage.StorageClass.STANDARD,
    tier=drfix.Tier.STANDARD,
)
spec: pulumi.Output[Optional[storage.outputs.BucketSpec]] = bucket.spec
bucket_endpoint: pulumi.Output[Optional[outputs.Endpoint]] = bucket.endpoint

legacy = drfix.Legacy("old", value="v")
provider = drfix.Provider("p", region="eu-west-1", retries=5, endpoints={"a": "b"}, token="t", tier=drfix.Tier.PREMIUM)

plain: drfix.AwaitableGetStatusResult = drfix.get_status(site_name="s", endpoint={"host": "h"}, tiers=[drfix.Tier.STANDARD])
ready: bool = plain.ready
score: Optional[float] = plain.score
# Invokes take the plain shape of object types (drfix.Endpoint), in both forms, as in gen-sdk.
out: pulumi.Output[drfix.GetStatusResult] = drfix.get_status_output(site_name=site.name, endpoint=drfix.Endpoint(host="h"))
names: Sequence[str] = drfix.list_sites().names
names_out: pulumi.Output[Sequence[str]] = drfix.list_sites_output().apply(lambda r: r.names)
info: storage.AwaitableGetBucketInfoResult = storage.get_bucket_info()
info_out: pulumi.Output[Optional[str]] = storage.get_bucket_info_output(spec={"versioning": True}).apply(lambda r: r.arn)

drfix.notify(message="failover", priority=drfix.Priority.HIGH)
events: pulumi.Output[int] = drfix.watch_site_output(site=site).apply(lambda r: r.events)

region: str = drfix.config.region
retries: int = drfix.config.retries
token: Optional[str] = drfix.config.token
endpoints: Optional[str] = drfix.config.endpoints
tiers: Sequence[drfix.Tier] = [drfix.Tier.STANDARD, drfix.Tier.LEGACY_BASIC]
ratio: drfix.Ratio = drfix.Ratio.RATIO_0_5
labels: Optional[Mapping[str, str]] = None
