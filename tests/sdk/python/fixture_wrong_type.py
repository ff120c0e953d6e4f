"""Each line marked expect-error must fail mypy --strict, and no other line may."""
import pulumi
import pulumi_drfix as drfix
from pulumi_drfix import storage

pair = drfix.PairArgs(primary=drfix.EndpointArgs(host="h"))
drfix.Site("a", name="s", pair={"primary": {"host": "h", "port": "443"}})  # expect-error: nested number
drfix.Site("b", name="s", pair=pair, tier="premium")  # expect-error: Python enums take members, not strings
drfix.Site("c", name="s", pair=pair, zones=[1])  # expect-error: array of strings
drfix.Site("d", name="s", pair=pair, mode=1.5)  # expect-error: neither a string nor a Priority
drfix.EndpointArgs(host=1)  # expect-error: host is a string
drfix.EndpointArgs(port=1)  # expect-error: host is required
storage.Bucket("b", site="not-a-resource")  # expect-error: a resource reference is needed
drfix.get_status(site_name=pulumi.Output.from_input("s"))  # expect-error: plain invokes take prompt values
ready: pulumi.Output[str] = drfix.get_status_output(site_name="s").apply(lambda r: r.ready)  # expect-error: bool
stack_site: pulumi.Output[storage.Bucket] = drfix.Stack("c", site_name="x").site  # expect-error: a Site
drfix.watch_site(site=None)  # expect-error: only the output form exists
drfix.notify(message=1)  # expect-error: message is a string
drfix.Stack("p", site_name="s", region=pulumi.Output.from_input("eu-west-1"))  # expect-error: a plain input takes no Output
