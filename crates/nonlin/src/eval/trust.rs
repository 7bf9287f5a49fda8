//! "Can this model be trusted?" for one trained model on its test split:
//! permutation importance over the raw feature columns, and for a binary
//! model its calibration and decision curve — the pieces of
//! [`super::importance`], [`super::calibration`] and
//! [`super::decision_curve`] put together, with their CSV tables.

use super::calibration::{calibration, Calibration};
use super::decision_curve::{decision_curve, default_thresholds, DecisionPoint};
use super::importance::{
    input_groups, network_importance, ImportanceMetric, PermutationImportance,
};
use super::multiclass::{multiclass_metrics, MulticlassMetrics};
use crate::data::{Label, Prepared, Preprocessing, Task};
use crate::model::Network;
use crate::train::loss::sigmoid;
use std::fmt::Write;

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrustOptions {
    /// Shuffles a feature (0: no importance).
    pub importance_repeats: usize,
    pub importance_metric: Option<ImportanceMetric>,
    /// The seed of the shuffles (scikit-learn's `random_state`).
    pub seed: u32,
    /// Quantile bins of the reliability diagram.
    pub calibration_bins: usize,
}

impl Default for TrustOptions {
    fn default() -> TrustOptions {
        TrustOptions {
            importance_repeats: 10,
            importance_metric: None,
            seed: 0,
            calibration_bins: 10,
        }
    }
}

/// The assessment of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Trust {
    /// The raw feature columns, in order, and their importance.
    pub features: Vec<String>,
    pub metric: ImportanceMetric,
    pub importance: Option<PermutationImportance>,
    /// Binary models only.
    pub calibration: Option<Calibration>,
    pub decision_curve: Vec<DecisionPoint>,
    /// Multiclass models: the test split's per-class scores and their labels.
    pub classes: Option<(Vec<String>, MulticlassMetrics)>,
}

/// Assesses `net` (trained for `task`) on `data`'s test split, whose raw
/// columns became inputs by `preprocessing`.
pub fn assess(
    net: &Network,
    task: Task,
    classes: &[Label],
    data: &Prepared,
    preprocessing: &Preprocessing,
    options: &TrustOptions,
) -> Trust {
    let test = &data.test;
    let metric = options
        .importance_metric
        .unwrap_or_else(|| ImportanceMetric::default_for(task));
    let widths: Vec<usize> = preprocessing.columns.iter().map(|c| c.width()).collect();
    let importance = (options.importance_repeats > 0 && test.n > 1).then(|| {
        network_importance(
            net,
            task,
            test,
            &input_groups(&widths),
            metric,
            options.importance_repeats,
            options.seed,
        )
    });
    let (calibration, decision) = if task == Task::Binary && test.n > 0 {
        let logits = super::predict::logits(net, &test.xt, test.n);
        let p: Vec<f32> = logits.iter().map(|&x| sigmoid(x)).collect();
        (
            Some(calibration(&test.y, &p, options.calibration_bins)),
            decision_curve(&test.y, &p, &default_thresholds()),
        )
    } else {
        (None, Vec::new())
    };
    let per_class = (task == Task::Multiclass && test.n > 0).then(|| {
        let k = net.arch.outputs();
        let probs = super::summary::class_probabilities(net, test);
        let names = classes.iter().map(|c| c.to_string()).collect();
        (names, multiclass_metrics(&test.y, &probs, k))
    });
    Trust {
        features: preprocessing.column_names(),
        metric,
        importance,
        calibration,
        decision_curve: decision,
        classes: per_class,
    }
}

impl Trust {
    /// `importance.csv`: one row per raw feature column, in column order:
    /// `feature,mean,std,repeat_0,…` — the mean and (population) std of the
    /// drops in [`Trust::metric`], then the drop of each shuffle.
    pub fn importance_csv(&self) -> Option<String> {
        let pi = self.importance.as_ref()?;
        let repeats = pi.importances.first().map_or(0, Vec::len);
        let mut s = String::from("feature,mean,std");
        for r in 0..repeats {
            let _ = write!(s, ",repeat_{r}");
        }
        s.push('\n');
        for (j, name) in self.features.iter().enumerate() {
            let _ = write!(s, "{},{:?},{:?}", csv_field(name), pi.mean(j), pi.std(j));
            for v in &pi.importances[j] {
                let _ = write!(s, ",{v:?}");
            }
            s.push('\n');
        }
        Some(s)
    }

    /// `calibration.csv`: one row per reliability bin (`lower,upper,n,
    /// predicted,observed,observed_low,observed_high`).
    pub fn calibration_csv(&self) -> Option<String> {
        let c = self.calibration.as_ref()?;
        let mut s = String::from("lower,upper,n,predicted,observed,observed_low,observed_high\n");
        for b in &c.bins {
            let _ = writeln!(
                s,
                "{:?},{:?},{},{:?},{:?},{:?},{:?}",
                b.lower, b.upper, b.n, b.predicted, b.observed, b.observed_low, b.observed_high
            );
        }
        Some(s)
    }

    /// `classes.csv` (multiclass): `class,support,precision,recall` on the
    /// test split, and the confusion matrix's row of each class
    /// (`predicted_<class>` columns: rows are true classes).
    pub fn classes_csv(&self) -> Option<String> {
        let (names, m) = self.classes.as_ref()?;
        let mut s = String::from("class,support,precision,recall");
        for n in names {
            let _ = write!(s, ",{}", csv_field(&format!("predicted_{n}")));
        }
        s.push('\n');
        for (c, n) in names.iter().enumerate() {
            let _ = write!(
                s,
                "{},{},{:?},{:?}",
                csv_field(n),
                m.support[c],
                m.precision[c],
                m.recall[c]
            );
            for v in &m.confusion[c] {
                let _ = write!(s, ",{v}");
            }
            s.push('\n');
        }
        Some(s)
    }

    /// `decision_curve.csv` (binary models).
    pub fn decision_curve_csv(&self) -> Option<String> {
        (!self.decision_curve.is_empty())
            .then(|| super::decision_curve::to_csv(&self.decision_curve))
    }
}

/// A CSV field, quoted when it needs to be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{prepare_fitted, Dataset, PrepareOptions};
    use crate::model::{Activation, Architecture};
    use crate::train::{TrainConfig, Trainer};

    #[test]
    fn a_trained_heart_model_is_assessed() {
        let data = Dataset::heart_failure();
        let fitted = prepare_fitted(&data, &PrepareOptions::default()).unwrap();
        let p = &fitted.prepared;
        let net = Network::new(Architecture::mlp(12, &[5], Activation::Relu), 0);
        let mut t = Trainer::new(
            "m",
            net,
            TrainConfig::tutorial(300, 0.1),
            &p.train,
            &p.test,
            None,
        )
        .unwrap();
        t.run(|_, _| {}).unwrap();
        let (net, _) = t.finish();
        let trust = assess(
            &net,
            Task::Binary,
            &data.classes,
            p,
            &fitted.preprocessing,
            &TrustOptions::default(),
        );
        assert!(trust.classes_csv().is_none());
        let pi = trust.importance.as_ref().unwrap();
        assert_eq!(pi.importances.len(), 12);
        assert!(pi.importances.iter().all(|r| r.len() == 10));
        let csv = trust.importance_csv().unwrap();
        assert!(csv.starts_with("feature,mean,std,repeat_0,"), "{csv}");
        assert_eq!(csv.lines().count(), 13);
        let c = trust.calibration.as_ref().unwrap();
        assert_eq!(c.bins.iter().map(|b| b.n).sum::<usize>(), p.test.n);
        assert_eq!(trust.decision_curve.len(), 99);
        assert!(trust.calibration_csv().unwrap().lines().count() > 1);
        assert!(trust
            .decision_curve_csv()
            .unwrap()
            .starts_with("threshold,model,"));
    }
}
