//! A study's outputs: Markdown, CSV, JSON, the console table and the strip
//! plots. Nothing here depends on time or thread count.

use super::*;
use std::fmt::Write;

/// A CSV field, quoted when needed.
pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `value` as displayed for `info`: percentages ×100 with 2 decimals, others
/// with 3 (losses 4).
fn shown(info: &MetricInfo, v: f64) -> String {
    if v.is_nan() {
        "n/a".into()
    } else if info.percent {
        format!("{:.2}", v * 100.0)
    } else if info.key.ends_with("loss") {
        format!("{v:.4}")
    } else {
        format!("{v:.3}")
    }
}

fn unit_suffix(info: &MetricInfo) -> &'static str {
    if info.percent {
        " (%)"
    } else {
        ""
    }
}

impl StudyResult {
    /// The summary of `metric` for `model`.
    pub fn summary(&self, model: &str, metric: &str) -> Option<&Summary> {
        self.summaries
            .iter()
            .find(|s| s.model == model && s.metric == metric)
            .map(|s| &s.summary)
    }

    /// The comparisons of one metric.
    pub fn comparisons_of<'a>(&'a self, metric: &'a str) -> impl Iterator<Item = &'a Comparison> {
        self.comparisons.iter().filter(move |c| c.metric == metric)
    }

    fn mean_ci(&self, model: &str, info: &MetricInfo) -> String {
        match self.summary(model, info.key) {
            Some(s) => format!(
                "{} [{}, {}]",
                shown(info, s.mean),
                shown(info, s.ci_low),
                shown(info, s.ci_high)
            ),
            None => "n/a".into(),
        }
    }

    /// The console table: model × main metrics, `mean [95% CI]`.
    pub fn console_table(&self) -> String {
        let keys = ["accuracy", "balanced_accuracy", "mcc", "roc_auc", "brier"];
        let headers: Vec<String> = ["model".to_string(), "arch".to_string()]
            .into_iter()
            .chain(keys.iter().map(|k| {
                let i = metric_info(k).unwrap();
                format!("{}{}", i.label, unit_suffix(&i))
            }))
            .collect();
        let rows: Vec<Vec<String>> = self
            .models
            .iter()
            .map(|m| {
                let mut row = vec![m.name.clone(), m.arch.clone()];
                row.extend(
                    keys.iter()
                        .map(|k| self.mean_ci(&m.name, &metric_info(k).unwrap())),
                );
                row
            })
            .collect();
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        crate::report::summary_table::text_table(&h, &rows)
    }

    /// One sentence per comparison of `metric`, each on its own line.
    pub fn sentences(&self, metric: &str) -> String {
        self.comparisons_of(metric)
            .map(|c| c.sentence.clone() + "\n")
            .collect()
    }

    /// A one-line description of the design.
    pub fn design(&self) -> String {
        format!(
            "{} × {}-fold stratified cross-validation (seed {}), scaler fit on each training fold; \
             {:.1} training / {:.1} test rows per fold",
            self.repeats, self.folds, self.seed, self.n_train_mean, self.n_test_mean
        )
    }

    /// The training settings in words.
    pub fn training(&self) -> String {
        let t = &self.train;
        let batch = match t.batch_size {
            Some(b) => format!("mini-batches of {b}"),
            None => "full batch".into(),
        };
        let mut s = format!(
            "{} for {} epochs, {batch}",
            t.optimizer.describe(),
            t.epochs
        );
        if self.auto_pos_weight {
            s += ", pos_weight = negatives/positives of each training fold";
        } else if let Some(w) = t.loss.pos_weight {
            let _ = write!(s, ", pos_weight {w}");
        }
        if let Some(es) = t.early_stopping {
            let _ = write!(
                s,
                ", early stopping (patience {}, validation fraction {})",
                es.patience, es.validation_fraction
            );
        }
        match self.init {
            InitSeeds::PerRun => s += "; initialisation seeded per (repeat, fold, model)",
            InitSeeds::Fixed(v) => {
                let _ = write!(s, "; initialisation seed {v} for every run");
            }
        }
        s
    }

    /// `study.md`: design, tables per metric, comparisons in words.
    pub fn to_markdown(&self) -> String {
        let mut s = String::from("# Repeated cross-validation study\n\n");
        let pos = self.n_positive as f64 / self.n_rows as f64 * 100.0;
        let _ = writeln!(s, "- data: {}", self.source);
        let _ = writeln!(
            s,
            "- rows: {} ({} positive, {pos:.1}%), target `{}`",
            self.n_rows, self.n_positive, self.target
        );
        let _ = writeln!(
            s,
            "- features ({}): {}",
            self.features.len(),
            self.features.join(", ")
        );
        let _ = writeln!(s, "- design: {}", self.design());
        let _ = writeln!(s, "- training: {}", self.training());
        s += "- baselines: `logistic` is a network with no hidden layer trained with the same \
              settings; `majority` predicts the training fold's majority class with probability \
              equal to its positive rate (all scores tied: ROC AUC 0.5, PR AUC = test positive rate)\n";
        s += "- 95% CIs of the mean over folds use Student's t and treat the folds as independent, \
              so they are too narrow (training sets overlap); to compare models use the paired \
              comparisons below, which use the corrected resampled t-test (Nadeau & Bengio 2003)\n\n";

        s += "## Models\n\n| model | architecture | parameters |\n|---|---|---:|\n";
        for m in &self.models {
            let _ = writeln!(s, "| {} | {} | {} |", m.name, m.arch, m.params);
        }

        s += "\n## Summary (mean [95% CI] over folds)\n\n";
        let keys = [
            "accuracy",
            "balanced_accuracy",
            "mcc",
            "roc_auc",
            "pr_auc",
            "brier",
        ];
        s += "| model |";
        for k in keys {
            let i = metric_info(k).unwrap();
            let _ = write!(s, " {}{} |", i.label, unit_suffix(&i));
        }
        s += "\n|---|";
        s += &"---:|".repeat(keys.len());
        s += "\n";
        for m in &self.models {
            let _ = write!(s, "| {} |", m.name);
            for k in keys {
                let _ = write!(s, " {} |", self.mean_ci(&m.name, &metric_info(k).unwrap()));
            }
            s += "\n";
        }

        s += "\n## Metrics\n";
        for info in METRICS {
            let _ = write!(
                s,
                "\n### {}{}{}\n\n| model | mean | std | 95% CI | folds |\n|---|---:|---:|---:|---:|\n",
                info.label,
                unit_suffix(&info),
                if info.higher_is_better {
                    ""
                } else {
                    " — lower is better"
                }
            );
            for m in &self.models {
                if let Some(x) = self.summary(&m.name, info.key) {
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | [{}, {}] | {} |",
                        m.name,
                        shown(&info, x.mean),
                        shown(&info, x.std),
                        shown(&info, x.ci_low),
                        shown(&info, x.ci_high),
                        x.n
                    );
                }
            }
        }

        s += "\n## Paired comparisons\n";
        for key in COMPARED {
            let info = metric_info(key).unwrap();
            let _ = writeln!(s, "\n### {}\n", info.label);
            for c in self.comparisons_of(key) {
                let _ = writeln!(s, "- {}", c.sentence);
            }
        }
        s
    }

    /// `study.csv`: model, metric, n, mean, std, ci_low, ci_high (fractions,
    /// not percentages).
    pub fn summary_csv(&self) -> String {
        let mut s = String::from("model,metric,n,mean,std,ci_low,ci_high\n");
        for m in &self.summaries {
            let x = &m.summary;
            let _ = writeln!(
                s,
                "{},{},{},{:?},{:?},{:?},{:?}",
                csv_field(&m.model),
                m.metric,
                x.n,
                x.mean,
                x.std,
                x.ci_low,
                x.ci_high
            );
        }
        s
    }

    /// `folds.csv`: one row per (repeat, fold, model).
    pub fn folds_csv(&self) -> String {
        let mut s = String::from("repeat,fold,model,seed,n_train,n_test,epochs");
        for info in METRICS {
            s.push(',');
            s.push_str(info.key);
        }
        s.push('\n');
        for r in &self.records {
            let _ = write!(
                s,
                "{},{},{},{},{},{},{}",
                r.repeat,
                r.fold,
                csv_field(&r.model),
                r.seed.map_or(String::new(), |v| v.to_string()),
                r.n_train,
                r.n_test,
                r.epochs
            );
            for info in METRICS {
                let _ = write!(s, ",{:?}", r.value(info.key));
            }
            s.push('\n');
        }
        s
    }

    /// `comparisons.csv`: one row per (metric, pair).
    pub fn comparisons_csv(&self) -> String {
        let mut s = String::from(
            "metric,a,b,unit,mean_diff,std_diff,ci_low,ci_high,t,df,p_value,sentence\n",
        );
        for c in &self.comparisons {
            let t = &c.test;
            let _ = writeln!(
                s,
                "{},{},{},{},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{}",
                c.metric,
                csv_field(&c.a),
                csv_field(&c.b),
                c.unit,
                t.mean_diff,
                t.std_diff,
                t.ci_low,
                t.ci_high,
                t.t,
                t.df,
                t.p_value,
                csv_field(&c.sentence)
            );
        }
        s
    }

    /// `study.json`: the whole result (NaN becomes null).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the study serializes") + "\n"
    }

    /// Strip/box plot of per-fold values of `metric` (percentages ×100).
    pub fn strip_svg(&self, metric: &str, width: u32, height: u32) -> String {
        let info = metric_info(metric).expect("a known metric");
        let scale = if info.percent { 100.0 } else { 1.0 };
        let groups: Vec<StripGroup> = self
            .models
            .iter()
            .map(|m| StripGroup {
                name: m.name.clone(),
                values: fold_values(&self.records, &m.name, metric)
                    .into_iter()
                    .map(|v| v * scale)
                    .collect(),
            })
            .collect();
        let title = format!(
            "Test {} per fold ({} × {}-fold CV)",
            info.label, self.repeats, self.folds
        );
        strip_box_svg(
            &title,
            &format!("test {}{}", info.label, unit_suffix(&info)),
            &groups,
            width,
            height,
        )
    }

    /// `accuracy_mcc.svg`: the accuracy and MCC strip plots side by side,
    /// each `width`×`height`, in one `2·width`×`height` document.
    pub fn accuracy_mcc_svg(&self, width: u32, height: u32) -> String {
        let mut s = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w2}" height="{height}" viewBox="0 0 {w2} {height}"><rect width="{w2}" height="{height}" fill="#ffffff"/>"##,
            w2 = 2 * width
        );
        for (i, metric) in ["accuracy", "mcc"].into_iter().enumerate() {
            let inner = self.strip_svg(metric, width, height);
            let x = i as u32 * width;
            // Position the standalone document as a nested <svg>.
            let inner = inner.replacen("<svg ", &format!("<svg x=\"{x}\" y=\"0\" "), 1);
            s += &inner;
        }
        s + "</svg>"
    }
}
