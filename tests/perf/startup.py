"""Plugin start-up to port-ready, and idle memory, measured as the engine sees them: spawn the binary
with the engine's argv, time until the port line arrives on stdout, then read the process's resident
memory after it has been idle for a second.

    .venv/bin/python tests/perf/startup.py [path/to/pulumi-resource-multiregion-dr] [runs]
"""

import pathlib
import signal
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def once(binary):
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline()
    ready = time.perf_counter() - start
    assert line.strip().isdigit(), line
    time.sleep(1.0)
    rss = rss_kib(proc.pid)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=5)
    return ready, rss


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "target" / "release" / "pulumi-resource-multiregion-dr")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    once(binary)  # warm the page cache
    results = [once(binary) for _ in range(runs)]
    ready = sorted(r[0] * 1000 for r in results)
    rss = sorted(r[1] / 1024 for r in results)
    print(f"binary: {binary}")
    print(f"start to port-ready over {runs} runs: median {statistics.median(ready):.1f} ms, min {ready[0]:.1f} ms, max {ready[-1]:.1f} ms")
    print(f"idle resident memory: median {statistics.median(rss):.1f} MiB, min {rss[0]:.1f} MiB, max {rss[-1]:.1f} MiB")


if __name__ == "__main__":
    main()
