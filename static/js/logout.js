// Signing out on a shared phone: the meeting screens kept on this device go with the
// session, unless changes are still waiting to be sent (then they stay, under this
// user's name, until they sign in again and the screen sends them).
(function () {
  "use strict";
  var form = document.getElementById("logout-form");
  if (!form || !window.indexedDB || !window.caches) { return; }
  var leaving = false;
  function pending() {
    return new Promise(function (resolve) {
      var request = indexedDB.open("cellmeet", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("meetings"); };
      request.onerror = function () { resolve(0); };
      request.onsuccess = function () {
        var db = request.result;
        var all = db.transaction("meetings").objectStore("meetings").getAll();
        all.onsuccess = function () {
          db.close();
          resolve(all.result.reduce(function (n, rec) { return n + ((rec && rec.ops) || []).length; }, 0));
        };
        all.onerror = function () { db.close(); resolve(0); };
      };
    });
  }
  function forget() {
    var gone = new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase("cellmeet");
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    });
    return Promise.all([gone, caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("cellmeet-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    })]);
  }
  form.addEventListener("submit", function (event) {
    if (leaving) { return; }
    event.preventDefault();
    pending().then(function (n) {
      if (n) { return window.confirm(form.dataset.msgPending.replace("{n}", n)) ? null : "stay"; }
      return forget();
    }).then(function (outcome) {
      if (outcome === "stay") { return; }
      leaving = true;
      form.submit();
    }).catch(function () { leaving = true; form.submit(); });
  });
}());
