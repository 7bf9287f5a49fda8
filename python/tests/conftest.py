"""Shared fixtures: the repository's data, the CLI binary, safetensors files."""

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA_CSV = REPO / "data" / "heart_failure_clinical_records_dataset.csv"
FIXTURES = REPO / "tests" / "fixtures" / "torch_parity"
TARGET = "DEATH_EVENT"


def read_safetensors(path):
    """``({name: array}, metadata)`` of a safetensors file (f32/f64/i64 tensors)."""
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    dtypes = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    out = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        raw = data[8 + n + a : 8 + n + b]
        out[name] = np.frombuffer(raw, dtype=dtypes[t["dtype"]]).reshape(t["shape"])
    return out, meta


def nonlin_binary():
    """The CLI: $NONLIN_BIN, else target/release/nonlin, else target/debug/nonlin."""
    env = os.environ.get("NONLIN_BIN")
    if env:
        return Path(env)
    for profile in ("release", "debug"):
        p = REPO / "target" / profile / "nonlin"
        if p.exists():
            return p
    return None


@pytest.fixture(scope="session")
def cli():
    path = nonlin_binary()
    if path is None:
        pytest.skip("no nonlin binary (run `cargo build` or set NONLIN_BIN)")
    return path


@pytest.fixture(scope="session")
def heart():
    pd = pytest.importorskip("pandas")
    return pd.read_csv(DATA_CSV)


@pytest.fixture(scope="session")
def tutorial_split(heart):
    """The tutorial's split: scaler fit on all rows (its leak), then
    ``train_test_split(test_size=0.2, random_state=10)``."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X = heart.drop(columns=[TARGET]).to_numpy(dtype=np.float64)
    y = heart[TARGET].to_numpy()
    Xs = StandardScaler().fit_transform(X)
    return train_test_split(Xs, y, test_size=0.2, random_state=10)
