// nonlin playground: what the page shows of a run on its test split — the
// confusion matrix and scores (live from the run's snapshots, then final),
// the downloads, and the decision view. Loaded before app.js, whose globals
// ($, S, showError, jsonOrError) these functions use when called.
"use strict";

function pct(x) { return (x * 100).toFixed(2) + "%"; }

function fixed(x, digits) { return x === null || x === undefined ? "–" : x.toFixed(digits); }

// The confusion matrix and scores on the test split: live (a snapshot of
// the network at `m.epoch`) or final.
function showScores(m, final) {
  const c = m.confusion, tag = final ? "final" : "live";
  $("confusion").innerHTML = `<tr><th></th><th>predicted 0</th><th>predicted 1</th></tr>` +
    `<tr><th>actual 0</th><td>${c.tn}</td><td>${c.fp}</td></tr><tr><th>actual 1</th><td>${c.fn}</td><td>${c.tp}</td></tr>`;
  $("scores").innerHTML = `test accuracy <b id="${tag}-test-acc">${pct(m.test_accuracy)}</b> · ROC AUC <b id="${tag}-auc">${fixed(m.roc_auc, 4)}</b> · MCC <b>${fixed(m.mcc, 3)}</b>` +
    (final ? ` · ${m.epochs} epochs, ${m.arch}` : "");
  $("outcome-when").textContent = final ? `after ${m.epochs} epochs` : `live, after epoch ${m.epoch + 1}`;
  $("outcome").hidden = false;
}

function showOutcome(run) {
  const m = run.done.models[0];
  if (!m) return;
  showScores(m, true);
  listFiles(run.id);
  setupDecision(run.done.features);
  requestDecision();
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

async function listFiles(id) {
  try {
    const r = await jsonOrError(await fetch(`/api/runs/${id}/files`));
    $("downloads").innerHTML = "Download: " + r.files.map((f) =>
      `<a href="/api/runs/${id}/files/${f.name}" download>${f.name}</a>`).join(" · ");
  } catch (e) { $("downloads").textContent = e.error; }
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
