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
      window.localStorage.setItem(key, JSON.stringify({ version: version, synced: false, base: base, data: collect() }));
    } catch (e) { /* storage full or disabled: the server draft still runs */ }
  }

  // The device copy is {version, synced, data}: `version` is the server's version of the
  // minutes it was typed on, `synced` turns true once the server holds the same text as a
  // draft. The phone's clock is never compared with the server's.
  function differs(data) {
    return Object.keys(data || {}).some(function (name) {
      var el = form.elements[name];
      return el && el.value !== data[name];
    });
  }
  // What this device changed: the fields whose text differs from the version it was typed on.
  function changed(local) {
    var out = {};
    Object.keys(local.data || {}).forEach(function (name) {
      var before = local.base ? local.base[name] : "";
      if (local.data[name] !== before) { out[name] = local.data[name]; }
    });
    return out;
  }
  function showDeviceCopy(local) {
    var box = document.createElement("div");
    box.className = "alert alert-warning";
    box.id = "device-copy";
    box.setAttribute("role", "alert");
    var intro = document.createElement("p");
    intro.textContent = form.dataset.msgDeviceCopy;
    box.appendChild(intro);
    var list = document.createElement("dl");
    list.className = "small";
    var mine = changed(local);
    Object.keys(mine).forEach(function (name) {
      var el = form.elements[name];
      if (!el || el.value === mine[name]) { return; }
      var label = form.querySelector("label[for='" + el.id + "']");
      var dt = document.createElement("dt");
      dt.textContent = label ? label.textContent : name;
      var dd = document.createElement("dd");
      dd.className = "pre-wrap";
      dd.textContent = mine[name];
      list.appendChild(dt);
      list.appendChild(dd);
    });
    box.appendChild(list);
    [["msgUseDevice", "btn btn-warning me-2", function () {
      apply(mine); dirty = true; writeLocal(); schedule(); box.remove();
    }], ["msgDropDevice", "btn btn-outline-dark", function () {
      window.localStorage.removeItem(key); box.remove();
    }]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = spec[1];
      button.textContent = form.dataset[spec[0]];
      button.addEventListener("click", spec[2]);
      box.appendChild(button);
    });
    form.parentNode.insertBefore(box, form);
  }

  var base = null;
  if (form.dataset.bound !== "1") {
    var draftNode = document.getElementById("server-draft");
    var server = draftNode ? JSON.parse(draftNode.textContent) : {};
    if (server && Object.keys(server).length) { apply(server); }
    var local = readLocal();
    if (local && !differs(local.data)) {
      window.localStorage.removeItem(key); // the server holds the same text
    } else if (local && String(local.version) === String(version) && !local.synced) {
      apply(local.data); // typed here and never confirmed by the server: newest there is
      say(form.dataset.msgRestored);
      dirty = true;
    } else if (local && String(local.version) !== String(version)) {
      showDeviceCopy(local); // typed on an older version: shown to merge, never dropped unseen
    }
    base = local && String(local.version) === String(version) && local.base ? local.base : null;
  }
  base = base || collect();

  function push() {
    timer = null;
    if (!dirty) { return; }
    dirty = false;
    var sent = collect();
    var body = JSON.stringify({ version: version, data: sent });
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
      var kept = readLocal();
      if (kept && JSON.stringify(kept.data) === JSON.stringify(sent)) {
        kept.synced = true;
        try { window.localStorage.setItem(key, JSON.stringify(kept)); } catch (e) { /* full */ }
      }
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
  // Keep this page on the device too, so that a reload without a connection reopens it.
  if ("serviceWorker" in navigator && form.dataset.workerUrl) {
    navigator.serviceWorker.register(form.dataset.workerUrl).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]").forEach(function (node) {
        urls.push(node.href || node.src);
      });
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { form.dataset.offlineReady = "1"; };
      registration.active.postMessage({ keep: urls }, [channel.port2]);
    }).catch(function () { /* the device copy still works without it */ });
  }
  // Offline, a submit would leave for the browser's error page: keep the text and say so.
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      writeLocal();
      say(form.dataset.msgOfflineSave);
    }
  });
})();
