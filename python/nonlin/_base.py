"""What ``MLPClassifier`` and ``MLPRegressor`` share: scikit-learn's MLP
constructor, the call into the engine, the fitted attributes and the
``model.safetensors`` persistence."""

import os
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from . import _core, _settings
from ._checkpoint import estimator_metadata, restore_from_metadata


class BaseMLP(BaseEstimator):
    """scikit-learn's MLP parameters on nonlin's engine (see the
    subclasses' docstrings)."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [str],
        "solver": [StrOptions({"sgd", "adam", "adamw"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "arch": [str, None],
        "init": [StrOptions({"chacha", "torch"})],
    }

    #: The engine's task for a fitted model of this estimator
    #: (``"binary"``/``"multiclass"`` or ``"regression"``).
    _tasks = ()

    # ------------------------------------------------------------------ fit

    def _fit_engine(self, X, y, task, sample_weight, y_name, **target):
        """Trains on validated ``X`` and the encoded target ``y`` of
        ``task`` (``target``: the engine's keyword arguments for it), with
        ``sample_weight`` checked as scikit-learn does."""
        n = X.shape[0]
        if n < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to train, got "
                f"n_samples = {n}"
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
            if np.any(sample_weight < 0):  # (the keyword for it varies across versions)
                raise ValueError("Negative values in data passed to `sample_weight`.")
            sample_weight = sample_weight.astype(np.float32)
        seed = _settings.seed_of(self.random_state)
        rows = _settings.batch_rows(self.batch_size, n)
        if not self.shuffle and rows < n:
            raise ValueError(
                f"shuffle=False needs full-batch training (batch_size >= n_samples = {n}): "
                "nonlin reshuffles mini-batches every epoch."
            )
        if self.init == "torch" and not isinstance(self.random_state, Integral):
            raise ValueError(
                'init="torch" reproduces torch.manual_seed(random_state): '
                "give an int random_state."
            )
        early = None
        if self.early_stopping:
            patience = self.n_iter_no_change
            patience = self.max_iter if patience == np.inf else int(patience)
            early = (patience, float(self.validation_fraction))
        n_no_change = self.n_iter_no_change
        n_no_change = self.max_iter if n_no_change == np.inf else int(n_no_change)
        features = self._feature_names(X.shape[1])
        # The core reads X in place (float32 or float64, any layout) into a
        # data set in memory, which the library's run prepares (no scaling,
        # no test set) into its float32 samples.
        if not X.flags.aligned:  # e.g. unpickled from an out-of-band buffer
            X = np.require(X, requirements="A")
        model, history = _core.fit(
            X,
            y,
            task=task,
            **target,
            **_settings.architecture(self),
            **_settings.solver(self),
            alpha=float(self.alpha),
            epochs=int(self.max_iter),
            batch_size=None if rows >= n else rows,
            seed=seed,
            torch_init=self.init == "torch",
            early_stopping=early,
            tol=float(self.tol),
            n_iter_no_change=n_no_change,
            sample_weight=sample_weight,
            features=features,
            target=_target_name(y_name, features),
        )
        self._core = model
        self._set_history(history)
        if history["stopped_epoch"] is None and self.n_iter_ == self.max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
            )
        return self

    def _feature_names(self, d):
        if hasattr(self, "feature_names_in_"):
            return [str(f) for f in self.feature_names_in_]
        return [f"x{j}" for j in range(d)]

    def _set_history(self, h):
        loss = [float(v) for v in h["loss"]]
        self.loss_curve_ = loss
        self.n_iter_ = len(loss)
        self.t_ = self.n_iter_ * h["n_train"]
        self.history_ = {
            "epoch": np.arange(self.n_iter_),
            "train_loss": np.asarray(h["loss"], dtype=np.float32),
        }
        if self.early_stopping:
            self.history_["val_loss"] = np.asarray(h["val_loss"], dtype=np.float32)
        self.best_loss_ = None if self.early_stopping else min(loss)
        self.best_epoch_ = h["best_epoch"]
        # Seconds of the engine's epoch loop (the rest of fit is validation
        # and conversion).
        self.train_seconds_ = h["train_seconds"]
        self.stopped_epoch_ = h["stopped_epoch"]

    # -------------------------------------------------------------- predict

    def _forward(self, X):
        """The engine's outputs of ``X``: ``(float32 outputs, float64
        predictions)``, flat and row-major."""
        check_is_fitted(self, "_core")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        rows = np.require(X, dtype=np.float64, requirements=["C", "A"])
        return self._core.predict(rows)

    # ---------------------------------------------------------- attributes

    @property
    def coefs_(self):
        """Weight matrices as scikit-learn lays them out, ``[in, out]`` (float32)."""
        check_is_fitted(self, "_core")
        return [v.reshape(s).T for n, s, v in self._core.tensors() if n.endswith("weight")]

    @property
    def intercepts_(self):
        """Bias vectors (float32)."""
        check_is_fitted(self, "_core")
        return [v for n, s, v in self._core.tensors() if n.endswith("bias")]

    @property
    def arch_(self):
        """The full nonlin architecture spec, e.g. ``"12-5-relu-1"``."""
        check_is_fitted(self, "_core")
        return self._core.arch

    @property
    def n_layers_(self):
        return len(self.coefs_) + 1

    @property
    def n_outputs_(self):
        """Outputs of the network: the class count for three or more
        classes, else 1."""
        check_is_fitted(self, "_core")
        return self._core.outputs

    # ------------------------------------------------------- save and load

    def to_bytes(self):
        """The ``model.safetensors`` bytes: PyTorch's state dict, nonlin's
        metadata (what ``nonlin predict`` needs) and this estimator's
        classes and parameters."""
        check_is_fitted(self, "_core")
        return self._core.to_bytes(estimator_metadata(self))

    def save(self, path):
        """Writes ``model.safetensors`` (atomically: a temporary file, then a rename)."""
        data = self.to_bytes()
        path = os.fspath(path)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)

    @classmethod
    def from_bytes(cls, data, name="model.safetensors"):
        """An estimator from ``model.safetensors`` bytes (see :meth:`load`)."""
        core = _core.Model.from_bytes(bytes(data), name)
        if core.task not in cls._tasks:
            raise ValueError(
                f"{name} holds a {core.task} model; load it with "
                f"{'MLPRegressor' if core.task == 'regression' else 'MLPClassifier'}"
            )
        return restore_from_metadata(cls, core, _core.Model.metadata(bytes(data), name))

    @classmethod
    def load(cls, path):
        """A fitted estimator from a ``model.safetensors`` written by
        :meth:`save` or by the ``nonlin`` CLI (whose stored scaler is then
        applied to the inputs, as ``nonlin predict`` does)."""
        with open(path, "rb") as f:
            data = f.read()
        return cls.from_bytes(data, os.fspath(path))

    def __getstate__(self):
        state = dict(super().__getstate__())  # Python 3.11+: not a copy
        core = state.pop("_core", None)
        if core is not None:
            state["_core_safetensors"] = core.to_bytes(estimator_metadata(self))
        return state

    def __setstate__(self, state):
        data = state.pop("_core_safetensors", None)
        super().__setstate__(state)
        if data is not None:
            self._core = _core.Model.from_bytes(data, f"pickled {type(self).__name__}")


def _target_name(name, features):
    """The checkpoint's target name: a pandas Series' name, else ``y``."""
    name = str(name) if isinstance(name, str) and name.strip() else "y"
    while name in features:
        name = f"{name}_"
    return name
