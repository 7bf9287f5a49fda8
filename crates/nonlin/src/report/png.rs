//! SVG → PNG rasterization with `resvg`, using only fonts embedded in the
//! binary (DejaVu Sans, see `assets/fonts/`), never the system's, so that a
//! fresh machine without any fonts installed still renders chart text.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// DejaVu Sans (Bitstream Vera license, see `assets/fonts/LICENSE-DejaVu.txt`).
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, for titles.
static DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name inside the embedded font files.
const FAMILY: &str = "DejaVu Sans";

/// Largest accepted output side, to refuse absurd allocations.
const MAX_SIDE: u32 = 16_384;

/// The font database: the embedded fonts only, with every generic family
/// (and thus usvg's fallback, which is `serif`) mapped to DejaVu Sans.
fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(without_table(DEJAVU_SANS, b"kern"));
        db.load_font_data(without_table(DEJAVU_SANS_BOLD, b"kern"));
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// A copy of the TrueType font `font` without the table `tag` in its table
/// directory (the table's bytes stay, unreferenced; every other table keeps
/// its absolute offset). A font that does not parse as expected is returned
/// unchanged.
///
/// Used for the legacy `kern` table: DejaVu Sans positions pairs through its
/// GPOS `kern` feature, which the shaper prefers (HarfBuzz's rule), so the
/// legacy table never moves a glyph — but the shaper still indexes it for
/// every run of text it shapes, a tenth of rendering a chart.
fn without_table(font: &[u8], tag: &[u8; 4]) -> Vec<u8> {
    const HEADER: usize = 12;
    const RECORD: usize = 16;
    let mut out = font.to_vec();
    let Some(n) = font
        .get(4..6)
        .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
    else {
        return out;
    };
    let end = HEADER + n * RECORD;
    if end > font.len() {
        return out;
    }
    let Some(i) = (0..n).find(|i| &font[HEADER + i * RECORD..][..4] == tag) else {
        return out;
    };
    let at = HEADER + i * RECORD;
    // Later records move up one place (the directory stays sorted by tag).
    out.copy_within(at + RECORD..end, at);
    out[end - RECORD..end].fill(0);
    out[4..6].copy_from_slice(&((n - 1) as u16).to_be_bytes());
    out
}

/// Rasterize `svg` into a `width`×`height` PNG on a white background. The
/// drawing is scaled uniformly to fit and centered.
pub fn svg_to_png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>, String> {
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("invalid PNG size {width}x{height}"));
    }
    let opt = usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| format!("cannot parse SVG: {e}"))?;
    let size = tree.size();
    let scale = (width as f32 / size.width()).min(height as f32 / size.height());
    let dx = (width as f32 - size.width() * scale) / 2.0;
    let dy = (height as f32 - size.height() * scale) / 2.0;
    let transform = tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    with_canvas(width, height, |canvas| {
        canvas.pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(&tree, transform, &mut canvas.pixmap.as_mut());
        encode(&canvas.pixmap, &mut canvas.rgb).map_err(|e| format!("cannot encode PNG: {e}"))
    })?
}

/// A thread's drawing buffers, kept between figures: a fresh 1200×800
/// pixmap and RGB copy are 7 MB of new pages each time, and faulting them in
/// cost a tenth of rendering a run's figures.
struct Canvas {
    pixmap: tiny_skia::Pixmap,
    rgb: Vec<u8>,
}

/// Runs `f` on this thread's canvas of `width`×`height` pixels (contents
/// unspecified), made or resized as needed.
fn with_canvas<R>(width: u32, height: u32, f: impl FnOnce(&mut Canvas) -> R) -> Result<R, String> {
    thread_local! {
        static CANVAS: RefCell<Option<Canvas>> = const { RefCell::new(None) };
    }
    CANVAS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let fits = slot
            .as_ref()
            .is_some_and(|c| c.pixmap.width() == width && c.pixmap.height() == height);
        if !fits {
            *slot = None; // free the old buffers before making new ones
            let pixmap = tiny_skia::Pixmap::new(width, height)
                .ok_or_else(|| format!("cannot allocate a {width}x{height} pixmap"))?;
            *slot = Some(Canvas {
                pixmap,
                rgb: Vec::new(),
            });
        }
        Ok(f(slot.as_mut().expect("made above")))
    })
}

/// PNG bytes of a rendered pixmap. The pixmap was filled with opaque white
/// before drawing, so every pixel is opaque: its premultiplied bytes are the
/// straight colour and the PNG is 8-bit RGB, without an alpha channel. The
/// deflate stream is `png`'s fast one (fdeflate) after the Paeth filter on
/// every row: about a tenth of the time of the default level with adaptive
/// filters, for files roughly twice its size (≈60–90 kB a 1200×800 chart
/// instead of ≈35–45 kB; adaptive filters would save another 4% of size for
/// half again the encoding time).
fn encode(pixmap: &tiny_skia::Pixmap, rgb: &mut Vec<u8>) -> Result<Vec<u8>, png::EncodingError> {
    let rgba = pixmap.data();
    rgb.resize(rgba.len() / 4 * 3, 0);
    let mut alpha = u8::MAX;
    for (to, px) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
        to.copy_from_slice(&px[..3]);
        alpha &= px[3];
    }
    let demultiplied;
    let (color, data): (_, &[u8]) = if alpha == u8::MAX {
        (png::ColorType::Rgb, rgb)
    } else {
        demultiplied = pixmap.clone().take_demultiplied();
        (png::ColorType::Rgba, &demultiplied)
    };
    let mut out = Vec::with_capacity(data.len() / 16);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Paeth);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(data)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::chart::{self, tests::accuracy_chart};

    fn decode(png: &[u8]) -> tiny_skia::Pixmap {
        tiny_skia::Pixmap::decode_png(png).expect("output must be a valid PNG")
    }

    /// Count pixels in a rectangle that are clearly darker than white.
    fn dark_pixels(p: &tiny_skia::Pixmap, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
        let mut n = 0;
        for y in y0..y1.min(p.height()) {
            for x in x0..x1.min(p.width()) {
                let c = p.pixel(x, y).unwrap().demultiply();
                if (c.red() as u32 + c.green() as u32 + c.blue() as u32) < 3 * 128 {
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn chart_png_has_requested_size_and_text() {
        let svg = chart::line_chart_svg(&accuracy_chart(100), 1200, 800);
        let png = svg_to_png(&svg, 1200, 800).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let p = decode(&png);
        assert_eq!((p.width(), p.height()), (1200, 800));
        // The title is centered in the top band: glyphs make dark pixels.
        assert!(dark_pixels(&p, 300, 0, 900, 50) > 200, "title text missing");
        // The corners are background.
        assert_eq!(dark_pixels(&p, 0, 0, 10, 10), 0);
    }

    #[test]
    fn text_renders_from_embedded_fonts_only() {
        // Only text, in a family that does not exist: must fall back to the
        // embedded font (no system lookup is compiled in).
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">
            <text x="10" y="60" font-size="40" font-family="No Such Font">Hello</text></svg>"#;
        let p = decode(&svg_to_png(svg, 400, 100).unwrap());
        assert!(dark_pixels(&p, 0, 0, 400, 100) > 300);
        let bold = svg.replace("font-size", "font-weight=\"bold\" font-size");
        let pb = decode(&svg_to_png(&bold, 400, 100).unwrap());
        assert!(
            dark_pixels(&pb, 0, 0, 400, 100) > dark_pixels(&p, 0, 0, 400, 100),
            "bold face is loaded"
        );
    }

    #[test]
    fn scales_to_requested_size() {
        let svg = chart::line_chart_svg(&accuracy_chart(10), 600, 400);
        let p = decode(&svg_to_png(&svg, 1200, 800).unwrap());
        assert_eq!((p.width(), p.height()), (1200, 800));
        assert!(dark_pixels(&p, 300, 0, 900, 50) > 200);
    }

    /// Writes sample charts to `$TMPDIR/nonlin-report-samples/` for looking
    /// at them: `cargo test --lib write_samples -- --ignored`.
    #[test]
    #[ignore]
    fn write_samples() {
        let dir = std::env::temp_dir().join("nonlin-report-samples");
        std::fs::create_dir_all(&dir).unwrap();
        let save = |name: &str, svg: &str| {
            let t = std::time::Instant::now();
            let png = svg_to_png(svg, 1200, 800).unwrap();
            eprintln!("{name}: svg_to_png took {:?}", t.elapsed());
            assert_eq!(decode(&png).width(), 1200);
            std::fs::write(dir.join(format!("{name}.svg")), svg).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
        };
        let mut acc = accuracy_chart(1000);
        acc.series.truncate(2);
        save("line_1000", &chart::line_chart_svg(&acc, 1200, 800));
        save(
            "line_3",
            &chart::line_chart_svg(&accuracy_chart(60), 1200, 800),
        );
        let mut loss = accuracy_chart(200);
        loss.y_range = None;
        loss.title = "Loss".into();
        for s in &mut loss.series {
            s.ys.iter_mut().for_each(|y| *y = (100.0 - *y) / 80.0);
        }
        let mut long = accuracy_chart(40);
        long.series[0].name = "ReLU, 2 hidden layers of 64 units, train split".into();
        long.y_range = None;
        save("line_long_names", &chart::line_chart_svg(&long, 1200, 800));
        let panels = [accuracy_chart(100), loss.clone(), accuracy_chart(30)];
        save(
            "multiples3",
            &chart::small_multiples_svg(&panels, 3, 1200, 800),
        );
        save(
            "multiples",
            &chart::small_multiples_svg(&panels, 2, 1200, 800),
        );
        let roc = chart::roc_chart(
            "ROC on the test set",
            &[
                (
                    "ReLU".into(),
                    vec![0.0, 0.05, 0.1, 0.3, 0.6, 1.0],
                    vec![0.0, 0.5, 0.7, 0.85, 0.95, 1.0],
                ),
                (
                    "Sigmoid".into(),
                    vec![0.0, 0.1, 0.3, 0.5, 1.0],
                    vec![0.0, 0.3, 0.6, 0.8, 1.0],
                ),
            ],
        );
        save("roc", &chart::line_chart_svg(&roc, 1200, 800));
        let groups: Vec<chart::StripGroup> = ["ReLU", "Sigmoid", "Tanh"]
            .iter()
            .enumerate()
            .map(|(g, name)| chart::StripGroup {
                name: name.to_string(),
                values: (0..10)
                    .map(|i| 0.8 - 0.05 * g as f64 + ((i * 7 + g * 3) % 10) as f64 * 0.008)
                    .collect(),
            })
            .collect();
        let strip = chart::strip_box_svg("Per-fold MCC (10-fold CV)", "MCC", &groups, 1200, 800);
        save("strip", &strip);
        let mut report = crate::report::html::Report::new("Sample report");
        report
            .add_heading("Charts")
            .add_figure(
                "Accuracy, 1000 epochs",
                &chart::line_chart_svg(&acc, 1200, 800),
            )
            .add_figure("Per-fold MCC", &strip)
            .add_heading("Log")
            .add_preformatted("epoch 1 loss=0.69\nepoch 2 loss=0.52");
        std::fs::write(dir.join("report.html"), report.to_html()).unwrap();
    }

    #[test]
    fn encoding_keeps_every_pixel() {
        let opt = usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: fontdb(),
            ..usvg::Options::default()
        };
        let draw = |svg: &str, white: bool| {
            let tree = usvg::Tree::from_str(svg, &opt).unwrap();
            let mut p = tiny_skia::Pixmap::new(300, 200).unwrap();
            if white {
                p.fill(tiny_skia::Color::WHITE);
            }
            resvg::render(&tree, tiny_skia::Transform::identity(), &mut p.as_mut());
            p
        };
        let chart = chart::line_chart_svg(&accuracy_chart(50), 300, 200);
        let opaque = draw(&chart, true);
        // Text alone on a transparent pixmap: the RGBA path.
        let clear = draw(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">
            <text x="10" y="60" font-size="40" fill="#369">Hello</text></svg>"##,
            false,
        );
        assert!(clear.pixel(0, 0).unwrap().alpha() == 0);
        for p in [opaque, clear] {
            let ours = decode(&encode(&p, &mut Vec::new()).unwrap());
            let reference = decode(&p.encode_png().unwrap());
            assert_eq!(ours.data(), reference.data());
        }
    }

    #[test]
    fn drops_one_table_from_the_directory() {
        let tags = |font: &[u8]| -> Vec<[u8; 4]> {
            let n = u16::from_be_bytes([font[4], font[5]]) as usize;
            (0..n)
                .map(|i| font[12 + 16 * i..][..4].try_into().unwrap())
                .collect()
        };
        let stripped = without_table(DEJAVU_SANS, b"kern");
        let (before, after) = (tags(DEJAVU_SANS), tags(&stripped));
        assert!(before.contains(b"kern") && !after.contains(b"kern"));
        let kept: Vec<_> = before.into_iter().filter(|t| t != b"kern").collect();
        assert_eq!(after, kept, "every other table, still sorted");
        assert_eq!(stripped.len(), DEJAVU_SANS.len());
        // Nothing to drop, or not a font: unchanged.
        assert_eq!(without_table(&stripped, b"kern"), stripped);
        assert_eq!(without_table(b"abc", b"kern"), b"abc");
        assert_eq!(without_table(&[0, 1, 0, 0, 255, 255], b"kern").len(), 6);
    }

    #[test]
    fn rejects_bad_input() {
        assert!(svg_to_png("not svg", 10, 10).is_err());
        assert!(svg_to_png(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#, 0, 10).is_err());
    }
}
