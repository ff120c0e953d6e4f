//! Generator behaviour on the fixture schema (which has everything the multiregion-dr schema does
//! not have yet) and on the project schema grown the way DESIGN.md plans it. tests/sdk/run.sh
//! additionally compiles and type-checks the fixture SDKs.

use std::path::{Path, PathBuf};

use sdkgen::Files;

fn repo_root() -> PathBuf {
    sdkgen::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("workspace root")
}

fn fixture() -> Files {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixture.json"),
    )
    .expect("read fixture");
    sdkgen::generate(&text).expect("generate fixture")
}

fn file<'a>(files: &'a Files, path: &str) -> &'a str {
    files
        .get(path)
        .unwrap_or_else(|| panic!("{path} was not generated; files: {:#?}", files.keys()))
}

fn assert_contains(files: &Files, path: &str, needles: &[&str]) {
    let text = file(files, path);
    for n in needles {
        assert!(text.contains(n), "{path} should contain {n:?}\n---\n{text}");
    }
}

fn assert_lacks(files: &Files, path: &str, needles: &[&str]) {
    let text = file(files, path);
    for n in needles {
        assert!(!text.contains(n), "{path} should not contain {n:?}");
    }
}

#[test]
fn layout_matches_gen_sdk() {
    let files = fixture();
    let expected = [
        "nodejs/.gitattributes",
        "nodejs/.gitignore",
        "nodejs/README.md",
        "nodejs/config/index.ts",
        "nodejs/config/vars.ts",
        "nodejs/getStatus.ts",
        "nodejs/index.ts",
        "nodejs/legacy.ts",
        "nodejs/listSites.ts",
        "nodejs/notify.ts",
        "nodejs/package.json",
        "nodejs/provider.ts",
        "nodejs/site.ts",
        "nodejs/stack.ts",
        "nodejs/storage/bucket.ts",
        "nodejs/storage/getBucketInfo.ts",
        "nodejs/storage/index.ts",
        "nodejs/tsconfig.json",
        "nodejs/types/enums/index.ts",
        "nodejs/types/enums/storage/index.ts",
        "nodejs/types/index.ts",
        "nodejs/types/input.ts",
        "nodejs/types/output.ts",
        "nodejs/utilities.ts",
        "nodejs/watchSite.ts",
        "python/.gitattributes",
        "python/.gitignore",
        "python/pulumi_drfix/README.md",
        "python/pulumi_drfix/__init__.py",
        "python/pulumi_drfix/_enums.py",
        "python/pulumi_drfix/_inputs.py",
        "python/pulumi_drfix/_utilities.py",
        "python/pulumi_drfix/config/__init__.py",
        "python/pulumi_drfix/config/__init__.pyi",
        "python/pulumi_drfix/config/vars.py",
        "python/pulumi_drfix/get_status.py",
        "python/pulumi_drfix/legacy.py",
        "python/pulumi_drfix/list_sites.py",
        "python/pulumi_drfix/notify.py",
        "python/pulumi_drfix/outputs.py",
        "python/pulumi_drfix/provider.py",
        "python/pulumi_drfix/pulumi-plugin.json",
        "python/pulumi_drfix/py.typed",
        "python/pulumi_drfix/site.py",
        "python/pulumi_drfix/stack.py",
        "python/pulumi_drfix/storage/__init__.py",
        "python/pulumi_drfix/storage/_enums.py",
        "python/pulumi_drfix/storage/_inputs.py",
        "python/pulumi_drfix/storage/bucket.py",
        "python/pulumi_drfix/storage/get_bucket_info.py",
        "python/pulumi_drfix/storage/outputs.py",
        "python/pulumi_drfix/watch_site.py",
        "python/pyproject.toml",
    ];
    let actual: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(actual, expected);
}

#[test]
fn output_is_deterministic_and_clean() {
    let a = fixture();
    let b = fixture();
    assert_eq!(a, b, "two runs must produce identical files");
    for (path, text) in &a {
        assert!(!text.contains('\r'), "{path} has a CR");
        if path.ends_with("py.typed") {
            assert!(text.is_empty());
            continue;
        }
        assert!(text.ends_with('\n'), "{path} lacks a final newline");
        for (i, line) in text.lines().enumerate() {
            assert!(
                !line.ends_with(' '),
                "{path}:{} has trailing whitespace",
                i + 1
            );
        }
        let source = path.ends_with(".ts") || path.ends_with(".py") || path.ends_with(".pyi");
        if source {
            assert!(
                text.contains("*** Do not edit by hand"),
                "{path} lacks the generated-file header"
            );
        }
    }
}

#[test]
fn components_are_remote_and_have_no_get() {
    let files = fixture();
    assert_contains(
        &files,
        "nodejs/stack.ts",
        &[
            "export class Stack extends pulumi.ComponentResource {",
            "constructor(name: string, args: StackArgs, opts?: pulumi.ComponentResourceOptions)",
            "super(Stack.__pulumiType, name, resourceInputs, opts, true /*remote*/);",
            "import {Site} from \"./index\";",
            "declare public /*out*/ readonly site: pulumi.Output<Site>;",
            "const secretOpts = { additionalSecretOutputs: [\"connectionString\"] };",
        ],
    );
    assert_contains(&files, "nodejs/stack.ts", &[
        "region?: string;",
        "endpoint?: inputs.EndpointArgs;",
        "resourceInputs[\"endpoint\"] = args ? (args.endpoint ? inputs.endpointArgsProvideDefaults(args.endpoint) : undefined) : undefined;",
    ]);
    assert_lacks(&files, "nodejs/stack.ts", &["public static get("]);
    assert_contains(
        &files,
        "python/pulumi_drfix/stack.py",
        &[
            "class Stack(pulumi.ComponentResource):",
            "raise ValueError('ComponentResource classes do not support opts.id')",
            "            remote=True)",
            "from .site import Site",
            "def site(self) -> pulumi.Output['Site']:",
        ],
    );
    assert_lacks(&files, "python/pulumi_drfix/stack.py", &["def get("]);
}

#[test]
fn custom_resources_have_get_secrets_aliases_and_replacements() {
    let files = fixture();
    assert_contains(&files, "nodejs/site.ts", &[
        "public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): Site {",
        "resourceInputs[\"password\"] = args?.password ? pulumi.secret(args.password) : undefined;",
        "resourceInputs[\"tier\"] = (args?.tier) ?? \"standard\";",
        "resourceInputs[\"pair\"] = args ? pulumi.output(args.pair).apply(inputs.pairArgsProvideDefaults) : undefined;",
        "const aliasOpts = { aliases: [{ type: \"drfix:index:OldSite\" }] };",
        "additionalSecretOutputs: [\"apiKey\", \"password\"]",
        "replaceOnChanges: [\"name\", \"pair.byName.*.protocol\", \"pair.extras[*].protocol\", \"pair.primary.protocol\", \"pair.secondary.protocol\"]",
        "mode?: pulumi.Input<string | enums.Priority | undefined>;",
        "metadata?: any | undefined;",
        "zones?: pulumi.Input<pulumi.Input<string>[] | undefined>;",
        "declare public /*out*/ readonly statuses: pulumi.Output<outputs.Status[] | undefined>;",
        "* @deprecated Legacy mode is gone.",
    ]);
    assert_contains(&files, "python/pulumi_drfix/site.py", &[
        "@pulumi.type_token(\"drfix:index:Site\")",
        "class Site(pulumi.CustomResource):",
        "def get(resource_name: str,",
        "__props__.__dict__[\"password\"] = None if password is None else pulumi.Output.secret(password)",
        "secret_opts = pulumi.ResourceOptions(additional_secret_outputs=[\"apiKey\", \"password\"])",
        "alias_opts = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=\"drfix:index:OldSite\")])",
        "pair: pulumi.Input[Optional[Union['PairArgs', 'PairArgsDict']]] = None,",
        "tier = 'standard'",
        "@pulumi.getter(name=\"apiKey\")",
        "@_utilities.deprecated(\"\"\"Legacy mode is gone.\"\"\")",
    ]);
    assert_contains(
        &files,
        "nodejs/legacy.ts",
        &[
            "pulumi.log.warn(\"Legacy is deprecated: Legacy is replaced by Site.\")",
            "/** @deprecated Legacy is replaced by Site. */",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/legacy.py",
        &["warnings.warn(\"\"\"Legacy is replaced by Site.\"\"\", DeprecationWarning)"],
    );
}

#[test]
fn provider_encodes_non_strings_as_json() {
    let files = fixture();
    assert_contains(&files, "nodejs/provider.ts", &[
        "export class Provider extends pulumi.ProviderResource {",
        "public static readonly __pulumiType = 'drfix';",
        "resourceInputs[\"endpoints\"] = pulumi.output(args?.endpoints).apply(JSON.stringify);",
        "resourceInputs[\"retries\"] = pulumi.output((args?.retries) ?? 3).apply(JSON.stringify);",
        "resourceInputs[\"region\"] = (args?.region) ?? (utilities.getEnv(\"DRFIX_REGION\") || \"us-east-1\");",
        "resourceInputs[\"tier\"] = args?.tier;",
        "resourceInputs[\"token\"] = args?.token ? pulumi.secret(args.token) : undefined;",
    ]);
    assert_contains(&files, "python/pulumi_drfix/provider.py", &[
        "@pulumi.type_token(\"pulumi:providers:drfix\")",
        "class Provider(pulumi.ProviderResource):",
        "__props__.__dict__[\"endpoints\"] = pulumi.Output.from_input(endpoints).apply(pulumi.runtime.to_json) if endpoints is not None else None",
        "__props__.__dict__[\"tier\"] = tier",
        "region = (_utilities.get_env('DRFIX_REGION') or 'us-east-1')",
        "            'drfix',",
    ]);
}

#[test]
fn functions_have_plain_and_output_forms() {
    let files = fixture();
    assert_contains(&files, "nodejs/getStatus.ts", &[
        "export function getStatus(args: GetStatusArgs, opts?: pulumi.InvokeOptions): Promise<GetStatusResult> {",
        "return pulumi.runtime.invoke(\"drfix:index:getStatus\", {",
        "\"endpoint\": args.endpoint ? inputs.endpointProvideDefaults(args.endpoint) : undefined,",
        "export function getStatusOutput(args: GetStatusOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetStatusResult> {",
        "return pulumi.runtime.invokeOutput(\"drfix:index:getStatus\", {",
        "tiers?: pulumi.Input<pulumi.Input<enums.Tier>[] | undefined>;",
        "readonly messages?: string[];",
    ]);
    assert_contains(&files, "nodejs/index.ts", &[
        "export { GetStatusArgs, GetStatusResult, GetStatusOutputArgs } from \"./getStatus\";",
        "utilities.lazyLoad(exports, [\"getStatus\",\"getStatusOutput\"], () => require(\"./getStatus\"));",
        "export { ListSitesResult } from \"./listSites\";",
    ]);
    assert_contains(&files, "python/pulumi_drfix/get_status.py", &[
        "class AwaitableGetStatusResult(GetStatusResult):",
        "def get_status(endpoint: Optional[Union['Endpoint', 'EndpointDict']] = None,",
        "__ret__ = pulumi.runtime.invoke('drfix:index:getStatus', __args__, opts=opts, typ=GetStatusResult).value",
        "def get_status_output(endpoint: pulumi.Input[Optional[Optional[Union['Endpoint', 'EndpointDict']]]] = None,",
        "site_name: pulumi.Input[Optional[_builtins.str]] = None,",
        "__ret__ = pulumi.runtime.invoke_output('drfix:index:getStatus', __args__, opts=opts, typ=GetStatusResult)",
        "__args__['siteName'] = site_name",
    ]);
    assert_contains(
        &files,
        "python/pulumi_drfix/list_sites.py",
        &["pulumi.log.warn(\"\"\"list_sites is deprecated: Use getStatus.\"\"\")"],
    );
}

#[test]
fn types_enums_and_modules() {
    let files = fixture();
    assert_contains(
        &files,
        "nodejs/types/input.ts",
        &[
            "export interface Endpoint {",
            "export interface EndpointArgs {",
            "export function endpointArgsProvideDefaults(val: EndpointArgs): EndpointArgs {",
            "tls: (val.tls) ?? (utilities.getEnvBoolean(\"DRFIX_TLS\") || true),",
            "primary: pulumi.output(val.primary).apply(inputs.endpointArgsProvideDefaults),",
            "export namespace storage {",
            "replicaOf?: pulumi.Input<inputs.EndpointArgs | undefined>;",
            "class?: pulumi.Input<enums.storage.StorageClass | undefined>;",
            "It may contain `*&#47;` and \"\"\" safely.",
        ],
    );
    assert_contains(
        &files,
        "nodejs/types/enums/index.ts",
        &[
            "import * as storage from \"./storage\";",
            "Legacy_basic: \"legacy-basic\",",
            "Ratio_0_5: 0.5,",
            "export type Tier = (typeof Tier)[keyof typeof Tier];",
        ],
    );
    assert_contains(
        &files,
        "nodejs/storage/index.ts",
        &[
            "pulumi.runtime.registerResourceModule(\"drfix\", \"storage\", _module)",
            "export * from \"../types/enums/storage\";",
        ],
    );
    assert_lacks(
        &files,
        "nodejs/storage/index.ts",
        &["registerResourcePackage"],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/_enums.py",
        &[
            "class Tier(_builtins.str, Enum):",
            "LEGACY_BASIC = \"legacy-basic\"",
            "class Priority(_builtins.int, Enum):",
            "RATIO_0_5 = 0.5",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/outputs.py",
        &["def __key_warning(key: str):", "class Status(dict):"],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/_inputs.py",
        &[
            "class EndpointArgsDict(TypedDict):",
            "old_name: NotRequired[pulumi.Input[Optional[_builtins.str]]]",
            "primary: pulumi.Input['EndpointArgsDict']",
            "class Endpoint:",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/storage/_inputs.py",
        &[
            "from .. import _inputs as _root_inputs",
            "replica_of: Optional['_root_inputs.Endpoint'] = None",
            "class_: pulumi.Input[Optional['StorageClass']] = None",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/storage/bucket.py",
        &[
            "from ..site import Site",
            "from .. import _utilities",
            "def endpoint(self) -> pulumi.Output[Optional['_root_outputs.Endpoint']]:",
            "tier: pulumi.Input[Optional['_root_enums.Tier']] = None,",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/__init__.py",
        &[
            "storage = _utilities.lazy_import('pulumi_drfix.storage')",
            "\"fqn\": \"pulumi_drfix.storage\",",
            "\"drfix:storage:Bucket\": \"Bucket\"",
        ],
    );
}

#[test]
fn package_metadata_takes_versions_from_the_schema() {
    let files = fixture();
    assert_contains(&files, "nodejs/package.json", &[
        "\"name\": \"@pulumi/drfix\"",
        "\"version\": \"1.2.3\"",
        "\"pulumi\": {\n        \"resource\": true,\n        \"name\": \"drfix\",\n        \"version\": \"1.2.3\"\n    }",
    ]);
    assert_contains(
        &files,
        "python/pyproject.toml",
        &[
            "name = \"pulumi_drfix\"",
            "version = \"1.2.3\"",
            "description = \"A fixture package that exercises every branch of sdkgen.\"",
            "dependencies = [\"parver>=0.2.1\", \"pulumi>=3.231.0,<4.0.0\", \"semver>=2.8.1\",",
        ],
    );
    assert_eq!(
        file(&files, "python/pulumi_drfix/pulumi-plugin.json"),
        "{\n  \"resource\": true,\n  \"name\": \"drfix\",\n  \"version\": \"1.2.3\"\n}\n"
    );
    assert_contains(
        &files,
        "python/pulumi_drfix/_utilities.py",
        &["return _version_str"],
    );
}

#[test]
fn a_grown_schema_reaches_both_sdks() {
    // What DESIGN.md plans next: a component and a function. One generator run must be enough.
    let root = repo_root();
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("schema.json")).unwrap()).unwrap();
    schema["resources"]["multiregion-dr:index:MultiRegionDR"] = serde_json::json!({
        "isComponent": true,
        "description": "Both regions of an application.",
        "inputProperties": {"name": {"type": "string"}},
        "requiredInputs": ["name"],
        "properties": {"database": {"$ref": "#/resources/multiregion-dr:index:GlobalDatabase"}},
        "required": ["database"]
    });
    schema["functions"] = serde_json::json!({
        "multiregion-dr:index:getReadiness": {
            "inputs": {"properties": {"name": {"type": "string"}}, "required": ["name"]},
            "outputs": {"properties": {"ready": {"type": "boolean"}}, "required": ["ready"]}
        }
    });
    let files = sdkgen::generate(&schema.to_string()).expect("generate grown schema");
    assert_contains(
        &files,
        "nodejs/multiRegionDR.ts",
        &[
            "true /*remote*/",
            "import {GlobalDatabase} from \"./index\";",
        ],
    );
    assert_contains(
        &files,
        "nodejs/getReadiness.ts",
        &["export function getReadinessOutput("],
    );
    assert_contains(
        &files,
        "nodejs/index.ts",
        &[
            "require(\"./multiRegionDR\")",
            "require(\"./getReadiness\")",
        ],
    );
    assert_contains(
        &files,
        "python/pulumi_multiregion_dr/multi_region_dr.py",
        &["remote=True"],
    );
    assert_contains(
        &files,
        "python/pulumi_multiregion_dr/get_readiness.py",
        &["def get_readiness_output("],
    );
    assert_contains(
        &files,
        "python/pulumi_multiregion_dr/__init__.py",
        &[
            "from .get_readiness import *",
            "from .multi_region_dr import *",
            "\"multiregion-dr:index:MultiRegionDR\": \"MultiRegionDR\"",
        ],
    );
}

#[test]
fn write_sdk_replaces_generated_files_and_keeps_build_products() {
    let dir = std::env::temp_dir().join(format!("sdkgen-write-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nodejs/node_modules/x")).unwrap();
    std::fs::create_dir_all(dir.join("python/pulumi_drfix/old")).unwrap();
    std::fs::write(dir.join("nodejs/node_modules/x/keep.js"), "kept").unwrap();
    std::fs::write(dir.join("nodejs/removedResource.ts"), "stale").unwrap();
    std::fs::write(dir.join("python/pulumi_drfix/old/stale.py"), "stale").unwrap();
    let files = fixture();
    sdkgen::write_sdk(&dir, &files).unwrap();
    assert!(dir.join("nodejs/node_modules/x/keep.js").exists());
    assert!(!dir.join("nodejs/removedResource.ts").exists());
    assert!(!dir.join("python/pulumi_drfix/old").exists());
    let mut written = Files::new();
    for lang in ["nodejs", "python"] {
        for (p, t) in sdkgen::read_tree(&dir.join(lang)).unwrap() {
            written.insert(format!("{lang}/{p}"), t);
        }
    }
    assert_eq!(written, files);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn setup_py_when_pyproject_is_not_enabled() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fixture.json"),
    )
    .unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    schema["language"]["python"] = serde_json::json!({"respectSchemaVersion": false});
    schema["language"]["nodejs"] = serde_json::json!({});
    let files = sdkgen::generate(&schema.to_string()).unwrap();
    assert!(!files.contains_key("python/pyproject.toml"));
    assert_contains(
        &files,
        "python/setup.py",
        &[
            "VERSION = \"0.0.0\"",
            "setup(name='pulumi_drfix',",
            "'pulumi>=3.231.0,<4.0.0',",
        ],
    );
    // Without respectSchemaVersion the version is left for the release process to fill in.
    assert_contains(
        &files,
        "nodejs/package.json",
        &["\"version\": \"${VERSION}\""],
    );
    assert_lacks(
        &files,
        "python/pulumi_drfix/pulumi-plugin.json",
        &["\"version\""],
    );
}

#[test]
fn get_readiness_of_the_project_schema_reaches_both_sdks() {
    // The project's own function: every argument optional, an array of an object type in the result.
    let text = std::fs::read_to_string(repo_root().join("schema.json")).unwrap();
    let files = sdkgen::generate(&text).expect("generate schema.json");
    assert_contains(&files, "nodejs/getReadiness.ts", &[
        "export function getReadiness(args?: GetReadinessArgs, opts?: pulumi.InvokeOptions): Promise<GetReadinessResult> {",
        "args = args || {};",
        "return pulumi.runtime.invoke(\"multiregion-dr:index:getReadiness\", {",
        "\"maxReplicationLagSeconds\": args.maxReplicationLagSeconds,",
        "maxReplicationLagSeconds?: number;",
        "readonly checks: outputs.ReadinessCheck[];",
        "readonly writerRegion?: string;",
        "export function getReadinessOutput(args?: GetReadinessOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetReadinessResult> {",
        "primaryHealthCheckId?: pulumi.Input<string | undefined>;",
    ]);
    assert_contains(
        &files,
        "nodejs/types/output.ts",
        &["export interface ReadinessCheck {", "region?: string;"],
    );
    assert_lacks(&files, "nodejs/types/input.ts", &["ReadinessCheck"]);
    assert_contains(&files, "python/pulumi_multiregion_dr/get_readiness.py", &[
        "def get_readiness(fqdn: Optional[_builtins.str] = None,",
        "max_replication_lag_seconds: Optional[_builtins.float] = None,",
        "__args__['maxReplicationLagSeconds'] = max_replication_lag_seconds",
        "def checks(self) -> Sequence['outputs.ReadinessCheck']:",
        "@pulumi.getter(name=\"writerRegion\")",
        "__ret__ = pulumi.runtime.invoke_output('multiregion-dr:index:getReadiness', __args__, opts=opts, typ=GetReadinessResult)",
    ]);
    assert_contains(
        &files,
        "python/pulumi_multiregion_dr/outputs.py",
        &["class ReadinessCheck(dict):"],
    );
    assert_contains(
        &files,
        "python/pulumi_multiregion_dr/__init__.py",
        &["from .get_readiness import *"],
    );
}
