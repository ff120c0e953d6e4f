"""Runs one `pulumi` command on a Python program served by the Automation API's language server.

    python_host.py PROGRAM_DIR PULUMI [ARG ...]

The module proxy serves no Pulumi language host (pulumi-language-python), so the program is served
the way the Automation API serves an inline program: its `LanguageServer` runs `__main__.py` in this
process, and the CLI is told where with `--client`. Everything else, from the engine to the state
file, is the real CLI's. stdin/stdout/stderr are the CLI's own; SIGINT and SIGTERM are passed on to
it, so a signal to this process is a signal to `pulumi`. Exits with the CLI's exit code.
"""

from __future__ import annotations

import os
import pathlib
import runpy
import signal
import subprocess
import sys
from concurrent import futures

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import language_pb2_grpc


def main() -> int:
    program_dir = pathlib.Path(sys.argv[1]).resolve()
    command = sys.argv[2:]
    sys.path.insert(0, str(program_dir))

    def program() -> None:
        runpy.run_path(str(program_dir / "__main__.py"), run_name="__main__")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=_GRPC_CHANNEL_OPTIONS)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageServer(program), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        cli = subprocess.Popen([*command, f"--client=127.0.0.1:{port}", "--exec-kind", "auto.inline"],
                               cwd=program_dir)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda s, _frame: cli.send_signal(s))
        return cli.wait()
    finally:
        server.stop(0)


if __name__ == "__main__":
    os.chdir(sys.argv[1])
    sys.exit(main())
