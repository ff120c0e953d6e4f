"""tests/emulator/serve: URL first on stdout, a free port each time, concurrent service, clean stop."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

from conftest import SERVE, Emu


def start() -> tuple[subprocess.Popen, str, float]:
    began = time.time()
    proc = subprocess.Popen([str(SERVE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    return proc, url, time.time() - began


def test_prints_url_first_and_stops_on_sigterm_and_sigint():
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc, url, _ = start()
        try:
            assert url.startswith("http://127.0.0.1:") and int(url.rsplit(":", 1)[1]) > 0
            emu = Emu(url)
            assert emu.control("GET", "ping")["ok"] is True
        finally:
            proc.send_signal(sig)
            assert proc.wait(timeout=20) == 0


def test_two_emulators_get_different_ports():
    a, url_a, _ = start()
    b, url_b, _ = start()
    try:
        assert url_a != url_b
    finally:
        for p in (a, b):
            p.terminate()
            p.wait(timeout=20)


def test_exits_when_stdin_closes():
    proc = subprocess.Popen(
        [str(SERVE), "--exit-with-stdin"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout.readline().startswith("http://127.0.0.1:")
    proc.stdin.close()
    assert proc.wait(timeout=20) == 0


def test_startup_is_quick_enough_for_one_emulator_per_test():
    began = time.time()
    proc, url, printed = start()
    try:
        emu = Emu(url)
        while not emu.control("GET", "ping")["ready"]:
            time.sleep(0.02)
        ready = time.time() - began
        # Generous bounds (CI has 2 busy cores); the README gives the measured numbers.
        assert printed < 10, f"URL printed after {printed:.2f}s"
        assert ready < 30, f"ready after {ready:.2f}s"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_calls_are_served_concurrently(emu):
    emu.control("POST", "latency", {"service": "sts", "fixed_ms": 800})
    sts = emu.client("sts")
    threads = [threading.Thread(target=sts.get_caller_identity) for _ in range(4)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    calls = emu.calls(service="sts")
    assert len(calls) == 4
    # Four 0.8 s calls one after another would take 3.2 s; served concurrently they overlap.
    assert elapsed < 2.8, elapsed
    starts = sorted(c["start"] for c in calls)
    ends = sorted(c["end"] for c in calls)
    assert starts[-1] < ends[0], "all four were in flight at once"
