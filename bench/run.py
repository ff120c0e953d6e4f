"""The benchmarks of issue #12 in one run, printed side by side: each figure, what was measured, the
target, and whether it is met. docs/performance.md explains every figure and how it is measured.

    .venv/bin/python bench/run.py [--quick] [--plugin PATH] [--only startup,fanout,wait,scale,progress]
                                  [--json FILE]

Builds nothing: it uses $CARGO_TARGET_DIR (default target/) debug/ binaries, and the plugin given by
--plugin (default: release/ if it is there, else debug/). `make bench` builds what it needs first.
Exits 1 when a figure misses its target.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

import minimum  # noqa: E402

TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
PYTHON = sys.executable
# Programs use this repository's generated Python SDK, which speaks the schema of the plugin
# measured (a virtualenv may hold another version of it).
PROGRAM_ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "sdk" / "python"), os.environ.get("PYTHONPATH")]))}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_EC2_METADATA_DISABLED": "true"}

rows: list[dict] = []


def row(figure: str, measured: str, target: str, ok: bool | None, note: str = "") -> None:
    rows.append({"figure": figure, "measured": measured, "target": target, "ok": ok, "note": note})
    mark = {True: "pass", False: "FAIL", None: "-"}[ok]
    print(f"  {figure}: {measured} (target {target}) {mark}", flush=True)


# ---------------------------------------------------------------------------------------------
# 1. Start-up and idle memory


def process_tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and every process under it."""
    children = defaultdict(list)
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        children[int(fields[1])].append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in pathlib.Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def start_once(argv: list[str]) -> tuple[float, int]:
    """Seconds from spawn to the port line on stdout; KiB resident after 1 s idle (whole tree)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    line = proc.stdout.readline()
    ready = time.perf_counter() - start
    if not line.strip().isdigit():
        proc.kill()
        raise RuntimeError(f"{argv[0]} printed {line!r}, not a port")
    time.sleep(1.0)
    rss = process_tree_rss_kib(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return ready, rss


def startup(plugin: str, runs: int) -> None:
    print(f"[1] start-up and idle memory, {runs} runs each, median", flush=True)
    component_dir = pathlib.Path(tempfile.mkdtemp(prefix="bench-pycomponent-"))
    subprocess.run([PYTHON, str(HERE / "py_component" / "generate.py"), str(component_dir)], check=True,
                   capture_output=True)
    engine_argv = ["--logtostderr", "127.0.0.1:1"]  # what the engine passes (it is never dialled here)
    candidates = {
        "ours": [plugin, *engine_argv],
        "python": [PYTHON, str(component_dir / "__main__.py"), *engine_argv],
    }
    results = {}
    for name, argv in candidates.items():
        start_once(argv)  # page cache, .pyc files
        samples = [start_once(argv) for _ in range(runs)]
        results[name] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    shutil.rmtree(component_dir, ignore_errors=True)
    (ours_t, ours_m), (py_t, py_m) = results["ours"], results["python"]
    row("1a start to port-ready", f"ours {ours_t * 1000:.1f} ms, Python component {py_t * 1000:.0f} ms: {py_t / ours_t:.0f}x faster",
        ">= 20x faster", py_t / ours_t >= 20)
    row("1b idle memory (RSS)", f"ours {ours_m / 1024:.1f} MiB, Python component {py_m / 1024:.1f} MiB: {py_m / ours_m:.1f}x smaller",
        ">= 5x smaller", py_m / ours_m >= 5)


# ---------------------------------------------------------------------------------------------
# 2 and 4. Fan-out against the critical path; calls against the minimum


def hop_seconds(calibration: list[dict]) -> dict[str, float]:
    """Per service, what a call costs beyond the emulator's own time (its HTTP handling, the network,
    the SDK): client-timed cheap reads minus the durations the emulator logged for them."""
    by_service = defaultdict(list)
    for c in calibration:
        by_service[c["service"]].append(c["client"] - c["server"])
    return {service: statistics.median(v) for service, v in by_service.items()}


def weighted_critical_path(calls_min, observed: list[dict], hop: dict[str, float]) -> float:
    """The critical path: the longest chain of declared calls, each taking what the emulator logged
    for the matching call (same service, operation and region, in order; unmatched ones the median)
    plus what a call of that service costs on top of it (`hop`)."""
    pools = defaultdict(list)
    for c in sorted(observed, key=lambda c: c["start"]):
        pools[(c["service"], c["operation"], c["region"])].append(c["end"] - c["start"])
    median = statistics.median(c["end"] - c["start"] for c in observed)
    extra = statistics.median(hop.values()) if hop else 0.0
    seconds = {}
    for name, service, operation, region, _, _ in calls_min:
        pool = pools[(service, operation, region)]
        seconds[name] = (pool.pop(0) if pool else median) + hop.get(service, extra)
    return minimum.critical_path(calls_min, seconds)


def ops_bench_binary(profile: str) -> pathlib.Path:
    binary = TARGET / profile / "examples" / "ops_bench"
    if not binary.exists():
        flag = " --release" if profile == "release" else ""
        raise SystemExit(f"build first: cargo build{flag} -p pulumi-resource-multiregion-dr --example ops_bench ({binary})")
    return binary


def fanout(latency_ms: int, rounds: int, profile: str) -> None:
    binary = ops_bench_binary(profile)
    print(f"[2,4] create and delete of each resource, {latency_ms} ms added to every AWS call, {rounds} round(s), {binary}", flush=True)
    per_op = defaultdict(list)
    for _ in range(rounds):
        out = subprocess.run([str(binary), "--latency-ms", str(latency_ms)], check=True, capture_output=True,
                             text=True, env={**os.environ, "DR_EMULATOR_PYTHON": PYTHON}).stdout
        result = json.loads(out)
        for resource, ops in result["resources"].items():
            if not ops["outputs_match_read"]:
                row(f"{resource} outputs", "Create's outputs differ from a read", "equal", False,
                    json.dumps(ops["outputs_differ"])[:400])
            for op in ("create", "delete"):
                per_op[(resource, op)].append(ops[op])
    for (key, op), runs in sorted(per_op.items()):
        # `X+budget`: the same operation with the client-side request budget the plugin ships
        # (Route 53 4/s, burst 3, ...); the fan-out figure itself is taken with it lifted.
        resource, budgeted = key.removesuffix("+budget"), key.endswith("+budget")
        declared = minimum.MINIMUM[(resource, op)]
        ratios, walls, paths, hops = [], [], [], []
        for r in runs:
            ok_calls = [c for c in r["calls"] if c["end"] is not None]
            hop = hop_seconds(r.get("calibration", []))
            path = weighted_critical_path(declared, ok_calls, hop)
            ratios.append(r["wall"] / path)
            walls.append(r["wall"])
            paths.append(path)
            hops.extend(hop.values())
        made = len(runs[0]["calls"])
        ratio = statistics.median(ratios)
        measured = (f"{statistics.median(walls):.3f} s / {statistics.median(paths):.3f} s ({minimum.chain_length(declared)} calls deep, "
                    f"{statistics.median(hops) * 1000 if hops else 0:.0f} ms a call beyond the emulator's) = {ratio:.2f}")
        if budgeted:
            row(f"2b {resource} {op}: wall / critical path with the shipped request budget", measured, "(reported)", None)
            continue
        row(f"2 {resource} {op}: wall / critical path", measured, "<= 1.15", ratio <= 1.15)
        extra = sorted(extra_calls(declared, runs[0]["calls"]))
        row(f"4 {resource} {op}: AWS calls", f"{made} vs minimum {len(declared)}" + (f" (+ {', '.join(extra)})" if extra else ""),
            "equal", made == len(declared))


def extra_calls(declared, observed: list[dict]) -> list[str]:
    want = defaultdict(int)
    for _, service, operation, region, _, _ in declared:
        want[(service, operation, region)] += 1
    extra = []
    for c in observed:
        key = (c["service"], c["operation"], c["region"])
        if want[key] > 0:
            want[key] -= 1
        else:
            extra.append(f"{c['operation']}@{c['region']}")
    missing = [f"-{op}@{region}" for (_, op, region), n in want.items() for _ in range(n)]
    return extra + missing


# ---------------------------------------------------------------------------------------------
# 3. Waiting


def waiting() -> None:
    print("[3] a 10-minute wait on the production backoff (a jumping clock)", flush=True)
    proc = subprocess.run(
        ["cargo", "test", "-q", "-p", "pulumi-resource-multiregion-dr", "--lib",
         "context::tests::a_ten_minute_wait_is_noticed_promptly_with_few_polls", "--", "--nocapture"],
        cwd=REPO, capture_output=True, text=True)
    m = re.search(r"wait-figures: polls=(\d+) late_s=([\d.]+) status_lines=(\d+)", proc.stdout)
    if not m:
        row("3 10-minute wait", "test did not report", "<= 40 polls, <= 30 s late", False, proc.stdout[-500:] + proc.stderr[-500:])
        return
    polls, late, status = int(m[1]), float(m[2]), int(m[3])
    row("3a describe calls over a 10-minute wait", str(polls), "about 40 or fewer", polls <= 40 and proc.returncode == 0)
    row("3b noticed after available", f"{late:.1f} s", "<= 30 s", late <= 30 and proc.returncode == 0)
    row("3c status lines during the wait", f"{status} (every 10 s from 5 s)", "-", None)


# ---------------------------------------------------------------------------------------------
# 5. Scale


class EmulatorProcess:
    def __init__(self) -> None:
        serve = REPO / "tests" / "emulator" / "serve"
        self.proc = subprocess.Popen([str(serve)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True, env={**os.environ, "DR_EMULATOR_PYTHON": PYTHON})
        self.url = self.proc.stdout.readline().strip()
        deadline = time.time() + 60
        while not self.control("GET", "ping").get("ready"):
            if time.time() > deadline:
                raise RuntimeError("the emulator never became ready")
            time.sleep(0.05)

    def control(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_emulator/{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")

    def endpoints(self) -> str:
        return json.dumps({s: self.url for s in ("rds", "route53", "dynamodb", "s3", "iam", "sts")})

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=10)


def hosted_zone(emu: EmulatorProcess, name: str) -> None:
    import boto3
    boto3.client("route53", region_name="us-east-1", endpoint_url=emu.url,
                 aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"]).create_hosted_zone(
        Name=name, CallerReference=f"bench-{time.time()}")


def engine_run(emu: EmulatorProcess, workdir: pathlib.Path, plugin: str, operation: str, count: int,
               parallel: int) -> dict:
    """`pulumi <operation>` of the scale program on the real CLI (tests/e2e/harness.py runs it), the plugin
    found through a folder whose pulumi-resource-multiregion-dr is plugin_usage.py wrapping `plugin`, so the
    kernel's accounting of the plugin process is recorded."""
    from harness import Emulator, Stack

    usage = workdir.parent / f"{workdir.name}-{operation}-usage.json"
    wrapper_dir = workdir.parent / f"{workdir.name}-plugin"
    wrapper_dir.mkdir(exist_ok=True)
    wrapper = wrapper_dir / "pulumi-resource-multiregion-dr"
    wrapper.write_text(f'#!/bin/sh\nexec "{PYTHON}" "{HERE / "plugin_usage.py"}" "$@"\n')
    wrapper.chmod(0o755)
    os.environ.update({**CREDENTIALS, **PROGRAM_ENV, "PLUGIN_USAGE_BINARY": plugin, "PLUGIN_USAGE_OUT": str(usage)})
    stack = Stack(workdir=workdir, emulator=Emulator(emu.url), plugin_dir=wrapper_dir,
                  config={"multiregion-dr:endpoints": emu.endpoints(), "multiregion-dr:maxRetries": "5",
                          "dr-scale:count": str(count)},
                  secrets={"dr-scale:dbPassword": "bench-Sup3r-secret"})
    started = time.monotonic()
    run = stack.run(operation, "--parallel", str(parallel), timeout=1800)
    wall = time.monotonic() - started
    if not run.ok:
        raise RuntimeError(f"pulumi {operation} at {count}: {run.describe()}")
    result = json.loads(usage.read_text())
    result["engine_wall_s"] = wall
    result["steps"] = len(run.steps)
    return result


def scale(plugin: str, sizes: list[int], parallel: int) -> None:
    print(f"[5] {', '.join(map(str, sizes))} MultiRegionDR components (all four blocks) through pulumi up, --parallel {parallel}", flush=True)
    emu = EmulatorProcess()
    measured = {}
    try:
        for n in sizes:
            emu.control("POST", "reset")
            hosted_zone(emu, "scale.example.com")
            scratch = pathlib.Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-"))
            workdir = scratch / "program"
            shutil.copytree(HERE / "scale", workdir)
            up = engine_run(emu, workdir, plugin, "up", n, parallel)
            measured[n] = up
            cpu = up["user_s"] + up["system_s"]
            print(f"    N={n}: {up['steps']} steps, engine wall {up['engine_wall_s']:.1f} s, plugin peak RSS "
                  f"{up['max_rss_kib'] / 1024:.1f} MiB, plugin CPU {cpu:.2f} s ({cpu / n * 1000:.0f} ms per component)", flush=True)
            shutil.rmtree(scratch, ignore_errors=True)
    finally:
        emu.stop()
    biggest = max(sizes)
    peak = measured[biggest]["max_rss_kib"] / 1024
    row(f"5a plugin peak memory, {biggest} components", f"{peak:.1f} MiB", "< 150 MB", peak * 1.048576 < 150)
    per = {n: (m["user_s"] + m["system_s"]) / n for n, m in measured.items()}
    row("5b plugin CPU time per component", ", ".join(f"N={n}: {per[n] * 1000:.0f} ms" for n in sizes), "-", None)
    if len(sizes) >= 3:
        a, b, c = sizes[:3]
        cpu = {n: m["user_s"] + m["system_s"] for n, m in measured.items()}
        first, second = (cpu[b] - cpu[a]) / (b - a), (cpu[c] - cpu[b]) / (c - b)
        growth = second / first
        row(f"5c CPU growth {a}->{b}->{c}: per added component",
            f"{first * 1000:.0f} ms then {second * 1000:.0f} ms (x{growth:.2f})", "linear (x0.8-1.25)",
            0.8 <= growth <= 1.25)
        mem = {n: m["max_rss_kib"] / 1024 for n, m in measured.items()}
        row(f"5d peak memory at {a}/{b}/{c}", " / ".join(f"{mem[n]:.1f}" for n in (a, b, c)) + " MiB", "-", None)
        walls = {n: m["engine_wall_s"] for n, m in measured.items()}
        row(f"5e pulumi up wall time at {a}/{b}/{c}", " / ".join(f"{walls[n]:.0f}" for n in (a, b, c)) + " s", "-", None)


# ---------------------------------------------------------------------------------------------
# 6. Progress


def progress() -> None:
    print("[6] progress: the end-to-end test that asserts status messages (tests/e2e/test_examples.py)", flush=True)
    proc = subprocess.run([PYTHON, "-m", "pytest", "-q", "tests/e2e/test_examples.py", "-k", "test_example_lifecycle and python"],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, **PROGRAM_ENV})
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    row("6 status messages during a wait > 5 s", tail, "asserted by an e2e test", proc.returncode == 0)


# ---------------------------------------------------------------------------------------------


def minimum_markdown() -> str:
    out = []
    for (resource, op), calls in minimum.MINIMUM.items():
        out.append(f"**{resource} {op}**: {len(calls)} calls, {minimum.chain_length(calls)} deep\n")
        out.append("| call | AWS operation | region | after | why |\n|---|---|---|---|---|")
        for name, service, operation, region, after, reason in calls:
            where = "global" if service in ("route53", "iam") else {minimum.P: "primary", minimum.S: "secondary"}[region]
            out.append(f"| {name} | {operation} | {where} | {', '.join(after) or '-'} | {reason} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer runs and smaller stacks")
    ap.add_argument("--plugin", help="the plugin binary to measure")
    ap.add_argument("--profile", choices=["release", "debug"],
                    help="which build of the plugin and of the ops bench (default: release when built)")
    ap.add_argument("--only", default="startup,fanout,wait,scale,progress")
    ap.add_argument("--sizes", help="component counts for the scale figure (default 10,50,100; quick 10,30,50)")
    ap.add_argument("--parallel", type=int, default=16, help="pulumi up --parallel for the scale figure")
    ap.add_argument("--json", help="also write the table here")
    ap.add_argument("--reproduce-only", action="store_true",
                    help="exit 0 when every figure was measured, met or not (CI: on the debug build the "
                         "figures differ, but a figure that can no longer be measured fails)")
    ap.add_argument("--minimum-markdown", action="store_true",
                    help="print bench/minimum.py as the Markdown tables of docs/performance.md, and exit")
    args = ap.parse_args()
    if args.minimum_markdown:
        print(minimum_markdown())
        return 0
    release = TARGET / "release" / "pulumi-resource-multiregion-dr"
    profile = args.profile or ("release" if release.exists() else "debug")
    plugin = args.plugin or str(TARGET / profile / "pulumi-resource-multiregion-dr")
    only = set(args.only.split(","))
    print(f"plugin: {plugin} ({profile} build); machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    if "startup" in only:
        startup(plugin, 5 if args.quick else 15)
    if "fanout" in only:
        fanout(100, 1 if args.quick else 3, profile)
    if "wait" in only:
        waiting()
    if "scale" in only:
        sizes = [int(s) for s in (args.sizes or ("10,30,50" if args.quick else "10,50,100")).split(",")]
        scale(plugin, sizes, args.parallel)
    if "progress" in only:
        progress()
    width = max(len(r["figure"]) for r in rows)
    print("\n" + "figure".ljust(width) + " | result | measured | target")
    for r in rows:
        mark = {True: "pass", False: "FAIL", None: "-"}[r["ok"]]
        print(f"{r['figure'].ljust(width)} | {mark:6} | {r['measured']} | {r['target']}" + (f"  [{r['note']}]" if r["note"] else ""))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"plugin": plugin, "rows": rows}, indent=1))
    if args.reproduce_only:
        return 0
    return 1 if any(r["ok"] is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
