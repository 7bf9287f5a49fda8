//! The playground in a real headless browser (Debian's chromium), driven
//! through the DevTools protocol over `--remote-debugging-pipe`: load the
//! page, pick the ReLU preset, start, wait for the curves, and check the
//! numbers shown equal `nonlin train` with the same settings; step, resume
//! and watch the test split's confusion matrix and the decision view update
//! while it trains; upload a CSV with a text column and a missing value and
//! check the page shows `train`'s error, then with missing = median the
//! numbers of the same run in the library; save a screenshot
//! (target/tmp/serve-playground.png).
//! `.ci/run` sets NONLIN_REQUIRE_BROWSER=1, which turns a missing browser
//! into a failure; elsewhere the test says it was skipped.

mod serve_util;

use serde_json::{json, Value};
use serve_util::upload_case::{default_error, library_rows, page_words, text_csv};
use serve_util::*;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a condition of the page may take before the test calls it stuck.
const HANG: Duration = Duration::from_secs(120);

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// A browser and one page, spoken to over the DevTools pipe.
struct Browser {
    child: Child,
    to: std::io::PipeWriter,
    from: BufReader<std::io::PipeReader>,
    next: u64,
    session: Option<String>,
}

impl Browser {
    fn launch(exe: &Path, profile: &Path) -> Browser {
        let (to_read, to) = std::io::pipe().unwrap();
        let (from, from_write) = std::io::pipe().unwrap();
        let (r, w) = (to_read.as_raw_fd(), from_write.as_raw_fd());
        let mut cmd = Command::new(exe);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--remote-debugging-pipe",
            "--window-size=1280,1100",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("chromium starts");
        drop((to_read, from_write));
        Browser {
            child,
            to,
            from: BufReader::new(from),
            next: 0,
            session: None,
        }
    }

    /// A browser showing the playground at `url`, its settings loaded.
    fn open(exe: &Path, profile: &Path, url: &str) -> Browser {
        let mut b = Browser::launch(exe, profile);
        let target = b.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        b.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        b.call("Page.enable", json!({}));
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1280, "height": 1100, "deviceScaleFactor": 1, "mobile": false }),
        );
        b.call("Page.navigate", json!({ "url": url }));
        b.wait_for("!!(window.__nonlin && window.__nonlin.meta && document.getElementById('preset-model_non_linear'))");
        b
    }

    /// Gives the page's file input `path`, as a user choosing that file.
    fn choose_file(&mut self, path: &Path) {
        let doc = self.call("DOM.getDocument", json!({}));
        let input = self.call(
            "DOM.querySelector",
            json!({ "nodeId": doc["root"]["nodeId"], "selector": "#file" }),
        );
        self.call(
            "DOM.setFileInputFiles",
            json!({ "nodeId": input["nodeId"], "files": [path.to_str().unwrap()] }),
        );
    }

    /// Sends a command and waits for its answer (events are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let mut buf = Vec::new();
            let n = self.from.read_until(0, &mut buf).unwrap();
            assert!(n > 0, "the browser closed its pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"] == self.next {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates JS in the page (promises awaited), returning its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "awaitPromise": true, "returnByValue": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Polls `js` until it is true, failing after [`HANG`] (a hang guard,
    /// generous so a busy machine cannot fail it; not a measure of speed).
    fn wait_for(&mut self, js: &str) {
        let deadline = Instant::now() + HANG;
        while self.eval(js) != json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {js}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (val(c) as u32) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Saves the page as `target/tmp/NAME`.
fn screenshot(b: &mut Browser, name: &str) {
    let shot = b.call(
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true }),
    );
    let png = base64_decode(shot["data"].as_str().unwrap());
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    let artifact = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&artifact, &png).unwrap();
    eprintln!("screenshot: {}", artifact.display());
}

/// The browser, or `None` (the test is skipped, unless
/// NONLIN_REQUIRE_BROWSER is set).
fn browser_or_skip() -> Option<PathBuf> {
    let exe = chromium();
    if exe.is_none() {
        assert!(
            std::env::var_os("NONLIN_REQUIRE_BROWSER").is_none(),
            "NONLIN_REQUIRE_BROWSER is set but chromium is missing"
        );
        eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
    }
    exe
}

#[test]
fn playground_in_a_real_browser() {
    let Some(exe) = browser_or_skip() else {
        return;
    };
    let dir = temp_dir("serve-browser");
    let server = Server::start(&[]);
    let mut b = Browser::open(&exe, &dir.join("profile"), &server.url);

    // The linear model of the tutorial, trained and pinned for the overlay.
    b.eval("document.getElementById('preset-model_0').click(); document.getElementById('start').click(); true");
    b.wait_for(
        "document.body.dataset.state === 'done' && !document.getElementById('pin').disabled",
    );
    b.eval("document.getElementById('pin').click(); true");
    assert_eq!(b.eval("window.__nonlin.pinned.length"), json!(1));

    // The ReLU preset of the tutorial, started from the page.
    b.eval("document.getElementById('preset-model_non_linear').click(); document.getElementById('start').click(); true");
    b.wait_for("!!(window.__nonlin.run && window.__nonlin.run.testAcc.length >= 100)");
    b.wait_for(
        "document.body.dataset.state === 'done' && !!document.getElementById('final-test-acc')",
    );
    b.wait_for(
        "document.getElementById('downloads').textContent.includes('model.safetensors') && \
         document.getElementById('epoch').textContent === '1000 / 1000'",
    );
    let shown = b.eval(
        "JSON.stringify({ testAcc: window.__nonlin.run.testAcc, trainLoss: window.__nonlin.run.trainLoss, \
         epoch: document.getElementById('epoch').textContent, acc: document.getElementById('test-acc').textContent, \
         loss: document.getElementById('train-loss').textContent, final: document.getElementById('final-test-acc').textContent })",
    );
    let shown: Value = serde_json::from_str(shown.as_str().unwrap()).unwrap();

    let out = dir.join("cli");
    nonlin(&[
        "train",
        "--preset",
        "tutorial",
        "--hidden",
        "5",
        "--activation",
        "relu",
        "--scale-before-split",
        "--seed",
        "42",
        "--init-rng",
        "torch",
        "--epochs",
        "1000",
        "--quiet",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    let rows = history_rows(&std::fs::read_to_string(out.join("history.csv")).unwrap());
    let last = rows.last().unwrap();
    let curve: Vec<f64> = shown["testAcc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(
        curve,
        rows.iter().map(|r| r[4]).collect::<Vec<_>>(),
        "the page's test-accuracy curve is train's"
    );
    assert_eq!(shown["epoch"], "1000 / 1000");
    assert_eq!(shown["acc"], format!("{:.2}%", last[4]));
    assert_eq!(shown["loss"], format!("{:.4}", last[1]));
    assert_eq!(
        shown["final"],
        format!("{:.2}%", last[4]),
        "the confusion matrix's accuracy is the last epoch's"
    );

    // "Is it chance?" for the two pinned models (a small design).
    b.eval(
        "document.getElementById('pin').click(); document.getElementById('repeats').value = '1'; \
         document.getElementById('folds').value = '2'; document.getElementById('chance').click(); true",
    );
    b.wait_for("!!document.querySelector('#strip svg')");
    let sentences = b.eval("document.getElementById('sentences').textContent");
    let sentences = sentences.as_str().unwrap();
    assert!(
        sentences.contains("model_non_linear") && sentences.contains("model_0"),
        "{sentences}"
    );

    // The screenshot artifact.
    screenshot(&mut b, "serve-playground.png");

    // Step before a run: one epoch, then paused, with the test split's
    // confusion matrix and the decision view of that epoch; Step again;
    // Resume runs on, and both update live while it trains; Reset stops.
    b.eval("document.getElementById('epochs').value = '100000'; document.getElementById('step').click(); true");
    b.wait_for("document.body.dataset.state === 'paused'");
    assert_eq!(b.eval("window.__nonlin.run.testAcc.length"), json!(1));
    b.wait_for(
        "document.getElementById('outcome-when').textContent === 'live, after epoch 1' && \
         !!document.getElementById('live-test-acc') && \
         !!window.__nonlin.decision && window.__nonlin.decision.epoch === 0",
    );
    b.eval("document.getElementById('step').click(); true");
    b.wait_for(
        "window.__nonlin.run.testAcc.length === 2 && document.body.dataset.state === 'paused'",
    );
    b.wait_for(
        "window.__nonlin.decision.epoch === 1 && \
         document.getElementById('decision-when').textContent === 'live, after epoch 2'",
    );
    screenshot(&mut b, "serve-playground-paused.png");
    let (live0, draws0) = (
        b.eval("window.__nonlin.live"),
        b.eval("window.__nonlin.draws"),
    );
    b.eval("document.getElementById('pause').click(); true");
    b.wait_for(&format!(
        "window.__nonlin.live >= {} && window.__nonlin.draws >= {} && \
             window.__nonlin.run.done === null && window.__nonlin.run.testAcc.length > 2",
        live0.as_u64().unwrap() + 3,
        draws0.as_u64().unwrap() + 2
    ));
    b.eval("document.getElementById('reset').click(); true");
    b.wait_for("document.body.dataset.state === 'idle' && window.__nonlin.run === null");

    // A CSV with a text column and a missing value: train's error, in the page.
    let bad = dir.join("bad_upload.csv");
    std::fs::write(&bad, "age,smoker,chol,DEATH_EVENT\n50,yes,200,1\n60,0,,0\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nonlin"))
        .args(["train", "--epochs", "1", "--data", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let cli = String::from_utf8_lossy(&o.stderr)
        .trim()
        .trim_start_matches("error: ")
        .replace(bad.to_str().unwrap(), "bad_upload.csv");
    let doc = b.call("DOM.getDocument", json!({}));
    let input = b.call(
        "DOM.querySelector",
        json!({ "nodeId": doc["root"]["nodeId"], "selector": "#file" }),
    );
    b.call(
        "DOM.setFileInputFiles",
        json!({ "nodeId": input["nodeId"], "files": [bad.to_str().unwrap()] }),
    );
    b.wait_for("document.getElementById('error').textContent.length > 0");
    let page_error = b.eval("document.getElementById('error').textContent");
    // train's message, its flags in the page's words.
    let in_page = cli
        .replace("--categorical smoker", "\"Categorical: smoker\"")
        .replace("--drop smoker", "\"Features\" (untick 'smoker')");
    assert!(cli.contains("--categorical smoker"), "{cli}");
    assert!(!in_page.contains("--"), "{in_page}");
    assert_eq!(page_error, json!(format!("data: {in_page}")));

    // Semicolons, decimal commas, a text target and a missing value: the
    // reader's notes and the data layer's error (train's default, missing =
    // error); then with missing = median and positive = died, the run's
    // numbers are the library's (and train's, when it has those flags).
    let text = dir.join("text.csv");
    std::fs::write(&text, text_csv()).unwrap();
    b.call(
        "DOM.setFileInputFiles",
        json!({ "nodeId": input["nodeId"], "files": [text.to_str().unwrap()] }),
    );
    let expected = json!(format!(
        "data: {}",
        page_words(&default_error("text.csv"), "")
    ));
    b.wait_for(&format!(
        "document.getElementById('error').textContent === {expected}"
    ));
    let notes = b.eval("document.getElementById('notes').textContent");
    assert!(notes.as_str().unwrap().contains("decimal comma"), "{notes}");
    b.eval(
        "document.getElementById('missing').value = 'median'; \
         document.getElementById('positive').value = 'died'; \
         document.getElementById('missing').dispatchEvent(new Event('change')); true",
    );
    b.wait_for(
        "document.getElementById('error').hidden && \
         document.getElementById('notes').textContent.includes('median')",
    );
    b.eval(
        "setLayers([{ width: 5, activation: 'relu' }]); \
         const set = (id, v) => { document.getElementById(id).value = v; }; \
         set('optimizer', 'sgd'); showOptimizer(); set('lr', '0.05'); set('momentum', '0'); \
         set('weight_decay', ''); set('epochs', '200'); set('batch_size', ''); set('seed', '2'); \
         set('init_rng', 'chacha'); set('scaling', 'train_only'); \
         document.getElementById('start').click(); true",
    );
    // The status line is redrawn on the next animation frame.
    b.wait_for(
        "document.body.dataset.state === 'done' && !!document.getElementById('final-test-acc') && \
         document.getElementById('epoch').textContent === '200 / 200'",
    );
    let shown = b.eval(
        "JSON.stringify({ testAcc: window.__nonlin.run.testAcc, \
         loss: document.getElementById('train-loss').textContent, \
         final: document.getElementById('final-test-acc').textContent })",
    );
    let shown: Value = serde_json::from_str(shown.as_str().unwrap()).unwrap();
    let mut expected = vec![library_rows(200, 0.05, 2)];
    let help = nonlin(&["train", "--help"]);
    if help.contains("--missing") && help.contains("--positive") {
        let out = dir.join("cli-median");
        nonlin(&[
            "train",
            "--preset",
            "tutorial",
            "--hidden",
            "5",
            "--activation",
            "relu",
            "--data",
            text.to_str().unwrap(),
            "--target",
            "outcome",
            "--missing",
            "median",
            "--positive",
            "died",
            "--lr",
            "0.05",
            "--epochs",
            "200",
            "--seed",
            "2",
            "--quiet",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ]);
        expected.push(history_rows(
            &std::fs::read_to_string(out.join("history.csv")).unwrap(),
        ));
    } else {
        eprintln!("train has no --missing/--positive yet: compared with the library's run only");
    }
    for rows in &expected {
        let last = rows.last().unwrap();
        let curve: Vec<f64> = rows.iter().map(|r| r[4]).collect();
        let page: Vec<f64> = shown["testAcc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(page, curve, "the page's test-accuracy curve");
        assert_eq!(shown["final"], format!("{:.2}%", last[4]));
        assert_eq!(shown["loss"], format!("{:.4}", last[1]));
    }
    drop(b);
    std::fs::remove_dir_all(&dir).ok();
}

/// The test rows of the page's current run, as its `started` message
/// announced them ("142 train / 36 test (...)").
fn test_rows(b: &mut Browser) -> u64 {
    let split = b.eval("window.__nonlin.run.summary.find(([k]) => k === 'split')[1]");
    let words: Vec<&str> = split.as_str().unwrap().split_whitespace().collect();
    words[3].parse().unwrap()
}

/// The three tasks in the page: wine (a text target of three classes) is
/// read as multiclass, the page says so and lists the classes, shows the
/// multiclass loss settings, and draws the live K×K confusion matrix and
/// the decision view coloured by class; the Task control changes the task
/// (regression is refused for a text target, in the page's words); diabetes
/// is read as regression and the page draws RMSE and R², the test split's
/// predicted-against-actual view and the prediction curve along a chosen
/// feature, all updating while it trains; a run to the end shows the final
/// scores of each task.
#[test]
fn playground_trains_every_task() {
    let Some(exe) = browser_or_skip() else {
        return;
    };
    let dir = temp_dir("serve-browser-tasks");
    let server = Server::start(&[]);
    let mut b = Browser::open(&exe, &dir.join("profile"), &server.url);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let visible = |b: &mut Browser, sel: &str| {
        b.eval(&format!(
            "[...document.querySelectorAll('{sel}')].every((el) => !el.hidden && el.offsetParent !== null)"
        ))
    };

    // Wine: auto reads multiclass; the page says what it chose.
    b.choose_file(&data.join("wine.csv"));
    b.wait_for(
        "document.getElementById('task-info').textContent.startsWith('multiclass (auto)') && \
         window.__nonlin.task === 'multiclass'",
    );
    let info = b.eval("document.getElementById('task-info').textContent");
    assert!(
        info.as_str()
            .unwrap()
            .contains("3 classes: 'class_0', 'class_1', 'class_2'"),
        "{info}"
    );
    let notes = b.eval("document.getElementById('notes').textContent");
    assert!(
        notes.as_str().unwrap().contains("\"Task\" changes it"),
        "{notes}"
    );
    assert_eq!(visible(&mut b, ".task-opt.multiclass"), json!(true));
    assert_eq!(
        b.eval("document.getElementById('loss').closest('label').hidden"),
        json!(true)
    );
    assert_eq!(
        b.eval("document.getElementById('pos_weight').closest('label').hidden"),
        json!(true)
    );

    // Step: one epoch, paused, the live 3×3 matrix and the class view.
    b.eval(
        "{ setLayers([{ width: 8, activation: 'tanh' }]); \
         const set = (id, v) => { document.getElementById(id).value = v; }; \
         set('optimizer', 'adam'); showOptimizer(); set('lr', '0.01'); set('epochs', '100000'); \
         set('class_weight', 'balanced'); set('label_smoothing', '0.05'); \
         document.getElementById('step').click(); } true",
    );
    b.wait_for("document.body.dataset.state === 'paused'");
    let sent = b.eval("JSON.stringify(window.__nonlin.run.settings)");
    let sent: Value = serde_json::from_str(sent.as_str().unwrap()).unwrap();
    assert_eq!(
        (
            sent["class_weight"].clone(),
            sent["label_smoothing"].clone()
        ),
        (json!("balanced"), json!(0.05))
    );
    assert!(
        sent.get("loss").is_none() && sent.get("pos_weight").is_none(),
        "{sent}"
    );
    b.wait_for(
        "document.getElementById('outcome-when').textContent === 'live, after epoch 1' && \
         !!document.getElementById('live-test-acc') && \
         !!window.__nonlin.decision && window.__nonlin.decision.epoch === 0 && \
         window.__nonlin.decision.classes === 3",
    );
    let n_test = test_rows(&mut b);
    let cells = b.eval(
        "JSON.stringify([...document.querySelectorAll('#confusion tr')].slice(1).map((tr) => \
         [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))))",
    );
    let cells: Vec<Vec<u64>> = serde_json::from_str(cells.as_str().unwrap()).unwrap();
    assert_eq!(cells.len(), 3);
    assert!(cells.iter().all(|r| r.len() == 3), "{cells:?}");
    assert_eq!(
        cells.iter().flatten().sum::<u64>(),
        n_test,
        "every test row, once"
    );
    let diagonal: u64 = (0..3).map(|c| cells[c][c]).sum();
    let acc = b.eval("window.__nonlin.run.testAcc[0]").as_f64().unwrap();
    assert!((diagonal as f64 / n_test as f64 * 100.0 - acc).abs() < 1e-9);
    let header = b.eval("document.querySelector('#confusion tr').textContent");
    assert!(header.as_str().unwrap().contains("class_2"), "{header}");
    let caption = b.eval("document.getElementById('decision-caption').textContent");
    assert!(caption.as_str().unwrap().contains("class_1"), "{caption}");
    // The decision view is painted in three class colours: its canvas holds
    // pixels nearest each.
    let hues = b.eval(
        "(() => { const cv = document.getElementById('decision'), d = cv.getContext('2d') \
           .getImageData(0, 0, cv.width, cv.height).data, cols = [0, 1, 2].map((c) => rgb(classColor(c))); \
           const seen = new Set(); \
           for (let i = 0; i < d.length; i += 4 * 97) { \
             const px = [d[i], d[i + 1], d[i + 2]]; \
             const tint = cols.map((c) => { const a = (255 - px[0]) / Math.max(1, 255 - c[0]); \
               return c.reduce((s, v, j) => s + Math.abs(255 - (255 - v) * a - px[j]), 0); }); \
             const best = tint.indexOf(Math.min(...tint)); if (tint[best] < 30) seen.add(best); } \
           return seen.size; })()",
    );
    assert!(
        hues.as_u64().unwrap() >= 2,
        "class colours on the canvas: {hues}"
    );
    screenshot(&mut b, "serve-playground-multiclass.png");
    // Resumed, the matrix and the view update while it trains.
    let (live0, draws0) = (
        b.eval("window.__nonlin.live"),
        b.eval("window.__nonlin.draws"),
    );
    b.eval("document.getElementById('pause').click(); true");
    b.wait_for(&format!(
        "window.__nonlin.live >= {} && window.__nonlin.draws >= {} && window.__nonlin.run.done === null",
        live0.as_u64().unwrap() + 2,
        draws0.as_u64().unwrap() + 1
    ));
    b.eval("document.getElementById('reset').click(); true");
    b.wait_for("document.body.dataset.state === 'idle' && window.__nonlin.run === null");

    // A run to the end: the final scores are the last epoch's.
    b.eval("document.getElementById('epochs').value = '150'; document.getElementById('start').click(); true");
    b.wait_for(
        "document.body.dataset.state === 'done' && !!document.getElementById('final-test-acc') && \
         document.getElementById('epoch').textContent === '150 / 150'",
    );
    let (shown, last) = (
        b.eval("document.getElementById('final-test-acc').textContent"),
        b.eval("window.__nonlin.run.testAcc[149]").as_f64().unwrap(),
    );
    assert_eq!(shown, json!(format!("{last:.2}%")));

    // The Task control: a text target cannot be a number, in the page's words.
    b.eval(
        "document.getElementById('task').value = 'regression'; \
         document.getElementById('task').dispatchEvent(new Event('change')); true",
    );
    b.wait_for("!document.getElementById('error').hidden");
    let error = b.eval("document.getElementById('error').textContent");
    let error = error.as_str().unwrap();
    assert!(
        error.starts_with("data: ") && error.contains("\"Task: multiclass\""),
        "{error}"
    );
    assert!(!error.contains("--"), "{error}");
    b.eval(
        "document.getElementById('task').value = 'auto'; \
         document.getElementById('task').dispatchEvent(new Event('change')); true",
    );
    b.wait_for("document.getElementById('error').hidden && window.__nonlin.task === 'multiclass'");

    // Diabetes: auto reads regression.
    b.choose_file(&data.join("diabetes.csv"));
    b.wait_for(
        "document.getElementById('task-info').textContent === 'regression (auto)' && \
         window.__nonlin.task === 'regression'",
    );
    assert_eq!(
        b.eval("document.getElementById('loss').closest('label').hidden"),
        json!(false)
    );
    assert_eq!(
        b.eval("document.getElementById('class_weight').closest('label').hidden"),
        json!(true)
    );
    b.eval(
        "{ const set = (id, v) => { document.getElementById(id).value = v; }; \
         set('loss', 'huber'); document.getElementById('loss').dispatchEvent(new Event('change')); \
         set('huber_delta', '2'); set('epochs', '100000'); \
         document.getElementById('step').click(); } true",
    );
    b.wait_for("document.body.dataset.state === 'paused'");
    let sent = b.eval("JSON.stringify(window.__nonlin.run.settings)");
    let sent: Value = serde_json::from_str(sent.as_str().unwrap()).unwrap();
    assert_eq!(sent["loss"], "huber:2");
    assert!(
        sent.get("class_weight").is_none() && sent.get("label_smoothing").is_none(),
        "{sent}"
    );
    b.wait_for(
        "!!document.getElementById('live-rmse') && !!document.getElementById('live-r2') && \
         window.__nonlin.fits >= 1 && !!window.__nonlin.curve && window.__nonlin.curve.epoch === 0",
    );
    let shown = b.eval(
        "JSON.stringify({ rmse: document.getElementById('live-rmse').textContent, \
         status: document.getElementById('test-acc').textContent, metric: document.getElementById('train-metric').textContent, \
         caption: document.getElementById('acc-caption').textContent, r2: document.getElementById('test-r2').textContent, \
         testRmse: window.__nonlin.run.testRmse[0], testR2: window.__nonlin.run.testR2[0], live: window.__nonlin.run.live, \
         curve: window.__nonlin.curve, held: document.getElementById('curve-held').textContent, \
         boxes: [document.getElementById('fit-box').hidden, document.getElementById('curve-box').hidden, \
                 document.getElementById('decision-box').hidden, document.getElementById('r2-status').hidden] })",
    );
    let shown: Value = serde_json::from_str(shown.as_str().unwrap()).unwrap();
    let rmse = shown["testRmse"].as_f64().unwrap();
    assert!(rmse.is_finite() && rmse > 0.0);
    assert_eq!(
        shown["live"]["rmse"].as_f64().unwrap(),
        rmse,
        "the live RMSE is the epoch's"
    );
    assert_eq!(
        shown["rmse"],
        json!(format!("{}", shown["status"].as_str().unwrap()))
    );
    assert_eq!(shown["metric"], "train RMSE");
    assert!(shown["caption"].as_str().unwrap().starts_with("RMSE"));
    let r2 = shown["testR2"].as_f64().unwrap();
    assert_eq!(shown["r2"], json!(format!("{r2:.4}")));
    assert_eq!(shown["boxes"], json!([false, false, true, false]));
    assert_eq!(shown["curve"]["feature"], "bmi");
    assert!(
        shown["held"].as_str().unwrap().contains("s5"),
        "{}",
        shown["held"]
    );
    let n_test = test_rows(&mut b);
    assert_eq!(
        shown["live"]["predicted"].as_array().unwrap().len() as u64,
        n_test,
        "predicted against actual: every test row"
    );
    // Another feature for the curve.
    b.eval(
        "document.getElementById('cf').value = 's5'; \
         document.getElementById('cf').dispatchEvent(new Event('change')); true",
    );
    b.wait_for("window.__nonlin.curve.feature === 's5'");
    screenshot(&mut b, "serve-playground-regression.png");
    // Resumed, the scatter and the curve update while it trains.
    let (fits0, curves0) = (
        b.eval("window.__nonlin.fits"),
        b.eval("window.__nonlin.curves"),
    );
    b.eval("document.getElementById('pause').click(); true");
    b.wait_for(&format!(
        "window.__nonlin.fits >= {} && window.__nonlin.curves >= {} && \
         window.__nonlin.curve.epoch > 0 && window.__nonlin.run.done === null",
        fits0.as_u64().unwrap() + 2,
        curves0.as_u64().unwrap() + 1
    ));
    b.eval("document.getElementById('reset').click(); true");
    b.wait_for("document.body.dataset.state === 'idle' && window.__nonlin.run === null");

    // The Task control on the embedded data: its 0/1 target as a number.
    b.eval("document.getElementById('use-heart').click(); true");
    b.wait_for("window.__nonlin.task === 'binary'");
    assert_eq!(
        b.eval("document.getElementById('pos_weight').closest('label').hidden"),
        json!(false)
    );
    b.eval(
        "document.getElementById('task').value = 'regression'; \
         document.getElementById('task').dispatchEvent(new Event('change')); true",
    );
    b.wait_for(
        "window.__nonlin.task === 'regression' && \
         document.getElementById('task-info').textContent === 'regression'",
    );
    b.eval(
        "setLayers([]); document.getElementById('loss').value = 'mse'; \
         document.getElementById('epochs').value = '30'; document.getElementById('start').click(); true",
    );
    b.wait_for(
        "document.body.dataset.state === 'done' && !!document.getElementById('final-rmse') && \
         document.getElementById('epoch').textContent === '30 / 30'",
    );
    let (run_task, sent_task) = (
        b.eval("window.__nonlin.run.task"),
        b.eval("window.__nonlin.run.settings.task"),
    );
    assert_eq!(
        (run_task, sent_task),
        (json!("regression"), json!("regression"))
    );
    let final_rmse = b.eval("document.getElementById('final-rmse').textContent");
    let last = b.eval("window.__nonlin.run.testRmse[29]").as_f64().unwrap();
    assert_eq!(
        final_rmse,
        json!(format!(
            "{}",
            b.eval(&format!("short({last})")).as_str().unwrap()
        ))
    );
    drop(b);
    std::fs::remove_dir_all(&dir).ok();
}
