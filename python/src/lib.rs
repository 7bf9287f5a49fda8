//! `nonlin._core`: the compiled half of the `nonlin` Python package. It
//! moves arrays in and out, releases the GIL while the engine works, and
//! maps nonlin's errors to Python exceptions; the library calls themselves
//! are all in [`engine`].

mod engine;

use engine::{
    FitSpec, FitTarget, LossSpec, Model, ModelInfo, ModelKind, PosWeight, Solver, Stopping, Wording,
};
use nonlin::run::Hidden;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::exceptions::{PyFloatingPointError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

/// The library's settings in the words of the Python API: the keyword
/// arguments of `MLPClassifier` or of `nonlin.study`.
#[derive(Debug, Clone, Copy)]
enum PythonWords {
    Estimator,
    Study,
}

impl PythonWords {
    fn name(self, field: &str) -> &str {
        let estimator = matches!(self, PythonWords::Estimator);
        match field {
            "optimizer" => "solver",
            "lr" if estimator => "learning_rate_init",
            "lr" => "learning_rate",
            "epochs" if estimator => "max_iter",
            "beta1" => "beta_1",
            "beta2" => "beta_2",
            "eps" => "epsilon",
            "nesterov" if estimator => "nesterovs_momentum",
            "weight_decay" if estimator => "alpha",
            "patience" => "n_iter_no_change",
            "no_early_stopping" => "early_stopping",
            "models" if estimator => "arch",
            "hidden" => "hidden_layer_sizes",
            "seed" if estimator => "random_state",
            "init_rng" => "init",
            "full_batch" => "batch_size",
            f => f,
        }
    }
}

impl Wording for PythonWords {
    fn setting(&self, field: &str) -> String {
        let name = self.name(field);
        match (self, field) {
            (PythonWords::Estimator, "patience") => format!("{name} (with early_stopping=True)"),
            (_, "init_weights") => "`nonlin train` with initial weights".to_string(),
            _ => name.to_string(),
        }
    }
    fn setting_value(&self, field: &str, value: &str) -> String {
        match field {
            "drop" => format!("X without column '{value}'"),
            _ => format!("{}={value}", self.name(field)),
        }
    }
}

/// nonlin's error as the Python exception a scikit-learn user expects:
/// divergence is a `FloatingPointError`, file trouble an `OSError`, and
/// anything about the data, settings or a model file a `ValueError`;
/// settings are named by the estimator's parameters.
fn py_err(e: engine::Error) -> PyErr {
    words_err(e, PythonWords::Estimator)
}

fn study_err(e: engine::Error) -> PyErr {
    words_err(e, PythonWords::Study)
}

fn words_err(e: engine::Error, words: PythonWords) -> PyErr {
    let msg = e.worded(&words);
    match e {
        engine::Error::Diverged { .. } => PyFloatingPointError::new_err(msg),
        engine::Error::Io { .. } => PyOSError::new_err(msg),
        _ => PyValueError::new_err(msg),
    }
}

fn contiguous<'a, T: numpy::Element>(
    a: &'a numpy::PyReadonlyArray<'_, T, impl numpy::ndarray::Dimension>,
    what: &str,
) -> PyResult<&'a [T]> {
    a.as_slice()
        .map_err(|_| PyValueError::new_err(format!("{what} must be a C-contiguous array")))
}

/// The network's outputs (float32: logits, or a regression's standardized
/// outputs) and what they predict (float64: probabilities, or values in the
/// target's units), flat and row-major.
type Predictions<'py> = (Bound<'py, PyArray1<f32>>, Bound<'py, PyArray1<f64>>);

/// A trained network with its checkpoint metadata (feature names, scaler,
/// target, labels): what `model.safetensors` holds.
#[pyclass(module = "nonlin._core", name = "Model", frozen)]
struct PyModel {
    inner: Model,
}

#[pymethods]
impl PyModel {
    /// Parses and validates `model.safetensors` bytes; `name` is used in errors.
    #[staticmethod]
    #[pyo3(signature = (data, name = "model.safetensors"))]
    fn from_bytes(data: &[u8], name: &str) -> PyResult<PyModel> {
        Model::from_bytes(data, name)
            .map(|inner| PyModel { inner })
            .map_err(py_err)
    }

    /// The metadata of `model.safetensors` bytes, as a dict of strings.
    #[staticmethod]
    #[pyo3(signature = (data, name = "model.safetensors"))]
    fn metadata<'py>(py: Python<'py>, data: &[u8], name: &str) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in Model::metadata(data, name).map_err(py_err)? {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// The `model.safetensors` bytes, with extra metadata `(key, value)` pairs.
    #[pyo3(signature = (extra = Vec::new()))]
    fn to_bytes<'py>(
        &self,
        py: Python<'py>,
        extra: Vec<(String, String)>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.inner.to_bytes(&extra).map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Outputs and predictions of raw rows, a C-contiguous float64 `(n, d)`
    /// array (the stored scaler applied as `nonlin predict` applies it):
    /// binary, logits and `P(classes_[1])` (nonlin's float32 sigmoid,
    /// widened); K classes, `n·K` logits and softmax probabilities,
    /// row-major; regression, standardized outputs and values in the
    /// target's units.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Predictions<'py>> {
        let rows = contiguous(&x, "X")?;
        let model = &self.inner;
        let (logits, probs) = py.detach(|| model.predict(rows)).map_err(py_err)?;
        Ok((logits.into_pyarray(py), probs.into_pyarray(py)))
    }

    #[getter]
    fn features(&self) -> Vec<String> {
        self.inner.features().to_vec()
    }

    #[getter]
    fn target(&self) -> String {
        self.inner.target().to_string()
    }

    /// `(negative, positive)` target values as stored.
    #[getter]
    fn labels(&self) -> (f64, f64) {
        self.inner.labels()
    }

    #[getter]
    fn threshold(&self) -> f32 {
        self.inner.threshold()
    }

    /// `"binary"`, `"multiclass"` or `"regression"`.
    #[getter]
    fn task(&self) -> &'static str {
        match self.inner.kind() {
            ModelKind::Binary => "binary",
            ModelKind::Multiclass(_) => "multiclass",
            ModelKind::Regression(_) => "regression",
        }
    }

    /// Outputs per row (the class count of a multiclass model, else 1).
    #[getter]
    fn outputs(&self) -> usize {
        match self.inner.kind() {
            ModelKind::Multiclass(k) => k,
            _ => 1,
        }
    }

    /// A regression target's standardization `(mean, scale)`, else `None`.
    #[getter]
    fn target_scale(&self) -> Option<(f64, f64)> {
        match self.inner.kind() {
            ModelKind::Regression(s) => Some((s.mean, s.scale)),
            _ => None,
        }
    }

    /// The full architecture spec, e.g. `12-5-relu-1`.
    #[getter]
    fn arch(&self) -> String {
        self.inner.arch()
    }

    /// `[(name, shape, float32 values)]` in state-dict order (`0.weight` is `[out, in]`).
    fn tensors<'py>(
        &self,
        py: Python<'py>,
    ) -> Vec<(String, Vec<usize>, Bound<'py, PyArray1<f32>>)> {
        self.inner
            .tensors()
            .into_iter()
            .map(|(n, s, v)| (n, s, v.into_pyarray(py)))
            .collect()
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let ctor = slf.getattr("from_bytes")?;
        Ok((ctor, (slf.get().to_bytes(py, Vec::new())?,)))
    }

    fn __repr__(&self) -> String {
        format!("nonlin._core.Model('{}')", self.inner.arch())
    }
}

fn arch_spec(
    hidden: Option<Vec<usize>>,
    activation: Option<String>,
    arch: Option<String>,
) -> Hidden {
    match arch {
        Some(s) => Hidden::Spec(s),
        None => Hidden::Widths {
            widths: hidden.unwrap_or_default(),
            activation: activation.unwrap_or_else(|| "relu".into()),
        },
    }
}

fn solver_of(
    name: &str,
    lr: f32,
    momentum: Option<f32>,
    nesterov: Option<bool>,
    adam: (Option<f32>, Option<f32>, Option<f32>),
) -> Solver {
    let (beta1, beta2, eps) = adam;
    Solver {
        name: name.to_string(),
        lr,
        momentum,
        nesterov,
        beta1,
        beta2,
        eps,
    }
}

fn pos_weight_of(v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PosWeight>> {
    Ok(match v {
        None => None,
        Some(v) if v.extract::<String>().is_ok_and(|s| s == "auto") => Some(PosWeight::Auto),
        Some(v) => Some(PosWeight::Value(v.extract::<f32>()?)),
    })
}

/// The rows of a float32 or float64 `(n, d)` array of any memory layout,
/// row-major in float64 (float32 values widen exactly).
fn row_major(x: &Bound<'_, PyAny>) -> PyResult<(Vec<f64>, usize, usize)> {
    if let Ok(a) = x.extract::<PyReadonlyArray2<'_, f32>>() {
        let a = a.as_array();
        return Ok((a.iter().map(|&v| v as f64).collect(), a.nrows(), a.ncols()));
    }
    let a = x
        .extract::<PyReadonlyArray2<'_, f64>>()
        .map_err(|_| PyValueError::new_err("X must be a 2-D float32 or float64 numpy array"))?;
    let a = a.as_array();
    Ok((a.iter().copied().collect(), a.nrows(), a.ncols()))
}

/// The target as `task` reads it: binary 0/1 float32 (with `labels`),
/// multiclass class indices 0..`classes` as float32, regression float64
/// values.
fn fit_target(
    y: &Bound<'_, PyAny>,
    task: &str,
    classes: usize,
    labels: Option<(f64, f64)>,
) -> PyResult<FitTarget> {
    let f32s = |y: &Bound<'_, PyAny>| -> PyResult<Vec<f32>> {
        let a = y.extract::<PyReadonlyArray1<'_, f32>>()?;
        Ok(contiguous(&a, "y")?.to_vec())
    };
    Ok(match task {
        "binary" => FitTarget::Binary {
            y: f32s(y)?,
            labels,
        },
        "multiclass" => FitTarget::Multiclass {
            y: f32s(y)?,
            k: classes,
        },
        "regression" => {
            let a = y.extract::<PyReadonlyArray1<'_, f64>>()?;
            FitTarget::Regression(contiguous(&a, "y")?.to_vec())
        }
        other => return Err(PyValueError::new_err(format!("unknown task '{other}'"))),
    })
}

/// Trains a network on `x` (a float32 or float64 `(n, d)` array, any
/// layout) and the target `y` of `task` (see [`fit_target`]), with the GIL
/// released: the library's one-model run on rows in memory. Values left
/// `None` were not given (the library's defaults, or refused where they do
/// not apply). `loss` and `delta` name a regression loss;
/// `sample_weight` (float32, one per row) weights the rows. Returns the
/// model and its history (a dict).
#[pyfunction]
#[pyo3(signature = (
    x, y, *, task = "binary", classes = 2, hidden = None, activation = None, arch = None,
    solver = "adam", lr = 0.001, momentum = None, nesterov = None, beta1 = None, beta2 = None,
    eps = None, alpha = 0.0, epochs = 200, batch_size = None, seed = 0, torch_init = false,
    pos_weight = None, loss = None, delta = None, early_stopping = None, tol = 1e-4,
    n_iter_no_change = 10, sample_weight = None, features = Vec::new(),
    target = "y".to_string(), labels = None
))]
#[allow(clippy::too_many_arguments)]
fn fit<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    task: &str,
    classes: usize,
    hidden: Option<Vec<usize>>,
    activation: Option<String>,
    arch: Option<String>,
    solver: &str,
    lr: f32,
    momentum: Option<f32>,
    nesterov: Option<bool>,
    beta1: Option<f32>,
    beta2: Option<f32>,
    eps: Option<f32>,
    alpha: f32,
    epochs: usize,
    batch_size: Option<usize>,
    seed: u64,
    torch_init: bool,
    pos_weight: Option<&Bound<'py, PyAny>>,
    loss: Option<String>,
    delta: Option<f32>,
    early_stopping: Option<(usize, f64)>,
    tol: f64,
    n_iter_no_change: usize,
    sample_weight: Option<PyReadonlyArray1<'py, f32>>,
    features: Vec<String>,
    target: String,
    labels: Option<(f64, f64)>,
) -> PyResult<(PyModel, Bound<'py, PyDict>)> {
    let spec = FitSpec {
        hidden: arch_spec(hidden, activation, arch),
        solver: solver_of(solver, lr, momentum, nesterov, (beta1, beta2, eps)),
        alpha,
        epochs,
        batch_size,
        seed,
        torch_init,
        pos_weight: pos_weight_of(pos_weight)?,
        loss: loss.map(|name| LossSpec { name, delta }),
        sample_weight: match &sample_weight {
            Some(w) => Some(contiguous(w, "sample_weight")?.to_vec()),
            None => None,
        },
        stopping: match early_stopping {
            Some((patience, validation_fraction)) => Stopping::Early {
                patience,
                validation_fraction,
            },
            None => Stopping::Plateau {
                tol,
                n_iter_no_change,
            },
        },
    };
    let (rows, n, d) = row_major(x)?;
    let ys = fit_target(y, task, classes, labels)?;
    let n_y = ys.len();
    if n_y != n {
        return Err(PyValueError::new_err(format!(
            "X has {n} rows but y has {n_y} values"
        )));
    }
    if features.len() != d {
        return Err(PyValueError::new_err(format!(
            "{} feature names for the {d} columns of X",
            features.len()
        )));
    }
    let (model, h) = py
        .detach(|| {
            let info = ModelInfo { features, target };
            engine::fit(rows, ys, &spec, info)
        })
        .map_err(py_err)?;
    let d = PyDict::new(py);
    d.set_item("loss", h.loss.into_pyarray(py))?;
    d.set_item("train_correct", h.train_correct)?;
    d.set_item("val_accuracy", h.val_accuracy)?;
    d.set_item("val_loss", h.val_loss)?;
    d.set_item("best_epoch", h.best_epoch)?;
    d.set_item("stopped_epoch", h.stopped_epoch)?;
    d.set_item("converged", h.converged)?;
    d.set_item("n_train", h.n_train)?;
    d.set_item("train_rmse", h.train_rmse)?;
    d.set_item("train_r2", h.train_r2)?;
    d.set_item("train_seconds", h.train_seconds)?;
    Ok((PyModel { inner: model }, d))
}

/// Runs `nonlin study` (repeated stratified cross-validation, the scaler fit
/// on each training fold) on raw rows `x` (C-contiguous float64 `(n, d)`)
/// and 0/1 float32 targets, with the GIL released. Values left `None` were
/// not given. Returns its tables as CSV text, the Markdown report and the
/// accuracy/MCC plot (SVG).
#[pyfunction]
#[pyo3(signature = (
    x, y, *, models = None, repeats = 10, folds = 5, seed = 0, solver = "sgd", lr = 0.01,
    momentum = None, nesterov = None, weight_decay = 0.0, epochs = 1000, batch_size = None,
    torch_init = false, pos_weight = None, baselines = true, features = Vec::new(),
    target = "y".to_string(), classes = 2, values = None
))]
#[allow(clippy::too_many_arguments)]
fn study<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    y: PyReadonlyArray1<'py, f32>,
    models: Option<Vec<(String, String)>>,
    repeats: usize,
    folds: usize,
    seed: u64,
    solver: &str,
    lr: f32,
    momentum: Option<f32>,
    nesterov: Option<bool>,
    weight_decay: f32,
    epochs: usize,
    batch_size: Option<usize>,
    torch_init: bool,
    pos_weight: Option<&Bound<'py, PyAny>>,
    baselines: bool,
    features: Vec<String>,
    target: String,
    classes: usize,
    values: Option<PyReadonlyArray1<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let spec = engine::StudySpec {
        models,
        repeats,
        folds,
        seed,
        solver: solver_of(solver, lr, momentum, nesterov, (None, None, None)),
        weight_decay,
        epochs,
        batch_size,
        torch_init,
        pos_weight: pos_weight_of(pos_weight)?,
        baselines,
    };
    let (rows, ys) = (contiguous(&x, "X")?, contiguous(&y, "y")?);
    if features.len() != x.as_array().ncols() {
        return Err(PyValueError::new_err("one feature name per column of X"));
    }
    let y = match (&values, classes) {
        (Some(v), _) => engine::FitTarget::Regression(contiguous(v, "y")?.to_vec()),
        (None, 2) => engine::FitTarget::Binary {
            y: ys.to_vec(),
            labels: None,
        },
        (None, k) => engine::FitTarget::Multiclass { y: ys.to_vec(), k },
    };
    let t = py
        .detach(|| engine::study(rows.to_vec(), y, features, target, &spec))
        .map_err(study_err)?;
    let d = PyDict::new(py);
    d.set_item("summary_csv", t.summary_csv)?;
    d.set_item("folds_csv", t.folds_csv)?;
    d.set_item("comparisons_csv", t.comparisons_csv)?;
    d.set_item("markdown", t.markdown)?;
    d.set_item("plot_svg", t.plot_svg)?;
    d.set_item("importance_csv", t.importance_csv)?;
    Ok(d)
}

/// The compiled core of the `nonlin` package.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyModel>()?;
    m.add_function(wrap_pyfunction!(fit, m)?)?;
    m.add_function(wrap_pyfunction!(study, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
