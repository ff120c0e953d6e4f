"""The seed examples (examples/seeds/*): one program per DR system that users build today with CDK or
CDKTF, reproducing its DR topology with the MultiRegionDR component. Each is type-checked as its
users would (tsc --noEmit, mypy --strict) and previewed by the real Pulumi CLI against the AWS
emulator: the preview must succeed, write nothing to AWS, and plan the component with the children
its blocks declare (and any resource beside it)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
from dataclasses import dataclass

import pytest
import yaml

from harness import DB_PASSWORD, REPO, Emulator, Run, Stack, scratch_copy

SEEDS = REPO / "examples" / "seeds"
# The seed examples' package.json has the same dependencies as examples/typescript: they share its
# node_modules (made by tests/e2e/prepare.sh).
NODE_MODULES = REPO / "examples" / "typescript" / "node_modules"
TSC = NODE_MODULES / ".bin" / "tsc"
MYPY = REPO / ".venv" / "bin" / "mypy"

COMPONENT = "multiregion-dr:index:MultiRegionDR"
DATABASE = "multiregion-dr:index:GlobalDatabase"
DNS = "multiregion-dr:index:DnsFailover"
TABLE = "multiregion-dr:index:GlobalTable"
BUCKET = "multiregion-dr:index:ReplicatedBucket"


@dataclass(frozen=True)
class SeedExample:
    slug: str
    language: str
    # Child types the component plans, one per block.
    children: tuple[str, ...]
    # Resources the program declares beside the component.
    standalone: tuple[str, ...] = ()
    # Stack outputs a preview already knows: the seed's names and regions as the program maps them.
    known_outputs: tuple[tuple[str, object], ...] = ()

    @property
    def source(self) -> pathlib.Path:
        return SEEDS / self.slug

    @property
    def program(self) -> str:
        return "index.ts" if self.language == "typescript" else "__main__.py"


EXAMPLES = [
    # 000: CDKTF TypeScript, transactions: DynamoDB, Aurora PostgreSQL, S3 CRR with RTC, Route 53 failover
    SeedExample("transactions-cdktf-ts", "typescript", (DATABASE, DNS, TABLE, BUCKET), known_outputs=(
        ("transactionsTable", "transactions-dev"),
        ("buckets", {"primary": "dr-dev-us-east-1", "secondary": "dr-dev-us-east-2"}),
        ("appFqdn", "dr-app-dev.example.com"),
        ("answeringRegion", "us-east-1"),
    )),
    # 001: CDK Python, payments: Aurora PostgreSQL, DynamoDB, S3 CRR, Route 53 on API Gateway
    SeedExample("payments-cdk-python", "python", (DATABASE, DNS, TABLE, BUCKET), known_outputs=(
        ("globalClusterIdentifier", "payment-global-dev"),
        ("transactionsTable", "payment-transactions-dev"),
        ("buckets", {"primary": "payment-data-dev-us-east-1", "secondary": "payment-data-dev-us-east-2"}),
        ("apiFqdn", "api.payments.example.com"),
    )),
    # 002: CDK TypeScript, trading: Aurora Serverless v2, session table, S3 CRR with RTC, ALB alias failover
    SeedExample("trading-cdk-ts", "typescript", (DATABASE, DNS, TABLE, BUCKET), known_outputs=(
        ("sessionTable", "trading-sessions-dev"),
        ("buckets", {"primary": "trading-data-dev-us-east-1", "secondary": "trading-data-dev-us-east-2"}),
        ("appFqdn", "app.trading.example.com"),
    )),
    # 003: CDKTF TypeScript, trading platform: the configuration bucket in the component, audit logs beside it
    SeedExample("trading-platform-cdktf-ts", "typescript", (DATABASE, DNS, TABLE, BUCKET), standalone=(BUCKET,),
                known_outputs=(
                    ("sessionTable", "user-sessions-dev"),
                    ("configBuckets", {"primary": "trading-config-dev-us-east-1",
                                       "secondary": "trading-config-dev-us-east-2"}),
                    ("auditLogBuckets", {"primary": "trading-audit-logs-dev-us-east-1",
                                         "secondary": "trading-audit-logs-dev-us-east-2"}),
                    ("apiFqdn", "api.trading.example.com"),
                )),
    # 004: CDKTF Python, transactions on Aurora MySQL Serverless v2, us-east-1 / us-west-2: the database only
    SeedExample("transactions-cdktf-python", "python", (DATABASE,), known_outputs=(
        ("primaryRegion", "us-east-1"),
        ("secondaryRegion", "us-west-2"),
        ("globalClusterIdentifier", "transactions-global-dev"),
    )),
]
IDS = [e.slug for e in EXAMPLES]


def seed_copy(example: SeedExample, tmp_path: pathlib.Path) -> pathlib.Path:
    """The example in a scratch directory, its node_modules linked to the shared one."""
    return scratch_copy(example.source, tmp_path / example.slug, node_modules=NODE_MODULES)


def project_of(example: SeedExample) -> tuple[str, dict[str, object]]:
    """The project name and the dev stack's config of an example."""
    project = yaml.safe_load((example.source / "Pulumi.yaml").read_text())["name"]
    config = yaml.safe_load((example.source / "Pulumi.dev.yaml").read_text())["config"]
    return project, config


def test_every_seed_example_is_listed_and_complete() -> None:
    on_disk = sorted(p.name for p in SEEDS.iterdir() if p.is_dir())
    assert on_disk == sorted(IDS), "each directory in examples/seeds needs an entry in EXAMPLES"
    projects = [project_of(e)[0] for e in EXAMPLES]
    assert len(set(projects)) == len(projects), f"project names must differ: {projects}"
    for example in EXAMPLES:
        common = ["Pulumi.yaml", "Pulumi.dev.yaml", "README.md", ".gitignore", example.program]
        own = (["package.json", "tsconfig.json", ".npmrc"] if example.language == "typescript"
               else ["requirements.txt"])
        missing = [f for f in common + own if not (example.source / f).is_file()]
        assert not missing, f"{example.slug} lacks {missing}"
        project, config = project_of(example)
        assert f"{project}:dbPassword" not in config, f"{example.slug}: the password must be set by the user as a secret"
        assert config.get("multiregion-dr:primaryRegion") and config.get("multiregion-dr:secondaryRegion"), example.slug


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_seed_example_type_checks(example: SeedExample, tmp_path: pathlib.Path, mypy_cache: pathlib.Path) -> None:
    work = seed_copy(example, tmp_path)
    if example.language == "typescript":
        assert TSC.exists(), f"{TSC} is missing: run bash tests/e2e/prepare.sh"
        args = [str(TSC), "--noEmit", "--pretty", "false", "-p", str(work)]
    else:
        mypy = [str(MYPY)] if MYPY.exists() else [sys.executable, "-m", "mypy"]
        args = [*mypy, "--strict", "--no-pretty", "--cache-dir", str(mypy_cache), example.program]
    proc = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{example.slug} does not type-check:\n{proc.stdout}{proc.stderr}"


def seed_stack(emulator: Emulator, tmp_path: pathlib.Path, example: SeedExample) -> Stack:
    """The example in a scratch copy, against a fresh emulator holding the hosted zone it names."""
    work = seed_copy(example, tmp_path)
    project, config = project_of(example)
    emulator.reset()
    zone = config.get(f"{project}:zoneName")
    if zone:
        emulator.client("route53").create_hosted_zone(Name=zone, CallerReference=f"e2e-{example.slug}")
    return Stack(
        workdir=work,
        emulator=emulator,
        config={"multiregion-dr:endpoints": emulator.endpoints(), "multiregion-dr:maxRetries": "2"},
        secrets={f"{project}:dbPassword": DB_PASSWORD},
    )


def qualified_type(urn: str) -> str:
    """The parent-qualified type of a URN: `Parent$Child` for a child resource."""
    return urn.split("::")[2]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_seed_example_previews(emulator: Emulator, tmp_path: pathlib.Path, example: SeedExample) -> None:
    stack = seed_stack(emulator, tmp_path, example)
    emulator.clear_calls()
    run: Run = stack.run("preview")
    assert run.ok, run.describe()
    assert emulator.writes() == [], f"preview wrote to AWS: {emulator.writes()}"

    expected = sorted([COMPONENT, *example.children, *example.standalone])
    assert run.ops("create") == expected, run.describe()
    creates = [s for s in run.summary["steps"] if s["op"] == "create"]
    under_component = sorted(s["type"] for s in creates if qualified_type(s["urn"]).startswith(COMPONENT + "$"))
    assert under_component == sorted(example.children), f"children of the component: {under_component}\n{run.describe()}"
    top_level = sorted(s["type"] for s in creates
                       if "$" not in qualified_type(s["urn"]) and s["type"] != "pulumi:pulumi:Stack"
                       and not s["type"].startswith("pulumi:providers:"))
    assert top_level == sorted([COMPONENT, *example.standalone]), run.describe()
    outputs = run.summary.get("outputs", {})
    for key, value in example.known_outputs:
        assert outputs.get(key) == value, f"output {key}: {outputs.get(key)!r}, expected {value!r}"
    assert [r for r in run.resources() if r["type"] != "pulumi:pulumi:Stack"] == [], "a preview saved resources"
    for where, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        assert DB_PASSWORD not in text, f"the preview printed the master password in its {where}"
