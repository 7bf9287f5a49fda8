"""Parity: the estimator reproduces the CLI bit for bit and PyTorch's runs
(tests/fixtures/torch_parity) within the fixtures' tolerances."""

import csv
import subprocess
import warnings

import numpy as np
import pytest
from conftest import FIXTURES, read_safetensors

import nonlin


def tutorial_estimator(n_train, **kw):
    """The tutorial's model_non_linear as scikit-learn arguments: full-batch
    SGD(lr=0.01), no L2, no plateau stopping, PyTorch's initial weights."""
    params = dict(
        hidden_layer_sizes=(5,),
        activation="relu",
        solver="sgd",
        learning_rate_init=0.01,
        momentum=0.0,
        alpha=0.0,
        batch_size=n_train,
        max_iter=1000,
        init="torch",
        random_state=42,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=1000,
    )
    params.update(kw)
    return nonlin.MLPClassifier(**params)


def fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Warning)
        return est.fit(X, y)


def read_history(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_tutorial_history_equals_the_cli_bit_for_bit(cli, tmp_path, tutorial_split):
    out = tmp_path / "run"
    subprocess.run(
        [
            str(cli), "train", "--preset", "tutorial", "--hidden", "5", "--activation", "relu",
            "--init-rng", "torch", "--seed", "42", "--scale-before-split",
            "--lr", "0.01", "--epochs", "1000", "--optimizer", "sgd",
            "--out", str(out), "--no-plots", "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    rows = read_history(out / "history.csv")
    X_train, X_test, y_train, y_test = tutorial_split
    est = fit_quietly(tutorial_estimator(len(y_train)), X_train, y_train)

    cli_loss = np.array([float(r["train_loss"]) for r in rows], dtype=np.float32)
    cli_correct = np.array([int(r["train_correct"]) for r in rows])
    assert est.n_iter_ == len(rows) == 1000
    py_loss = np.asarray(est.loss_curve_, dtype=np.float32)
    assert py_loss.tobytes() == cli_loss.tobytes(), "train losses differ in some bit"
    np.testing.assert_array_equal(est.history_["train_correct"], cli_correct)

    # The trained weights are the CLI's, bit for bit.
    tensors, _ = read_safetensors(out / "model.safetensors")
    mine = {n: v for n, _, v in est._core.tensors()}
    for name, value in tensors.items():
        assert mine[name].tobytes() == value.ravel().tobytes(), name


VARIANTS = {
    # folder: (estimator arguments, data folder, epochs compared strictly)
    "model_0": (dict(hidden_layer_sizes=(5,), activation="identity"), "data", 1000),
    "deeper_model": (dict(hidden_layer_sizes=(20, 20), activation="identity"), "data", 1000),
    "model_non_linear": (dict(hidden_layer_sizes=(5,), activation="relu"), "data", 1000),
    "tanh_12_5_1": (dict(hidden_layer_sizes=(5,), activation="tanh"), "data", 1000),
    "elu_12_5_1": (dict(arch="5-elu"), "data", 1000),
    "relu_12_16_16_1": (dict(hidden_layer_sizes=(16, 16), activation="relu"), "data", 400),
    "model_non_linear_sgd_momentum_wd": (
        # weight_decay 1e-3 = alpha / 239 rows
        dict(hidden_layer_sizes=(5,), momentum=0.9, nesterovs_momentum=False, alpha=1e-3 * 239),
        "data",
        1000,
    ),
    "model_non_linear_adam": (
        # momentum back to its default: a value given for it would be refused
        # (it does not apply to Adam).
        dict(hidden_layer_sizes=(5,), solver="adam", learning_rate_init=0.01, momentum=0.9),
        "data",
        1000,
    ),
    "model_non_linear_train_scaler": (dict(hidden_layer_sizes=(5,)), "data_train_scaler", 1000),
    "model_0_lr0.01": (
        dict(hidden_layer_sizes=(5,), activation="identity", learning_rate_init=0.01), "data", 1000,
    ),
    "deeper_model_lr0.01": (
        dict(hidden_layer_sizes=(20, 20), activation="identity", learning_rate_init=0.01),
        "data",
        1000,
    ),
    "model_non_linear_lr0.01": (
        dict(hidden_layer_sizes=(5,), learning_rate_init=0.01), "data", 1000,
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_pytorch_fixture_losses(variant):
    kw, data, strict = VARIANTS[variant]
    split, _ = read_safetensors(FIXTURES / data / "split.safetensors")
    X, y = split["X_train"], split["y_train"]
    params = dict(learning_rate_init=0.1, random_state=0)
    params.update(kw)
    est = fit_quietly(tutorial_estimator(len(y), **params), X, y)
    rows = read_history(FIXTURES / variant / "history.csv")
    torch_loss = np.array([float(r["train_loss"]) for r in rows], dtype=np.float32)
    torch_correct = np.array([int(r["train_correct"]) for r in rows])
    loss = np.asarray(est.loss_curve_, dtype=np.float32)
    assert len(loss) == len(torch_loss) == 1000
    s = slice(0, strict)
    tol = 1e-5 * np.maximum(1.0, np.abs(torch_loss[s]))
    assert np.all(np.abs(loss[s] - torch_loss[s]) <= tol), np.max(np.abs(loss[s] - torch_loss[s]))
    np.testing.assert_array_equal(est.history_["train_correct"][s], torch_correct[s])
    if strict < 1000:  # the README's looser rule after the chaotic epochs
        assert np.max(np.abs(loss - torch_loss)) <= 5e-3
        assert np.max(np.abs(est.history_["train_correct"] - torch_correct)) <= 1
    final, _ = read_safetensors(FIXTURES / variant / "final.safetensors")
    mine = {n: v for n, _, v in est._core.tensors()}
    limit = 1e-4 if strict == 1000 else 1e-2
    for name, value in final.items():
        assert np.max(np.abs(mine[name] - value.ravel())) <= limit, name
