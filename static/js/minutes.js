// Minutes editor: what is typed is never lost.
// Every keystroke is copied to this device (localStorage); every few seconds the
// text is sent to the server as a draft. If the connection drops or the session
// expires, the local copy stays and is restored when the page is opened again.
(function () {
  "use strict";
  var form = document.getElementById("minutes-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var statusBottom = document.getElementById("autosave-status-bottom");
  var closed = false;
  var key = "cellmeet:minutes:" + form.dataset.meeting;
  var version = form.dataset.version;
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var dirty = false;
  var delay = 4000;

  function fields() {
    return Array.prototype.filter.call(
      form.querySelectorAll("textarea, input[type=text], select"),
      function (el) { return el.name && el.name !== "version"; }
    );
  }
  function collect() {
    var data = {};
    fields().forEach(function (el) { data[el.name] = el.value; });
    return data;
  }
  function apply(data) {
    fields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(data, el.name)) { el.value = data[el.name]; }
    });
  }
  function say(text) {
    if (status) { status.textContent = text; }
    if (statusBottom) { statusBottom.textContent = text; }
  }
  function readLocal() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeLocal() {
    try {
      window.localStorage.setItem(key, JSON.stringify({ version: version, at: Date.now(), data: collect() }));
    } catch (e) { /* storage full or disabled: the server draft still runs */ }
  }

  // Restore: a re-shown form (after an error) already holds what was typed.
  if (form.dataset.bound !== "1") {
    var local = readLocal();
    var serverAt = form.dataset.draftSavedAt ? Date.parse(form.dataset.draftSavedAt) : 0;
    if (local && String(local.version) === String(version) && local.at > serverAt) {
      apply(local.data);
      say(form.dataset.msgRestored);
      dirty = true; // the server has not seen this yet
    } else {
      var draftNode = document.getElementById("server-draft");
      var server = draftNode ? JSON.parse(draftNode.textContent) : {};
      if (server && Object.keys(server).length) { apply(server); }
      if (local && String(local.version) !== String(version)) {
        // Saved since; the copy belongs to an older version. Keep it only while it differs.
        window.localStorage.removeItem(key);
      }
    }
  }

  function push() {
    timer = null;
    if (!dirty) { return; }
    dirty = false;
    var body = JSON.stringify({ version: version, data: collect() });
    fetch(form.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body
    }).then(function (response) {
      if (response.status === 409) {
        // The minutes are no longer open (submitted or signed): stop, and say why.
        closed = true;
        return response.json().then(function (json) { say(json.message); return null; });
      }
      if (!response.ok) { throw new Error("not saved"); }
      return response.json();
    }).then(function (json) {
      if (!json) { return; }
      delay = 4000;
      say(form.dataset.msgSaved + " " + json.saved_at + (json.stale ? form.dataset.msgStale : ""));
    }).catch(function () {
      dirty = true;
      delay = Math.min(delay * 2, 60000);
      say(form.dataset.msgOffline);
      schedule();
    });
  }
  function schedule() {
    if (!timer && !closed) { timer = window.setTimeout(push, delay); }
  }
  window.addEventListener("online", function () { dirty = true; delay = 1000; schedule(); });
  if (dirty) { schedule(); }
  form.addEventListener("input", function () {
    dirty = true;
    writeLocal();
    say(form.dataset.msgLocal);
    schedule();
  });
  form.addEventListener("change", function () { dirty = true; writeLocal(); schedule(); });
})();
