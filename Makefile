# One command for the demo, one for every test. Both install what they need on a fresh clone:
# a Python venv with pinned packages (tests/requirements.txt), npm packages (pinned by lock files),
# the cargo build, and the Pulumi CLI built from Pulumi's Go modules (tools/pulumi, pinned by go.sum).

VENV   := .venv
PY     := $(VENV)/bin/python
export CARGO_TERM_COLOR := never

.PHONY: all build release venv cli bench-quick test lint test-rust test-python test-sdk test-e2e examples sdk demo drill bench clean

all: build

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r tests/requirements.txt
	touch $@

venv: $(VENV)/.installed

# The Pulumi CLI at the release tools/pulumi/go.mod pins, built once per machine into .cache/ (ignored).
cli:
	@bash tools/pulumi/build.sh >/dev/null

build:
	cargo build --workspace --all-targets

release:
	cargo build --release -p pulumi-resource-multiregion-dr

# Regenerates both SDKs from schema.json.
sdk:
	cargo run --quiet -p sdkgen

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# Rust unit tests and the emulator-backed resource tests (the emulator runs from the venv).
test-rust: venv build examples
	cargo test --workspace

# The plugin driven through Pulumi's own generated Python stubs, and the emulator's own tests.
test-python: venv build
	$(PY) -m pytest -q tests/provider tests/emulator bench/test_py_component.py

# The start-up figure of docs/performance.md measured once on the debug build, so that a figure the
# docs quote cannot silently stop being reproducible (targets are judged by `make bench`, on release).
bench-quick: venv build
	$(PY) bench/run.py --quick --only startup --reproduce-only

test-sdk: venv
	bash tests/sdk/run.sh

# The examples and the engine-only behaviours (faults, kills, signals, import, drift) on the real Pulumi CLI.
test-e2e: venv build examples cli
	$(PY) -m pytest -q tests/e2e

# The Node.js SDK compiled into sdk/nodejs/bin, the examples' npm packages, the Python SDK in the venv.
examples: venv
	bash tests/e2e/prepare.sh

# test-sdk first: it installs the npm packages and the Python SDK that the e2e tests run programs with.
test: lint test-sdk test-rust test-python test-e2e bench-quick
	@echo "all test suites passed"

demo: venv build examples cli
	$(PY) tests/demo/demo.py

# A switchover to the secondary and back against the emulator, printing each phase and the RTO.
drill: venv build examples cli
	$(PY) tests/drill/drill.py

# The figures of docs/performance.md, side by side, on the release build (not part of `make test`;
# a few minutes). `$(PY) bench/run.py --quick` is a shorter run.
bench: venv build examples cli
	cargo build --release -p pulumi-resource-multiregion-dr --bins --example ops_bench
	$(PY) bench/run.py

clean:
	cargo clean
	rm -rf $(VENV)
