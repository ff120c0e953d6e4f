"""Provider protocol: Handshake, GetPluginInfo, GetSchema, CheckConfig, Configure (every value
encoding the engine uses), unknown types, preview without credentials, and shutdown on SIGINT."""

import json
import os
import pathlib
import re
import signal
import time

import grpc
import pytest
import tomllib
from google.protobuf import empty_pb2, struct_pb2
from google.protobuf.json_format import MessageToDict, ParseDict
from pulumi.runtime.proto import provider_pb2

from plugin_process import REPO, launch, wait_exit

SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
PROVIDER_URN = "urn:pulumi:dev::proj::pulumi:providers:multiregion-dr::default_0_1_0"
GDB = "multiregion-dr:index:GlobalDatabase"


def struct(d):
    return ParseDict(d, struct_pb2.Struct())


def plain(s):
    return MessageToDict(s)


def secret(v):
    return {SIG: SECRET, "value": v}


def crate_version():
    return tomllib.loads((REPO / "Cargo.toml").read_text())["workspace"]["package"]["version"]


def test_handshake_accepts_secrets_resources_and_outputs(plugin, engine):
    resp = plugin.stub.Handshake(
        provider_pb2.ProviderHandshakeRequest(
            engine_address=engine.address,
            root_directory="/tmp",
            program_directory="/tmp",
            configure_with_urn=True,
            supports_views=True,
            supports_refresh_before_update=True,
            invoke_with_preview=True,
        )
    )
    assert resp.accept_secrets and resp.accept_resources and resp.accept_outputs


def test_plugin_info_is_the_crate_and_schema_version(plugin):
    info = plugin.stub.GetPluginInfo(empty_pb2.Empty())
    schema = json.loads((REPO / "schema.json").read_text())
    assert info.version == crate_version() == schema["version"]


def test_get_schema_returns_the_embedded_schema(plugin):
    resp = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    assert json.loads(resp.schema) == json.loads((REPO / "schema.json").read_text())


# Pulumi's metaschema is not ours to commit: it is read from beside the checkout (where the project's
# reference material lives) or from PULUMI_METASCHEMA.
METASCHEMA = pathlib.Path(
    os.environ.get("PULUMI_METASCHEMA", REPO.parent / "shared" / "reference" / "pulumi-metaschema.json")
)


@pytest.mark.skipif(not METASCHEMA.exists(), reason=f"Pulumi's metaschema not found at {METASCHEMA}")
def test_schema_validates_against_pulumis_metaschema():
    import jsonschema

    text = METASCHEMA.read_text()
    # Python's re spells named groups (?P<name>...).
    meta = json.loads(text.replace("(?<", "(?P<"))
    schema = json.loads((REPO / "schema.json").read_text())
    validator = jsonschema.Draft202012Validator(meta)
    errors = sorted(validator.iter_errors(schema), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def check_config(plugin, news):
    return plugin.stub.CheckConfig(
        provider_pb2.CheckRequest(
            urn=PROVIDER_URN, name="default_0_1_0", type="pulumi:providers:multiregion-dr",
            olds=struct({}), news=struct(news),
        )
    )


def test_check_config_accepts_raw_stack_config_strings_and_keeps_version(plugin):
    news = {
        "primaryRegion": "eu-west-1",
        "secondaryRegion": "eu-central-1",
        "maxRetries": "3",
        "endpoints": '{"rds":"http://127.0.0.1:5000"}',
        "defaultTags": '{"team":"payments"}',
        "version": "0.1.0",
    }
    resp = check_config(plugin, news)
    assert list(resp.failures) == []
    assert plain(resp.inputs) == news


@pytest.mark.parametrize(
    "news,prop,words",
    [
        ({"primaryRegion": "us-east-9"}, "primaryRegion", "not an AWS region"),
        ({"secondaryRegion": "mars-1"}, "secondaryRegion", "not an AWS region"),
        ({"primaryRegion": "us-east-2"}, "secondaryRegion", "must differ"),
        ({"primaryRegion": "eu-west-1", "secondaryRegion": "eu-west-1"}, "secondaryRegion", "must differ"),
        ({"endpoints": {"rds": "not a url"}}, "endpoints.rds", "URL"),
        ({"endpoints": '{"s3":"ftp://x"}'}, "endpoints.s3", "URL"),
        ({"endpoints": {"ec2": "http://x"}}, "endpoints.ec2", "unknown service"),
        ({"maxRetries": -1}, "maxRetries", "negative"),
        ({"maxRetries": "-2"}, "maxRetries", "negative"),
        ({"maxRetries": "lots"}, "maxRetries", "whole number"),
        ({"defaultTags": {"aws:reserved": "x"}}, "defaultTags.aws:reserved", "reserved"),
    ],
)
def test_check_config_refuses_naming_the_key_and_rule(plugin, news, prop, words):
    resp = check_config(plugin, news)
    failures = [(f.property, f.reason) for f in resp.failures]
    assert any(p == prop and words in r for p, r in failures), failures


ENCODINGS = {
    # The default provider: raw stack-config strings, secure values as secrets.
    "raw strings": {"primaryRegion": "eu-west-1", "secondaryRegion": "eu-west-2", "maxRetries": "2", "version": "0.1.0"},
    # Generated SDK Provider classes JSON-stringify non-string inputs.
    "json strings": {"endpoints": '{"rds": "http://127.0.0.1:1"}', "defaultTags": '{"a": "b"}', "maxRetries": "4"},
    # YAML programs send typed values.
    "typed": {"endpoints": {"rds": "http://127.0.0.1:1"}, "maxRetries": 4, "defaultTags": {"a": "b"}},
    "secrets": {"profile": secret("prod"), "primaryRegion": secret("eu-west-1"), "secondaryRegion": "eu-west-2"},
}


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_configure_accepts_every_encoding(plugin, name):
    args = ENCODINGS[name]
    variables = {
        f"multiregion-dr:config:{k}": v if isinstance(v, str) else json.dumps(v.get("value", v) if isinstance(v, dict) and SIG in v else v)
        for k, v in args.items()
        if k != "version"
    }
    resp = plugin.stub.Configure(
        provider_pb2.ConfigureRequest(variables=variables, args=struct(args), acceptSecrets=True, acceptResources=True)
    )
    assert resp.acceptSecrets and resp.supportsPreview and resp.acceptResources and resp.acceptOutputs


def test_configure_from_variables_alone(plugin):
    resp = plugin.stub.Configure(
        provider_pb2.ConfigureRequest(variables={"multiregion-dr:config:primaryRegion": "eu-west-1", "multiregion-dr:config:secondaryRegion": "eu-west-2"})
    )
    assert resp.acceptSecrets


def test_configure_refuses_bad_config_with_property_names(plugin):
    with pytest.raises(grpc.RpcError) as err:
        plugin.stub.Configure(provider_pb2.ConfigureRequest(args=struct({"primaryRegion": "us-east-1", "secondaryRegion": "us-east-1"})))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "secondaryRegion" in err.value.details()


def test_an_unknown_resource_type_is_named_in_the_error(plugin):
    with pytest.raises(grpc.RpcError) as err:
        plugin.stub.Check(
            provider_pb2.CheckRequest(urn="urn:pulumi:dev::p::multiregion-dr:index:Nope::x", type="multiregion-dr:index:Nope",
                                      name="x", olds=struct({}), news=struct({}))
        )
    assert "multiregion-dr:index:Nope" in err.value.details()


GDB_INPUTS = {
    "engine": "aurora-postgresql",
    "engineVersion": "16.4",
    "masterUsername": "app",
    "masterPassword": secret("correct-horse-battery"),
    "instanceClass": "db.r6g.large",
    "tags": {"owner": UNKNOWN},
}


def test_check_keeps_secrets_and_unknowns_through_the_wire(plugin):
    resp = plugin.stub.Check(
        provider_pb2.CheckRequest(urn=f"urn:pulumi:dev::p::{GDB}::db", type=GDB, name="db",
                                  olds=struct({}), news=struct(GDB_INPUTS), randomSeed=b"seed")
    )
    assert list(resp.failures) == []
    inputs = plain(resp.inputs)
    assert inputs["masterPassword"] == secret("correct-horse-battery")
    assert inputs["tags"]["owner"] == UNKNOWN
    assert re.fullmatch(r"db-[0-9a-f]{7}", inputs["globalClusterIdentifier"])
    assert inputs["primaryRegion"] == "us-east-1" and inputs["secondaryRegion"] == "us-east-2"


def test_preview_create_needs_no_aws_credentials(engine):
    # No credentials, no config files, an endpoint that answers nothing: preview must not call AWS.
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}
    p = launch(engine.address, env)
    try:
        p.stub.Configure(provider_pb2.ConfigureRequest(args=struct({"endpoints": {"rds": "http://127.0.0.1:9"}})))
        checked = p.stub.Check(
            provider_pb2.CheckRequest(urn=f"urn:pulumi:dev::p::{GDB}::db", type=GDB, name="db",
                                      olds=struct({}), news=struct(GDB_INPUTS), randomSeed=b"seed")
        )
        created = p.stub.Create(
            provider_pb2.CreateRequest(urn=f"urn:pulumi:dev::p::{GDB}::db", type=GDB, name="db",
                                       properties=checked.inputs, preview=True)
        )
        out = plain(created.properties)
        assert out["globalClusterArn"] == UNKNOWN
        assert out["masterPassword"] == secret("correct-horse-battery")
    finally:
        p.stop()


def test_stdout_carries_only_the_port(engine):
    p = launch(engine.address)
    p.stub.GetPluginInfo(empty_pb2.Empty())
    p.stub.GetSchema(provider_pb2.GetSchemaRequest())
    p.proc.send_signal(signal.SIGINT)
    assert wait_exit(p.proc, 5) is not None
    assert p.proc.stdout.read() == b"", "nothing but the port may be written to stdout"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_plugin_within_two_seconds(engine, sig):
    p = launch(engine.address)
    p.stub.GetPluginInfo(empty_pb2.Empty())
    start = time.monotonic()
    p.proc.send_signal(sig)
    code = wait_exit(p.proc, 2.0)
    took = time.monotonic() - start
    print(f"{signal.Signals(sig).name}: exited with {code} after {took:.3f}s")
    assert code == 0, f"did not exit cleanly within 2 s (code {code})"
