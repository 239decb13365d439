/*
 * The call display (templates/display/board.html): htmx polls the board every second; this
 * file adds what htmx does not do itself.
 * - ETag: the page is no-store, so the browser keeps no copy to revalidate; we send the last
 *   ETag ourselves and the server answers 304 (no swap) until someone is called.
 * - Recovery: polling goes on through errors; a notice says the board may be stale meanwhile.
 *   A revoked link answers 404: reload, and the screen shows "not found".
 * - Clock and the optional chime (Web Audio, off until someone switches it on: browsers allow
 *   sound only after a click).
 */
(function () {
  "use strict";
  const board = document.getElementById("display-board");
  const offline = document.getElementById("display-offline");
  const clock = document.getElementById("display-clock");
  const chimeToggle = document.getElementById("chime-toggle");
  let etag = board.dataset.etag;
  let audio = null;

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt === board && etag) {
      event.detail.headers["If-None-Match"] = etag;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== board) return;
    const xhr = event.detail.xhr;
    if (xhr.status === 404) {
      window.location.reload();
      return;
    }
    const answered = xhr.status === 200 || xhr.status === 304;
    offline.hidden = answered;
    if (answered && xhr.getResponseHeader("ETag")) {
      etag = xhr.getResponseHeader("ETag");
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.elt === board && audio) chime();
  });

  const time = new Intl.DateTimeFormat(document.documentElement.lang, {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: clock.dataset.timeZone,
  });
  function tick() {
    const now = new Date();
    clock.textContent = time.format(now);
    clock.dateTime = now.toISOString();
  }
  window.setInterval(tick, 1000);

  function tone(frequency, start, length) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.4, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + length);
  }

  function chime() {
    const now = audio.currentTime;
    tone(659, now, 0.6); // E5, then C5: the familiar two-tone "ding-dong"
    tone(523, now + 0.45, 0.9);
  }

  chimeToggle.hidden = false;
  chimeToggle.addEventListener("click", function () {
    if (audio) {
      audio.close();
      audio = null;
    } else {
      audio = new AudioContext();
      chime(); // the same sound as a call, so staff hear what they switched on
    }
    chimeToggle.querySelector(".kern-label").textContent = audio
      ? chimeToggle.dataset.labelOn
      : chimeToggle.dataset.labelOff;
  });
})();
