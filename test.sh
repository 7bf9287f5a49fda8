#!/usr/bin/env bash
# Every test of the repository, in one command: the Rust crate's
# (`cargo test`: unit, integration and doc tests, PyTorch parity, CLI end to
# end, the browser test when chromium is there), then the Python package's
# (python/ci-test.sh: a virtual environment, `maturin develop`, pytest).
# `.ci/run` calls exactly this. Needs cargo, python3 with venv, and the
# package registries.
set -euo pipefail
cd "$(dirname "$0")"
cargo test
bash python/ci-test.sh
