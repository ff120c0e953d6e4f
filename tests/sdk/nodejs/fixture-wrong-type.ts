// Each line marked expect-error must fail to type-check, and no other line may.
import * as pulumi from "@pulumi/pulumi";
import * as drfix from "@pulumi/drfix";

new drfix.Site("s", {
    name: "s",
    pair: { primary: { host: "h", port: "443" } }, // expect-error: nested number
    tier: "gold", // expect-error: not a member of the Tier enum
    ratio: 0.75, // expect-error: not a member of the Ratio enum
    zones: [1], // expect-error: array of strings
    mode: true, // expect-error: neither a string nor a Priority
});
new drfix.Stack("c", {}); // expect-error: siteName is required
new drfix.Stack("p", { siteName: "s", region: pulumi.output("eu-west-1") }); // expect-error: a plain input takes no Output
new drfix.storage.Bucket("b", { site: "not-a-resource" }); // expect-error: a resource reference is needed
drfix.getStatus({ siteName: pulumi.output("s") }); // expect-error: plain invokes take prompt values
drfix.getStatusOutput({}); // expect-error: siteName is required
const ready: pulumi.Output<string> = drfix.getStatusOutput({ siteName: "s" }).ready; // expect-error: boolean
drfix.watchSite({ site: undefined as any }); // expect-error: only the output form exists
drfix.notify({ message: 1 }); // expect-error: message is a string
export { ready };
