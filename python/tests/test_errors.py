"""Errors reachable from Python speak Python: every message names the
estimator's (or ``nonlin.study``'s) parameters, never a command-line flag."""

import numpy as np
import pytest

import nonlin
from nonlin import _core

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(n=60, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


def _message(call):
    with pytest.raises((ValueError, FloatingPointError)) as info:
        call()
    return str(info.value)


def _fit(**params):
    X, y = _data()
    return lambda: nonlin.MLPClassifier(max_iter=5, random_state=0, **params).fit(X, y)


#: (constructor arguments, words the message must contain)
ESTIMATOR_CASES = [
    # A value of another solver, given (not its default): refused by name.
    ({"solver": "adam", "momentum": 0.5}, ["momentum", "solver"]),
    ({"solver": "adamw", "momentum": 0.5}, ["momentum", "solver"]),
    ({"solver": "adam", "nesterovs_momentum": False}, ["nesterovs_momentum", "solver"]),
    ({"solver": "sgd", "beta_1": 0.5}, ["beta_1", "solver"]),
    ({"solver": "sgd", "beta_2": 0.9}, ["beta_2", "solver"]),
    ({"solver": "sgd", "epsilon": 1e-6}, ["epsilon", "solver"]),
    # Bad values the library checks.
    ({"activation": "bogus"}, ["bogus"]),
    ({"arch": "5-bogus"}, ["bogus"]),
    ({"arch": "0-relu"}, []),
    ({"solver": "sgd", "momentum": 1.0}, []),
    ({"beta_1": 1.0 - 1e-12}, []),
    ({"pos_weight": float("inf")}, ["pos_weight"]),
    # Too little data for the validation hold-out.
    ({"early_stopping": True, "validation_fraction": 0.99}, ["validation_fraction"]),
    # Too large a network for memory.
    ({"hidden_layer_sizes": (2**20, 2**20)}, ["hidden_layer_sizes"]),
    # Divergence (a FloatingPointError).
    ({"solver": "sgd", "learning_rate_init": 1e30, "momentum": 0.0}, ["learning_rate_init"]),
]


@pytest.mark.parametrize(("params", "words"), ESTIMATOR_CASES)
def test_estimator_errors_name_parameters_not_flags(params, words):
    try:
        msg = _message(_fit(**params))
    except pytest.fail.Exception:
        # Accepted by the library (e.g. a value it allows): nothing to word.
        if words:
            raise
        return
    assert "--" not in msg, msg
    for w in words:
        assert w in msg, (w, msg)


def test_the_defaults_of_every_solver_fit():
    X, y = _data()
    for solver in ("sgd", "adam", "adamw"):
        nonlin.MLPClassifier(solver=solver, max_iter=3, random_state=0).fit(X, y)


def test_the_not_applicable_message_names_the_solver():
    msg = _message(_fit(solver="adam", momentum=0.5))
    assert "momentum" in msg and "solver" in msg and "adam" in msg.lower(), msg
    assert "--" not in msg


def test_prediction_and_model_file_errors():
    X, y = _data()
    est = nonlin.MLPClassifier(max_iter=3, random_state=0).fit(X, y)
    bad = np.array([[np.inf, 0.0, 0.0]])
    for rows in (bad, np.zeros((1, 2))):
        msg = _message(lambda: est._core.predict(np.require(rows, requirements="C")))
        assert "--" not in msg, msg
    msg = _message(lambda: nonlin.MLPClassifier.from_bytes(b"not a model"))
    assert "--" not in msg, msg


def test_bad_data_errors():
    X, y = _data()
    for call in (
        lambda: nonlin.MLPClassifier(max_iter=2).fit(X[:1], y[:1]),
        lambda: nonlin.MLPClassifier(max_iter=2).fit(np.full_like(X, np.nan), y),
        lambda: nonlin.MLPClassifier(max_iter=2).fit(X, np.zeros(len(y))),
        lambda: _core.fit(X, y.astype(np.float32), features=["a"]),
    ):
        msg = _message(call)
        assert "--" not in msg, msg


STUDY_CASES = [
    ({"solver": "adam", "momentum": 0.5}, ["momentum", "solver"]),
    ({"solver": "adam", "nesterov": True}, ["nesterov", "solver"]),
    ({"folds": 1}, ["folds"]),
    ({"repeats": 0}, ["repeats"]),
    ({"folds": 40}, ["folds"]),
    ({"learning_rate": -1.0}, ["learning_rate"]),
    ({"epochs": 0}, ["epochs"]),
    ({"weight_decay": -1.0}, ["weight_decay"]),
]


@pytest.mark.parametrize(("params", "words"), STUDY_CASES)
def test_study_errors_name_parameters_not_flags(params, words):
    X, y = _data()
    msg = _message(
        lambda: nonlin.study(X, y, {"a": "2"}, repeats=params.pop("repeats", 1),
                             folds=params.pop("folds", 2), epochs=params.pop("epochs", 3),
                             **params)
    )
    assert "--" not in msg, msg
    for w in words:
        assert w in msg, (w, msg)
