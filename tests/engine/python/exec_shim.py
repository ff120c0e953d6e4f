"""Runs a Pulumi Python program against an engine, doing what the CLI's
pulumi-language-python-exec does (that script ships only with the CLI): parse the language host's
flags, load config from PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS, configure the runtime, change to
the program's directory, and run the program inside the root stack on a fresh event loop.

Exit codes: 0 success; 1 a RunError; 32 any other exception. Both are reported through the engine's
Log before exiting."""

import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import pulumi
import pulumi.runtime
from pulumi.runtime.config import get_config_env, get_config_secret_keys_env


def main() -> int:
    parser = argparse.ArgumentParser(description="Executes a Pulumi program (dr-engine shim)")
    parser.add_argument("--project", help="Set the project name")
    parser.add_argument("--root_directory", help="Set the root directory of the project")
    parser.add_argument("--stack", help="Set the stack name")
    parser.add_argument("--parallel", help="Run P resource operations in parallel (default=none)")
    parser.add_argument("--dry_run", help="Simulate resource changes, but without making them")
    parser.add_argument("--pwd", help="Change the working directory before running the program")
    parser.add_argument("--monitor", help="An RPC address for the resource monitor to connect to")
    parser.add_argument("--engine", help="An RPC address for the engine to connect to")
    parser.add_argument("--tracing", help="A Zipkin-compatible endpoint to send tracing data to")
    parser.add_argument("--organization", help="Set the organization name")
    parser.add_argument("PROGRAM", help="The Python program to run")
    parser.add_argument("ARGS", help="Arguments to pass to the program", nargs="*")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(get_config_env(), get_config_secret_keys_env())

    parallel = int(args.parallel)
    settings = pulumi.runtime.Settings(
        monitor=args.monitor,
        engine=args.engine,
        project=args.project,
        stack=args.stack,
        parallel=parallel,
        dry_run=args.dry_run == "true",
        organization=args.organization,
        root_directory=args.root_directory,
    )
    pulumi.runtime.configure(settings)

    sys.argv = [args.PROGRAM] + args.ARGS
    if args.pwd is not None:
        os.chdir(args.pwd)

    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=max(parallel, 1) * 4))
    asyncio.set_event_loop(loop)
    # Cancelled outputs after a failure log noise at ERROR; the engine already has the real error.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    code = 0
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(args.PROGRAM, run_name="__main__"))
        )
    except pulumi.RunError as e:
        pulumi.log.error(str(e))
        code = 1
    except Exception:  # noqa: BLE001 - every failure must become an exit code
        message = "Program failed with an unhandled exception:\n" + traceback.format_exc()
        try:
            pulumi.log.error(message)
        except Exception:  # noqa: BLE001 - the engine is gone: stderr is all that is left
            sys.stderr.write(message)
        code = 32
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
