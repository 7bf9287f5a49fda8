"""``nonlin.MLPClassifier``: scikit-learn's classifier API on nonlin's engine."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._base import BaseMLP


class MLPClassifier(ClassifierMixin, BaseMLP):
    """An MLP classifier trained by nonlin's engine (PyTorch's arithmetic,
    a few microseconds per epoch on small tabular data), for any number of
    classes: two are one logit and ``BCEWithLogitsLoss``; K ≥ 3 are K
    logits and ``CrossEntropyLoss``, ``predict_proba`` their softmax.

    The constructor mirrors :class:`sklearn.neural_network.MLPClassifier`
    where an argument means the same, with its defaults (``solver="adam"``,
    ``hidden_layer_sizes=(100,)``, ``max_iter=200``, ``batch_size="auto"``),
    plus nonlin's own:

    arch : str, default=None
        A nonlin hidden-layer spec such as ``"16-relu-8-tanh"``; replaces
        ``hidden_layer_sizes`` and ``activation``. The input width comes from
        the data and the output layer is added (one logit, or K).
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
        negatives / positives of the training rows (counted, not weighted).
        The positive class is ``classes_[1]``; binary targets only.
    init : {"chacha", "torch"}, default="chacha"
        The random stream of PyTorch's default initialisation: portable
        ChaCha8, or ``torch.manual_seed(random_state)``'s (bit-identical to
        PyTorch's initial weights on CPU; needs an int ``random_state``).

    Inputs are used as given: like scikit-learn's, this estimator does not
    standardize (put a ``StandardScaler`` in a ``Pipeline``). ``classes_``
    are the sorted labels (``np.unique``, as ``LabelEncoder``).

    ``fit(X, y, sample_weight)`` weights the rows as scikit-learn does: the
    loss is ``Σ sᵢ·lossᵢ / Σ sᵢ`` (a weight of 0 drops a row, an integer
    weight repeats it), and ``alpha``'s decay is divided by the batch's
    ``Σ sᵢ`` (for mini-batches: its rows times the mean weight).

    Stopping: without ``early_stopping``, scikit-learn's rule (stop when the
    training loss has not improved by ``tol`` for more than
    ``n_iter_no_change`` epochs). With it, nonlin's: hold out a stratified
    ``validation_fraction``, stop after ``n_iter_no_change`` epochs without a
    lower validation *loss* (scikit-learn watches accuracy; with weights,
    the weighted loss) and restore the best weights. Mini-batches are reshuffled every epoch, so
    ``shuffle=False`` requires full-batch training.
    """

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "pos_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
    }

    _tasks = ("binary", "multiclass")

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

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` (n_samples, n_features) and labels ``y`` (two or
        more classes), the rows weighted by ``sample_weight`` if given.

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
        self.classes_ = classes
        if len(classes) == 2:
            classes_numeric = classes.dtype.kind in "iuf"
            labels = (float(classes[0]), float(classes[1])) if classes_numeric else None
            target = dict(labels=labels, pos_weight=self.pos_weight)
            return self._fit_engine(
                X, (y_idx == 1).astype(np.float32), "binary", sample_weight, y_name, **target
            )
        target = dict(classes=len(classes), pos_weight=self.pos_weight)
        return self._fit_engine(
            X, y_idx.astype(np.float32), "multiclass", sample_weight, y_name, **target
        )

    def _set_history(self, h):
        super()._set_history(h)
        self.history_["train_correct"] = np.asarray(h["train_correct"], dtype=np.int64)
        self.history_["train_accuracy"] = (
            np.asarray(h["train_correct"], dtype=np.float64) / h["n_train"]
        )
        self.validation_scores_ = list(h["val_accuracy"]) if self.early_stopping else None
        self.best_validation_score_ = (
            max(self.validation_scores_) if self.early_stopping else None
        )
        if self.early_stopping:
            self.history_["val_accuracy"] = np.asarray(h["val_accuracy"])

    # -------------------------------------------------------------- predict

    def decision_function(self, X):
        """The logit of ``classes_[1]`` for each row, shape (n_samples,);
        with K ≥ 3 classes the K logits, shape (n_samples, K)."""
        logits, _ = self._forward(X)
        logits = logits.astype(np.float64)
        k = len(self.classes_)
        return logits if k == 2 else logits.reshape(-1, k)

    def predict_proba(self, X):
        """Class probabilities in ``classes_`` order, shape (n_samples, K).

        Two classes: ``P(classes_[1])`` is nonlin's float32 sigmoid, the
        number ``nonlin predict`` prints for the same model and rows, and
        ``P(classes_[0]) = 1 − P(classes_[1])``. K ≥ 3: the float32 softmax
        of the K logits (each row sums to 1 within float32 rounding)."""
        _, p = self._forward(X)
        k = len(self.classes_)
        if k == 2:
            return np.column_stack([1.0 - p, p])
        return p.reshape(-1, k)

    def predict_log_proba(self, X):
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Two classes: ``classes_[1]`` where its probability exceeds 0.5
        (exactly 0.5 predicts ``classes_[0]``, as ``torch.round`` and
        ``nonlin predict``). K ≥ 3: the class of the largest probability
        (the first on a tie)."""
        _, p = self._forward(X)
        k = len(self.classes_)
        if k == 2:
            return self.classes_[(p > np.float32(self._core.threshold)).astype(np.intp)]
        return self.classes_[np.argmax(p.reshape(-1, k), axis=1)]

    # ---------------------------------------------------------- attributes

    @property
    def out_activation_(self):
        check_is_fitted(self, "_core")
        return "logistic" if len(self.classes_) == 2 else "softmax"
