#!/usr/bin/env bash
# The Python package's tests: a fresh virtual environment, the pinned test
# requirements, `maturin develop --release` (builds nonlin._core against the
# repository's nonlin crate), then pytest. `.ci/run` calls this after
# `cargo test`, whose debug `nonlin` binary the CLI-parity tests use (or set
# NONLIN_BIN). Usage: python/ci-test.sh [pytest args...]
#
# Environment: PYTHON (interpreter, default python3, CPython >= 3.9),
# NONLIN_VENV (venv folder, default target/python-venv), NONLIN_DASK=0 to
# leave out dask[distributed] (the LocalCluster test then reports itself skipped).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
venv="${NONLIN_VENV:-$repo/target/python-venv}"
# A relative NONLIN_BIN means relative to where the script was called from.
if [ -n "${NONLIN_BIN:-}" ]; then export NONLIN_BIN="$(realpath "$NONLIN_BIN")"; fi
start=$SECONDS

"${PYTHON:-python3}" -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate"
python -m pip install -q --disable-pip-version-check -r "$here/requirements-test.txt"
if [ "${NONLIN_DASK:-1}" = 1 ]; then
  python -m pip install -q --disable-pip-version-check -r "$here/requirements-dask.txt"
fi
echo "python deps ready: $((SECONDS - start)) s"

# (pip's "Requirement already satisfied" lines for the package's own
# dependencies are left out; errors still fail the script.)
(cd "$here" && maturin develop --release --quiet 2>&1 |
  { grep -v '^Requirement already satisfied' || true; })
echo "nonlin._core built: $((SECONDS - start)) s"

cd "$here"
python -m pytest -q tests "$@"
echo "python tests done: $((SECONDS - start)) s"
