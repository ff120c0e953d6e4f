#!/usr/bin/env python3
"""
Helpers for tests/sdk/run.sh.

  check.py expect-errors <tsc|mypy> <source file> <tool output file>
      The type checker must report an error on every line marked `expect-error` in the source
      file and on no other line of it. This is what makes the "wrong program fails" tests able to
      fail for the right reason, rather than passing on any error at all.

  check.py coverage <schema.json> <nodejs|python> <program file>...
      Every resource, object type, enum and function of the schema must be named in the given
      programs, so the type-check programs keep up when the schema grows.
"""
import json
import re
import sys
from pathlib import Path


def expect_errors(tool: str, source: str, output_file: str) -> int:
    src = Path(source)
    expected = {
        i
        for i, line in enumerate(src.read_text().splitlines(), start=1)
        if re.search(r"(//|#)\s*expect-error", line)
    }
    if tool == "tsc":
        pattern = re.compile(r"^(?P<file>[^\s(]+)\((?P<line>\d+),\d+\): error (?P<msg>.*)$")
    elif tool == "mypy":
        pattern = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<msg>.*)$")
    else:
        print(f"unknown tool {tool}")
        return 2
    found: dict[int, list[str]] = {}
    for line in Path(output_file).read_text().splitlines():
        m = pattern.match(line.strip())
        if m and Path(m["file"]).name == src.name:
            found.setdefault(int(m["line"]), []).append(m["msg"])
    failures = []
    for line in sorted(expected - found.keys()):
        failures.append(f"{src.name}:{line}: expected a type error, got none")
    for line in sorted(found.keys() - expected):
        failures.append(f"{src.name}:{line}: unexpected error: {found[line][0]}")
    if not expected:
        failures.append(f"{src.name}: no expect-error markers")
    for f in failures:
        print(f"  {f}")
    if not failures:
        print(f"  {src.name}: {tool} rejected all {len(expected)} wrong lines and nothing else")
    return 1 if failures else 0


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


def snake(name: str) -> str:
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def coverage(schema_file: str, lang: str, programs: list[str]) -> int:
    schema = json.loads(Path(schema_file).read_text())
    text = "\n".join(Path(p).read_text() for p in programs)
    names: list[str] = []
    for token in schema.get("resources", {}):
        names.append(token.split(":")[-1])
    for token in schema.get("types", {}):
        names.append(token.split(":")[-1])
    for token, spec in schema.get("functions", {}).items():
        fn = lower_first(token.split(":")[-1])
        if lang == "python":
            fn = snake(fn)
            names.append(f"{fn}_output(" if spec.get("outputs") else f"{fn}(")
        else:
            names.append(f"{fn}Output(" if spec.get("outputs") else f"{fn}(")
        if spec.get("plain", True):
            names.append(f"{fn}(")
    missing = [n for n in names if not re.search(r"\b" + re.escape(n), text)]
    for n in missing:
        print(f"  {n} is not used by {', '.join(Path(p).name for p in programs)}")
    if not missing:
        print(f"  {len(names)} schema names are all used by {', '.join(Path(p).name for p in programs)}")
    return 1 if missing else 0


def main() -> int:
    if len(sys.argv) >= 5 and sys.argv[1] == "expect-errors":
        return expect_errors(sys.argv[2], sys.argv[3], sys.argv[4])
    if len(sys.argv) >= 5 and sys.argv[1] == "coverage":
        return coverage(sys.argv[2], sys.argv[3], sys.argv[4:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
