#!/usr/bin/env bash
# Tests the committed, generated SDKs (sdk/nodejs, sdk/python) and the SDK generated from the
# sdkgen fixture schema, the way users consume them:
#   Node.js: build with tsc --strict against a pinned @pulumi/pulumi; type-check a program that
#            uses everything; check that a program with wrong types is rejected line by line;
#            run unit tests under Pulumi's mocks (node --test).
#   Python:  pip install into .venv; mypy --strict a program that uses everything; check that a
#            program with wrong types is rejected line by line; run unit tests under set_mocks.
# Whether the committed SDKs are up to date is checked by `cargo test -p sdkgen`.
#
# Usage: tests/sdk/run.sh    (from anywhere; idempotent; exits non-zero on any failure)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$HERE/.work"
LOGS="$WORK/logs"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
BIN="$HERE/node_modules/.bin"

mkdir -p "$LOGS"
declare -a SUMMARY=()
FAILED=""

# step <name> <command...>: runs a step with its output in a log; stops at the first failure.
step() {
    local name="$1"
    shift
    local log="$LOGS/$(echo "$name" | tr -c 'A-Za-z0-9\n' '-').log"
    local start secs
    start=$(date +%s%N)
    printf '%-34s ' "$name"
    if "$@" >"$log" 2>&1; then
        secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
        SUMMARY+=("$(printf 'PASS  %-34s %6ss' "$name" "$secs")")
        echo "ok (${secs}s)"
    else
        secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
        SUMMARY+=("$(printf 'FAIL  %-34s %6ss' "$name" "$secs")")
        echo "FAILED"
        echo "----- $log (last 60 lines) -----"
        tail -n 60 "$log"
        echo "-----"
        FAILED="$name"
        summary
    fi
}

summary() {
    echo
    echo "SDK test summary:"
    for line in "${SUMMARY[@]}"; do
        echo "  $line"
    done
    if [[ -n "$FAILED" ]]; then
        echo "FAILED at: $FAILED (logs in ${LOGS#"$ROOT"/})"
        exit 1
    fi
    echo "all SDK tests passed"
}

# expect_failure <log> <command...>: the command must fail (a type checker rejecting a program).
expect_failure() {
    local out="$1"
    shift
    if "$@" >"$out" 2>&1; then
        echo "the type checker accepted a program that has type errors:"
        cat "$out"
        return 1
    fi
    cat "$out"
}

generate_fixture() {
    rm -rf "$WORK/fixture"
    (cd "$ROOT" && cargo run -q -p sdkgen -- --schema sdkgen/tests/fixtures/fixture.json --out "$WORK/fixture")
}

npm_install() {
    # npm ci only when the lock file changed since the last install: it wipes node_modules.
    local stamp="$HERE/node_modules/.package-lock.sha256"
    local want
    want=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        echo "node_modules matches package-lock.json"
        return 0
    fi
    (cd "$HERE" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
}

# build_node_sdk <sdk dir> <package name>: compiles a generated SDK as its publisher would (tsc,
# then package.json next to the output) and links the result into node_modules.
build_node_sdk() {
    local src="$1" name="$2"
    local dir="$WORK/node-sdks/$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$src" && tar --exclude=node_modules --exclude=bin -cf - .) | (cd "$dir" && tar -xf -)
    "$BIN/tsc" -p "$dir/tsconfig.json"
    cp "$dir/package.json" "$dir/bin/package.json"
    local link="$HERE/node_modules/$name"
    mkdir -p "$(dirname "$link")"
    rm -rf "$link"
    ln -s "$dir/bin" "$link"
    (cd "$HERE" && node -e "const m = require('$name'); if (!m.Provider) throw new Error('no Provider export');")
}

tsc_programs() {
    rm -rf "$WORK/tests-js"
    (cd "$HERE" && "$BIN/tsc" -p tsconfig.json)
}

tsc_wrong() {
    local file="$1"
    (cd "$HERE" && expect_failure "$WORK/$(basename "$file").out" \
        "$BIN/tsc" --noEmit --pretty false --strict --target ES2022 --module nodenext \
        --moduleResolution nodenext --types node --skipLibCheck "$file")
    "$PY" "$HERE/check.py" expect-errors tsc "$HERE/$file" "$WORK/$(basename "$file").out"
}

node_mocks() {
    # A hang in the runtime becomes a failure instead of a stuck `make test`.
    (cd "$HERE" && timeout 300 node --test .work/tests-js/nodejs/mocks.test.js .work/tests-js/nodejs/fixture-mocks.test.js)
}

python_env() {
    if [[ ! -x "$PY" ]]; then
        python3 -m venv "$VENV"
    fi
    "$PY" -m pip install --disable-pip-version-check -q -r "$ROOT/tests/requirements.txt"
}

pip_install_sdks() {
    # Built from a copy, so that setuptools' build/ and *.egg-info never land in sdk/python.
    rm -rf "$WORK/python-sdk"
    mkdir -p "$WORK/python-sdk"
    cp -r "$ROOT/sdk/python/." "$WORK/python-sdk/"
    # --force-reinstall: the version does not change when the schema does, the files do.
    "$PY" -m pip install --disable-pip-version-check -q --no-deps --force-reinstall \
        "$WORK/python-sdk" "$WORK/fixture/python"
    (cd "$WORK" && "$PY" -c "import pulumi_multiregion_dr as m, pulumi_drfix as f; print(m.__file__, m._utilities.get_version(), f._utilities.get_version())")
}

mypy_strict() {
    (cd "$HERE/python" && "$VENV/bin/mypy" --strict --cache-dir "$WORK/mypy-cache" "$@")
}

mypy_wrong() {
    local file="$1"
    (cd "$HERE/python" && expect_failure "$WORK/$file.out" \
        "$VENV/bin/mypy" --strict --no-pretty --cache-dir "$WORK/mypy-cache" "$file")
    "$PY" "$HERE/check.py" expect-errors mypy "$HERE/python/$file" "$WORK/$file.out"
}

pytest_mocks() {
    (cd "$HERE/python" && timeout 300 "$VENV/bin/pytest" -v -p no:cacheprovider -o faulthandler_timeout=120 \
        test_mocks.py test_fixture_mocks.py)
}

echo "SDK tests (logs in ${LOGS#"$ROOT"/})"
step "generate fixture SDK" generate_fixture
step "npm ci (tests/sdk)" npm_install
step "tsc --strict sdk/nodejs" build_node_sdk "$ROOT/sdk/nodejs" pulumi-multiregion-dr
step "tsc --strict fixture SDK" build_node_sdk "$WORK/fixture/nodejs" @pulumi/drfix
step "tsc programs and tests" tsc_programs
step "tsc rejects wrong-type.ts" tsc_wrong nodejs/wrong-type.ts
step "tsc rejects fixture-wrong-type.ts" tsc_wrong nodejs/fixture-wrong-type.ts
step "programs cover schema (nodejs)" "$PY" "$HERE/check.py" coverage "$ROOT/schema.json" nodejs "$HERE/nodejs/program.ts" "$HERE/nodejs/mocks.test.ts"
step "programs cover fixture (nodejs)" "$PY" "$HERE/check.py" coverage "$ROOT/sdkgen/tests/fixtures/fixture.json" nodejs "$HERE/nodejs/fixture-program.ts"
step "node --test (mocks)" node_mocks
step "python venv + requirements" python_env
step "pip install SDKs" pip_install_sdks
step "mypy --strict programs" mypy_strict program.py fixture_program.py
step "mypy rejects wrong_type.py" mypy_wrong wrong_type.py
step "mypy rejects fixture_wrong_type.py" mypy_wrong fixture_wrong_type.py
step "programs cover schema (python)" "$PY" "$HERE/check.py" coverage "$ROOT/schema.json" python "$HERE/python/program.py" "$HERE/python/test_mocks.py"
step "programs cover fixture (python)" "$PY" "$HERE/check.py" coverage "$ROOT/sdkgen/tests/fixtures/fixture.json" python "$HERE/python/fixture_program.py"
step "pytest (mocks)" pytest_mocks
summary
