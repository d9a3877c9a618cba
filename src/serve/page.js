// The joblevel page. Posting text only ever reaches the document as text nodes
// (textContent / createTextNode), never as markup: a posting holding <script> shows it.
"use strict";

const $ = (id) => document.getElementById(id);
// The ladder, lowest first, as the API's probabilities are keyed.
const LEVELS = ["individual", "head", "director", "vp", "executive"];
const NAMES = { individual: "Individual", head: "Head", director: "Director", vp: "VP", executive: "Executive" };
// The outer rungs mean "none of the three, and on which side": said in words, since a reader
// who knows joblevel as a Head/Director/VP checker may not read a bare "Individual" so.
const OUTSIDE = {
  individual: "not a Head, Director or VP role: reads as an individual contributor",
  executive: "not a Head, Director or VP role: above VP, reads as C-suite (executive)",
};
// A rung as a sentence ends with it: "reads below it, most likely as ...".
const READS_AS = {
  individual: "an individual contributor", head: "Head", director: "Director", vp: "VP",
  executive: "C-suite (executive)",
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function headers(json) {
  const h = {};
  if (json) h["Content-Type"] = "application/json";
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function api(path, body) {
  const res = await fetch(path, { method: "POST", headers: headers(true), body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({ error: res.statusText, code: "bad_response" }));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function show(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

// --- Check a posting ---------------------------------------------------------------------

async function check(event) {
  event.preventDefault();
  const text = $("text").value;
  const title = $("title").value.trim();
  const button = $("check");
  show($("check-error"), "");
  button.disabled = true;
  try {
    const body = title ? { text, title } : { text };
    const [answer, fit] = await Promise.all([
      api("/api/classify", body),
      title ? api("/api/fit", { text, title }) : Promise.resolve(null),
    ]);
    render(text, title, answer, fit);
  } catch (e) {
    show($("check-error"), "Could not check this posting: " + e.message);
    $("result").hidden = true;
  } finally {
    button.disabled = false;
  }
}

// Works with both answer shapes: a prediction (level, probabilities, evidence) or an answer
// (level, basis, named, described).
function render(text, title, answer, fit) {
  const described = answer.described || answer;
  const named = answer.named || null;
  const basis = answer.basis || "described";
  const level = answer.level;
  const answerNode = $("answer");
  answerNode.replaceChildren("Level: ", el("strong", { class: "lv-" + level, id: "level" }, NAMES[level] || level));
  show($("outside"), OUTSIDE[level] || "");
  if (basis === "named" && named) {
    show($("basis"), `Named in the posting as \u201c${named.title}\u201d. The responsibilities, that title ` +
      `masked, read as ${NAMES[described.level]} (confidence ${described.confidence.toFixed(2)}).`);
  } else {
    show($("basis"), `Described by the responsibilities (confidence ${described.confidence.toFixed(2)})` +
      (answer.unnamed ? `; no named level: ${answer.unnamed}.` : "."));
  }
  const verdict = $("verdict");
  verdict.className = "verdict";
  if (fit) {
    verdict.classList.add(fit.verdict);
    show(verdict, verdictWords(title, fit));
  } else if (answer.note) {
    verdict.classList.add(answer.note.split(":")[0]);
    show(verdict, answer.note);
  } else {
    show(verdict, "");
  }
  // A rung with probability 0 is one the model or the server's --levels cannot answer: no bar.
  const bars = LEVELS.filter((l) => described.probabilities[l] > 0).map((l) => {
    const p = described.probabilities[l];
    return el("div", { class: "bar " + l },
      el("label", { for: "bar-" + l, class: "lv-" + l }, NAMES[l]),
      el("progress", { id: "bar-" + l, max: "1", value: String(p) }),
      el("span", {}, p.toFixed(2)));
  });
  $("bars").replaceChildren(...bars);
  $("highlighted").replaceChildren(...highlight(text, described.evidence || [], named));
  $("result").hidden = false;
}

function verdictWords(title, fit) {
  const said = fit.title.level;
  const reads = fit.description.level;
  // Which rung the description most likely is, when it lies on the side the verdict names.
  const likeliest = (beyond) => beyond ? `, most likely ${READS_AS[reads]}` : "";
  const order = (l) => LEVELS.indexOf(l);
  switch (fit.verdict) {
    case "title-not-a-level":
      return said
        ? `\u201c${title}\u201d names ${READS_AS[said]}, a rung this server does not answer with: no verdict`
        : `\u201c${title}\u201d names no level (${fit.title.reason}): no verdict`;
    case "uncertain":
      return `titled ${NAMES[said]}, but the description is unclear (below ` +
        `${fit.sides.below.toFixed(2)}, above ${fit.sides.above.toFixed(2)}): uncertain`;
    case "over-titled":
      return `titled ${NAMES[said]}, reads below it (${fit.sides.below.toFixed(2)}` +
        `${likeliest(order(reads) < order(said))}): over-titled`;
    case "under-titled":
      return `titled ${NAMES[said]}, reads above it (${fit.sides.above.toFixed(2)}` +
        `${likeliest(order(reads) > order(said))}): under-titled`;
    default:
      return `titled ${NAMES[said]}, reads at that level: ${fit.verdict}`;
  }
}

// Spans are byte offsets into the UTF-8 text; the text is cut as bytes and decoded piece by
// piece. Where spans overlap, the strongest push colours the piece and the tooltip lists all.
function highlight(text, evidence, named) {
  const bytes = new TextEncoder().encode(text);
  const decode = (a, b) => new TextDecoder().decode(bytes.subarray(a, b));
  const marks = [];
  for (const e of evidence) {
    for (const [start, end] of e.spans || []) marks.push({ start, end, e });
  }
  const cuts = new Set([0, bytes.length]);
  for (const m of marks) { cuts.add(m.start); cuts.add(m.end); }
  if (named && Number.isInteger(named.start)) { cuts.add(named.start); cuts.add(named.end); }
  const points = [...cuts].filter((c) => c >= 0 && c <= bytes.length).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = decode(a, b);
    const over = marks.filter((m) => m.start <= a && b <= m.end);
    const inNamed = named && named.start <= a && b <= named.end;
    let node;
    if (over.length) {
      over.sort((x, y) => y.e.weight - x.e.weight);
      const tip = over.map((m) => `${m.e.term} \u2192 ${m.e.level} ${m.e.weight >= 0 ? "+" : ""}${m.e.weight.toFixed(3)}`).join("\n");
      node = el("mark", { class: over[0].e.level, title: tip, "data-term": over[0].e.term, tabindex: "0", "aria-label": piece + ": " + tip }, piece);
    } else {
      node = document.createTextNode(piece);
    }
    if (inNamed) {
      // One underlined run for the whole named title, whatever marks it holds.
      const last = out[out.length - 1];
      if (last && last.classList && last.classList.contains("named")) last.append(node);
      else out.push(el("span", { class: "named", title: "the posting names its role here: " + named.title }, node));
    } else {
      out.push(node);
    }
  }
  return out;
}

// --- Score a CSV --------------------------------------------------------------------------

function upload(event) {
  event.preventDefault();
  const file = $("csv").files[0];
  if (!file) return;
  const params = new URLSearchParams();
  const column = $("text-column").value.trim();
  if (column) params.set("text_column", column);
  if ($("delimiter").value !== ",") params.set("delimiter", $("delimiter").value);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/batch" + (params.toString() ? "?" + params : ""));
  for (const [k, v] of Object.entries(headers(false))) xhr.setRequestHeader(k, v);
  xhr.setRequestHeader("Content-Type", "text/csv");
  xhr.responseType = "blob";
  const bar = $("batch-progress");
  const phase = $("batch-phase");
  $("batch-status").hidden = false;
  show($("batch-error"), "");
  show($("batch-summary"), "");
  $("download").hidden = true;
  $("upload").disabled = true;
  phase.textContent = "Uploading " + file.name;
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
  xhr.upload.onload = () => { phase.textContent = "Scoring and downloading"; bar.removeAttribute("value"); };
  xhr.onprogress = (e) => { phase.textContent = `Scoring and downloading: ${(e.loaded / 1e6).toFixed(1)} MB received`; };
  xhr.onerror = () => finish("The upload failed: the connection was closed (see the server log).");
  xhr.onload = async () => {
    if (xhr.status !== 200) {
      let reason = xhr.statusText;
      try { reason = JSON.parse(await xhr.response.text()).error; } catch (_) { /* keep statusText */ }
      return finish(`The file was not scored (${xhr.status}): ${reason}`);
    }
    const blob = xhr.response;
    const link = $("download");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(blob);
    link.download = file.name.replace(/\.[^.]*$/, "") + "-scored.csv";
    link.textContent = `Download ${link.download} (${(blob.size / 1e6).toFixed(2)} MB)`;
    link.hidden = false;
    finish("");
    show($("batch-summary"), summarise(await blob.text()));
    link.focus();
  };
  xhr.send(file);

  function finish(error) {
    $("batch-status").hidden = true;
    $("upload").disabled = false;
    show($("batch-error"), error);
  }
}

// Rows scored and failed, from the `error` column of the scored CSV (RFC 4180 quoting).
function summarise(csv) {
  let field = "", row = [], header = null, rows = 0, failed = 0, quoted = false, errorAt = -1;
  const endRow = () => {
    row.push(field); field = "";
    if (header === null) { header = row; errorAt = findErrorColumn(header); }
    else if (row.length > 1 || row[0] !== "") { rows++; if ((row[errorAt] || "") !== "") failed++; }
    row = [];
  };
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted) {
      if (c === '"') { if (csv[i + 1] === '"') { field += '"'; i++; } else quoted = false; }
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n") endRow();
    else if (c !== "\r") field += c;
  }
  if (field !== "" || row.length) endRow();
  return `${rows} rows: ${rows - failed} scored, ${failed} failed` + (failed ? " (the reason is in the error column)" : "");
}

// The appended `error` column (renamed joblevel_error when the input had one).
function findErrorColumn(header) {
  for (let i = header.length - 1; i >= 0; i--) if (/^(joblevel_)*error$/.test(header[i])) return i;
  return header.length - 1;
}

// --- Wiring -------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  $("check-form").addEventListener("submit", check);
  $("batch-form").addEventListener("submit", upload);
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("check-form").requestSubmit();
  });
  $("title").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("check-form").requestSubmit();
  });
  try {
    const health = await (await fetch("/api/health")).json();
    $("token-row").hidden = !health.token_required;
    const res = await fetch("/api/version", { headers: headers(false) });
    if (res.ok) {
      const v = await res.json();
      $("version").textContent = `joblevel ${v.version}, model \u201c${v.model.name}\u201d`;
    }
  } catch (_) { /* the footer stays empty */ }
  document.body.dataset.ready = "1";
});
