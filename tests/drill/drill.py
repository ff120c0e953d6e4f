"""Failover drill: the Python example deployed against the emulator with slow transitions, then
switched over to the secondary and back with `activeRegion`, as an SRE would do it. Prints each
phase of each move (from the GlobalDatabase's `lastSwitch` output and the Route 53 calls that made
DNS follow) and the time from the start of the move to DNS answering for the new region.

    make drill                         # or: .venv/bin/python tests/drill/drill.py [--switchover-seconds N]

Exits non-zero when a move fails or the writer and DNS do not end up on the declared side.
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from harness import PRIMARY, SECONDARY, example_stack, pulumi_cli, start_emulator, stop  # noqa: E402


def epoch(stamp: str) -> float:
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def report(title: str, record: dict, calls: list[dict], engine_seconds: float) -> float:
    """Prints the phases of one move and returns its RTO: start of the move to DNS in sync."""
    dns = [c for c in calls if c["service"] == "route53" and c["operation"] in ("ChangeResourceRecordSets", "GetChange")]
    if not dns:
        raise SystemExit(f"{title}: DNS did not follow the database (no Route 53 change)")
    start = epoch(record["startedAt"])
    dns_start, dns_end = min(c["start"] for c in dns), max(c["end"] for c in dns)
    print(f"\n{title}: {record['kind']} {record['fromRegion']} -> {record['toRegion']}")
    print(f"  {'phase':<12} {'region':<11} {'from start':>10} {'took':>8}")
    for phase in record["phases"]:
        offset = epoch(phase["startedAt"]) - start
        print(f"  {phase['name']:<12} {phase['region']:<11} {offset:>9.1f}s {phase['seconds']:>7.1f}s")
    print(f"  {'dns':<12} {'us-east-1':<11} {dns_start - start:>9.1f}s {dns_end - dns_start:>7.1f}s"
          "   (failover records swapped, change INSYNC)")
    rto = dns_end - start
    print(f"  database moved in {record['durationSeconds']:.1f}s; DNS answered for {record['toRegion']} "
          f"{rto:.1f}s after the move started (whole `up`: {engine_seconds:.1f}s)")
    return rto


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--switchover-seconds", type=float, default=8.0,
                        help="how long the emulator's switchover takes (default 8)")
    args = parser.parse_args()
    proc, emu = start_emulator()
    cli = pulumi_cli()
    print(subprocess.run([str(cli), "version"], capture_output=True, text=True).stdout.strip(), f"({cli})")
    try:
        with tempfile.TemporaryDirectory(prefix="dr-drill-") as tmp:
            stack = example_stack(emu, pathlib.Path(tmp), "python")
            up = stack.run("up")
            if up.code != 0:
                print(up.describe())
                return 1
            print(f"deployed: writer in {up.summary['outputs']['writerRegion']}, ready: {up.summary['outputs']['ready']}")
            emu.control("POST", "lifecycle", {"rds": {"switching-over": args.switchover_seconds}})
            rtos = []
            for side, region in (("secondary", SECONDARY), ("primary", PRIMARY)):
                stack.config["payments-dr:activeRegion"] = side
                emu.clear_calls()
                began = time.monotonic()
                moved = stack.run("up")
                took = time.monotonic() - began
                if moved.code != 0:
                    print(moved.describe())
                    return 1
                out = moved.summary["outputs"]
                if out["writerRegion"] != region:
                    print(f"the writer is in {out['writerRegion']}, not {region}")
                    return 1
                rtos.append(report(f"activeRegion: {side}", out["lastSwitch"], emu.calls(), took))
            emu.control("DELETE", "lifecycle")
            destroyed = stack.run("destroy")
            if destroyed.code != 0:
                print(destroyed.describe())
                return 1
            print(f"\ndrill passed: switchover and back, RTO {rtos[0]:.1f}s and {rtos[1]:.1f}s "
                  f"with an emulated {args.switchover_seconds:.0f}s switchover; everything destroyed")
            return 0
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
