"""The Python component provider that figure 1 compares against (bench/py_component/generate.py)
follows the schema it reads: generated from schema.json it starts and prints its port, and every
type its inputs or outputs name is defined, also for a type only an output uses."""

from __future__ import annotations

import copy
import json
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "py_component"))

import generate  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "schema.json").read_text())


def start(source: str, tmp_path: pathlib.Path) -> str:
    """The first line the generated plugin prints (its port), or what it printed on failing."""
    main = tmp_path / "__main__.py"
    main.write_text(source)
    proc = subprocess.Popen([sys.executable, str(main), "127.0.0.1:1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            proc.wait(timeout=30)
            return f"{line}\n{proc.stderr.read()}"
        return line
    finally:
        proc.kill()
        proc.wait()


def test_generated_from_schema_json_it_starts(tmp_path):
    port = start(generate.generate(SCHEMA), tmp_path)
    assert port.isdigit(), f"the generated component provider did not start:\n{port}"


def test_a_type_only_an_output_names_is_defined(tmp_path):
    schema = copy.deepcopy(SCHEMA)
    schema["types"]["multiregion-dr:index:OnlyOut"] = {
        "type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    component = schema["resources"][generate.COMPONENT]
    component["properties"]["onlyOut"] = {"$ref": "#/types/multiregion-dr:index:OnlyOut"}
    source = generate.generate(schema)
    assert "class OnlyOut(TypedDict):" in source
    # defined before the class that names it (the analyzer resolves annotations when it loads)
    assert source.index("class OnlyOut(") < source.index("class MultiRegionDR(")
    port = start(source, tmp_path)
    assert port.isdigit(), port
