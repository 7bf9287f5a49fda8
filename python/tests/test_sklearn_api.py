"""The scikit-learn estimator contract: check_estimator, validation like
scikit-learn's, labels, pandas, model selection and the GIL."""

import sys
import threading
import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import nonlin

#: Checks that cannot pass, with the reason (also listed in python/README.md).
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "compares the predictions of a fit with integer weights and of a fit on "
        "repeated rows (in another row order) with rtol=1e-7, below float32's "
        "resolution (an ulp is up to 1.2e-7 of a value): the engine trains in "
        "float32, so sums in another order differ by rounding and the predictions by "
        "a few ulps (up to 1e-6 relative). test_sample_weight_equivalence_in_float32 "
        "runs the same check at float32's tolerance."
    ),
}


@pytest.mark.parametrize("est", [nonlin.MLPClassifier(), nonlin.MLPRegressor()], ids=repr)
def test_check_estimator(est):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_estimator(est, expected_failed_checks=EXPECTED_FAILED_CHECKS)


@pytest.mark.parametrize("est", [nonlin.MLPClassifier(), nonlin.MLPRegressor()], ids=repr)
def test_sample_weight_equivalence_in_float32(est):
    """scikit-learn's check_sample_weight_equivalence_on_dense_data (its data,
    weights, shuffle and seeds), predictions compared at 1e-5 relative (and
    1e-6 absolute); predicted labels identical."""
    from sklearn.base import clone
    from sklearn.utils import shuffle

    rng = np.random.RandomState(42)
    n = 15
    X = rng.rand(n, n * 2)
    y = rng.randint(0, 3, size=n)
    if not hasattr(est, "predict_proba"):
        y = y.astype(np.float64)
    sw = rng.randint(0, 5, size=n)
    X_rep, y_rep = X.repeat(repeats=sw, axis=0), y.repeat(repeats=sw)
    X_w, y_w, sw = shuffle(X, y, sw, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = clone(est).set_params(random_state=0).fit(X_rep, y_rep)
        weighted = clone(est).set_params(random_state=0).fit(X_w, y_w, sample_weight=sw)
    methods = ["predict_proba", "decision_function"] if hasattr(est, "predict_proba") else []
    for method in methods + ["predict"]:
        a, b = getattr(rep, method)(X), getattr(weighted, method)(X)
        if method == "predict" and hasattr(est, "predict_proba"):
            np.testing.assert_array_equal(a, b)
        else:
            # (atol: a few float32 ulps of outputs of order 1.)
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=method)


def small_data(n=120, d=4, seed=0, labels=(0, 1)):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] > 0, labels[1], labels[0])
    return X, np.asarray(y)


def quick(**kw):
    params = dict(hidden_layer_sizes=(8,), max_iter=200, learning_rate_init=0.01, random_state=0)
    params.update(kw)
    return nonlin.MLPClassifier(**params)


@pytest.mark.parametrize(
    "labels", [(0, 1), (-1, 1), ("no", "yes"), (False, True), (2.0, 7.0)]
)
def test_any_two_labels(labels):
    X, y = small_data(labels=labels)
    est = quick(max_iter=200).fit(X, y)
    assert list(est.classes_) == sorted(labels)
    pred = est.predict(X)
    assert pred.dtype == est.classes_.dtype
    assert set(pred) <= set(labels)
    assert est.score(X, y) > 0.9
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(pred == est.classes_[1], proba[:, 1] > 0.5)


def test_sklearn_exception_types_and_messages():
    X, y = small_data()
    with pytest.raises(NotFittedError):
        quick().predict(X)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        quick().fit(Xn, y)
    Xi = X.copy()
    Xi[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        quick().fit(Xi, y)
    est = quick().fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but MLPClassifier is expecting 4"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match="only one class"):
        quick().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        quick().fit(X, X[:, 0])
    with pytest.warns(Warning, match="column-vector y"):
        quick().fit(X, y.reshape(-1, 1))
    with pytest.raises(ValueError, match="activation"):
        quick(activation="rleu").fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        quick(solver="lbfgs").fit(X, y)
    with pytest.raises(ValueError, match="shuffle=False"):
        quick(shuffle=False, batch_size=10).fit(X, y)


def test_float32_fortran_and_pandas_inputs():
    pd = pytest.importorskip("pandas")
    X, y = small_data()
    ref = quick().fit(X, y).predict_proba(X)
    X32 = np.asfortranarray(X, dtype=np.float32)
    est32 = quick().fit(X32, y)
    # float32 inputs are what the engine trains on anyway: same model.
    np.testing.assert_array_equal(est32.predict_proba(X32), quick().fit(X.astype(np.float32), y).predict_proba(X32))
    assert est32.predict_proba(X).shape == ref.shape
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    est = quick().fit(df, pd.Series(y, name="outcome"))
    assert list(est.feature_names_in_) == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(est.predict_proba(df), ref)


def test_unaligned_inputs():
    X, y = small_data()
    buf = bytearray(X.nbytes + 1)
    Xu = np.frombuffer(buf, dtype=np.float64, offset=1, count=X.size).reshape(X.shape)
    Xu[:] = X
    assert not Xu.flags.aligned
    est = quick().fit(Xu, y)
    np.testing.assert_array_equal(est.predict_proba(Xu), quick().fit(X, y).predict_proba(X))
    s = nonlin.study(Xu, y, {"a": "2"}, repeats=1, folds=2, epochs=5)
    assert len(s.folds) == 2 * 3


def test_sklearn_names_and_nonlin_extras():
    X, y = small_data()
    for kw in [
        dict(activation="logistic"),
        dict(activation="elu:0.5"),
        dict(activation="gelu_tanh"),
        dict(arch="8-relu-4-tanh"),
        dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
        dict(solver="adamw"),
        dict(pos_weight="auto"),
        dict(pos_weight=2.0),
        dict(batch_size=16),
        dict(early_stopping=True, n_iter_no_change=5),
    ]:
        est = quick(**kw).fit(X, y)
        assert est.score(X, y) > 0.8, kw
    est = quick(arch="8-relu-4-tanh").fit(X, y)
    assert est.arch_ == "4-8-relu-4-tanh-1"
    assert [c.shape for c in est.coefs_] == [(4, 8), (8, 4), (4, 1)]
    es = quick(early_stopping=True, max_iter=500, n_iter_no_change=3).fit(X, y)
    assert es.validation_scores_ is not None and len(es.validation_scores_) == es.n_iter_
    assert es.n_iter_ < 500 and es.stopped_epoch_ is not None


def test_tol_stops_on_a_loss_plateau():
    X, y = small_data()
    est = quick(max_iter=5000, tol=1e-3, n_iter_no_change=5).fit(X, y)
    assert est.n_iter_ < 5000
    with pytest.warns(Warning, match="Maximum iterations"):
        quick(max_iter=3).fit(X, y)


def test_pipeline_and_cross_val_score():
    X, y = small_data(n=200)
    scores = cross_val_score(make_pipeline(StandardScaler(), quick()), X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.85


def test_grid_search_n_jobs_2_equals_n_jobs_1():
    X, y = small_data(n=150)
    grid = {"hidden_layer_sizes": [(4,), (8,)], "learning_rate_init": [0.01, 0.003]}

    def run(n_jobs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return GridSearchCV(quick(), grid, cv=3, n_jobs=n_jobs).fit(X, y)

    one, two = run(1), run(2)
    assert one.best_params_ == two.best_params_
    np.testing.assert_array_equal(
        one.cv_results_["mean_test_score"], two.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(
        one.best_estimator_.predict_proba(X), two.best_estimator_.predict_proba(X)
    )


def test_fit_releases_the_gil():
    """A Python thread keeps running while fit trains: it sees the fitting
    thread inside the engine's ``_core.fit`` (the C call in progress: the
    thread's current Python frame is the one that called it, as marked by a
    profile hook on its c_call and c_return events). With the GIL held for
    the whole call it could never look then. Events and counts only, no
    clock, so a busy machine cannot fail it: a fit during which the other
    thread happened to get no CPU is retried (up to 5 fits)."""
    from nonlin import _core

    X, y = small_data(n=2000, d=20)
    est = quick(hidden_layer_sizes=(64,), max_iter=400, tol=0.0, n_iter_no_change=400)
    fitting = threading.get_ident()
    # `caller`: the frame that called `_core.fit`, while the call is in
    # progress. (Between the hook's store and the C function there is no
    # bytecode, so no switch of threads; a switch as a hook starts leaves
    # the hook's own frame on top, which is not `caller`.)
    state = {"caller": None, "seen": 0}
    running = threading.Event()
    done = threading.Event()

    def watch():
        running.set()
        while not done.is_set():
            caller = state["caller"]
            if caller is not None and sys._current_frames().get(fitting) is caller:
                state["seen"] += 1

    def profile(frame, event, arg):
        if arg is _core.fit:
            if event == "c_call":
                state["caller"] = frame
            elif event in ("c_return", "c_exception"):
                state["caller"] = None

    t = threading.Thread(target=watch)
    t.start()
    running.wait()
    seen = []
    try:
        for _ in range(5):
            state["seen"] = 0
            sys.setprofile(profile)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    est.fit(X, y)
            finally:
                sys.setprofile(None)
            seen.append(state["seen"])
            if seen[-1] > 0:
                break
    finally:
        done.set()
        t.join()
    assert seen[-1] > 0, f"the other thread never ran during _core.fit: {seen}"
