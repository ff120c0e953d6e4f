#!/usr/bin/env python3
"""Runs the provider plugin as the engine would (same argv, its stdout is the engine's: the port line)
and, when it exits, writes what the kernel accounted for it: peak resident memory and CPU time.

    PLUGIN_USAGE_OUT=usage.json PLUGIN_USAGE_BINARY=path/to/plugin plugin_usage.py <engine's argv>

bench/run.py puts a shell script that execs this one where the Pulumi CLI looks for the plugin (Pulumi.yaml
`plugins.providers`). SIGINT and SIGTERM are passed on to the plugin, so it shuts down as it would under
the engine.
"""

import json
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    binary = os.environ["PLUGIN_USAGE_BINARY"]
    out = os.environ["PLUGIN_USAGE_OUT"]
    started = time.monotonic()
    child = subprocess.Popen([binary, *sys.argv[1:]])
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _frame: child.send_signal(s))
    while True:
        try:
            _, status, usage = os.wait4(child.pid, 0)
            break
        except InterruptedError:
            continue
    with open(out, "w") as f:
        json.dump({
            "max_rss_kib": usage.ru_maxrss,
            "user_s": usage.ru_utime,
            "system_s": usage.ru_stime,
            "wall_s": time.monotonic() - started,
            "status": status,
        }, f)
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0


if __name__ == "__main__":
    sys.exit(main())
