// The scanner screen: every scan is kept on the device (localStorage) with its own scan
// time until the server has answered it, and sent in order; see silkpost/web/office_scan.py.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const T = config.texts;
  const KEY = "silkpost.scan." + config.office;
  const $ = (id) => document.getElementById(id);
  const form = $("scan-form"), input = $("code"), weight = $("weight"), seal = $("seal");

  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(KEY + "." + name)) ?? fallback; }
    catch (e) { return fallback; }
  }
  function save(name, value) { localStorage.setItem(KEY + "." + name, JSON.stringify(value)); }

  let queue = load("queue", []);           // scans not yet answered, oldest first
  let bag = load("bag", null);             // the bag the items come out of
  let counts = load("counts", {bags: 0, items: 0, held: 0, errors: 0});
  let sending = false, retry = null, serial = load("serial", 0);

  // The device's clock, with its UTC offset: the time the worker scanned, kept as it was.
  function scanTime(d) {
    const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, "0");
    const off = -d.getTimezoneOffset();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." +
      pad(d.getMilliseconds(), 3) + (off >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(off) / 60)) +
      ":" + pad(Math.abs(off) % 60);
  }

  // A tone pattern per kind of answer, so the worker hears trouble without looking.
  let audio = null;
  const TONES = {
    ok: [[880, 0.08]], duplicate: [[660, 0.09], [0, 0.06], [660, 0.09]],
    wrong: [[220, 0.45]], unannounced: [[440, 0.1], [550, 0.1], [660, 0.1]],
    held: [[520, 0.15], [390, 0.15], [520, 0.15]], invalid: [[160, 0.3], [0, 0.05], [160, 0.3]],
    unrouted: [[330, 0.3]], offline: [[300, 0.06]],
  };
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      let t = audio.currentTime;
      for (const [freq, secs] of TONES[kind] || []) {
        if (freq > 0) {
          const osc = audio.createOscillator(), gain = audio.createGain();
          osc.frequency.value = freq; gain.gain.value = 0.2;
          osc.connect(gain); gain.connect(audio.destination);
          osc.start(t); osc.stop(t + secs);
        }
        t += secs;
      }
    } catch (e) { /* no sound on this device: the colour still tells */ }
  }

  function show(kind, headline, detail) {
    const box = $("answer");
    box.className = kind;
    box.dataset.kind = kind;
    $("headline").textContent = headline;
    $("detail").textContent = detail || "";
    beep(kind);
  }

  function render() {
    $("bag").textContent = bag || "—";
    $("n-bags").textContent = counts.bags;
    $("n-items").textContent = counts.items;
    $("n-held").textContent = counts.held;
    $("n-errors").textContent = counts.errors;
    $("n-pending").textContent = queue.length;
  }

  function logLine(scan, text, pending) {
    const li = document.createElement("li");
    li.dataset.scan = scan.id;
    li.className = pending ? "pending" : "";
    li.textContent = scan.at.slice(11, 19) + "  " + scan.code + "  " + text;
    const log = $("log");
    const old = log.querySelector('[data-scan="' + scan.id + '"]');
    if (old) { old.replaceWith(li); } else { log.prepend(li); }
    while (log.children.length > 200) log.lastChild.remove();
  }

  function scan(code) {
    const kind = code.length === 29 ? "bag" : "item";
    serial += 1; save("serial", serial);
    const entry = {id: config.office + "-" + Date.now() + "-" + serial, kind: kind, code: code,
                   at: scanTime(new Date()), tries: 0};
    if (kind === "bag") {
      const kg = parseFloat((weight.value || "").replace(",", "."));
      if (!Number.isNaN(kg)) entry.weighed_kg = kg;
      if (seal.value.trim()) entry.seal = seal.value.trim();
      weight.value = ""; seal.value = "";
      bag = code; save("bag", bag);
    } else {
      entry.bag = bag;
    }
    queue.push(entry); save("queue", queue);
    logLine(entry, T.scan_pending, true);
    render();
    pump();
  }

  function request(entry) {
    if (entry.kind === "bag") {
      const body = {receptacle_id: entry.code, at: entry.at};
      if (entry.weighed_kg !== undefined) body.weighed_kg = entry.weighed_kg;
      if (entry.seal) body.seal = entry.seal;
      return [config.receptacles, body];
    }
    const body = {item_id: entry.code, at: entry.at};
    if (entry.bag) body.receptacle_id = entry.bag;
    return [config.items, body];
  }

  function answered(entry, status, answer) {
    const late = entry.tries > 1 ? " · " + T.scan_sent_late : "";
    if (status === 401) {
      show("offline", T.scan_signin, entry.code);
      return false;  // kept: sent once the worker signs in again
    }
    if (status >= 400) {
      counts.errors += 1;
      const why = (answer && (answer.detail || answer.title)) || String(status);
      show("invalid", T.scan_invalid, entry.code + " — " + why);
      logLine(entry, T.scan_invalid + ": " + why, false);
      return true;
    }
    if (entry.kind === "bag") {
      const outcome = answer.outcome;
      const words = {announced: T.scan_announced, unannounced: T.scan_unannounced,
                     duplicate: T.scan_duplicate, already_received: T.scan_already_received,
                     wrong_office: T.scan_wrong_office}[outcome] || outcome;
      const kind = {announced: "ok", unannounced: "unannounced", duplicate: "duplicate",
                    already_received: entry.tries > 1 ? "ok" : "duplicate",
                    wrong_office: "wrong"}[outcome] || "invalid";
      if (outcome === "announced" || outcome === "unannounced" ||
          (outcome === "already_received" && entry.tries > 1)) counts.bags += 1;
      else counts.errors += 1;
      let detail = entry.code;
      if (answer.weight_note) detail += " — " + T.scan_weight + ": " + answer.weight_note;
      show(kind, words, detail + late);
      logLine(entry, words, false);
      return true;
    }
    const outcome = answer.outcome;
    const sort = answer.sort || {};
    let kind, headline, detail = entry.code;
    if (outcome === "sorted" || (outcome === "already_scanned" && answer.state === "sorted")) {
      kind = outcome === "sorted" || entry.tries > 1 ? "ok" : "duplicate";
      headline = sort.next_node || sort.destination || "?";
      detail += " → " + (sort.destination || "") + " · " + (sort.service_id || "") + " · " +
        (outcome === "sorted" ? T.scan_sorted : T.scan_already);
      if (outcome === "sorted" || entry.tries > 1) counts.items += 1; else counts.errors += 1;
    } else if (outcome === "held" || answer.state === "held") {
      kind = "held"; headline = T.scan_held;
      detail += " — " + (answer.reason || answer.note || answer.hold_reason || "");
      if (outcome === "held") counts.held += 1;
    } else if (outcome === "returned") {
      kind = "duplicate"; headline = T.scan_returned;
    } else {
      kind = "unrouted"; headline = T.scan_unrouted;
      detail += " — " + (answer.reason || answer.note || "");
      counts.errors += 1;
    }
    if (answer.surplus) detail += " · " + T.scan_surplus;
    show(kind, headline, detail + late);
    logLine(entry, headline, false);
    return true;
  }

  async function pump() {
    if (sending) return;
    sending = true;
    clearTimeout(retry);
    try {
      while (queue.length) {
        const entry = queue[0];
        entry.tries += 1; save("queue", queue);
        const [url, body] = request(entry);
        let response;
        try {
          response = await fetch(url, {method: "POST", credentials: "same-origin",
                                       headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify(body)});
        } catch (e) {
          show("offline", T.scan_offline, T.scan_pending + ": " + queue.length);
          break;  // the network is down: keep everything, try again later
        }
        if (response.status >= 500 || response.status === 429) {
          show("offline", T.scan_offline, T.scan_pending + ": " + queue.length);
          break;
        }
        let answer = {};
        try { answer = await response.json(); } catch (e) { /* no body */ }
        if (!answered(entry, response.status, answer)) break;
        queue.shift(); save("queue", queue); save("counts", counts);
        render();
      }
    } finally {
      sending = false;
      render();
      if (queue.length) retry = setTimeout(pump, 5000);
    }
  }

  form.addEventListener("submit", (e) => e.preventDefault());
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const code = input.value.replace(/\s+/g, "").toUpperCase();
    input.value = "";
    if (code) scan(code);
  });
  window.addEventListener("online", pump);
  document.addEventListener("click", (e) => {
    if (e.target === document.body || e.target.closest("#answer")) input.focus();
  });
  render();
  if (queue.length) pump();
})();
