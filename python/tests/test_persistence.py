"""save/load (the CLI's model.safetensors), pickling through those bytes,
and agreement with `nonlin predict`."""

import csv
import pickle
import subprocess
import warnings

import numpy as np
import pytest
from conftest import DATA_CSV, TARGET, read_safetensors

import nonlin


def fitted(X, y, **kw):
    params = dict(hidden_layer_sizes=(6,), max_iter=100, random_state=3)
    params.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nonlin.MLPClassifier(**params).fit(X, y)


def data(labels=(0, 1)):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(80, 3))
    y = np.where(X[:, 0] - X[:, 2] > 0, labels[1], labels[0])
    return X, y


@pytest.mark.parametrize("labels", [(0, 1), ("cat", "dog"), (True, False)])
def test_pickle_round_trip(labels):
    X, y = data(labels)
    est = fitted(X, y)
    blob = pickle.dumps(est)
    back = pickle.loads(blob)
    assert back.get_params() == est.get_params()
    np.testing.assert_array_equal(back.classes_, est.classes_)
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    assert back.loss_curve_ == est.loss_curve_
    # The network travels as the model.safetensors bytes.
    assert b"nonlin.arch" in blob


def test_save_load_is_a_pytorch_state_dict(tmp_path):
    X, y = data(("neg", "pos"))
    est = fitted(X, y, arch="6-tanh-4-relu")
    path = tmp_path / "model.safetensors"
    est.save(path)
    tensors, meta = read_safetensors(path)
    assert sorted(tensors) == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    assert tensors["0.weight"].shape == (6, 3)
    assert meta["nonlin.arch"] == "3-6-tanh-4-relu-1"
    assert meta["nonlin.features"] == '["x0","x1","x2"]'
    back = nonlin.MLPClassifier.load(path)
    assert back.get_params() == est.get_params()
    assert list(back.classes_) == ["neg", "pos"]
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([repr(float(v)) for v in r])


def nonlin_predict(cli, model, data_csv):
    out = subprocess.run(
        [str(cli), "predict", "--model", str(model), "--data", str(data_csv)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = list(csv.DictReader(out.splitlines()))
    prob = np.array([float(r["probability"]) for r in rows], dtype=np.float32)
    return prob, [r["label"] for r in rows]


def test_saved_model_predicts_like_the_cli(cli, tmp_path, tutorial_split):
    X_train, X_test, y_train, y_test = tutorial_split
    est = fitted(X_train, np.where(y_train == 1, 7, 3), hidden_layer_sizes=(5,), max_iter=300)
    est.save(tmp_path / "model.safetensors")
    write_csv(tmp_path / "test.csv", [f"x{j}" for j in range(X_test.shape[1])], X_test)
    prob, labels = nonlin_predict(cli, tmp_path / "model.safetensors", tmp_path / "test.csv")
    mine = est.predict_proba(X_test)[:, 1].astype(np.float32)
    assert prob.tobytes() == mine.tobytes()
    assert labels == [str(v) for v in est.predict(X_test)]


def test_loads_a_cli_model_with_its_scaler(cli, tmp_path, heart):
    out = tmp_path / "run"
    subprocess.run(
        [str(cli), "train", "--epochs", "200", "--out", str(out), "--no-plots", "--quiet"],
        check=True,
        capture_output=True,
    )
    est = nonlin.MLPClassifier.load(out / "model.safetensors")
    X = heart.drop(columns=[TARGET])
    assert list(est.feature_names_in_) == list(X.columns)
    assert list(est.classes_) == [0, 1]
    prob, labels = nonlin_predict(cli, out / "model.safetensors", DATA_CSV)
    mine = est.predict_proba(X)[:, 1].astype(np.float32)
    assert prob.tobytes() == mine.tobytes()
    assert labels == [str(v) for v in est.predict(X)]
    # Pickles, and re-saves the same network.
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
