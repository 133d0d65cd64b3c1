// The meeting screen: attendance, minutes, opinions and votes on one page, offline first.
// Every change is an operation with an id made here, kept on this device (IndexedDB)
// before anything else, shown at once, and sent in order when there is a connection.
// The server applies each id once; its answer and its state replace what was shown.
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var W = JSON.parse(document.getElementById("screen-words").textContent);
  var pageState = JSON.parse(document.getElementById("screen-state").textContent);
  // Each user's queue on their own: someone else signing in on this phone never sends it.
  var key = "meeting:" + root.dataset.meeting + ":user:" + root.dataset.user;
  var rec = { server: pageState, ops: [], conflicts: {}, refusals: [], sentAt: "" };
  var view = null;
  var db = null;
  var timer = null;
  var sending = false;
  var expired = false;
  var offlineReady = false;
  var built = false;

  function $(id) { return document.getElementById(id); }
  function fmt(text, args) {
    return text.replace(/%\((\w+)\)s/g, function (m, name) { return args[name]; });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text != null) { node.textContent = text; }
    return node;
  }
  function uid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase();
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : root.querySelector("[name=csrfmiddlewaretoken]").value;
  }

  // -- the device's copy ------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var req = indexedDB.open("cellmeet", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("meetings"); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { resolve(null); };
    });
  }
  function load() {
    return new Promise(function (resolve) {
      if (!db) { resolve(null); return; }
      var req = db.transaction("meetings").objectStore("meetings").get(key);
      req.onsuccess = function () { resolve(req.result || null); };
      req.onerror = function () { resolve(null); };
    });
  }
  function save() {
    return new Promise(function (resolve) {
      if (!db) { resolve(); return; }
      var tx = db.transaction("meetings", "readwrite");
      tx.objectStore("meetings").put(JSON.parse(JSON.stringify(rec)), key);
      tx.oncomplete = resolve;
      tx.onerror = resolve;
    });
  }

  // -- what is shown: the server's state with the unsent operations on top ----------
  function applyLocal(v, op) {
    var d = op.data;
    if (op.kind === "start") { v.state = "held"; v.minutes_open = true; }
    if (op.kind === "attendance") {
      v.roster.forEach(function (r) {
        var m = d.marks[r.id];
        if (m) { r.presence = m.presence; r.reason = m.reason; r.late = m.late; }
      });
    }
    if (op.kind === "guest") {
      v.guests.push({ id: "op:" + op.id, name: d.name, position: d.position, unit: d.unit });
    }
    if (op.kind === "minutes") {
      Object.keys(d.fields).forEach(function (f) { v.minutes[f] = d.fields[f].value; });
    }
    if (op.kind === "opinion") {
      v.items.forEach(function (item) {
        if (String(item.id) === String(d.item)) {
          item.opinions.push({ id: "op:" + op.id, speaker: d.speaker, name: d.name, text: d.text, pending: true });
        }
      });
    }
    if (op.kind === "opinion_delete") {
      v.items.forEach(function (item) {
        item.opinions = item.opinions.filter(function (o) { return String(o.id) !== String(d.opinion); });
      });
    }
    if (op.kind === "vote") {
      v.votes.push({ id: "op:" + op.id, kind: d.kind, subject: d.subject, "for": d["for"],
        against: d.against, abstain: d.abstain, pending: true });
    }
  }
  function derive() {
    view = JSON.parse(JSON.stringify(rec.server));
    rec.ops.forEach(function (op) { applyLocal(view, op); });
    var t = { expected: 0, present: 0, voters: 0, base: 0 };
    view.roster.forEach(function (r) {
      if (r.hosted) { return; }
      var present = r.presence === "present";
      t.present += present;
      t.expected += ["exempted", "away", "suspended"].indexOf(r.presence) < 0;
      t.voters += present && r.official;
      t.base += r.official && ["exempted", "away", "suspended"].indexOf(r.presence) < 0;
    });
    view.totals = t;
  }

  function queue(kind, data, merge) {
    var last = null;
    if (merge) {
      rec.ops.forEach(function (op) { if (op.merge === merge && !op.sent) { last = op; } });
    }
    if (last && kind === "minutes") {
      Object.keys(data.fields).forEach(function (f) { last.data.fields[f].value = data.fields[f].value; });
    } else if (last) {
      last.data = data;
    } else {
      rec.ops.push({ id: uid(), kind: kind, data: data, merge: merge || "" });
    }
    derive();
    render();
    save().then(function () { schedule(1500); });
  }
  function editField(field, value) {
    var fields = {};
    fields[field] = { base: view.minutes[field] || "", value: value };
    var pending = rec.ops.some(function (op) { return op.merge === "minutes:" + field && !op.sent; });
    if (pending) { fields[field].base = null; }
    queue("minutes", { fields: fields }, "minutes:" + field);
  }
  function marks() {
    var all = {};
    view.roster.forEach(function (r) {
      all[r.id] = { presence: r.presence, reason: r.reason || "", late: !!r.late };
    });
    return all;
  }

  // -- sending ------------------------------------------------------------------------
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(sync, delay);
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    });
  }
  function sync() {
    if (sending || !rec.ops.length || !navigator.onLine) { status(); return; }
    sending = true;
    var batch = rec.ops.slice(0, 200);
    batch.forEach(function (op) { op.sent = true; });
    status();
    post(root.dataset.operationsUrl, {
      operations: batch.map(function (op) { return { id: op.id, kind: op.kind, data: op.data }; })
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 403) {
        expired = true;
        throw new Error("expired");
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      expired = false;
      var answered = {};
      body.answers.forEach(function (a) { answered[a.id] = a; });
      batch.forEach(function (op) {
        var a = answered[op.id];
        if (!a) { return; }
        if (a.status === "refused") { rec.refusals.push(a.message); }
        if (a.status === "conflict") {
          Object.keys(a.conflicts).forEach(function (f) { rec.conflicts[f] = a.conflicts[f]; });
        }
      });
      rec.ops = rec.ops.filter(function (op) { return !answered[op.id]; });
      if (body.state.revision >= rec.server.revision) { rec.server = body.state; }
      rec.sentAt = body.at;
      derive();
      render();
      return save();
    }).catch(function () {
      batch.forEach(function (op) { op.sent = false; });
    }).then(function () {
      sending = false;
      status();
      if (rec.ops.length && !expired) { schedule(navigator.onLine ? 500 : 5000); }
    });
  }

  function status() {
    var n = rec.ops.length;
    var text = n ? fmt(W.pending, { n: n }) : (rec.sentAt ? fmt(W.sent, { at: rec.sentAt }) : W.all_sent);
    if (offlineReady && !n) { text += " " + W.ready_offline; }
    $("sync-status").textContent = text;
    root.dataset.pending = String(n);
    var problem = $("sync-problem");
    problem.textContent = "";
    if (expired) {
      problem.appendChild(document.createTextNode(W.expired + " "));
      problem.appendChild(el("a", { href: root.dataset.loginUrl }, "→"));
    } else if (!navigator.onLine) {
      problem.textContent = W.offline;
    }
    problem.hidden = !problem.textContent;
  }

  // -- the page -------------------------------------------------------------------------
  function present() {
    return view.roster.filter(function (r) { return r.presence === "present"; });
  }
  function writable() { return view.state === "held" || view.state === "prepared"; }

  function build() {
    view.items.forEach(function (item) {
      var box = el("article", { "class": "screen-item", id: "item-" + item.id });
      box.appendChild(el("h3", { "class": "h6" }, item.position + ". " + item.title));
      var label = el("label", { "class": "form-label small", "for": "f-item_" + item.id }, W.content);
      var area = el("textarea", { "class": "form-control", id: "f-item_" + item.id, "data-field": "item_" + item.id, rows: "4" });
      box.appendChild(label);
      box.appendChild(area);
      box.appendChild(el("ul", { "class": "list-unstyled my-2 opinions", id: "opinions-" + item.id }));
      var form = el("div", { "class": "opinion-form" });
      form.appendChild(el("label", { "class": "form-label small", "for": "speaker-" + item.id }, W.speaker));
      form.appendChild(el("input", { "class": "form-control", id: "speaker-" + item.id, autocomplete: "off", "data-item": item.id }));
      form.appendChild(el("div", { "class": "speakers", id: "speakers-" + item.id, role: "listbox", "aria-label": W.suggestions }));
      form.appendChild(el("label", { "class": "form-label small", "for": "opinion-" + item.id }, W.opinion));
      form.appendChild(el("textarea", { "class": "form-control", id: "opinion-" + item.id, rows: "2" }));
      var add = el("button", { type: "button", "class": "btn btn-outline-primary btn-tap mt-2", "data-add-opinion": item.id }, W.add_opinion);
      form.appendChild(add);
      box.appendChild(form);
      $("items").appendChild(box);
    });
    root.addEventListener("input", onInput);
    root.addEventListener("change", onChange);
    root.addEventListener("click", onClick);
    built = true;
  }

  function renderRoster() {
    var list = $("roster");
    view.roster.forEach(function (r) {
      var li = $("member-" + r.id);
      if (!li) {
        li = el("li", { "class": "member", id: "member-" + r.id });
        var head = el("div", { "class": "member-name" }, r.name);
        if (r.born) { head.appendChild(el("span", { "class": "small text-body-secondary" }, " · " + W.born + " " + r.born + " · " + r.status)); }
        li.appendChild(head);
        var group = el("div", { "class": "presence", role: "group", "aria-label": r.name });
        r.choices.forEach(function (c) {
          group.appendChild(el("button", { type: "button", "class": "btn btn-tap", "data-member": r.id, "data-presence": c }, W.presence[c]));
        });
        li.appendChild(group);
        var late = el("label", { "class": "late btn-tap" });
        var box = el("input", { type: "checkbox", "class": "form-check-input me-2", "data-late": r.id });
        late.appendChild(box);
        late.appendChild(document.createTextNode(W.late));
        li.appendChild(late);
        var reasonLabel = el("label", { "class": "form-label small reason-label", "for": "reason-" + r.id }, W.reason + " — " + r.name);
        li.appendChild(reasonLabel);
        li.appendChild(el("input", { "class": "form-control reason", id: "reason-" + r.id, "data-reason": r.id, maxlength: "200", autocomplete: "off" }));
        list.appendChild(li);
      }
      li.querySelectorAll("[data-presence]").forEach(function (b) {
        var on = b.dataset.presence === r.presence;
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.className = "btn btn-tap " + (on ? "btn-primary" : "btn-outline-secondary");
        b.disabled = !view.can_manage || !writable();
      });
      var lateBox = li.querySelector("[data-late]");
      lateBox.checked = !!r.late;
      lateBox.disabled = !view.can_manage || !writable();
      li.querySelector(".late").hidden = r.presence !== "present";
      var reason = li.querySelector(".reason");
      var needsReason = r.presence === "absent_reason";
      reason.hidden = !needsReason;
      li.querySelector(".reason-label").hidden = !needsReason;
      if (document.activeElement !== reason) { reason.value = r.reason || ""; }
      reason.disabled = !view.can_manage || !writable();
    });
    $("totals").textContent = fmt(W.totals, view.totals);
    var guests = $("guests");
    guests.textContent = "";
    view.guests.forEach(function (g) {
      guests.appendChild(el("li", {}, g.name + (g.position ? ", " + g.position : "") + (g.unit ? " — " + g.unit : "")));
    });
    $("guest-count").textContent = view.guests.length;
  }

  function renderPeople() {
    ["chair", "minute_taker"].forEach(function (role) {
      var select = $("f-" + role);
      var value = view.minutes[role] || "";
      select.textContent = "";
      select.appendChild(el("option", { value: "" }, W.nobody));
      present().forEach(function (r) { select.appendChild(el("option", { value: String(r.id) }, r.name)); });
      select.value = value;
    });
  }

  function renderFields() {
    root.querySelectorAll("[data-field]").forEach(function (input) {
      var field = input.dataset.field;
      if (input.tagName !== "SELECT" && document.activeElement !== input) {
        input.value = view.minutes[field] || "";
      }
      input.disabled = !view.can_write || view.state !== "held";
      var box = $("conflict-" + field);
      var conflict = rec.conflicts[field];
      if (conflict && !box) {
        box = el("div", { "class": "alert alert-warning conflict mt-2", id: "conflict-" + field, role: "alert" });
        box.appendChild(el("p", { "class": "mb-1 fw-bold" }, W.conflict));
        box.appendChild(el("p", { "class": "pre-wrap mb-2 conflict-server" }, conflict.server));
        box.appendChild(el("p", { "class": "mb-1 fw-bold" }, W.mine));
        box.appendChild(el("p", { "class": "pre-wrap mb-2 conflict-mine" }, conflict.mine));
        box.appendChild(el("button", { type: "button", "class": "btn btn-warning btn-tap me-2", "data-resolve": field, "data-use": "mine" }, W.use_mine));
        box.appendChild(el("button", { type: "button", "class": "btn btn-outline-dark btn-tap", "data-resolve": field, "data-use": "server" }, W.use_server));
        input.closest(".input-group, .screen-item, section").appendChild(box);
      } else if (!conflict && box) {
        box.remove();
      }
    });
  }

  function renderOpinions() {
    view.items.forEach(function (item) {
      var list = $("opinions-" + item.id);
      list.textContent = "";
      item.opinions.forEach(function (o) {
        var li = el("li", { "class": "opinion" });
        li.appendChild(el("strong", {}, o.name + ": "));
        li.appendChild(el("span", { "class": "pre-wrap" }, o.text));
        if (view.can_write && view.state === "held") {
          li.appendChild(el("button", { type: "button", "class": "btn btn-link btn-tap", "data-delete-opinion": o.id, "aria-label": W.delete + " — " + o.name }, W.delete));
        }
        list.appendChild(li);
      });
    });
  }

  function renderVotes() {
    var list = $("votes");
    list.textContent = "";
    view.votes.forEach(function (v) {
      var text = v.subject + ": " + v["for"] + " / " + v.against + " / " + v.abstain;
      if (!v.pending) { text += " — " + (v.passed ? W.passed : W.failed); }
      list.appendChild(el("li", { "class": "vote" }, text));
    });
    voteCheck();
  }

  function voteCheck() {
    var kind = $("vote-kind").value;
    var base = view.totals.base;
    var needed = kind in view.needed ? (["admission", "recognition", "expulsion"].indexOf(kind) >= 0 ? Math.ceil(2 * base / 3) : Math.floor(base / 2) + 1) : 0;
    var cast = ["vote-for", "vote-against", "vote-abstain"].reduce(function (sum, id) {
      return sum + (parseInt($(id).value, 10) || 0);
    }, 0);
    var text = fmt(W.needed, { n: needed, base: base, voters: view.totals.voters });
    if (cast > view.totals.voters) { text = fmt(W.over, { voters: view.totals.voters }) + " " + text; }
    $("vote-check").textContent = text;
  }

  function render() {
    if (!built) { build(); }
    $("part-start").hidden = !(view.can_manage && view.state === "prepared");
    renderRoster();
    renderPeople();
    renderFields();
    renderOpinions();
    renderVotes();
    var refusals = $("screen-refusals");
    refusals.textContent = "";
    rec.refusals.slice(-3).forEach(function (m) { refusals.appendChild(el("p", { "class": "mb-1" }, fmt(W.refused, { message: m }))); });
    refusals.hidden = !rec.refusals.length;
    var canEdit = view.can_write && view.state === "held";
    root.querySelectorAll(".opinion-form input, .opinion-form textarea, .opinion-form button, #vote-add, #vote-subject, #vote-kind, #vote-for, #vote-against, #vote-abstain, [data-now]")
      .forEach(function (node) { node.disabled = !canEdit; });
    root.querySelectorAll("#guest-add, #guests-box input").forEach(function (node) { node.disabled = !view.can_manage || !writable(); });
    $("submit-minutes").hidden = !(view.can_manage && view.state === "held");
    var mine = view.my_roles.filter(function (r) { return view.signatures.indexOf(r) < 0; });
    $("sign-box").hidden = !(view.state === "submitted" && mine.length);
    $("signed-box").hidden = view.state !== "signed";
    $("reopen-ask").hidden = !view.can_ask_reopen;
    $("reopen-agree").hidden = !view.can_agree_reopen;
    status();
  }

  // -- what the user does -----------------------------------------------------------
  function onInput(event) {
    var t = event.target;
    if (t.dataset.field && t.tagName === "TEXTAREA") { editField(t.dataset.field, t.value); }
    if (t.dataset.reason) {
      view.roster.forEach(function (r) { if (String(r.id) === t.dataset.reason) { r.reason = t.value; } });
      queue("attendance", { marks: marks() }, "attendance");
    }
    if (t.dataset.item) { suggest(t); }
    if (t.id && t.id.indexOf("vote-") === 0) { voteCheck(); }
  }
  function onChange(event) {
    var t = event.target;
    if (t.dataset.field && t.tagName !== "TEXTAREA") { editField(t.dataset.field, t.value); }
    if (t.dataset.late) {
      view.roster.forEach(function (r) { if (String(r.id) === t.dataset.late) { r.late = t.checked; } });
      queue("attendance", { marks: marks() }, "attendance");
    }
  }
  function suggest(input) {
    var item = input.dataset.item;
    var list = $("speakers-" + item);
    list.textContent = "";
    input.dataset.speaker = "";
    var q = fold(input.value.trim());
    if (!q) { return; }
    var people = present().map(function (r) { return { id: "m" + r.id, name: r.name }; })
      .concat(view.guests.map(function (g) { return { id: String(g.id).indexOf("op:") === 0 ? g.id : "g" + g.id, name: g.name + " (" + W.guest + ")" }; }));
    people.filter(function (p) { return fold(p.name).indexOf(q) >= 0; }).slice(0, 6).forEach(function (p) {
      list.appendChild(el("button", { type: "button", "class": "btn btn-outline-secondary btn-tap me-1 mb-1", role: "option", "data-speaker": p.id, "data-for": item, "data-name": p.name }, p.name));
    });
  }
  function onClick(event) {
    var t = event.target.closest("button");
    if (!t) { return; }
    if (t.dataset.presence) {
      view.roster.forEach(function (r) {
        if (String(r.id) === t.dataset.member) {
          r.presence = t.dataset.presence;
          if (r.presence !== "present") { r.late = false; }
        }
      });
      queue("attendance", { marks: marks() }, "attendance");
      if (t.dataset.presence === "absent_reason") { $("reason-" + t.dataset.member).focus(); }
    }
    if (t.id === "start-meeting") { queue("start", {}, "start"); }
    if (t.id === "guest-add") {
      var name = $("guest-name").value.trim();
      if (!name) { $("guest-name").focus(); return; }
      queue("guest", { name: name, position: $("guest-position").value.trim(), unit: $("guest-unit").value.trim() });
      ["guest-name", "guest-position", "guest-unit"].forEach(function (id) { $(id).value = ""; });
    }
    if (t.dataset.now) {
      var now = new Date();
      var input = $(t.dataset.now);
      input.value = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
      editField(input.dataset.field, input.value);
    }
    if (t.dataset.speaker) {
      var field = $("speaker-" + t.dataset.for);
      field.value = t.dataset.name;
      field.dataset.speaker = t.dataset.speaker;
      $("speakers-" + t.dataset.for).textContent = "";
      $("speakers-" + t.dataset.for).appendChild(el("span", { "class": "small" }, fmt(W.chosen, { name: t.dataset.name })));
      $("opinion-" + t.dataset.for).focus();
    }
    if (t.dataset.addOpinion) {
      var id = t.dataset.addOpinion;
      var speakerInput = $("speaker-" + id);
      var text = $("opinion-" + id).value.trim();
      if (!speakerInput.dataset.speaker) { speakerInput.focus(); return; }
      if (!text) { $("opinion-" + id).focus(); return; }
      var speaker = speakerInput.dataset.speaker;
      queue("opinion", { item: id, speaker: speaker, name: speakerInput.value.replace(/ \(.*\)$/, ""), text: text });
      speakerInput.value = ""; speakerInput.dataset.speaker = "";
      $("opinion-" + id).value = "";
      $("speakers-" + id).textContent = "";
      speakerInput.focus();
    }
    if (t.dataset.deleteOpinion) {
      var pendingId = String(t.dataset.deleteOpinion);
      var local = rec.ops.filter(function (op) { return "op:" + op.id === pendingId && !op.sent; });
      if (local.length) {
        rec.ops = rec.ops.filter(function (op) { return local.indexOf(op) < 0; });
        derive(); render(); save();
      } else {
        queue("opinion_delete", { opinion: pendingId });
      }
    }
    if (t.id === "vote-add") {
      var data = { kind: $("vote-kind").value, subject: $("vote-subject").value.trim(),
        "for": parseInt($("vote-for").value, 10), against: parseInt($("vote-against").value, 10) || 0,
        abstain: parseInt($("vote-abstain").value, 10) || 0 };
      if (isNaN(data["for"])) { $("vote-for").focus(); return; }
      queue("vote", data);
      $("vote-for").value = "";
    }
    if (t.dataset.resolve) {
      var f = t.dataset.resolve;
      var conflict = rec.conflicts[f];
      delete rec.conflicts[f];
      if (t.dataset.use === "mine") { editField(f, conflict.mine); } else { derive(); render(); save(); }
    }
    if (t.id === "submit-minutes" || t.id === "sign-minutes") { act(t.id === "submit-minutes" ? "submit" : "sign"); }
  }

  function act(action) {
    var problem = $("action-message");
    if (!navigator.onLine) { problem.textContent = W.online_only; problem.hidden = false; return; }
    if (rec.ops.length) { problem.textContent = W.unsent_first; problem.hidden = false; sync(); return; }
    var body = { action: action };
    if (action === "sign") { body.password = $("sign-password").value; }
    post(root.dataset.actionUrl, body).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 403) { expired = true; status(); return null; }
      return response.json();
    }).then(function (answer) {
      if (!answer) { return; }
      problem.textContent = answer.message;
      problem.hidden = false;
      problem.className = answer.ok ? "my-2 fw-bold text-success" : "my-2 fw-bold text-danger";
      if (answer.ok) {
        $("sign-password").value = "";
        rec.server = answer.state;
        derive(); render(); save();
        problem.hidden = false;
      }
    }).catch(function () {
      problem.textContent = W.online_only;
      problem.hidden = false;
    });
  }

  // -- keeping the screen for offline use --------------------------------------------
  function keepOffline() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(root.dataset.workerUrl).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]").forEach(function (node) {
        urls.push(node.href || node.src);
      });
      var channel = new MessageChannel();
      channel.port1.onmessage = function () {
        offlineReady = true;
        root.dataset.offlineReady = "1";
        status();
      };
      registration.active.postMessage({ keep: urls }, [channel.port2]);
    }).catch(function () { /* without a service worker the screen still keeps its data */ });
  }

  window.addEventListener("online", function () { status(); schedule(100); });
  window.addEventListener("offline", status);

  openDb().then(function (opened) {
    db = opened;
    return load();
  }).then(function (kept) {
    if (kept) {
      if (kept.server && kept.server.revision > rec.server.revision) { rec.server = kept.server; }
      rec.ops = (kept.ops || []).map(function (op) { op.sent = false; return op; });
      rec.conflicts = kept.conflicts || {};
      rec.refusals = kept.refusals || [];
      rec.sentAt = kept.sentAt || "";
    }
    derive();
    render();
    root.dataset.ready = "1";
    return save();
  }).then(function () {
    schedule(rec.ops.length ? 200 : 60000);
    keepOffline();
  });
}());
