// nonlin playground: the views of a regression — the test split's
// predictions against the actual values (from the run's live scores, then
// the final model's), and the prediction along one chosen feature with the
// others at their training medians (GET /api/runs/{id}/curve), the test
// rows drawn beneath. Loaded after results.js and before app.js, whose
// globals ($, S, showError, jsonOrError, short, fixed, esc) these use.
"use strict";

// Axes of a plot: the data range [lo, hi] of x and y padded by 4%, and the
// canvas mapping.
function plotFrame(cv, xs, ys) {
  const L = 60, B = 30, T = 10, R = 10, W = cv.width, H = cv.height;
  const range = (v) => {
    let lo = Infinity, hi = -Infinity;
    for (const a of v) if (Number.isFinite(a)) { lo = Math.min(lo, a); hi = Math.max(hi, a); }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
    const pad = (hi - lo) * 0.04;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range(xs), [y0, y1] = range(ys);
  return {
    x0, x1, y0, y1, L, B, T, R, W, H,
    sx: (x) => L + (x - x0) / (x1 - x0) * (W - L - R),
    sy: (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B),
  };
}

function drawAxes(ctx, f, xLabel, yLabel) {
  ctx.clearRect(0, 0, f.W, f.H);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, f.W, f.H);
  ctx.strokeStyle = "#ccd"; ctx.fillStyle = "#556"; ctx.font = "11px sans-serif"; ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = f.y0 + (f.y1 - f.y0) * i / 4, x = f.x0 + (f.x1 - f.x0) * i / 4;
    ctx.beginPath(); ctx.moveTo(f.L, f.sy(y)); ctx.lineTo(f.W - f.R, f.sy(y)); ctx.stroke();
    ctx.fillText(y.toPrecision(3), 18, f.sy(y) + 4);
    ctx.fillText(x.toPrecision(3), Math.min(f.sx(x) - 10, f.W - 34), f.H - 16);
  }
  ctx.fillStyle = "#000"; ctx.font = "12px sans-serif";
  ctx.fillText(`${xLabel} →`, f.W / 2 - 40, f.H - 2);
  ctx.save(); ctx.translate(11, f.H / 2 + 30); ctx.rotate(-Math.PI / 2); ctx.fillText(`${yLabel} →`, 0, 0); ctx.restore();
}

function diamond(ctx, px, py, r) {
  ctx.beginPath(); ctx.moveTo(px, py - r); ctx.lineTo(px + r, py); ctx.lineTo(px, py + r); ctx.lineTo(px - r, py); ctx.closePath();
  ctx.fill();
}

// Predicted against actual on the test split (`m`: regression scores).
function drawFit(m, final) {
  if (!m.predicted) return;
  $("fit-box").hidden = false;
  const cv = $("fit"), ctx = cv.getContext("2d");
  const all = m.actual.concat(m.predicted);
  const f = plotFrame(cv, all, all);
  drawAxes(ctx, f, "actual", "predicted");
  const lo = Math.max(f.x0, f.y0), hi = Math.min(f.x1, f.y1);
  ctx.strokeStyle = "#888"; ctx.setLineDash([4, 3]);
  ctx.beginPath(); ctx.moveTo(f.sx(lo), f.sy(lo)); ctx.lineTo(f.sx(hi), f.sy(hi)); ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = "rgba(31, 95, 168, 0.75)";
  for (let i = 0; i < m.actual.length; i++) diamond(ctx, f.sx(m.actual[i]), f.sy(m.predicted[i]), 3.5);
  $("fit-when").textContent = final ? `after ${m.epochs} epochs` : `live, after epoch ${m.epoch + 1}`;
  S.fits++;
}

// The feature picker of the curve (kept when the features stay).
function setupCurve(feats) {
  if (!feats) return;
  if (JSON.stringify(feats) !== JSON.stringify(S.curveFeatures)) {
    S.curveFeatures = feats;
    $("cf").innerHTML = feats.map((f) => `<option>${esc(f)}</option>`).join("");
    $("cf").value = feats.includes("bmi") ? "bmi" : feats[0];
  }
  $("curve-box").hidden = feats.length < 1;
}

// Asks for a new curve: at most one request at a time, at most one every
// 150 ms, and the last one asked for is always drawn.
function requestCurve() {
  S.curveWanted = true;
  if (S.curveBusy || S.curveTimer) return;
  const wait = S.lastCurve + 150 - performance.now();
  if (wait > 0) {
    S.curveTimer = setTimeout(() => { S.curveTimer = null; requestCurve(); }, wait);
    return;
  }
  S.curveWanted = false;
  fetchCurve();
}

async function fetchCurve() {
  const run = S.run;
  if (!run || run.id === null || $("curve-box").hidden) return;
  S.curveBusy = true;
  S.lastCurve = performance.now();
  try {
    const resp = await fetch(`/api/runs/${run.id}/curve?feature=${encodeURIComponent($("cf").value)}`);
    if (resp.status === 404) return; // no epoch yet
    const c = await jsonOrError(resp);
    if (S.run === run) paintCurve(c);
  } catch (e) {
    showError(e);
  } finally {
    S.curveBusy = false;
    if (S.curveWanted) requestCurve();
  }
}

// The prediction along the feature (line) over the test rows (◆).
function paintCurve(c) {
  S.curve = { epoch: c.epoch, final: c.final, feature: c.feature, points: c.x.length };
  S.curves++;
  $("curve-when").textContent = c.final ? `after ${c.epoch + 1} epochs` : `live, after epoch ${c.epoch + 1}`;
  const cv = $("curve"), ctx = cv.getContext("2d");
  const f = plotFrame(cv, c.x.concat(c.points.map((p) => p[0])), c.y.concat(c.points.map((p) => p[1])));
  drawAxes(ctx, f, c.feature, c.target);
  ctx.fillStyle = "rgba(120, 120, 140, 0.6)";
  for (const [x, y] of c.points) diamond(ctx, f.sx(x), f.sy(y), 3);
  ctx.strokeStyle = "#d62728"; ctx.lineWidth = 2;
  ctx.beginPath();
  c.x.forEach((x, i) => { const px = f.sx(x), py = f.sy(c.y[i]); i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py); });
  ctx.stroke(); ctx.lineWidth = 1;
  $("curve-held").textContent = `— the prediction, ◆ the test rows; the other features at their training medians: ` +
    c.held.map(([name, v]) => `${name} ${Number(v).toPrecision(4)}`).join(", ");
}
