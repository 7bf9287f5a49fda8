//! report.html in a real headless browser (Debian's chromium): the page loads
//! from disk with every figure and the summary table in its DOM, and renders
//! to a non-blank screenshot. `.ci/run` installs chromium and sets
//! NONLIN_REQUIRE_BROWSER=1, which turns a missing browser into a failure;
//! elsewhere the test says it was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn headless(browser: &Path, profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("NONLIN_REQUIRE_BROWSER").is_none(),
            "NONLIN_REQUIRE_BROWSER is set but chromium is missing"
        );
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("nonlin-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["--epochs", "50", "--quiet", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = out.join("report.html");

    let dom = headless(&browser, &dir.join("p1"), &["--dump-dom"], &page);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(
        dom.matches("<svg").count(),
        2 + 3 * 3,
        "every figure inline in the rendered DOM"
    );
    for text in ["model_non_linear", "best test acc", "Epoch: 0, Loss: "] {
        assert!(dom.contains(text), "rendered page lacks {text:?}");
    }

    let shot = dir.join("shot.png");
    let o = headless(
        &browser,
        &dir.join("p2"),
        &[
            "--window-size=1200,2400",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let png = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&shot).unwrap()).unwrap();
    assert_eq!((png.width(), png.height()), (1200, 2400));
    let dark = png
        .pixels()
        .iter()
        .filter(|p| p.red() < 128 && p.green() < 128)
        .count();
    assert!(
        dark > 20_000,
        "the screenshot looks blank ({dark} dark pixels)"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
