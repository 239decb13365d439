/*
 * The kiosk (templates/display/kiosk.html) clears a result after 10 s for the next person, but
 * not while someone is typing: every key starts the 10 s again.
 */
(function () {
  "use strict";
  const form = document.querySelector("form[data-reset-to]");
  const CLEAR_AFTER_MS = 10000;
  let timer = null;

  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      window.location.replace(form.dataset.resetTo);
    }, CLEAR_AFTER_MS);
  }
  form.addEventListener("input", restart);
  restart();
})();
