"""The demo: the plugin, started as the Pulumi engine starts it, deploys a disaster-recovery pair
(an Aurora global database and DNS failover) into the local AWS emulator, shows what exists in each
region, then destroys it and shows that nothing is left.

It drives the plugin over the real Pulumi provider protocol (Pulumi's own generated stubs), the way
`pulumi preview`, `pulumi up` and `pulumi destroy` do. Run it with `make demo`.
"""

import json
import pathlib
import subprocess
import sys
import urllib.request

import boto3
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict, ParseDict
from pulumi.runtime.proto import provider_pb2

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "provider"))
from plugin_process import REPO, launch, start_engine  # noqa: E402

SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"
PRIMARY, SECONDARY = "us-east-1", "us-east-2"


def struct(d):
    return ParseDict(d, struct_pb2.Struct())


def show_engine_log(req):
    kind = "status" if req.ephemeral else ["debug", "info", "warning", "error"][req.severity]
    print(f"    [{kind}] {req.message}")


def start_emulator():
    proc = subprocess.Popen([str(REPO / "tests" / "emulator" / "serve")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    url = proc.stdout.readline().decode().strip()
    if not url.startswith("http://"):
        raise SystemExit(f"the emulator did not start (got {url!r})")
    return proc, url


def inventory(url):
    with urllib.request.urlopen(f"{url}/_emulator/inventory") as r:
        return json.load(r)


def print_regions(url, title):
    inv = inventory(url)
    rds, r53 = inv["rds"], inv["route53"]
    print(f"\n== {title}")
    for g in rds["global_clusters"]:
        writer = next((m["region"] for m in g["members"] if m["is_writer"]), "-")
        print(f"  global cluster {g['id']} ({g['status']}): writer in {writer}, {len(g['members'])} member(s)")
    for region in (PRIMARY, SECONDARY):
        clusters = [c for c in rds["clusters"] if c["region"] == region]
        instances = [i for i in rds["instances"] if i["region"] == region]
        print(f"  {region}:")
        for c in clusters:
            role = "writer" if c["is_writer"] else "reader"
            print(f"    cluster {c['id']} ({c['status']}, {role}, {c['engine']} {c['engine_version']})")
        for i in instances:
            print(f"    instance {i['id']} ({i['status']}) in {i['cluster']}")
        if not clusters and not instances:
            print("    (no Aurora cluster, no instance)")
    checks = r53["health_checks"]
    records = [r for z in r53["hosted_zones"] for r in z["records"] if r["failover"]]
    print(f"  route53: {len(checks)} health check(s), {len(records)} failover record(s)")
    for r in records:
        print(f"    {r['failover']:9} {r['name']} {r['type']} -> {', '.join(r['values'])} (set {r['set_identifier']})")


def deploy(stub, token, name, inputs, preview):
    urn = f"urn:pulumi:demo::dr-demo::{token}::{name}"
    checked = stub.Check(provider_pb2.CheckRequest(urn=urn, type=token, name=name, olds=struct({}), news=struct(inputs), randomSeed=name.encode()))
    if checked.failures:
        raise SystemExit(f"{name}: " + "; ".join(f"{f.property}: {f.reason}" for f in checked.failures))
    created = stub.Create(provider_pb2.CreateRequest(urn=urn, type=token, name=name, properties=checked.inputs, preview=preview, timeout=600))
    return urn, created


def main():
    emu, url = start_emulator()
    engine = start_engine(echo=show_engine_log)
    plugin = launch(engine.address, env={"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"})
    try:
        print(f"plugin pulumi-resource-multiregion-dr listening on port {plugin.port}; AWS emulator at {url}")
        plugin.stub.Handshake(provider_pb2.ProviderHandshakeRequest(engine_address=engine.address))
        endpoints = {s: url for s in ("rds", "route53", "dynamodb", "s3", "iam", "sts")}
        plugin.stub.Configure(provider_pb2.ConfigureRequest(args=struct({
            "primaryRegion": PRIMARY, "secondaryRegion": SECONDARY, "endpoints": endpoints, "defaultTags": {"app": "payments"},
        })))
        r53 = boto3.client("route53", endpoint_url=url, region_name=PRIMARY, aws_access_key_id="demo", aws_secret_access_key="demo")
        zone = r53.create_hosted_zone(Name="payments.example.com", CallerReference="dr-demo")["HostedZone"]["Id"].split("/")[-1]

        resources = [
            ("multiregion-dr:index:GlobalDatabase", "payments-db", {
                "engine": "aurora-postgresql", "engineVersion": "16.4", "databaseName": "payments",
                "masterUsername": "app", "masterPassword": {SIG: SECRET, "value": "demo-Passw0rd"},
                "instanceClass": "db.r6g.large", "skipFinalSnapshot": True,
            }),
            ("multiregion-dr:index:DnsFailover", "payments-api", {
                "hostedZoneId": zone, "recordName": "api", "recordType": "CNAME",
                "primaryEndpoint": "api.us-east-1.payments.example.com",
                "secondaryEndpoint": "api.us-east-2.payments.example.com",
                "healthCheck": {"type": "HTTPS", "resourcePath": "/health"},
            }),
        ]
        print("\n== preview (no AWS call is made)")
        for token, name, inputs in resources:
            _, created = deploy(plugin.stub, token, name, inputs, preview=True)
            unknown = [k for k, v in MessageToDict(created.properties).items() if v == "04da6b54-80e4-46f7-96ec-b56ff0331ba9" or v == "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"]
            print(f"  + {token} {name}: known after up: {', '.join(sorted(unknown))}")

        print("\n== up")
        state = []
        for token, name, inputs in resources:
            urn, created = deploy(plugin.stub, token, name, inputs, preview=False)
            out = MessageToDict(created.properties)
            state.append((token, urn, created.id, created.properties))
            summary = {k: out.get(k) for k in ("writerRegion", "globalWriterEndpoint", "fqdn", "primaryHealthCheckId", "secondaryHealthCheckId", "answeringRegion") if k in out}
            print(f"  + {name} (id {created.id}): {json.dumps(summary)}")
        print_regions(url, "what exists after up")

        print("\n== destroy")
        for token, urn, rid, props in reversed(state):
            plugin.stub.Delete(provider_pb2.DeleteRequest(id=rid, urn=urn, type=token, properties=props, timeout=600))
            print(f"  - {urn.rsplit('::', 1)[-1]}")
        print_regions(url, "what exists after destroy")
    finally:
        plugin.stop()
        engine.server.stop(0)
        emu.terminate()


if __name__ == "__main__":
    main()
