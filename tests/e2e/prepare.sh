#!/usr/bin/env bash
# Makes the examples runnable from this checkout, as a user's machine would have them after
# `npm install` / `pip install -r requirements.txt`:
#   - the Node.js SDK compiled as its publisher would (tsc, package.json beside the output) into
#     sdk/nodejs/bin, which examples/typescript installs as a copy (.npmrc install-links);
#   - examples/typescript/node_modules from its lock file;
#   - the Python SDK pip-installed into .venv (with pulumi from tests/requirements.txt).
# Idempotent; run by `make examples`, which `make demo` and `make test-e2e` depend on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/tests/sdk"          # pinned typescript and @pulumi/pulumi for compiling the SDK
WORK="$TOOLS/.work/e2e-sdk"      # under tests/sdk so that the compiler finds its node_modules
PY="$ROOT/.venv/bin/python"

npm_ci() {
    # npm ci only when the lock file (or, for the examples, the SDK) changed: it wipes node_modules.
    local dir="$1" extra="${2:-}"
    local stamp="$dir/node_modules/.package-lock.sha256" want
    want=$(cat "$dir/package-lock.json" $extra | sha256sum | cut -d' ' -f1)
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        return 0
    fi
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
}

npm_ci "$TOOLS"

rm -rf "$WORK"
mkdir -p "$WORK"
(cd "$ROOT/sdk/nodejs" && tar --exclude=node_modules --exclude=bin -cf - .) | (cd "$WORK" && tar -xf -)
"$TOOLS/node_modules/.bin/tsc" -p "$WORK/tsconfig.json"
cp "$WORK/package.json" "$WORK/bin/package.json"
rm -rf "$ROOT/sdk/nodejs/bin"
cp -r "$WORK/bin" "$ROOT/sdk/nodejs/bin"

npm_ci "$ROOT/examples/typescript" "$(find "$ROOT/sdk/nodejs/bin" -type f | sort)"

# Built from a copy, so that setuptools' build/ and *.egg-info never land in sdk/python.
rm -rf "$WORK-py"
cp -r "$ROOT/sdk/python" "$WORK-py"
"$PY" -m pip install --disable-pip-version-check -q --no-deps --force-reinstall "$WORK-py"
echo "examples ready: sdk/nodejs/bin, examples/typescript/node_modules, pulumi_multiregion_dr in .venv"
