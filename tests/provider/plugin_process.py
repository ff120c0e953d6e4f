"""The provider plugin as a process, started exactly as the Pulumi engine starts it, and a recording
Engine service for its Log messages. Shared by the protocol tests and the demo."""

import os
import pathlib
import signal
import subprocess
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2_grpc

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(
    os.environ.get("PROVIDER_BINARY", REPO / "target" / "debug" / "pulumi-resource-multiregion-dr")
)


class RecordingEngine(engine_pb2_grpc.EngineServicer):
    """The engine's Log service: records what the provider reports."""

    def __init__(self, echo=None):
        self.logs = []
        self.echo = echo

    def Log(self, request, context):
        self.logs.append(request)
        if self.echo:
            self.echo(request)
        return empty_pb2.Empty()


def start_engine(echo=None):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    recorder = RecordingEngine(echo)
    engine_pb2_grpc.add_EngineServicer_to_server(recorder, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    recorder.address = f"127.0.0.1:{port}"
    recorder.server = server
    return recorder


class Plugin:
    def __init__(self, proc, port):
        self.proc = proc
        self.port = port
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=10)
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stderr_lines = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode(errors="replace"))

    def stop(self):
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def launch(engine_address, env=None):
    """Launches the plugin with the argv the engine builds: flags first, the engine address last,
    `--tracing <url>` as two separate elements."""
    assert BINARY.exists(), f"build the provider first: {BINARY} is missing (cargo build)"
    args = [str(BINARY), "--logtostderr", "-v=9", "--tracing", "http://127.0.0.1:9", engine_address]
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    first = proc.stdout.readline()
    assert first.endswith(b"\n"), f"no port line on stdout: {first!r}"
    text = first.decode().strip()
    assert text.isdigit(), f"stdout's first line must be the bare port, got {first!r}"
    port = int(text)
    assert 1 <= port <= 65535
    return Plugin(proc, port)


def wait_exit(proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc.returncode
        time.sleep(0.02)
    return None
