"""What the API's tests share: a JSON client and the wizard's clock and office."""

import json

import pytest

from tests.citizen.conftest import easy_captcha, solved_captcha  # noqa: F401 (fixture, helper)

API = "/api/v1"


class Api:
    """Django's test client speaking JSON to /api/v1; answers keep their parsed body."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, path: str, **params):
        response = self.client.get(API + path, params, headers={"accept-language": "de"})
        response.data = response.json() if response.content else None
        return response

    def post(self, path: str, body: dict | None = None, *, headers: dict | None = None):
        response = self.client.post(
            API + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers={"accept-language": "de", **(headers or {})},
        )
        response.data = response.json() if response.content else None
        return response


@pytest.fixture
def api(client) -> Api:
    return Api(client)
