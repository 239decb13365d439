"""ALTCHA proof of work: a solved challenge passes once; anything else never does."""

import base64
import json
import subprocess
from datetime import timedelta
from pathlib import Path

import altcha
import pytest
from django.utils import timezone

from amtstermin.core import captcha

WIDGET_LIBRARY = Path(__file__).resolve().parents[2] / "node_modules/altcha/dist/lib/index.js"


@pytest.fixture(autouse=True)
def _easy(monkeypatch):
    """A few hundred microseconds of work instead of half a second: same code, smaller numbers."""
    monkeypatch.setattr(captcha, "COST", 2)
    monkeypatch.setattr(captcha, "COUNTER_MIN", 5)
    monkeypatch.setattr(captcha, "COUNTER_MAX", 50)


def as_sent(challenge: dict) -> dict:
    """The challenge as the widget receives it: through JSON."""
    return json.loads(json.dumps(challenge))


def solve(challenge: dict) -> str:
    """What the widget posts: base64 of {challenge: {parameters, signature}, solution}."""
    challenge = as_sent(challenge)
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=10)
    return encode({"challenge": challenge, "solution": solution.to_dict()})


def encode(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def decode(payload: str) -> dict:
    return json.loads(base64.b64decode(payload))


def test_a_solved_challenge_passes_once():
    now = timezone.now()
    payload = solve(captcha.challenge(now))
    assert captcha.verify(payload, now)
    assert not captcha.verify(payload, now + timedelta(seconds=1))  # replayed


def test_each_challenge_is_new_and_passes_on_its_own():
    now = timezone.now()
    first, second = captcha.challenge(now), captcha.challenge(now)
    assert first["parameters"]["nonce"] != second["parameters"]["nonce"]
    assert captcha.verify(solve(first), now) and captcha.verify(solve(second), now)


def test_the_challenge_is_what_the_widget_expects():
    now = timezone.now()
    made = as_sent(captcha.challenge(now))
    parameters = made["parameters"]
    # The widget's own check (isChallengeValid) and its built-in PBKDF2 worker.
    assert {"algorithm", "nonce", "salt", "keyPrefix"} <= parameters.keys()
    assert parameters["algorithm"] == "PBKDF2/SHA-256"
    assert parameters["keyLength"] in (16, 24, 32)  # WebCrypto derives it as an AES key
    assert parameters["expiresAt"] == int((now + captcha.LIFETIME).timestamp())
    assert made["signature"] and parameters["keySignature"]


def test_a_challenge_past_its_lifetime_fails():
    issued = timezone.now() - captcha.LIFETIME - timedelta(seconds=1)
    assert not captcha.verify(solve(captcha.challenge(issued)), timezone.now())


def test_expiry_is_judged_by_the_given_time():
    now = timezone.now()
    payload = solve(captcha.challenge(now))
    assert not captcha.verify(payload, now + captcha.LIFETIME)
    assert captcha.verify(payload, now + captcha.LIFETIME - timedelta(seconds=1))


def test_a_challenge_signed_with_another_key_fails(settings):
    now = timezone.now()
    settings.ALTCHA_HMAC_KEY = "someone else's key"
    forged = solve(captcha.challenge(now))
    settings.ALTCHA_HMAC_KEY = "ours"
    assert not captcha.verify(forged, now)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p["challenge"]["parameters"].update(cost=1),
        lambda p: p["challenge"]["parameters"].update(
            expiresAt=p["challenge"]["parameters"]["expiresAt"] + 3600
        ),
        lambda p: p["challenge"]["parameters"].update(keyPrefix="00"),
        lambda p: p["challenge"]["parameters"].pop("keySignature"),
        lambda p: p["challenge"].update(signature="0" * 64),
        lambda p: p["challenge"].pop("signature"),
        lambda p: p["solution"].update(derivedKey="0" * 64),
        lambda p: p["solution"].update(derivedKey=None),
        lambda p: p["solution"].update(counter=p["solution"]["counter"] + 1, derivedKey="zz"),
    ],
    ids=[
        "cheaper",
        "longer-lived",
        "other-target",
        "no-key-signature",
        "wrong-signature",
        "unsigned",
        "wrong-key",
        "no-key",
        "garbled-key",
    ],
)
def test_a_tampered_payload_fails(tamper):
    now = timezone.now()
    original = solve(captcha.challenge(now))
    tampered = decode(original)
    tamper(tampered)
    assert not captcha.verify(encode(tampered), now)
    assert captcha.verify(original, now)  # the change alone failed it, and burnt nothing


def test_an_unsolved_challenge_fails():
    now = timezone.now()
    challenge = as_sent(captcha.challenge(now))
    guess = {"counter": 1, "derivedKey": challenge["parameters"]["keyPrefix"] + "0" * 32}
    assert not captcha.verify(encode({"challenge": challenge, "solution": guess}), now)


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "altcha",
        "not base64 at all!",
        base64.b64encode(b"\xff\xfe").decode(),
        encode([]),
        encode({}),
        encode({"challenge": {}, "solution": {}}),
        encode({"challenge": None, "solution": None, "test": True}),  # the widget's test mode
        encode({"challenge": {"parameters": "x", "signature": "y"}, "solution": 1}),
        "A" * 100_000,
    ],
    ids=lambda payload: payload[:12] or "empty",
)
def test_garbage_fails_without_an_error(payload):
    assert captcha.verify(payload, timezone.now()) is False


def test_the_widgets_own_solver_passes(tmp_path):
    """The npm package's solver (the code the widget's PBKDF2 worker runs), and the payload
    built exactly as the widget builds it, pass the Python check."""
    now = timezone.now()
    script = tmp_path / "solve.mjs"
    script.write_text(
        f"import {{ solveChallenge, pbkdf2 }} from {json.dumps(str(WIDGET_LIBRARY))};\n"
        "import fs from 'node:fs';\n"
        "const challenge = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
        "const solution = await solveChallenge({ challenge, deriveKey: pbkdf2.deriveKey });\n"
        "process.stdout.write(btoa(JSON.stringify({\n"
        "  challenge: { parameters: challenge.parameters, signature: challenge.signature },\n"
        "  solution,\n"
        "})));\n"
    )
    solved = subprocess.run(
        ["node", str(script)],
        input=json.dumps(captcha.challenge(now)),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert captcha.verify(solved.stdout, now)


def counter_of(challenge: dict) -> int:
    """The counter the server chose: what a solver has to reach."""
    solved = altcha.solve_challenge(altcha.Challenge.from_dict(as_sent(challenge)), timeout=10)
    return solved.counter


def test_a_network_fetching_many_challenges_gets_ever_harder_ones():
    now = timezone.now()
    low, high = captcha.COUNTER_MIN, captcha.COUNTER_MAX
    counters = [counter_of(captcha.challenge(now, client="network-a")) for _ in range(25)]
    for number, counter in enumerate(counters):
        factor = 2 ** min(captcha.MAX_DOUBLINGS, number // captcha.FREE_CHALLENGES)
        assert factor * low <= counter < factor * high, (number, counter)
    # Another network starts at the first price; so does this one once the window has passed.
    assert counter_of(captcha.challenge(now, client="network-b")) < high
    later = now + timedelta(seconds=2 * captcha.REPEAT_WINDOW_SECONDS)
    assert counter_of(captcha.challenge(later, client="network-a")) < high
    # The harder challenges are still ordinary ones: solved, they pass.
    assert captcha.verify(solve(captcha.challenge(now, client="network-a")), now)
