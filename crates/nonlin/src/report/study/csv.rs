//! A study's tables as CSV: `study.csv` (summaries), `folds.csv` (every
//! run) and `comparisons.csv` (every paired test with its sentence).

use super::sentence;
use crate::eval::study::{metrics_of, StudyResult};
use std::fmt::Write;

/// A CSV field, quoted when needed.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `study.csv`: model, metric, n, mean, std, ci_low, ci_high (fractions,
/// not percentages).
pub fn summary_csv(study: &StudyResult) -> String {
    let mut s = String::from("model,metric,n,mean,std,ci_low,ci_high\n");
    for m in &study.summaries {
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
pub fn folds_csv(study: &StudyResult) -> String {
    let mut s = String::from("repeat,fold,model,seed,n_train,n_test,epochs");
    for info in metrics_of(study.task) {
        s.push(',');
        s.push_str(info.key);
    }
    s.push('\n');
    for r in &study.records {
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
        for info in metrics_of(study.task) {
            let _ = write!(s, ",{:?}", r.value(info.key));
        }
        s.push('\n');
    }
    s
}

/// `comparisons.csv`: one row per (metric, pair).
pub fn comparisons_csv(study: &StudyResult) -> String {
    let mut s =
        String::from("metric,a,b,unit,mean_diff,std_diff,ci_low,ci_high,t,df,p_value,sentence\n");
    for c in &study.comparisons {
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
            csv_field(&sentence(c))
        );
    }
    s
}

/// `importance.csv`: one row per (model, feature): the pooled permutation
/// importance's mean, 95% interval, folds and rank.
pub fn importance_csv(study: &StudyResult) -> String {
    let mut s = String::from("model,feature,mean,std,ci_low,ci_high,folds,rank\n");
    for i in &study.importance {
        let x = &i.summary;
        let _ = writeln!(
            s,
            "{},{},{:?},{:?},{:?},{:?},{},{}",
            csv_field(&i.model),
            csv_field(&i.feature),
            x.mean,
            x.std,
            x.ci_low,
            x.ci_high,
            x.n,
            i.rank
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("ab"), "ab");
    }
}
