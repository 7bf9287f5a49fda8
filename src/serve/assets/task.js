// nonlin playground: the Task control and each task's loss settings. The
// server's check of the data says which task the page's choices make (as
// given, or as auto chose it) and the classes; only that task's loss
// settings are shown and sent (the server refuses another task's). Loaded
// before app.js, whose globals ($, S, num, num2) these use when called.
"use strict";

// What the server's check says the task is (as given, or as auto chose
// it) and the classes; the loss settings shown are that task's.
function showTask(check) {
  S.task = check.task || null;
  const auto = $("task").value === "auto";
  let text = "";
  if (S.task) {
    text = `${S.task}${auto ? " (auto)" : ""}`;
    if (check.classes && check.classes.length && S.task === "multiclass")
      text += ` — ${check.classes.length} classes: ${check.classes.map((c) => `'${c}'`).join(", ")}`;
    else if (S.task === "binary" && check.classes && check.classes.length === 2)
      text += ` — classes '${check.classes[0]}' (0) and '${check.classes[1]}' (1)`;
  }
  $("task-info").textContent = text;
  showTaskOptions();
}

function showTaskOptions() {
  document.querySelectorAll(".task-opt").forEach((el) => { el.hidden = !S.task || !el.classList.contains(S.task); });
  if (S.task === "regression") $("huber-box").hidden = $("loss").value !== "huber";
}

// The loss settings the page has for `task`, those set only.
function lossFields(task) {
  const f = {};
  if (task === "binary") {
    const w = $("pos_weight").value.trim();
    if (w) f.pos_weight = w === "auto" ? w : num2(w);
  } else if (task === "multiclass") {
    if ($("class_weight").value !== "none") f.class_weight = $("class_weight").value;
    const e = num("label_smoothing");
    if (e !== null) f.label_smoothing = e;
  } else if (task === "regression") {
    const loss = $("loss").value, delta = $("huber_delta").value.trim();
    if (loss === "huber" && delta) f.loss = `huber:${delta}`;
    else if (loss !== "mse") f.loss = loss;
  }
  return f;
}
