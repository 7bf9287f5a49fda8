//! Font metrics: text widths from DejaVu Sans advance tables, so text can
//! be laid out (and shortened to fit) without a font engine.

/// Advance widths of DejaVu Sans for ASCII 32..=126, in 1/1000 em (read
/// from the embedded font's `hmtx` table), used to lay out text without a
/// font engine. Non-ASCII characters count as 0.75 em.
const ADVANCE: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
/// The same for DejaVu Sans Bold.
const ADVANCE_BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

fn advance(table: &[u16; 95], s: &str, fs: f64) -> f64 {
    let em: u32 = s
        .chars()
        .map(|c| match c as u32 {
            32..=126 => table[c as usize - 32] as u32,
            _ => 750,
        })
        .sum();
    em as f64 / 1000.0 * fs * 1.02
}

/// Estimated rendered width of `s` at font size `fs` (regular weight).
pub(super) fn text_w(s: &str, fs: f64) -> f64 {
    advance(&ADVANCE, s, fs)
}

/// Estimated rendered width of `s` at font size `fs` in bold.
pub(super) fn text_w_bold(s: &str, fs: f64) -> f64 {
    advance(&ADVANCE_BOLD, s, fs)
}

/// Shorten `s` with an ellipsis so that it fits in `max_w`.
pub(super) fn fit_text(s: &str, max_w: f64, fs: f64) -> String {
    if text_w(s, fs) <= max_w {
        return s.to_string();
    }
    let mut t = String::new();
    for c in s.chars() {
        t.push(c);
        if text_w(&t, fs) + fs > max_w {
            t.pop();
            break;
        }
    }
    t.push('…');
    t
}
