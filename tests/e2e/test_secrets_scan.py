"""No secret value given to any stack appears outside a secret envelope in anything any end-to-end run
of this session left behind: CLI stdout and stderr, engine events (Log messages, diagnostics, plugin
stderr, program output), summaries (outputs and errors) and states. Runs after every other test
(conftest.py) and fails when there is nothing to scan, so it cannot pass vacuously."""

from __future__ import annotations

import json
import pathlib

import harness
from harness import DB_PASSWORD, SECRET_SIG, SESSION_LOGS, plain_occurrences


def enveloped(value: object, needle: str, inside: bool = False) -> int:
    """How many times `needle` appears inside secret envelopes."""
    if isinstance(value, dict):
        inside = inside or value.get(SECRET_SIG[0]) == SECRET_SIG[1]
        return sum(enveloped(v, needle, inside) for v in value.values())
    if isinstance(value, list):
        return sum(enveloped(v, needle, inside) for v in value)
    return int(inside and isinstance(value, str) and needle in value)


def documents(path: pathlib.Path) -> list[tuple[str, object]]:
    """A file as the JSON documents it holds (one per line for .jsonl), or its text."""
    text = path.read_text(errors="replace")
    if path.suffix == ".json":
        return [("", json.loads(text))] if text.strip() else []
    if path.suffix == ".jsonl":
        return [(f"line {n + 1}", json.loads(line)) for n, line in enumerate(text.splitlines()) if line.strip()]
    return [("", text)]


def test_no_secret_in_any_log_of_any_run() -> None:
    runs = sorted(p for p in SESSION_LOGS.iterdir() if p.is_dir()) if SESSION_LOGS.is_dir() else []
    assert runs, (f"no end-to-end run left logs in {SESSION_LOGS}: this scan runs after the other e2e tests "
                  "(pytest tests/e2e) and has nothing to check on its own")
    secrets = sorted(harness.SECRETS_USED | {DB_PASSWORD})
    leaks: list[str] = []
    files = scanned_bytes = in_envelopes = 0
    for run in runs:
        for path in sorted(run.iterdir()):
            files += 1
            scanned_bytes += path.stat().st_size
            for where, doc in documents(path):
                for secret in secrets:
                    if isinstance(doc, str):
                        if secret in doc:
                            at = doc.index(secret)
                            leaks.append(f"{path.relative_to(SESSION_LOGS)}: ...{doc[max(0, at - 100):at]}<SECRET>")
                    else:
                        leaks += [f"{path.relative_to(SESSION_LOGS)} {where} {p}" for p in plain_occurrences(doc, secret)]
                        in_envelopes += enveloped(doc, secret)
    harness.FIGURES.append(
        f"secrets scan: {files} files ({scanned_bytes // 1024} KiB) of {len(runs)} runs scanned for "
        f"{len(secrets)} secret values: {len(leaks)} leaks, {in_envelopes} occurrences inside secret envelopes "
        f"(logs kept in {SESSION_LOGS})")
    assert not leaks, "secret values outside secret envelopes:\n" + "\n".join(leaks[:50])
