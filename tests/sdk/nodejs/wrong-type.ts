// Each line marked expect-error must fail to type-check, and no other line may: run.sh compares
// tsc's errors with these markers, so the generated types are shown to reject wrong programs.
import * as pulumi from "@pulumi/pulumi";
import * as mrdr from "pulumi-multiregion-dr";

const db = new mrdr.GlobalDatabase("orders", {
    engine: 42, // expect-error: a number is not a string input
    masterUsername: "admin",
    masterPassword: "secret",
    backupRetentionPeriod: "seven", // expect-error: a string is not an integer input
    primary: { instanceCount: true }, // expect-error: nested object property of the wrong type
    tags: { app: 1 }, // expect-error: map values are strings
});
new mrdr.GlobalDatabase("missing", { engine: "aurora-mysql" }); // expect-error: masterUsername/masterPassword required
new mrdr.DnsFailover("dns", {
    recordName: "api",
    primaryEndpoint: "a.example.com",
    secondaryEndpoint: "b.example.com",
    healthCheck: { port: "443" }, // expect-error: port is a number
});
new mrdr.DnsFailover("dns2", { recordName: "api", primaryEndpoint: "a", secondaryEndpoint: "b", noSuchProperty: true }); // expect-error: unknown property
const arn: pulumi.Output<number> = db.globalClusterArn; // expect-error: outputs are typed
const state: pulumi.Output<string> = db.primaryCluster; // expect-error: an object output is not a string
new mrdr.Provider("p", { maxRetries: "3" }); // expect-error: provider inputs are typed too
const region: number = mrdr.config.primaryRegion; // expect-error: config values are typed
mrdr.getReadinessOutput({ maxReplicationLagSeconds: "30" }); // expect-error: the lag is a number
mrdr.getReadiness({ globalClusterIdentifier: pulumi.output("orders") }); // expect-error: the plain form takes plain values
const notReady: pulumi.Output<string> = mrdr.getReadinessOutput({}).ready; // expect-error: ready is a boolean
mrdr.getReadinessOutput({ clusterId: "orders" }); // expect-error: unknown argument
export { arn, state, region, notReady };
