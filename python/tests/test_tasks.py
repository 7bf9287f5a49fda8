"""K classes and regression: MLPClassifier on wine and iris (K = 3),
MLPRegressor on diabetes, their parameters, pickling and save/load."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, load_wine
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import nonlin

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def split(X, y, stratify=True, seed=0):
    return train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y if stratify else None
    )


def scaled(est):
    return make_pipeline(StandardScaler(), est)


def classifier(**kw):
    params = dict(hidden_layer_sizes=(16,), max_iter=300, learning_rate_init=0.01, random_state=0)
    params.update(kw)
    return nonlin.MLPClassifier(**params)


def regressor(**kw):
    params = dict(hidden_layer_sizes=(8,), max_iter=300, random_state=0)
    params.update(kw)
    return nonlin.MLPRegressor(**params)


# ------------------------------------------------------------ K classes


def test_wine_three_classes():
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = split(X, y)
    model = scaled(classifier()).fit(X_train, y_train)
    est = model[-1]
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])
    proba = model.predict_proba(X_test)
    assert proba.shape == (len(X_test), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(proba >= 0)
    pred = model.predict(X_test)
    np.testing.assert_array_equal(pred, est.classes_[np.argmax(proba, axis=1)])
    # Chance is about 0.4 (the largest class); a small MLP gets > 0.9.
    assert np.mean(pred == y_test) > 0.9
    decision = model.decision_function(X_test)
    assert decision.shape == (len(X_test), 3)
    np.testing.assert_array_equal(np.argmax(decision, axis=1), np.argmax(proba, axis=1))
    assert est.n_outputs_ == 3 and est.out_activation_ == "softmax"
    assert est.arch_ == "13-16-relu-3"
    assert [c.shape for c in est.coefs_] == [(13, 16), (16, 3)]
    assert est.history_["train_accuracy"][-1] > 0.9


def test_iris_text_labels_are_sorted_as_label_encoder():
    data = load_iris()
    y = data.target_names[data.target]  # "setosa", "versicolor", "virginica"
    X_train, X_test, y_train, y_test = split(data.data, y)
    model = scaled(classifier()).fit(X_train, y_train)
    classes = model[-1].classes_
    assert list(classes) == sorted(set(y))
    pred = model.predict(X_test)
    assert pred.dtype == classes.dtype
    assert np.mean(pred == y_test) > 0.9
    assert model.score(X_test, y_test) == np.mean(pred == y_test)


def test_labels_are_sorted_as_numpy_unique():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 3))
    y = np.choose(np.argmax(X, axis=1), [7, -2, 30])
    est = classifier().fit(X, y)
    np.testing.assert_array_equal(est.classes_, [-2, 7, 30])
    assert est.score(X, y) > 0.9
    assert set(est.predict(X)) <= {-2, 7, 30}


def test_two_classes_stay_binary():
    X, y = load_wine(return_X_y=True)
    keep = y < 2
    est = scaled(classifier()).fit(X[keep], y[keep])
    assert est.predict_proba(X[keep]).shape == (keep.sum(), 2)
    assert est[-1].n_outputs_ == 1 and est[-1].out_activation_ == "logistic"
    assert est[-1].arch_.endswith("-1")
    assert est.decision_function(X[keep]).shape == (keep.sum(),)


def test_multiclass_early_stopping_and_mini_batches():
    X, y = load_wine(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    es = classifier(early_stopping=True, n_iter_no_change=5, max_iter=2000).fit(X, y)
    assert es.stopped_epoch_ is not None and es.n_iter_ < 2000
    assert len(es.validation_scores_) == es.n_iter_
    mb = classifier(batch_size=32).fit(X, y)
    assert mb.score(X, y) > 0.9


def test_pos_weight_does_not_apply_to_three_classes():
    X, y = load_wine(return_X_y=True)
    with pytest.raises(ValueError, match="pos_weight") as info:
        classifier(pos_weight=2.0, max_iter=2).fit(X, y)
    assert "--" not in str(info.value)


def test_multiclass_pickle_and_save_load(tmp_path):
    X, y = load_iris(return_X_y=True)
    labels = np.array(["a", "b", "c"])[y]
    est = classifier(max_iter=50).fit(X, labels)
    back = pickle.loads(pickle.dumps(est))
    assert back.get_params() == est.get_params()
    np.testing.assert_array_equal(back.classes_, est.classes_)
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    est.save(tmp_path / "model.safetensors")
    loaded = nonlin.MLPClassifier.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    assert list(loaded.classes_) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="MLPClassifier"):
        nonlin.MLPRegressor.load(tmp_path / "model.safetensors")


# ------------------------------------------------------------ regression


def test_diabetes_regression():
    X, y = load_diabetes(return_X_y=True)
    # (On this split least squares scores R² = 0.44.)
    X_train, X_test, y_train, y_test = split(X, y, stratify=False, seed=1)
    model = scaled(regressor()).fit(X_train, y_train)
    est = model[-1]
    pred = model.predict(X_test)
    assert pred.shape == (len(X_test),) and pred.dtype == np.float64
    r2 = r2_score(y_test, pred)
    assert r2 > 0.3, r2
    assert model.score(X_test, y_test) == pytest.approx(r2)
    # Predictions are in the target's units (the target is about 150 ± 77).
    assert abs(pred.mean() - y_test.mean()) < 0.5 * y_test.std()
    assert est.target_mean_ == pytest.approx(y_train.mean(), rel=1e-12)
    assert est.target_scale_ == pytest.approx(y_train.std(), rel=1e-12)
    assert est.n_outputs_ == 1 and est.arch_ == "10-8-relu-1"
    assert len(est.loss_curve_) == est.n_iter_
    assert est.history_["train_r2"][-1] > 0.3
    assert est.history_["train_rmse"][-1] < y_train.std()


@pytest.mark.parametrize(
    "kw", [dict(loss="absolute_error"), dict(loss="huber"), dict(loss="huber", delta=0.5)]
)
def test_regression_losses(kw):
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    est = regressor(**kw).fit(X, y)
    assert est.score(X, y) > 0.3


def test_regression_options():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    for kw in [
        dict(solver="sgd", learning_rate_init=0.01),
        dict(batch_size=64),
        dict(early_stopping=True, n_iter_no_change=5, max_iter=3000),
        dict(arch="16-tanh-8-relu"),
        dict(init="torch"),
    ]:
        est = regressor(**kw).fit(X, y)
        assert est.score(X, y) > 0.3, kw
    es = regressor(early_stopping=True, n_iter_no_change=5, max_iter=3000).fit(X, y)
    assert es.stopped_epoch_ is not None and "val_loss" in es.history_
    assert es.validation_scores_ is None


def test_integer_and_constant_targets():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    y = (3 * X[:, 0]).round().astype(int)
    est = regressor(max_iter=200).fit(X, y)
    assert est.predict(X).dtype == np.float64 and est.score(X, y) > 0.5
    const = regressor(max_iter=300, learning_rate_init=0.01).fit(X, np.full(80, 4.0))
    assert (const.target_mean_, const.target_scale_) == (4.0, 1.0)
    np.testing.assert_allclose(const.predict(X), 4.0, atol=0.3)


def test_regressor_parameter_errors_name_the_parameters():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="delta") as info:
        regressor(delta=2.0, max_iter=2).fit(X, y)
    msg = str(info.value)
    assert "loss" in msg and "huber" in msg and "--" not in msg
    for bad in [dict(loss="poisson"), dict(delta=0.0), dict(delta=-1.0), dict(solver="lbfgs")]:
        with pytest.raises(ValueError, match=list(bad)[0]):
            regressor(max_iter=2, **bad).fit(X, y)
    with pytest.raises(ValueError, match="momentum"):
        regressor(solver="adam", momentum=0.5, max_iter=2).fit(X, y)
    with pytest.raises(ValueError):
        regressor(max_iter=2).fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="NaN"):
        regressor(max_iter=2).fit(X, np.where(np.arange(len(y)) == 3, np.nan, y))


def test_regressor_pickle_and_save_load(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    est = regressor(max_iter=30, loss="huber", delta=0.5).fit(df, pd.Series(y, name="progression"))
    back = pickle.loads(pickle.dumps(est))
    assert back.get_params() == est.get_params()
    np.testing.assert_array_equal(back.predict(df), est.predict(df))
    assert (back.target_mean_, back.target_scale_) == (est.target_mean_, est.target_scale_)
    assert list(back.feature_names_in_) == list(df.columns)
    est.save(tmp_path / "model.safetensors")
    loaded = nonlin.MLPRegressor.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.predict(df), est.predict(df))
    assert not hasattr(loaded, "classes_")
    with pytest.raises(ValueError, match="MLPRegressor"):
        nonlin.MLPClassifier.load(tmp_path / "model.safetensors")


def test_regression_fit_is_deterministic():
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = regressor(max_iter=20, batch_size=50).fit(X, y).predict(X)
        b = regressor(max_iter=20, batch_size=50).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
