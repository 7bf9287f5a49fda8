"""``nonlin.MLPClassifier``: scikit-learn's estimator API on nonlin's engine."""

import os
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _core, _settings
from ._checkpoint import estimator_metadata, restore_from_metadata


class MLPClassifier(ClassifierMixin, BaseEstimator):
    """A binary MLP classifier trained by nonlin's engine (PyTorch's
    arithmetic, a few microseconds per epoch on small tabular data).

    The constructor mirrors :class:`sklearn.neural_network.MLPClassifier`
    where an argument means the same, with its defaults (``solver="adam"``,
    ``hidden_layer_sizes=(100,)``, ``max_iter=200``, ``batch_size="auto"``),
    plus nonlin's own:

    arch : str, default=None
        A nonlin hidden-layer spec such as ``"16-relu-8-tanh"``; replaces
        ``hidden_layer_sizes`` and ``activation``. The input width comes from
        the data and one output logit is added.
    activation : str, default="relu"
        scikit-learn's names (``logistic`` is ``sigmoid``) or any nonlin
        activation, with parameters: ``elu:0.5``, ``leaky_relu:0.2``,
        ``gelu``, ``gelu_tanh``, ``silu``, ``softplus:2``.
    solver : {"adam", "sgd", "adamw"}
        ``torch.optim`` update rules; ``adamw`` (decoupled decay) is nonlin's.
    alpha : float, default=1e-4
        scikit-learn's L2 penalty: weight decay ``alpha / batch rows``, applied
        (as ``torch.optim`` does) to biases too.
    pos_weight : float, "auto" or None
        ``BCEWithLogitsLoss(pos_weight=...)``; ``"auto"`` is
        negatives / positives of the training rows. The positive class is
        ``classes_[1]``.
    init : {"chacha", "torch"}, default="chacha"
        The random stream of PyTorch's default initialisation: portable
        ChaCha8, or ``torch.manual_seed(random_state)``'s (bit-identical to
        PyTorch's initial weights on CPU; needs an int ``random_state``).

    Inputs are used as given: like scikit-learn's, this estimator does not
    standardize (put a ``StandardScaler`` in a ``Pipeline``). Only binary
    targets are supported (any two labels).

    Stopping: without ``early_stopping``, scikit-learn's rule (stop when the
    training loss has not improved by ``tol`` for more than
    ``n_iter_no_change`` epochs). With it, nonlin's: hold out a stratified
    ``validation_fraction``, stop after ``n_iter_no_change`` epochs without a
    lower validation *loss* (scikit-learn watches accuracy) and restore the
    best weights. Mini-batches are reshuffled every epoch, so
    ``shuffle=False`` requires full-batch training.
    """

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
        "pos_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "init": [StrOptions({"chacha", "torch"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        arch=None,
        pos_weight=None,
        init="chacha",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.arch = arch
        self.pos_weight = pos_weight
        self.init = init

    # ------------------------------------------------------------------ fit

    def fit(self, X, y):
        """Train on ``X`` (n_samples, n_features) and binary labels ``y``.

        The GIL is released while the engine trains, so fits in threads
        (``n_jobs`` with the threading backend) run in parallel.
        """
        self._validate_params()
        y_name = getattr(y, "name", None)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        if y.dtype.kind not in "biu":  # integer labels are never continuous
            check_classification_targets(y)
        classes, y_idx = np.unique(y, return_inverse=True)
        if len(classes) == 1:
            raise ValueError(
                "nonlin.MLPClassifier needs samples of 2 classes, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        if len(classes) > 2:
            y_type = type_of_target(y, input_name="y", raise_unknown=True)
            raise ValueError(
                "Only binary classification is supported. The type of the target "
                f"is {y_type} ({len(classes)} classes)."
            )
        n = X.shape[0]
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
        classes_numeric = classes.dtype.kind in "iuf"
        # The core reads X in place (float32 or float64, any layout) into a
        # data set in memory, which the library's run prepares (no scaling,
        # no test set) into its float32 samples.
        if not X.flags.aligned:  # e.g. unpickled from an out-of-band buffer
            X = np.require(X, requirements="A")
        model, history = _core.fit(
            X,
            (y_idx == 1).astype(np.float32),
            **_settings.architecture(self),
            **_settings.solver(self),
            alpha=float(self.alpha),
            epochs=int(self.max_iter),
            batch_size=None if rows >= n else rows,
            seed=seed,
            torch_init=self.init == "torch",
            pos_weight=self.pos_weight,
            early_stopping=early,
            tol=float(self.tol),
            n_iter_no_change=n_no_change,
            features=features,
            target=_target_name(y_name, features),
            labels=(float(classes[0]), float(classes[1])) if classes_numeric else None,
        )
        self._core = model
        self.classes_ = classes
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
        self.validation_scores_ = list(h["val_accuracy"]) if self.early_stopping else None
        if self.early_stopping:
            self.best_validation_score_ = max(self.validation_scores_)
            self.best_loss_ = None
        else:
            self.best_validation_score_ = None
            self.best_loss_ = min(loss)
        self.history_ = {
            "epoch": np.arange(self.n_iter_),
            "train_loss": np.asarray(h["loss"], dtype=np.float32),
            "train_correct": np.asarray(h["train_correct"], dtype=np.int64),
            "train_accuracy": np.asarray(h["train_correct"], dtype=np.float64) / h["n_train"],
        }
        if self.early_stopping:
            self.history_["val_loss"] = np.asarray(h["val_loss"], dtype=np.float32)
            self.history_["val_accuracy"] = np.asarray(h["val_accuracy"])
        self.best_epoch_ = h["best_epoch"]
        # Seconds of the engine's epoch loop (the rest of fit is validation
        # and conversion).
        self.train_seconds_ = h["train_seconds"]
        self.stopped_epoch_ = h["stopped_epoch"]

    # -------------------------------------------------------------- predict

    def _forward(self, X):
        check_is_fitted(self, "_core")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        rows = np.require(X, dtype=np.float64, requirements=["C", "A"])
        return self._core.predict(rows)

    def decision_function(self, X):
        """The logit of ``classes_[1]`` for each row, shape (n_samples,)."""
        logits, _ = self._forward(X)
        return logits.astype(np.float64)

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n_samples, 2).

        ``P(classes_[1])`` is nonlin's float32 sigmoid, the number
        ``nonlin predict`` prints for the same model and rows."""
        _, p = self._forward(X)
        p = p.astype(np.float64)
        return np.column_stack([1.0 - p, p])

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """``classes_[1]`` where its probability exceeds 0.5 (exactly 0.5
        predicts ``classes_[0]``, as ``torch.round`` and ``nonlin predict``)."""
        _, p = self._forward(X)
        return self.classes_[(p > np.float32(self._core.threshold)).astype(np.intp)]

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

    n_outputs_ = 1
    out_activation_ = "logistic"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

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
            self._core = _core.Model.from_bytes(data, "pickled MLPClassifier")


def _target_name(name, features):
    """The checkpoint's target name: a pandas Series' name, else ``y``."""
    name = str(name) if isinstance(name, str) and name.strip() else "y"
    while name in features:
        name = f"{name}_"
    return name
