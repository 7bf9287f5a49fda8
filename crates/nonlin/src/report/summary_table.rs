//! The summary table of `train` and `compare` as text and CSV.

use crate::eval::summary::SummaryRow;

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
