// nonlin playground: the form, the event stream and the charts. Plain JS,
// no dependencies; everything the page draws comes from the server's JSON.
"use strict";

const $ = (id) => document.getElementById(id);
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const S = {
  meta: null,
  data: null,          // {id, source, columns, rows, target}
  run: null,           // the current run (see newRun)
  pinned: [],
  controller: null,
  dirty: false,
  file: null,          // the last uploaded File (read again when a reader option changes)
  live: 0,             // live test-split results received
  draws: 0,            // decision views drawn
  decision: null,      // {epoch, final} of the last decision view drawn
  decisionBusy: false, decisionWanted: false, decisionTimer: null, lastDecision: 0,
  task: null,          // the task of the data as the page's choices stand (the server's check)
  fits: 0,             // predicted-against-actual views drawn
  curves: 0,           // prediction curves drawn
  curve: null,         // {epoch, final, feature} of the last curve drawn
  curveBusy: false, curveWanted: false, curveTimer: null, lastCurve: 0,
};
window.__nonlin = S; // for the end-to-end test

function newRun(name, settings) {
  return { id: null, name, settings, task: null, classes: [], epochs: [], trainAcc: [], testAcc: [],
           trainLoss: [], testLoss: [], trainRmse: [], testRmse: [], testR2: [],
           total: 0, state: "starting", done: null, error: null };
}

// ---------- form ----------
function activationOptions(selected) {
  return S.meta.activations.map((a) =>
    `<option value="${a.name}" title="${a.usage}: ${a.help}"${a.name === selected ? " selected" : ""}>${a.name}</option>`).join("");
}

function addLayer(width, activation) {
  const [name, param] = String(activation).split(":");
  const row = document.createElement("div");
  row.className = "layer";
  row.innerHTML = `<input type="number" min="1" value="${width}" aria-label="width">` +
    `<select aria-label="activation">${activationOptions(name)}</select>` +
    `<input class="param" type="number" step="any" aria-label="parameter" value="${param ?? ""}">` +
    `<button type="button" class="small" title="remove">×</button>`;
  row.querySelector("button").onclick = () => row.remove();
  const select = row.querySelector("select"), p = row.querySelector(".param");
  const showParam = () => {
    const a = S.meta.activations.find((x) => x.name === select.value);
    const first = a && a.params[0];
    p.hidden = !first;
    p.placeholder = first ? `${first.name} ${first.default}` : "";
    p.title = first ? `${first.name} (blank: ${first.default}, PyTorch's default)` : "";
  };
  select.onchange = () => { p.value = ""; showParam(); };
  showParam();
  $("layers").appendChild(row);
}

function layerActivation(row) {
  const name = row.querySelector("select").value, p = row.querySelector(".param");
  return !p.hidden && p.value.trim() !== "" ? `${name}:${p.value.trim()}` : name;
}

function setLayers(layers) {
  $("layers").innerHTML = "";
  layers.forEach((l) => addLayer(l.width, l.activation));
}

function applyPreset(p) {
  setLayers(p.layers);
  $("optimizer").value = p.optimizer;
  $("lr").value = p.lr;
  $("epochs").value = p.epochs;
  $("scaling").value = p.scaling;
  $("seed").value = p.seed;
  $("init_rng").value = p.init_rng;
  $("batch_size").value = p.batch_size ?? "";
  $("weight_decay").value = "";
  $("momentum").value = S.meta.defaults.momentum;
  $("beta1").value = S.meta.defaults.beta1;
  $("beta2").value = S.meta.defaults.beta2;
  S.presetName = p.name;
  showOptimizer();
}

function showOptimizer() {
  const o = $("optimizer").value;
  document.querySelectorAll(".opt").forEach((el) => { el.hidden = !el.classList.contains(o); });
}

function setData(info) {
  S.data = info;
  $("data-source").textContent = `${info.source}: ${info.rows} rows, ${info.columns.length} columns`;
  $("target").innerHTML = info.columns.map((c) => `<option${c === info.target ? " selected" : ""}>${c}</option>`).join("");
  renderFeatures();
  showNotes(info.notes);
  if ("task" in info) showTask(info);
}

function showNotes(notes) {
  $("notes").innerHTML = "";
  for (const n of notes || []) {
    const li = document.createElement("li");
    li.className = n.kind; li.textContent = n.text;
    $("notes").appendChild(li);
  }
}

// The data options as train's flags spell them (--missing, --positive,
// --categorical A,B).
function dataOptions() {
  const q = { missing: $("missing").value };
  const p = $("positive").value.trim(), c = $("categorical").value.trim();
  if (p) q.positive = p;
  if (c) q.categorical = c;
  if ($("task").value !== "auto") q.task = $("task").value;
  return q;
}

// What train would say of the table with the current target and options.
async function recheck() {
  if (!S.data) return;
  const q = new URLSearchParams({ target: $("target").value, ...dataOptions() });
  try {
    const r = await jsonOrError(await fetch(`/api/data/${encodeURIComponent(S.data.id)}/check?${q}`));
    showNotes(r.notes); showTask(r); showError(r.error);
  } catch (e) { showError(e); }
}

function renderFeatures() {
  const target = $("target").value;
  $("features").innerHTML = S.data.columns.filter((c) => c !== target)
    .map((c) => `<label><input type="checkbox" value="${c}" checked> ${c}</label>`).join("");
}

function num(id) {
  const v = $(id).value.trim();
  if (v === "") return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : v; // the server says what is wrong with text
}

function request() {
  const o = $("optimizer").value;
  const r = {
    data: S.data.id, target: $("target").value,
    features: [...$("features").querySelectorAll("input:checked")].map((i) => i.value),
    layers: [...$("layers").querySelectorAll(".layer")].map((row) => ({
      width: num2(row.querySelector("input").value), activation: layerActivation(row) })),
    optimizer: o, lr: num("lr"), epochs: num("epochs"), batch_size: num("batch_size"),
    scaling: $("scaling").value, seed: num("seed"), init_rng: $("init_rng").value,
    ...dataOptions(),
  };
  // Only the settings of the chosen optimizer and of the data's task: the
  // server refuses the others.
  for (const [k, v] of Object.entries(optimizerFields(o))) if (v !== null) r[k] = v;
  Object.assign(r, lossFields(S.task));
  return r;
}
// The values the page has for optimizer `o` (null: not given).
function optimizerFields(o) {
  const f = o === "sgd" ? { momentum: num("momentum") } : { beta1: num("beta1"), beta2: num("beta2") };
  f.weight_decay = num("weight_decay");
  return f;
}
function num2(v) { const x = Number(v); return v.trim() !== "" && Number.isFinite(x) ? x : v; }

function modelName(req) {
  const spec = req.layers.map((l) => `${l.width}-${l.activation}`).join("-") || "logistic";
  return spec;
}

// ---------- errors ----------
function showError(e) {
  document.querySelectorAll(".bad").forEach((el) => el.classList.remove("bad"));
  if (!e) { $("error").hidden = true; $("error").textContent = ""; return; }
  $("error").hidden = false;
  $("error").textContent = e.field ? `${e.field}: ${e.error}` : e.error;
  if (e.field) {
    const base = e.field.split(/[.[]/)[0];
    const el = document.querySelector(`[data-field="${base}"]`);
    if (el) el.classList.add("bad");
  }
}

async function jsonOrError(resp) {
  let body = null;
  try { body = await resp.json(); } catch (_) { body = { error: `HTTP ${resp.status}` }; }
  if (!resp.ok) throw body;
  return body;
}

// ---------- streams ----------
async function readEvents(resp, onMessage) {
  const reader = resp.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let k;
    while ((k = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, k);
      buf = buf.slice(k + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (data) onMessage(JSON.parse(data));
    }
  }
}

async function start(paused) {
  stop();
  showError(null);
  const req = request();
  if (paused) req.paused = true;
  const run = newRun(S.presetName || modelName(req), req);
  S.presetName = null;
  S.run = run;
  S.dirty = true;
  hideViews();
  $("downloads").textContent = "";
  S.decision = null;
  S.curve = null;
  const controller = new AbortController();
  S.controller = controller;
  setState("starting");
  let resp;
  try {
    resp = await fetch("/api/runs", { method: "POST", body: JSON.stringify(req),
      headers: { "content-type": "application/json" }, signal: controller.signal });
    if (!resp.ok) throw await resp.json().catch(() => ({ error: `HTTP ${resp.status}` }));
  } catch (e) {
    if (e.name !== "AbortError") { showError(e); run.state = "error"; setState("error"); }
    return;
  }
  $("pause").disabled = false;
  try {
    await readEvents(resp, (m) => onRunMessage(run, m));
  } catch (e) {
    if (e.name !== "AbortError") showError({ error: `the stream broke: ${e.message || e}` });
  }
  if (run.state === "running" || run.state === "paused") run.state = "stopped";
  if (S.run === run) { setState(run.state); $("pause").disabled = true; }
}

function onRunMessage(run, m) {
  switch (m.type) {
    case "run":
      run.id = m.id;
      break;
    case "data":
      run.features = m.features; run.task = m.task; run.classes = m.classes;
      showNotes(m.notes);
      setupViews(run, m.features);
      break;
    case "started":
      run.summary = m.data; // [key, value] pairs: the data set and its split
      break;
    case "model":
      run.total = m.epochs; run.arch = m.arch; run.state = "running"; setState("running");
      break;
    case "epochs":
      // The columns of history.csv (see wire.rs's EpochRow).
      for (const r of m.rows) {
        if (run.task === "regression") {
          run.epochs.push(r[0]); run.trainLoss.push(r[1]); run.testLoss.push(r[2]);
          run.trainRmse.push(r[3]); run.testRmse.push(r[4]); run.testR2.push(r[6]);
        } else {
          run.epochs.push(r[0]); run.trainLoss.push(r[1]); run.trainAcc.push(r[2]);
          run.testLoss.push(r[3]); run.testAcc.push(r[4]);
        }
      }
      S.dirty = true;
      if (m.live) { run.live = m.live; S.live++; showScores(m.live, false, run); requestViews(run); }
      break;
    case "paused":
      run.state = "paused"; setState("paused"); requestViews(run);
      break;
    case "diverged":
    case "error":
      run.state = "error"; run.error = m; showError(m); setState("error");
      break;
    case "done":
      run.done = m; run.state = m.cancelled ? "stopped" : "done";
      setState(run.state); showOutcome(run); $("pin").disabled = false;
      break;
  }
}

async function control(action) {
  const run = S.run;
  if (!run || run.id === null) return;
  if (action === "resume") { run.state = "running"; setState("running"); }
  await fetch(`/api/runs/${run.id}/control`, { method: "POST", body: JSON.stringify({ action }) });
}

function stop() {
  if (S.controller) S.controller.abort();
  S.controller = null;
}

function setState(s) {
  $("state").textContent = s;
  document.body.dataset.state = s;
  $("pause").textContent = s === "paused" ? "Resume" : "Pause";
}

// ---------- charts ----------
function drawChart(canvas, key, yFixed) {
  const runs = [...S.pinned, ...(S.run ? [S.run] : [])];
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, L = 44, B = 22, T = 8, R = 8;
  ctx.clearRect(0, 0, W, H);
  let xmax = 1, ymin = yFixed ? yFixed[0] : Infinity, ymax = yFixed ? yFixed[1] : -Infinity;
  for (const r of runs) {
    xmax = Math.max(xmax, r.total || 0, r.epochs.length);
    if (!yFixed) for (const k of key) for (const v of r[k]) { if (Number.isFinite(v)) { ymin = Math.min(ymin, v); ymax = Math.max(ymax, v); } }
  }
  if (!Number.isFinite(ymin)) { ymin = 0; ymax = 1; }
  if (ymax - ymin < 1e-9) { ymax += 0.5; ymin -= 0.5; }
  const sx = (x) => L + (x / xmax) * (W - L - R), sy = (y) => T + (1 - (y - ymin) / (ymax - ymin)) * (H - T - B);
  ctx.strokeStyle = "#ccd"; ctx.fillStyle = "#556"; ctx.font = "11px sans-serif"; ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = ymin + (ymax - ymin) * i / 4;
    ctx.beginPath(); ctx.moveTo(L, sy(y)); ctx.lineTo(W - R, sy(y)); ctx.stroke();
    ctx.fillText(y.toPrecision(3), 2, sy(y) + 4);
  }
  ctx.fillText("0", L, H - 6); ctx.fillText(String(xmax), W - R - 30, H - 6);
  runs.forEach((r, i) => {
    const color = r === S.run ? "#111" : COLORS[i % COLORS.length];
    key.forEach((k, j) => {
      const ys = r[k], n = ys.length; if (!n) return;
      const stride = Math.max(1, Math.floor(n / 1500));
      ctx.strokeStyle = color; ctx.lineWidth = r === S.run ? 1.6 : 1.2;
      ctx.setLineDash(j === 0 ? [] : [2, 3]);
      ctx.beginPath();
      for (let t = 0; t < n; t += stride) { const x = sx(r.epochs[t] + 1), y = sy(ys[t]); t === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y); }
      ctx.lineTo(sx(r.epochs[n - 1] + 1), sy(ys[n - 1]));
      ctx.stroke();
    });
  });
  ctx.setLineDash([]);
}

// A number as the status line shows a metric in the target's units.
function short(x) { return x === null || x === undefined || !Number.isFinite(x) ? "–" : Number(x).toPrecision(5); }

function frame() {
  if (S.dirty) {
    S.dirty = false;
    const r = S.run, n = r ? r.epochs.length : 0;
    // The current run's task sets the first chart's metric (the last one
    // run's when none is under way).
    const regression = (r ? r.task : S.lastTask) === "regression";
    $("acc-caption").textContent = regression ? "RMSE (the target's units) — solid test, dotted train"
      : "Accuracy (%) — solid test, dotted train";
    $("train-metric").textContent = regression ? "train RMSE" : "train acc";
    $("test-metric").textContent = regression ? "test RMSE" : "test acc";
    $("r2-status").hidden = !regression;
    if (regression) drawChart($("acc-chart"), ["testRmse", "trainRmse"], null);
    else drawChart($("acc-chart"), ["testAcc", "trainAcc"], [0, 100]);
    drawChart($("loss-chart"), ["testLoss", "trainLoss"], null);
    if (n) {
      $("epoch").textContent = `${r.epochs[n - 1] + 1} / ${r.total}`;
      if (regression) {
        $("train-acc").textContent = short(r.trainRmse[n - 1]);
        $("test-acc").textContent = short(r.testRmse[n - 1]);
        $("test-r2").textContent = fixed(r.testR2[n - 1], 4);
      } else {
        $("train-acc").textContent = r.trainAcc[n - 1].toFixed(2) + "%";
        $("test-acc").textContent = r.testAcc[n - 1].toFixed(2) + "%";
      }
      $("train-loss").textContent = r.trainLoss[n - 1].toFixed(4);
      $("test-loss").textContent = r.testLoss[n - 1].toFixed(4);
    } else {
      ["epoch", "train-acc", "test-acc", "test-r2", "train-loss", "test-loss"].forEach((id) => { $(id).textContent = "–"; });
    }
  }
  requestAnimationFrame(frame);
}

function renderPinned() {
  $("pinned").innerHTML = "";
  S.pinned.forEach((r, i) => {
    const s = document.createElement("span");
    s.style.background = COLORS[i % COLORS.length];
    s.textContent = `${r.name} (${r.done ? headline(r.done.models[0]) : "?"})`;
    const b = document.createElement("button"); b.textContent = "×"; b.title = "unpin";
    b.onclick = () => { S.pinned.splice(i, 1); renderPinned(); S.dirty = true; };
    s.appendChild(b); $("pinned").appendChild(s);
  });
}

// ---------- study ----------
async function study() {
  if (!S.pinned.length) { showError({ field: "models", error: "pin at least one finished run first" }); return; }
  showError(null);
  const base = S.pinned[0].settings;
  const names = new Set();
  const models = S.pinned.map((r, i) => {
    let name = r.name.replace(/[^A-Za-z0-9_.-]/g, "_");
    while (names.has(name)) name += "_" + i;
    names.add(name);
    return { name, layers: r.settings.layers };
  });
  const req = { data: base.data, target: base.target, features: base.features, missing: base.missing,
    positive: base.positive, categorical: base.categorical, task: base.task, optimizer: base.optimizer,
    lr: base.lr, epochs: base.epochs, batch_size: base.batch_size, seed: base.seed, init_rng: base.init_rng,
    models, repeats: num("repeats"), folds: num("folds") };
  // The first pinned run's optimizer settings, those of its optimizer only.
  // Its loss settings likewise.
  for (const k of ["momentum", "beta1", "beta2", "weight_decay", "pos_weight", "class_weight", "label_smoothing", "loss"])
    if (k in base) req[k] = base[k];
  $("study-status").textContent = "starting…"; $("sentences").textContent = ""; $("strip").innerHTML = "";
  let resp;
  try {
    resp = await fetch("/api/study", { method: "POST", body: JSON.stringify(req) });
    if (!resp.ok) throw await resp.json().catch(() => ({ error: `HTTP ${resp.status}` }));
  } catch (e) { showError(e); $("study-status").textContent = "not started"; return; }
  await readEvents(resp, (m) => {
    if (m.type === "progress") $("study-status").textContent = `${m.done} / ${m.total} runs`;
    else if (m.type === "error") { showError(m); $("study-status").textContent = "failed"; }
    else if (m.type === "study") {
      $("study-status").textContent = "done (settings of the first pinned run; baselines added)";
      $("sentences").textContent = m.comparisons
        ? m.comparisons.map(([label, text]) => `${label}:\n${text}`).join("\n")
        : m.accuracy + "\n" + m.mcc;
      $("strip").innerHTML = m.svg;
    }
  });
}

// ---------- upload ----------
// Reads the file with train's reader (the reader options given, the rest
// detected) and shows what train would say of it.
async function upload(file) {
  showError(null);
  S.file = file;
  const q = new URLSearchParams({ name: file.name, ...dataOptions() });
  for (const id of ["delimiter", "decimal", "header"]) if ($(id).value !== "detect") q.set(id, $(id).value);
  try {
    const r = await jsonOrError(await fetch(`/api/data?${q}`, { method: "POST", body: file }));
    setData(r);
    showError(r.error);
  } catch (e) { showError(e); }
}

// ---------- wiring ----------
async function init() {
  S.meta = await jsonOrError(await fetch("/api/meta"));
  $("presets").innerHTML = "";
  S.meta.presets.forEach((p) => {
    const b = document.createElement("button");
    b.type = "button"; b.className = "small"; b.id = `preset-${p.name}`;
    b.textContent = p.name; b.title = p.layers.map((l) => `${l.width}-${l.activation}`).join("-");
    b.onclick = () => applyPreset(p);
    $("presets").appendChild(b);
  });
  const o = S.meta.options || {};
  if (o.missing) $("missing").value = o.missing;
  if (o.positive) $("positive").value = o.positive;
  if (o.categorical) $("categorical").value = o.categorical.join(",");
  setData(S.meta.data);
  recheck();
  // The form's first values are the server's (the library's preset).
  const d = S.meta.defaults;
  applyPreset(d);
  S.presetName = null;
  $("repeats").value = d.repeats;
  $("folds").value = d.folds;
  $("optimizer").onchange = showOptimizer;
  $("target").onchange = () => { renderFeatures(); recheck(); };
  $("task").onchange = recheck;
  $("loss").onchange = showTaskOptions;
  $("missing").onchange = recheck;
  $("positive").onchange = recheck;
  $("categorical").onchange = recheck;
  for (const id of ["delimiter", "decimal", "header"]) $(id).onchange = () => { if (S.file) upload(S.file); };
  $("add-layer").onclick = () => addLayer(5, "relu");
  $("start").onclick = () => start(false);
  $("pause").onclick = () => control(S.run && S.run.state === "paused" ? "resume" : "pause");
  $("step").onclick = () => (S.run && S.run.state === "paused" ? control("step") : start(true));
  $("reset").onclick = () => { stop(); S.run = null; S.dirty = true; hideViews(); showError(null); setState("idle"); };
  $("pin").onclick = () => { if (S.run && S.run.done) { S.lastTask = S.run.task; S.pinned.push(S.run); S.run = null; renderPinned(); S.dirty = true; $("pin").disabled = true; } };
  $("chance").onclick = study;
  $("dx").onchange = requestDecision; $("dy").onchange = requestDecision;
  $("cf").onchange = requestCurve;
  $("file").onchange = (e) => { if (e.target.files[0]) upload(e.target.files[0]); };
  $("use-heart").onclick = () => { showError(null); S.file = null; setData(S.meta.heart); recheck(); };
  const drop = $("drop");
  drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]); };
  setState("idle");
  S.dirty = true;
  requestAnimationFrame(frame);
}

init().catch((e) => showError({ error: `could not load the page's settings: ${e.error || e}` }));
