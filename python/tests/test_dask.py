"""GridSearchCV on a dask.distributed LocalCluster (2 worker processes on
loopback) equals the single-process run. Skipped without dask[distributed]
(`NONLIN_DASK=1 python/ci-test.sh` installs it)."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

import nonlin

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


def test_grid_search_on_a_local_cluster_equals_one_process():
    rng = np.random.RandomState(5)
    X = rng.normal(size=(150, 5))
    y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(int)
    grid = {"hidden_layer_sizes": [(4,), (16,)], "activation": ["relu", "tanh"]}

    def search():
        est = nonlin.MLPClassifier(max_iter=150, learning_rate_init=0.01, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return GridSearchCV(est, grid, cv=3, n_jobs=-1).fit(X, y)

    local = search()
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster, timeout="60s") as client:
        with joblib.parallel_backend("dask"):
            remote = search()
        # The fits really ran in the workers.
        assert len(client.scheduler_info()["workers"]) == 2
        # A whole study runs on a worker and comes back as DataFrames.
        kw = dict(repeats=1, folds=2, epochs=20)
        remote_study = client.submit(nonlin.study, X, y, {"a": "4"}, **kw).result(timeout=120)
    local_study = nonlin.study(X, y, {"a": "4"}, **kw)
    assert remote_study.summary.equals(local_study.summary)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(
        remote.best_estimator_.predict_proba(X), local.best_estimator_.predict_proba(X)
    )
