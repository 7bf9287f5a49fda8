// nonlin playground: what the page shows of a run on its test split — the
// confusion matrix and scores (live from the run's snapshots, then final),
// the downloads, and the decision view of a classifier (the views of a
// regression: regression.js). Loaded before app.js, whose globals ($, S,
// COLORS, showError, jsonOrError) these functions use when called.
"use strict";

function pct(x) { return (x * 100).toFixed(2) + "%"; }

function fixed(x, digits) { return x === null || x === undefined ? "–" : x.toFixed(digits); }

function esc(t) { return String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`); }

// One colour per class (cycled past ten).
const CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
function classColor(c) { return CLASS_COLORS[c % CLASS_COLORS.length]; }

// A finished model's main number, for the pinned runs' labels.
function headline(m) { return "rmse" in m ? `RMSE ${short(m.rmse)}` : pct(m.test_accuracy); }

// The scores on the test split: live (a snapshot of the network at
// `m.epoch`) or final; their kind follows the run's task.
function showScores(m, final, run) {
  const tag = final ? "final" : "live", task = run ? run.task : "binary";
  const tail = final ? ` · ${m.epochs} epochs, ${m.arch}` : "";
  if (task === "regression") {
    $("confusion").innerHTML = "";
    $("scores").innerHTML = `test RMSE <b id="${tag}-rmse">${short(m.rmse)}</b> · MAE <b>${short(m.mae)}</b> · ` +
      `R² <b id="${tag}-r2">${fixed(m.r2, 4)}</b>` + tail;
    drawFit(m, final);
  } else if (task === "multiclass") {
    const names = run.classes, k = m.confusion.length;
    const head = `<tr><th>actual \\ predicted</th>${m.confusion.map((_, p) => `<th>${esc(names[p] ?? p)}</th>`).join("")}</tr>`;
    const rows = m.confusion.map((row, t) => `<tr><th><span class="swatch" style="background:${classColor(t)}"></span>${esc(names[t] ?? t)}</th>` +
      row.map((v, p) => `<td${p === t ? ' class="diag"' : ""}>${v}</td>`).join("") + "</tr>").join("");
    $("confusion").innerHTML = head + rows;
    $("confusion").dataset.classes = k;
    $("scores").innerHTML = `test accuracy <b id="${tag}-test-acc">${pct(m.test_accuracy)}</b> · balanced accuracy <b>${pct(m.balanced_accuracy)}</b> · ` +
      `macro-F1 <b id="${tag}-f1">${fixed(m.macro_f1, 4)}</b> · log loss <b>${fixed(m.log_loss, 4)}</b>` + tail;
  } else {
    const c = m.confusion;
    $("confusion").innerHTML = `<tr><th></th><th>predicted 0</th><th>predicted 1</th></tr>` +
      `<tr><th>actual 0</th><td>${c.tn}</td><td>${c.fp}</td></tr><tr><th>actual 1</th><td>${c.fn}</td><td>${c.tp}</td></tr>`;
    $("scores").innerHTML = `test accuracy <b id="${tag}-test-acc">${pct(m.test_accuracy)}</b> · ROC AUC <b id="${tag}-auc">${fixed(m.roc_auc, 4)}</b> · MCC <b>${fixed(m.mcc, 3)}</b>` + tail;
  }
  $("outcome-when").textContent = final ? `after ${m.epochs} epochs` : `live, after epoch ${m.epoch + 1}`;
  $("outcome").hidden = false;
}

function showOutcome(run) {
  const m = run.done.models[0];
  if (!m) return;
  showScores(m, true, run);
  listFiles(run);
  setupViews(run, run.done.features);
  requestViews(run);
}

// The views of the run's task: the decision view of a classifier, the
// predicted-against-actual view and the prediction curve of a regression.
function setupViews(run, feats) {
  if (run.task === "regression") { $("decision-box").hidden = true; setupCurve(feats); }
  else { $("fit-box").hidden = true; $("curve-box").hidden = true; setupDecision(feats); }
}

function requestViews(run) {
  if (run.task === "regression") requestCurve(); else requestDecision();
}

function hideViews() {
  for (const id of ["outcome", "decision-box", "fit-box", "curve-box"]) $(id).hidden = true;
}

// The feature pickers of the decision view (kept when the features stay).
function setupDecision(feats) {
  if (!feats) return;
  if (JSON.stringify(feats) !== JSON.stringify(S.decisionFeatures)) {
    S.decisionFeatures = feats;
    const opts = feats.map((f) => `<option>${f}</option>`).join("");
    $("dx").innerHTML = opts; $("dy").innerHTML = opts;
    $("dx").value = feats.includes("ejection_fraction") ? "ejection_fraction" : feats[0];
    $("dy").value = feats.includes("serum_creatinine") ? "serum_creatinine" : feats[Math.min(1, feats.length - 1)];
  }
  $("decision-box").hidden = feats.length < 2;
}

// The run's downloads (shown while it is still the page's run: staging
// them takes a while).
async function listFiles(run) {
  const id = run.id;
  try {
    const r = await jsonOrError(await fetch(`/api/runs/${id}/files`));
    if (S.run !== run) return;
    $("downloads").innerHTML = "Download: " + r.files.map((f) =>
      `<a href="/api/runs/${id}/files/${f.name}" download>${f.name}</a>`).join(" · ");
  } catch (e) { if (S.run === run) $("downloads").textContent = e.error; }
}

// Asks for a new decision view: at most one request at a time, at most one
// every 150 ms, and the last one asked for is always drawn.
function requestDecision() {
  S.decisionWanted = true;
  if (S.decisionBusy || S.decisionTimer) return;
  const wait = S.lastDecision + 150 - performance.now();
  if (wait > 0) {
    S.decisionTimer = setTimeout(() => { S.decisionTimer = null; requestDecision(); }, wait);
    return;
  }
  S.decisionWanted = false;
  drawDecision();
}

async function drawDecision() {
  const run = S.run;
  if (!run || run.id === null || $("decision-box").hidden) return;
  S.decisionBusy = true;
  S.lastDecision = performance.now();
  try {
    const resp = await fetch(`/api/runs/${run.id}/decision?x=${encodeURIComponent($("dx").value)}&y=${encodeURIComponent($("dy").value)}`);
    if (resp.status === 404) return; // no epoch yet
    const g = await jsonOrError(resp);
    if (S.run === run) paintDecision(g);
  } catch (e) {
    showError(e);
  } finally {
    S.decisionBusy = false;
    if (S.decisionWanted) requestDecision();
  }
}

function paintDecision(g) {
  if (g.class) { paintClasses(g); return; }
  $("decision-caption").textContent = "P(positive) with the other features at their training means; ● train, ◆ test, red = positive.";
  S.decision = { epoch: g.epoch, final: g.final };
  S.draws++;
  $("decision-when").textContent = g.final ? `after ${g.epoch + 1} epochs` : `live, after epoch ${g.epoch + 1}`;
  const cv = $("decision"), ctx = cv.getContext("2d"), W = cv.width, H = cv.height, n = g.n;
  const img = ctx.createImageData(n, n);
  for (let k = 0; k < n * n; k++) {
    const p = g.probs[k];
    img.data[4 * k] = 255 * (0.3 + 0.7 * p); img.data[4 * k + 1] = 255 * (0.55 + 0.25 * (1 - Math.abs(2 * p - 1)) * 0.5);
    img.data[4 * k + 2] = 255 * (0.3 + 0.7 * (1 - p)); img.data[4 * k + 3] = 255;
  }
  const tmp = document.createElement("canvas"); tmp.width = n; tmp.height = n;
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, W, H);
  const [x0, x1] = g.x_range, [y0, y1] = g.y_range;
  for (const [x, y, label, isTest] of g.points) {
    const px = (x - x0) / (x1 - x0) * W, py = H - (y - y0) / (y1 - y0) * H;
    ctx.fillStyle = label > 0.5 ? "#b00" : "#024"; ctx.strokeStyle = "#fff";
    ctx.beginPath();
    if (isTest) { ctx.moveTo(px, py - 4); ctx.lineTo(px + 4, py); ctx.lineTo(px, py + 4); ctx.lineTo(px - 4, py); ctx.closePath(); }
    else ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
    ctx.fill(); ctx.stroke();
  }
  ctx.fillStyle = "#000"; ctx.font = "12px sans-serif";
  ctx.fillText(`${g.x} →`, W - 150, H - 4); ctx.save(); ctx.translate(12, 150); ctx.rotate(-Math.PI / 2); ctx.fillText(`${g.y} →`, 0, 0); ctx.restore();
}

// A point of a decision view: ● train, ◆ test.
function mark(ctx, px, py, isTest) {
  ctx.beginPath();
  if (isTest) { ctx.moveTo(px, py - 4); ctx.lineTo(px + 4, py); ctx.lineTo(px, py + 4); ctx.lineTo(px - 4, py); ctx.closePath(); }
  else ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
  ctx.fill(); ctx.stroke();
}

function rgb(hex) { return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)); }

// A multiclass decision view: each cell in its predicted class's colour,
// paler where that class is less sure (its probability nearer 1/K).
function paintClasses(g) {
  const k = g.classes.length;
  S.decision = { epoch: g.epoch, final: g.final, classes: k };
  S.draws++;
  $("decision-when").textContent = g.final ? `after ${g.epoch + 1} epochs` : `live, after epoch ${g.epoch + 1}`;
  const cv = $("decision"), ctx = cv.getContext("2d"), W = cv.width, H = cv.height, n = g.n;
  const img = ctx.createImageData(n, n), cols = g.classes.map((_, c) => rgb(classColor(c)));
  for (let i = 0; i < n * n; i++) {
    const sure = Math.min(1, Math.max(0, (g.probs[i] - 1 / k) / (1 - 1 / k)));
    const a = 0.2 + 0.55 * sure, c = cols[g.class[i]];
    for (let j = 0; j < 3; j++) img.data[4 * i + j] = 255 - (255 - c[j]) * a;
    img.data[4 * i + 3] = 255;
  }
  const tmp = document.createElement("canvas"); tmp.width = n; tmp.height = n;
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, W, H);
  const [x0, x1] = g.x_range, [y0, y1] = g.y_range;
  ctx.strokeStyle = "#222"; ctx.lineWidth = 0.8;
  for (const [x, y, label, isTest] of g.points) {
    ctx.fillStyle = classColor(label);
    mark(ctx, (x - x0) / (x1 - x0) * W, H - (y - y0) / (y1 - y0) * H, isTest);
  }
  ctx.fillStyle = "#000"; ctx.font = "12px sans-serif";
  ctx.fillText(`${g.x} →`, W - 150, H - 4); ctx.save(); ctx.translate(12, 150); ctx.rotate(-Math.PI / 2); ctx.fillText(`${g.y} →`, 0, 0); ctx.restore();
  $("decision-caption").innerHTML = "The predicted class (paler where less sure) with the other features at their training means; ● train, ◆ test:" +
    g.classes.map((name, c) => `<span class="swatch" style="background:${classColor(c)}"></span>${esc(name)}`).join("");
}
