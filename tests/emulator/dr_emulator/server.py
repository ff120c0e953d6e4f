"""Process entry point: bind, print the URL, finish imports in the background, serve until told to stop."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time


def _log(msg: str) -> None:
    try:
        print(f"[dr-emulator] {msg}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        # Whoever read stderr is gone; the emulator must still be able to stop.
        pass


def _warm_up(app, started: float) -> None:
    try:
        from .patches import install_all

        install_all()
        dispatcher = app.moto
        # Build moto's per-service Flask apps now rather than inside the first test's first call.
        from moto.moto_server.werkzeug_app import create_backend_app

        with dispatcher.lock:
            for backend in ("rds", "route53", "dynamodb", "s3", "iam", "sts"):
                if backend not in dispatcher.app_instances:
                    dispatcher.app_instances[backend] = create_backend_app(backend)
        from . import state

        state.READY.set()
        _log(f"ready {time.time() - started:.2f}s after start")
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(3)


def main(argv: list[str] | None = None) -> None:
    started = time.time()
    parser = argparse.ArgumentParser(prog="serve")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--exit-with-stdin", action="store_true", help="stop when stdin reaches end of file")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    from .app import EmulatorApp

    app = EmulatorApp(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=MotoRequestHandler)
    server.daemon_threads = True
    port = server.socket.getsockname()[1]
    sys.stdout.write(f"http://127.0.0.1:{port}\n")
    sys.stdout.flush()
    _log(f"listening on 127.0.0.1:{port} after {time.time() - started:.2f}s")

    threading.Thread(target=_warm_up, args=(app, started), daemon=True).start()

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_stdin:

        def watch() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except OSError:
                pass
            # Stop before logging: when the parent died, stderr is a broken pipe too.
            stop()
            _log("stdin closed: stopping")

        threading.Thread(target=watch, daemon=True).start()

    server.serve_forever(poll_interval=0.2)
    _log("stopped")
