"""``fit(X, y, sample_weight)`` with scikit-learn's meaning: the loss is
``Σ sᵢ·lossᵢ / Σ sᵢ``, so (full batch) a weight of 2 is the row twice and
a weight of 0 is the row dropped; all-ones weights are no weights."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_wine
from sklearn.preprocessing import StandardScaler

import nonlin

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: Full batch (clipped to the rows), so that no shuffle differs.
FULL = 100_000


def binary():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(90, 4))
    y = np.where(X[:, 0] - 0.5 * X[:, 1] + 0.3 * rng.normal(size=90) > 0, "yes", "no")
    return X, y


def wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y


CASES = {
    "binary": (binary, lambda **kw: nonlin.MLPClassifier(**kw)),
    "multiclass": (wine, lambda **kw: nonlin.MLPClassifier(**kw)),
    "regression": (diabetes, lambda **kw: nonlin.MLPRegressor(**kw)),
}


def make(case, **kw):
    data, ctor = CASES[case]
    params = dict(
        hidden_layer_sizes=(8,), max_iter=60, learning_rate_init=0.01, batch_size=FULL,
        random_state=0,
    )
    params.update(kw)
    return data(), ctor(**params)


def params_of(est):
    return np.concatenate([c.ravel() for c in est.coefs_ + est.intercepts_]).astype(np.float64)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_weight_two_is_the_row_twice(case, solver):
    (X, y), est = make(case, solver=solver)
    twice = np.arange(len(y)) % 3 == 0
    w = np.where(twice, 2.0, 1.0)
    by_weight = params_of(est.fit(X, y, sample_weight=w))
    rows = np.concatenate([np.arange(len(y)), np.flatnonzero(twice)])
    by_rows = params_of(make(case, solver=solver)[1].fit(X[rows], y[rows]))
    np.testing.assert_allclose(by_weight, by_rows, rtol=0, atol=1e-6)


@pytest.mark.parametrize("case", list(CASES))
def test_weight_zero_is_the_row_dropped(case):
    (X, y), est = make(case)
    keep = np.arange(len(y)) % 4 != 1
    by_weight = est.fit(X, y, sample_weight=keep.astype(float))
    by_rows = make(case)[1].fit(X[keep], y[keep])
    np.testing.assert_allclose(params_of(by_weight), params_of(by_rows), rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        np.asarray(by_weight.loss_curve_), np.asarray(by_rows.loss_curve_), rtol=1e-6
    )


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("batch_size", [FULL, 16])
def test_all_ones_are_no_weights_bit_for_bit(case, batch_size):
    (X, y), est = make(case, batch_size=batch_size)
    plain = est.fit(X, y)
    ones = make(case, batch_size=batch_size)[1].fit(X, y, sample_weight=np.ones(len(y)))
    assert params_of(plain).tobytes() == params_of(ones).tobytes()
    assert plain.loss_curve_ == ones.loss_curve_


def test_weights_change_the_fit_and_scale_does_not():
    (X, y), est = make("regression")
    w = np.linspace(0.1, 3.0, len(y))
    a = params_of(est.fit(X, y, sample_weight=w))
    b = params_of(make("regression")[1].fit(X, y, sample_weight=3 * w))
    c = params_of(make("regression")[1].fit(X, y))
    # Σ s·ℓ / Σ s does not change when every weight is scaled (nor does
    # alpha's decay, divided by Σ s), up to float rounding.
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)
    assert np.max(np.abs(a - c)) > 1e-3


def test_mini_batches_and_early_stopping_take_weights():
    (X, y), est = make("multiclass", batch_size=32, early_stopping=True, max_iter=500)
    w = np.where(y == 0, 3.0, 1.0)
    est.fit(X, y, sample_weight=w)
    assert est.score(X, y) > 0.9
    assert est.score(X, y, sample_weight=w) > 0.9


def test_bad_weights_are_refused():
    (X, y), est = make("binary", max_iter=2)
    for bad, words in [
        (-np.ones(len(y)), "Negative"),
        (np.ones(len(y) - 1), "sample_weight"),
        (np.zeros(len(y)), "[Ss]ample.weight"),
        (np.where(np.arange(len(y)) == 0, np.nan, 1.0), "NaN"),
    ]:
        with pytest.raises(ValueError, match=words) as info:
            est.fit(X, y, sample_weight=bad)
        assert "--" not in str(info.value)
