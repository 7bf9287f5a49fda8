//! The summary table of `train` and `compare` as text and CSV, in the
//! task's metrics: [`SummaryTable::new`] picks the columns of the rows'
//! task. A binary run's table and CSV are [`SUMMARY_HEADERS`],
//! [`summary_cells`] and [`summary_csv`]; a multiclass or regression run's
//! come from one list of columns per task ([`MULTICLASS_COLUMNS`],
//! [`REGRESSION_COLUMNS`]), each column giving its table header, CSV name
//! and both renderings of a row.

use crate::eval::summary::{MulticlassRow, RegressionRow, Summaries, SummaryRow};

pub const SUMMARY_HEADERS: [&str; 7] = [
    "model",
    "arch",
    "final test acc",
    "best test acc",
    "best epoch",
    "final train loss",
    "final test loss",
];

/// The summary as table cells (same columns as [`SUMMARY_HEADERS`]).
pub fn summary_cells(rows: &[SummaryRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.model.clone(),
                r.arch.clone(),
                format!("{:.2}%", r.final_test_acc),
                format!("{:.2}%", r.best_test_acc),
                r.best_test_epoch.to_string(),
                format!("{:.5}", r.final_train_loss),
                format!("{:.5}", r.final_test_loss),
            ]
        })
        .collect()
}

/// A plain-text table with aligned columns: the first two left-aligned,
/// the others right-aligned.
pub fn text_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[&str]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, &w))| {
                if i < 2 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut s = line(headers);
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    s += &line(&rules.iter().map(String::as_str).collect::<Vec<_>>());
    for r in rows {
        s += &line(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    s
}

/// The summary rows as a text table.
pub fn summary_text(rows: &[SummaryRow]) -> String {
    text_table(&SUMMARY_HEADERS, &summary_cells(rows))
}

/// CSV of the summary rows.
pub fn summary_csv(rows: &[SummaryRow]) -> String {
    let mut s = String::from(
        "model,arch,epochs,final_train_loss,final_train_acc,final_test_loss,final_test_acc,best_test_acc,best_test_epoch\n",
    );
    for r in rows {
        s += &format!(
            "{},{},{},{:?},{:?},{:?},{:?},{:?},{}\n",
            r.model,
            r.arch,
            r.epochs,
            r.final_train_loss,
            r.final_train_acc,
            r.final_test_loss,
            r.final_test_acc,
            r.best_test_acc,
            r.best_test_epoch
        );
    }
    s
}

/// One column of a multiclass or regression summary: its header in the
/// table (`None`: in the CSV only), its name in the CSV, the table cell of
/// a row and its CSV value (numbers shortest round-trip, as
/// [`summary_csv`] writes them).
pub struct Column<R> {
    pub header: Option<&'static str>,
    pub csv: &'static str,
    pub cell: fn(&R) -> String,
    pub value: fn(&R) -> String,
}

/// A percentage as the table prints accuracies.
fn pct(v: f64) -> String {
    format!("{v:.2}%")
}

/// A loss as the table prints it.
fn loss(v: f64) -> String {
    format!("{v:.5}")
}

/// A metric in the target's units (or R²), as the log line prints it.
fn metric(v: f64) -> String {
    format!("{v:.4}")
}

/// Shortest round-trip, as the binary CSV writes numbers.
fn exact(v: f64) -> String {
    format!("{v:?}")
}

/// A multiclass run's columns, in table and CSV order. The CSV names of
/// the facts a binary summary also has are the binary CSV's.
pub const MULTICLASS_COLUMNS: [Column<MulticlassRow>; 12] = [
    Column {
        header: Some("model"),
        csv: "model",
        cell: |r| r.base.model.clone(),
        value: |r| r.base.model.clone(),
    },
    Column {
        header: Some("arch"),
        csv: "arch",
        cell: |r| r.base.arch.clone(),
        value: |r| r.base.arch.clone(),
    },
    Column {
        header: None,
        csv: "epochs",
        cell: |r| r.base.epochs.to_string(),
        value: |r| r.base.epochs.to_string(),
    },
    Column {
        header: Some("final test acc"),
        csv: "final_test_acc",
        cell: |r| pct(r.base.final_test_acc),
        value: |r| exact(r.base.final_test_acc),
    },
    Column {
        header: Some("best test acc"),
        csv: "best_test_acc",
        cell: |r| pct(r.base.best_test_acc),
        value: |r| exact(r.base.best_test_acc),
    },
    Column {
        header: Some("best epoch"),
        csv: "best_test_epoch",
        cell: |r| r.base.best_test_epoch.to_string(),
        value: |r| r.base.best_test_epoch.to_string(),
    },
    Column {
        header: Some("balanced acc"),
        csv: "balanced_test_acc",
        cell: |r| pct(r.balanced_test_acc),
        value: |r| exact(r.balanced_test_acc),
    },
    Column {
        header: Some("macro F1"),
        csv: "macro_f1",
        cell: |r| metric(r.macro_f1),
        value: |r| exact(r.macro_f1),
    },
    Column {
        header: Some("log loss"),
        csv: "log_loss",
        cell: |r| loss(r.log_loss),
        value: |r| exact(r.log_loss),
    },
    Column {
        header: None,
        csv: "final_train_acc",
        cell: |r| pct(r.base.final_train_acc),
        value: |r| exact(r.base.final_train_acc),
    },
    Column {
        header: Some("final train loss"),
        csv: "final_train_loss",
        cell: |r| loss(r.base.final_train_loss),
        value: |r| exact(r.base.final_train_loss),
    },
    Column {
        header: Some("final test loss"),
        csv: "final_test_loss",
        cell: |r| loss(r.base.final_test_loss),
        value: |r| exact(r.base.final_test_loss),
    },
];

/// A regression run's columns, in table and CSV order.
pub const REGRESSION_COLUMNS: [Column<RegressionRow>; 10] = [
    Column {
        header: Some("model"),
        csv: "model",
        cell: |r| r.model.clone(),
        value: |r| r.model.clone(),
    },
    Column {
        header: Some("arch"),
        csv: "arch",
        cell: |r| r.arch.clone(),
        value: |r| r.arch.clone(),
    },
    Column {
        header: None,
        csv: "epochs",
        cell: |r| r.epochs.to_string(),
        value: |r| r.epochs.to_string(),
    },
    Column {
        header: Some("final test RMSE"),
        csv: "final_test_rmse",
        cell: |r| metric(r.final_test_rmse),
        value: |r| exact(r.final_test_rmse),
    },
    Column {
        header: Some("final test MAE"),
        csv: "final_test_mae",
        cell: |r| metric(r.final_test_mae),
        value: |r| exact(r.final_test_mae),
    },
    Column {
        header: Some("final test R²"),
        csv: "final_test_r2",
        cell: |r| metric(r.final_test_r2),
        value: |r| exact(r.final_test_r2),
    },
    Column {
        header: Some("best test RMSE"),
        csv: "best_test_rmse",
        cell: |r| metric(r.best_test_rmse),
        value: |r| exact(r.best_test_rmse),
    },
    Column {
        header: Some("best epoch"),
        csv: "best_test_epoch",
        cell: |r| r.best_test_epoch.to_string(),
        value: |r| r.best_test_epoch.to_string(),
    },
    Column {
        header: Some("final train loss"),
        csv: "final_train_loss",
        cell: |r| loss(r.final_train_loss),
        value: |r| exact(r.final_train_loss),
    },
    Column {
        header: Some("final test loss"),
        csv: "final_test_loss",
        cell: |r| loss(r.final_test_loss),
        value: |r| exact(r.final_test_loss),
    },
];

/// A run's summary as a table and as CSV, in its task's columns.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryTable {
    pub headers: Vec<&'static str>,
    /// One row of cells per model, as many as `headers`.
    pub rows: Vec<Vec<String>>,
    /// The CSV, header line first.
    pub csv: String,
}

impl SummaryTable {
    /// The table of `summaries`: for a binary run exactly
    /// [`SUMMARY_HEADERS`], [`summary_cells`] and [`summary_csv`].
    pub fn new(summaries: &Summaries) -> SummaryTable {
        match summaries {
            Summaries::Binary(rows) => SummaryTable {
                headers: SUMMARY_HEADERS.to_vec(),
                rows: summary_cells(rows),
                csv: summary_csv(rows),
            },
            Summaries::Multiclass(rows) => SummaryTable::of_columns(&MULTICLASS_COLUMNS, rows),
            Summaries::Regression(rows) => SummaryTable::of_columns(&REGRESSION_COLUMNS, rows),
        }
    }

    fn of_columns<R>(columns: &[Column<R>], rows: &[R]) -> SummaryTable {
        let shown: Vec<&Column<R>> = columns.iter().filter(|c| c.header.is_some()).collect();
        let names: Vec<&str> = columns.iter().map(|c| c.csv).collect();
        let mut csv = names.join(",") + "\n";
        for r in rows {
            let values: Vec<String> = columns.iter().map(|c| (c.value)(r)).collect();
            csv += &(values.join(",") + "\n");
        }
        SummaryTable {
            headers: shown.iter().filter_map(|c| c.header).collect(),
            rows: rows
                .iter()
                .map(|r| shown.iter().map(|c| (c.cell)(r)).collect())
                .collect(),
            csv,
        }
    }

    /// The aligned plain-text table ([`text_table`]).
    pub fn text(&self) -> String {
        text_table(&self.headers, &self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regression_row(model: &str, rmse: f64) -> RegressionRow {
        RegressionRow {
            model: model.into(),
            arch: "10-8-relu-1".into(),
            epochs: 12,
            final_train_loss: 0.25,
            final_test_loss: 0.5,
            final_test_rmse: rmse,
            final_test_mae: 41.123456789,
            final_test_r2: 0.1 + 0.2,
            best_test_rmse: 50.0,
            best_test_epoch: 7,
        }
    }

    #[test]
    fn a_regression_table_shows_its_headers_and_the_csv_every_value_exactly() {
        let rows = vec![regression_row("a", 55.5), regression_row("b", 1.0 / 3.0)];
        let t = SummaryTable::new(&Summaries::Regression(rows.clone()));
        assert_eq!(t.headers.len(), 9, "epochs is in the CSV only");
        assert!(t.rows.iter().all(|r| r.len() == t.headers.len()));
        assert_eq!(t.rows[1][2], "0.3333");
        let lines: Vec<&str> = t.csv.lines().collect();
        assert_eq!(lines.len(), 3);
        let header: Vec<&str> = lines[0].split(',').collect();
        let mut unique = header.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), header.len(), "{header:?}");
        let at = |line: &str, name: &str| -> String {
            let i = header.iter().position(|h| *h == name).unwrap();
            line.split(',').nth(i).unwrap().to_string()
        };
        for (line, r) in lines[1..].iter().zip(&rows) {
            assert_eq!(at(line, "model"), r.model);
            assert_eq!(at(line, "epochs"), "12");
            let rmse: f64 = at(line, "final_test_rmse").parse().unwrap();
            assert_eq!(rmse, r.final_test_rmse);
            let r2: f64 = at(line, "final_test_r2").parse().unwrap();
            assert_eq!(r2, r.final_test_r2);
        }
        let text = t.text();
        assert!(text.starts_with("model  arch"));
        assert!(text.contains("final test R²"));
    }

    #[test]
    fn a_binary_table_is_the_binary_summary() {
        let row = SummaryRow {
            model: "m".into(),
            arch: "12-5-relu-1".into(),
            epochs: 3,
            final_train_loss: 0.5,
            final_train_acc: 75.0,
            final_test_loss: 0.6,
            final_test_acc: 70.0,
            best_test_acc: 71.25,
            best_test_epoch: 1,
        };
        let rows = vec![row];
        let t = SummaryTable::new(&Summaries::Binary(rows.clone()));
        assert_eq!(t.csv, summary_csv(&rows));
        assert_eq!(t.text(), summary_text(&rows));
        assert_eq!(t.headers, SUMMARY_HEADERS);
    }
}
