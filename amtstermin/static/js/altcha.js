// ALTCHA's external build brings no workers (the main build inlines them as blob: URLs, which
// the Content-Security-Policy refuses). Register the worker for the algorithm our challenges use
// (core/captcha.py ALGORITHM), served from our own static files; the template gives its URL.
const worker = document.querySelector("script[data-altcha-worker]").dataset.altchaWorker;
globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(worker));
