// Minute book: say that the book is being made, and when it has arrived, instead of a
// page that seems frozen. The server answers with a cookie carrying the form's token.
(function () {
  "use strict";
  var form = document.getElementById("book-form");
  if (!form) { return; }
  var progress = document.getElementById("book-progress");
  var button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", function () {
    var token = Math.random().toString(36).slice(2, 12);
    form.elements.token.value = token;
    var started = Date.now();
    button.disabled = true;
    progress.textContent = form.dataset.wait;
    var tick = window.setInterval(function () {
      var seconds = Math.round((Date.now() - started) / 1000);
      if (document.cookie.indexOf("cellmeet_download=" + token) !== -1) {
        window.clearInterval(tick);
        button.disabled = false;
        progress.textContent = form.dataset.done + " (" + seconds + " s)";
        return;
      }
      progress.textContent = form.dataset.wait + " " + seconds + " s";
      if (seconds > 300) { window.clearInterval(tick); button.disabled = false; }
    }, 500);
  });
})();
