//! Box-plot statistics: quartiles and whiskers of a set of values.

/// Five-number summary as drawn by [`super::strip_box_svg`]. Quartiles use linear
/// interpolation (the "type 7" definition of R and NumPy); whiskers reach the
/// most extreme values within 1.5 IQR of the box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub whisker_lo: f64,
    pub whisker_hi: f64,
}

/// Box statistics of the finite values, or `None` if there are none.
pub fn box_stats(values: &[f64]) -> Option<BoxStats> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| {
        let h = (v.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    };
    let (q1, median, q3) = (q(0.25), q(0.5), q(0.75));
    let iqr = q3 - q1;
    let (fence_lo, fence_hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    let whisker_lo = v.iter().copied().find(|&x| x >= fence_lo).unwrap_or(q1);
    let whisker_hi = v
        .iter()
        .rev()
        .copied()
        .find(|&x| x <= fence_hi)
        .unwrap_or(q3);
    Some(BoxStats {
        q1,
        median,
        q3,
        whisker_lo: whisker_lo.min(q1),
        whisker_hi: whisker_hi.max(q3),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_stats_match_hand_computation() {
        let st = box_stats(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0]).unwrap();
        assert!((st.median - 5.5).abs() < 1e-12);
        assert!((st.q1 - 3.25).abs() < 1e-12);
        assert!((st.q3 - 7.75).abs() < 1e-12);
        assert_eq!(st.whisker_lo, 1.0);
        assert_eq!(st.whisker_hi, 9.0, "100 lies beyond 1.5 IQR");
        assert!(box_stats(&[f64::NAN]).is_none());
        let one = box_stats(&[0.7]).unwrap();
        assert_eq!((one.q1, one.median, one.q3), (0.7, 0.7, 0.7));
    }
}
