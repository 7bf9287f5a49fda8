"""What an estimator adds to ``model.safetensors`` and how one is rebuilt
from it.

nonlin's own metadata (``nonlin.arch``, ``nonlin.features``, the scaler,
``nonlin.labels``, ...) is written by the engine and is all that
``nonlin predict`` and PyTorch need. The estimator adds two keys:

- ``nonlin.python.classes``: ``{"dtype": numpy dtype, "values": [...]}``, a
  classifier's labels in ``classes_`` order (``nonlin.labels`` holds two
  numbers at most);
- ``nonlin.python.params``: the constructor arguments (``get_params``) as JSON.
"""

import json

import numpy as np

KEY_CLASSES = "nonlin.python.classes"
KEY_PARAMS = "nonlin.python.params"


def _jsonable(v):
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    if v is None or isinstance(v, (bool, int, float, str, list)):
        return v
    return None  # e.g. a RandomState: not stored


def estimator_metadata(est):
    """``[(key, value)]`` to add to the checkpoint of a fitted estimator."""
    params = {k: _jsonable(v) for k, v in est.get_params(deep=False).items()}
    meta = [(KEY_PARAMS, json.dumps(params))]
    if hasattr(est, "classes_"):
        classes = {"dtype": est.classes_.dtype.str, "values": est.classes_.tolist()}
        meta.insert(0, (KEY_CLASSES, json.dumps(classes)))
    return meta


def _classes(core, meta):
    if KEY_CLASSES in meta:
        c = json.loads(meta[KEY_CLASSES])
        return np.asarray(c["values"], dtype=np.dtype(c["dtype"]))
    negative, positive = core.labels
    if float(negative).is_integer() and float(positive).is_integer():
        return np.asarray([int(negative), int(positive)])
    return np.asarray([negative, positive], dtype=np.float64)


def _params(core, meta):
    if KEY_PARAMS in meta:
        params = json.loads(meta[KEY_PARAMS])
        if isinstance(params.get("hidden_layer_sizes"), list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        return params
    # A model written by the CLI: its hidden part as `arch`.
    hidden = "-".join(core.arch.split("-")[1:-1])
    return {"arch": hidden} if hidden else {"hidden_layer_sizes": (), "activation": "identity"}


def restore_from_metadata(cls, core, meta):
    """A fitted estimator around ``core`` (a ``_core.Model``)."""
    est = cls(**_params(core, meta))
    est._core = core
    if core.task != "regression":
        est.classes_ = _classes(core, meta)
    features = list(core.features)
    est.n_features_in_ = len(features)
    if features != [f"x{j}" for j in range(len(features))]:
        est.feature_names_in_ = np.asarray(features, dtype=object)
    return est
