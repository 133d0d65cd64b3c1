// Minute book: say that the book is being made, instead of a page that seems frozen.
(function () {
  "use strict";
  var form = document.getElementById("book-form");
  if (!form) { return; }
  var progress = document.getElementById("book-progress");
  form.addEventListener("submit", function () {
    var started = Date.now();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    progress.textContent = form.dataset.wait;
    var tick = window.setInterval(function () {
      progress.textContent = form.dataset.wait + " " + Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
    // The PDF arrives as a download; the page stays. Re-enable after a while.
    window.setTimeout(function () { window.clearInterval(tick); button.disabled = false; progress.textContent = ""; }, 20000);
  });
})();
