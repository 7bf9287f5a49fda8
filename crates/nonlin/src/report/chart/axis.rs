//! Axes: range and tick choice ("nice" steps), tick labels, and drawing the
//! x and y axes with their grid lines and labels.

use super::frame::{Fonts, Frame};
use super::svg::{esc, n};
use super::text::{fit_text, text_w};
use std::fmt::Write as _;

/// An axis: data range, tick positions and tick label format.
#[derive(Debug, Clone)]
pub(super) struct Axis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) ticks: Vec<f64>,
    pub(super) step: f64,
}

impl Axis {
    pub(super) fn map(&self, v: f64, p0: f64, p1: f64) -> f64 {
        p0 + (v - self.lo) / (self.hi - self.lo) * (p1 - p0)
    }
    pub(super) fn label(&self, v: f64) -> String {
        tick_label(v, self.step)
    }
}

fn nice_step(span: f64, target: f64) -> f64 {
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

fn ticks_in(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil();
    let mut out = Vec::new();
    for i in 0..=200 {
        let t = (first + i as f64) * step;
        if t > hi + step * 1e-9 {
            break;
        }
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
    }
    out
}

/// Build an axis. `fixed` wins if valid; otherwise the range comes from the
/// finite data (`pad`: add 5 % padding and widen to whole ticks; else tight).
pub(super) fn auto_axis(
    data: impl Iterator<Item = f64>,
    fixed: Option<(f64, f64)>,
    pixels: f64,
    px_per_tick: f64,
    pad: bool,
    integer: bool,
) -> Axis {
    let target = (pixels / px_per_tick).clamp(2.0, 10.0);
    let step_for = |span: f64| {
        let s = nice_step(span, target);
        if integer {
            s.max(1.0)
        } else {
            s
        }
    };
    if let Some((a, b)) = fixed {
        if a.is_finite() && b.is_finite() && a < b {
            let step = step_for(b - a);
            return Axis {
                lo: a,
                hi: b,
                ticks: ticks_in(a, b, step),
                step,
            };
        }
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in data.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let d = if integer {
            1.0
        } else {
            (hi.abs() * 0.1).max(1e-3)
        };
        let (l, h) = (lo - d, hi + d);
        (lo, hi) = (l, h);
    }
    if pad {
        let nonneg = lo >= 0.0;
        let m = (hi - lo) * 0.05;
        let (mut l, h) = (lo - m, hi + m);
        if nonneg && l < 0.0 {
            l = 0.0;
        }
        let step = step_for(h - l);
        let (l, h) = ((l / step).floor() * step, (h / step).ceil() * step);
        Axis {
            lo: l,
            hi: h,
            ticks: ticks_in(l, h, step),
            step,
        }
    } else {
        let step = step_for(hi - lo);
        Axis {
            lo,
            hi,
            ticks: ticks_in(lo, hi, step),
            step,
        }
    }
}

/// Tick label with just enough decimals for the step; a true minus sign.
pub(super) fn tick_label(v: f64, step: f64) -> String {
    let s = if v == 0.0 {
        "0".to_string()
    } else if step.abs() >= 1e6 || step.abs() < 1e-4 {
        let s = format!("{v:.2e}");
        // 1.50e6 -> 1.5e6
        match s.split_once('e') {
            Some((m, e)) => {
                let m = m.trim_end_matches('0').trim_end_matches('.');
                format!("{m}e{e}")
            }
            None => s,
        }
    } else {
        let mut d = 0usize;
        while d < 8 {
            let scaled = step * 10f64.powi(d as i32);
            if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
                break;
            }
            d += 1;
        }
        format!("{v:.d$}")
    };
    s.replace('-', "\u{2212}")
}

/// The space left of the plot: y tick labels, the y label and padding.
pub(super) fn left_margin(y_axis: &Axis, y_label: &str, f: &Fonts) -> f64 {
    let widest = y_axis
        .ticks
        .iter()
        .map(|&t| text_w(&y_axis.label(t), f.tick))
        .fold(0.0, f64::max);
    let label = if y_label.is_empty() {
        0.0
    } else {
        f.label * 1.25 + f.gap
    };
    f.pad + label + widest + f.gap + f.tick_len
}

/// Draws the plot background, y grid lines, ticks, labels and the axis
/// lines; `left` is the margin from [`left_margin`].
pub(super) fn draw_y_axis(
    out: &mut String,
    plot: &Frame,
    y: &Axis,
    y_label: &str,
    f: &Fonts,
    left: f64,
) {
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#fcfcfc" stroke="none"/>"##,
        n(plot.x),
        n(plot.y),
        n(plot.w),
        n(plot.h)
    );
    out.push_str(r##"<g class="y-axis">"##);
    for &t in &y.ticks {
        let py = y.map(t, plot.y + plot.h, plot.y);
        let _ = write!(
            out,
            r##"<line x1="{x0}" y1="{py}" x2="{x1}" y2="{py}" stroke="#e3e3e3" stroke-width="{sw}"/><line x1="{xt}" y1="{py}" x2="{x0}" y2="{py}" stroke="#333" stroke-width="{sw}"/><text x="{xl}" y="{ty}" font-size="{fs}" text-anchor="end" fill="#333">{label}</text>"##,
            x0 = n(plot.x),
            x1 = n(plot.x + plot.w),
            xt = n(plot.x - f.tick_len),
            xl = n(plot.x - f.tick_len - f.gap * 0.6),
            py = n(py),
            ty = n(py + f.tick * 0.36),
            fs = n(f.tick),
            sw = n(f.k.max(0.5)),
            label = esc(&y.label(t)),
        );
    }
    if !y_label.is_empty() {
        let x = plot.x - left + f.pad + f.label * 0.8;
        let cy = plot.y + plot.h / 2.0;
        let _ = write!(
            out,
            r##"<text class="axis-label" x="{x}" y="{cy}" font-size="{fs}" text-anchor="middle" fill="#111" transform="rotate(-90 {x} {cy})">{label}</text>"##,
            x = n(x),
            cy = n(cy),
            fs = n(f.label),
            label = esc(&fit_text(y_label, plot.h, f.label)),
        );
    }
    let _ = write!(
        out,
        r##"<path d="M{} {}V{}H{}" fill="none" stroke="#333" stroke-width="{}"/>"##,
        n(plot.x),
        n(plot.y),
        n(plot.y + plot.h),
        n(plot.x + plot.w),
        n(f.k * 1.3)
    );
    out.push_str("</g>");
}

/// Draws the x grid lines, ticks, tick labels and the x label.
pub(super) fn draw_x_axis(out: &mut String, plot: &Frame, x: &Axis, x_label: &str, f: &Fonts) {
    out.push_str(r##"<g class="x-axis">"##);
    for &t in &x.ticks {
        let px = x.map(t, plot.x, plot.x + plot.w);
        let _ = write!(
            out,
            r##"<line x1="{px}" y1="{y0}" x2="{px}" y2="{y1}" stroke="#e3e3e3" stroke-width="{sw}"/><line x1="{px}" y1="{y1}" x2="{px}" y2="{yt}" stroke="#333" stroke-width="{sw}"/><text x="{px}" y="{ty}" font-size="{fs}" text-anchor="middle" fill="#333">{label}</text>"##,
            px = n(px),
            y0 = n(plot.y),
            y1 = n(plot.y + plot.h),
            yt = n(plot.y + plot.h + f.tick_len),
            ty = n(plot.y + plot.h + f.tick_len + f.gap * 0.5 + f.tick),
            fs = n(f.tick),
            sw = n(f.k.max(0.5)),
            label = esc(&x.label(t)),
        );
    }
    if !x_label.is_empty() {
        let _ = write!(
            out,
            r##"<text class="axis-label" x="{}" y="{}" font-size="{}" text-anchor="middle" fill="#111">{}</text>"##,
            n(plot.x + plot.w / 2.0),
            n(plot.y + plot.h + f.tick_len + f.gap + f.tick * 1.2 + f.label),
            n(f.label),
            esc(&fit_text(x_label, plot.w, f.label)),
        );
    }
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        let a = auto_axis([0.12, 0.93].into_iter(), None, 600.0, 60.0, true, false);
        assert_eq!(a.lo, 0.0);
        assert_eq!(a.hi, 1.0);
        assert_eq!(
            a.ticks.iter().map(|&t| a.label(t)).collect::<Vec<_>>()[..3],
            ["0", "0.1", "0.2"]
        );
        let x = auto_axis([1.0, 1000.0].into_iter(), None, 1000.0, 110.0, false, true);
        assert_eq!((x.lo, x.hi), (1.0, 1000.0));
        assert!(
            x.ticks
                .iter()
                .all(|t| t.fract() == 0.0 && (t % 100.0) == 0.0),
            "{:?}",
            x.ticks
        );
        let e = auto_axis([1.0, 3.0].into_iter(), None, 1000.0, 110.0, false, true);
        assert!(e.ticks.iter().all(|t| t.fract() == 0.0), "{:?}", e.ticks);
        assert_eq!(tick_label(-0.5, 0.25), "\u{2212}0.50");
        assert_eq!(tick_label(2_000_000.0, 1_000_000.0), "2e6");
    }
}
