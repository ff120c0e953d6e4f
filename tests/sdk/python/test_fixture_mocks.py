"""
Runs the SDK generated from the fixture schema under Pulumi's mocks: a remote component, a
resource in a sub-module, enums, secrets, defaults and both forms of an invoke.
"""
from typing import Any, Dict, List, Tuple

import pulumi
import pytest

REGISTERED: List[Tuple[str, str, Dict[str, Any]]] = []
INVOKED: List[Tuple[str, Dict[str, Any]]] = []


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> Tuple[str, Dict[str, Any]]:
        REGISTERED.append((args.typ, args.name, dict(args.inputs)))
        inputs = dict(args.inputs)
        extra: Dict[str, Any] = {
            "drfix:index:Site": {"status": {"healthy": True, "tier": "premium"}, "apiKey": "key", "url": "https://site", "count": 2},
            "drfix:index:Stack": {"siteIds": ["a", "b"], "connectionString": "postgres://"},
            "drfix:storage:Bucket": {"arn": "arn:bucket"},
        }.get(args.typ, {})
        return f"{args.name}-id", {**inputs, **extra}

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        INVOKED.append((args.token, dict(args.args)))
        if args.token == "drfix:index:getStatus":
            return {"status": {"healthy": True}, "ready": True, "score": 0.9, "messages": ["ok"]}
        if args.token == "drfix:index:listSites":
            return {"names": ["a", "b"]}
        return {"arn": "arn:info"}


MOCKS = Mocks()


@pytest.fixture(autouse=True)
def mocks() -> None:
    # Per test, because pytest imports every test module before running any of them.
    pulumi.runtime.set_mocks(MOCKS, project="project", stack="stack", preview=False)


import pulumi_drfix as drfix  # noqa: E402
from pulumi_drfix import storage  # noqa: E402


def registration(typ: str) -> Dict[str, Any]:
    for t, _, inputs in REGISTERED:
        if t == typ:
            return inputs
    raise AssertionError(f"{typ} was not registered")


@pulumi.runtime.test
def test_custom_resource() -> Any:
    site = drfix.Site("site", name="site", pair=drfix.PairArgs(primary=drfix.EndpointArgs(host="a")), password="pw", tier=drfix.Tier.PREMIUM)

    def check(values: List[Any]) -> None:
        url, tier, count = values
        assert (url, tier, count) == ("https://site", "premium", 2)
        inputs = registration("drfix:index:Site")
        assert inputs["tier"] == "premium" and inputs["count"] == 2

    def check_status(status: Any) -> None:
        assert isinstance(status, drfix.outputs.Status) and status.healthy is True
        assert status.tier == drfix.Tier.PREMIUM

    def check_pair(pair: Any) -> None:
        assert isinstance(pair, drfix.outputs.Pair) and isinstance(pair.primary, drfix.outputs.Endpoint)
        # EndpointArgs filled its own defaults when it was constructed.
        assert (pair.primary.port, pair.primary.weight, pair.primary.tls) == (443, 0.5, True)

    return pulumi.Output.all(
        pulumi.Output.all(site.url, site.tier, site.count).apply(check),
        site.status.apply(check_status),
        site.pair.apply(check_pair),
    )


@pulumi.runtime.test
def test_secret() -> Any:
    site = drfix.Site("secret-site", name="x", pair={"primary": {"host": "h"}}, password="pw")

    async def check() -> None:
        assert await site.password.is_secret()
        assert not await site.name.is_secret()

    return pulumi.Output.from_input(check())


@pulumi.runtime.test
def test_component() -> Any:
    stack = drfix.Stack("stack", site_name="s", db_password="pw")

    def check(values: List[Any]) -> None:
        ids, conn = values
        assert list(ids) == ["a", "b"] and conn == "postgres://"
        inputs = registration("drfix:index:Stack")
        assert inputs["replicas"] == 1 and inputs["siteName"] == "s"

    return pulumi.Output.all(stack.site_ids, stack.connection_string).apply(check)


def test_component_rejects_id() -> None:
    with pytest.raises(ValueError, match="do not support opts.id"):
        drfix.Stack("bad", site_name="s", opts=pulumi.ResourceOptions(id="x"))


@pulumi.runtime.test
def test_submodule_resource() -> Any:
    # No `site` here: Pulumi's Python mock monitor rebuilds resource references on its own thread
    # and event loop, which races with the test's loop (the Node.js test covers references).
    bucket = storage.Bucket("bucket", spec=storage.BucketSpecArgs(), class_=storage.StorageClass.INFREQUENT_ACCESS)

    def check_arn(arn: str) -> None:
        assert arn == "arn:bucket"
        inputs = registration("drfix:storage:Bucket")
        assert inputs["class"] == "STANDARD_IA"

    def check_spec(spec: Any) -> None:
        assert isinstance(spec, storage.outputs.BucketSpec) and spec.versioning is True

    return pulumi.Output.all(bucket.arn.apply(check_arn), bucket.spec.apply(check_spec))


@pulumi.runtime.test
def test_provider() -> Any:
    provider = drfix.Provider("p", endpoints={"a": "b"}, tier=drfix.Tier.STANDARD, token="t")

    def check(_: Any) -> None:
        inputs = registration("pulumi:providers:drfix")
        assert inputs["endpoints"] == '{"a": "b"}'
        assert inputs["retries"] == "3"
        assert inputs["tier"] == "standard"

    return provider.urn.apply(check)


@pulumi.runtime.test
def test_functions() -> Any:
    plain = drfix.get_status(site_name="s", endpoint=drfix.EndpointArgs(host="h"))
    assert plain.ready is True and plain.status.healthy is True
    assert list(drfix.list_sites().names) == ["a", "b"]
    drfix.notify(message="m", priority=drfix.Priority.LOW)
    assert ("drfix:index:notify", {"message": "m", "priority": 1}) in INVOKED
    token, args = INVOKED[0]
    assert token == "drfix:index:getStatus" and args["siteName"] == "s"
    out = drfix.get_status_output(site_name=pulumi.Output.from_input("s"))
    info = storage.get_bucket_info_output()

    def check(values: List[Any]) -> None:
        messages, arn = values
        assert list(messages) == ["ok"] and arn == "arn:info"

    return pulumi.Output.all(out.messages, info.arn).apply(check)
