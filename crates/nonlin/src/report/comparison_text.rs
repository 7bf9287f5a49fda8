//! The words of a paired comparison: one sentence with the difference, its
//! 95% CI, the p-value and a verdict ("no evidence of a difference", ...).

use crate::eval::stats::PairedTest;

/// Formats `x` with `decimals` decimals, an explicit sign when `signed`
/// (“+”/“−”, U+2212), and no sign when it rounds to zero.
fn fmt_num(x: f64, decimals: usize, signed: bool) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+∞" } else { "−∞" }.to_string();
    }
    let body = format!("{:.*}", decimals, x.abs());
    let is_zero = body.chars().all(|c| c == '0' || c == '.');
    if is_zero {
        body
    } else if x < 0.0 {
        format!("−{body}")
    } else if signed {
        format!("+{body}")
    } else {
        body
    }
}

fn fmt_p(p: f64) -> String {
    if p.is_nan() {
        "p = n/a".to_string()
    } else if p < 0.001 {
        "p < 0.001".to_string()
    } else if p >= 0.1 {
        format!("p = {p:.2}")
    } else {
        // Three significant digits below 0.1 (e.g. 0.0432, 0.00715).
        let decimals = (2 - p.log10().floor() as i32).max(0) as usize;
        format!("p = {p:.decimals$}")
    }
}

/// A plain-words sentence for a paired comparison of `name_a` against
/// `name_b` (differences are a − b), e.g.
///
/// `ReLU vs linear: +0.4 points accuracy, 95% CI [−1.9, 2.7], p = 0.71 — no
/// evidence of a difference`
///
/// With p < 0.05 the verdict names the better one, where *better* means a
/// higher value of the measured quantity: for lower-is-better metrics (loss,
/// Brier) pass negated differences. Numbers are shown with two significant
/// digits of the largest of |mean|, |CI bounds| (at least one decimal).
pub fn describe_difference(name_a: &str, name_b: &str, test: &PairedTest, unit: &str) -> String {
    describe_difference_of(name_a, name_b, test, unit, true)
}

/// [`describe_difference`] for a metric where lower may be better (RMSE,
/// a loss): the better model is the one the difference favours.
pub fn describe_difference_of(
    name_a: &str,
    name_b: &str,
    test: &PairedTest,
    unit: &str,
    higher_is_better: bool,
) -> String {
    let scale = [test.mean_diff, test.ci_low, test.ci_high]
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |acc, x| acc.max(x.abs()));
    let decimals = if scale > 0.0 {
        (1 - scale.log10().floor() as i32).clamp(1, 6) as usize
    } else {
        1
    };
    let verdict = if test.p_value.is_nan() {
        "not enough folds to test".to_string()
    } else if test.p_value < 0.05 {
        let better = if (test.mean_diff > 0.0) == higher_is_better {
            name_a
        } else {
            name_b
        };
        format!("evidence of a difference ({better} is better)")
    } else {
        "no evidence of a difference".to_string()
    };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    format!(
        "{name_a} vs {name_b}: {}{unit}, 95% CI [{}, {}], {} — {verdict}",
        fmt_num(test.mean_diff, decimals, true),
        fmt_num(test.ci_low, decimals, false),
        fmt_num(test.ci_high, decimals, false),
        fmt_p(test.p_value),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_no_difference() {
        let test = PairedTest {
            mean_diff: 0.4,
            std_diff: 3.0,
            t: 0.38,
            df: 9.0,
            p_value: 0.71,
            ci_low: -1.9,
            ci_high: 2.7,
        };
        assert_eq!(
            describe_difference("ReLU", "linear", &test, "points accuracy"),
            "ReLU vs linear: +0.4 points accuracy, 95% CI [−1.9, 2.7], p = 0.71 — \
             no evidence of a difference"
        );
    }

    #[test]
    fn describe_evidence_names_the_better() {
        let test = PairedTest {
            mean_diff: -0.0213,
            std_diff: 0.01,
            t: -4.1,
            df: 9.0,
            p_value: 0.0432,
            ci_low: -0.0412,
            ci_high: -0.0014,
        };
        assert_eq!(
            describe_difference("tanh", "GELU", &test, "AUC"),
            "tanh vs GELU: −0.021 AUC, 95% CI [−0.041, −0.001], p = 0.0432 — \
             evidence of a difference (GELU is better)"
        );
        let flipped = PairedTest {
            mean_diff: 2.5,
            ci_low: 1.0,
            ci_high: 4.0,
            p_value: 0.0001,
            ..test
        };
        assert_eq!(
            describe_difference("tanh", "GELU", &flipped, ""),
            "tanh vs GELU: +2.5, 95% CI [1.0, 4.0], p < 0.001 — \
             evidence of a difference (tanh is better)"
        );
    }
}
