"""Authentication and routing: 401 without the right key, JSON 404s, ids taken literally."""

from __future__ import annotations

import httpx
import pytest

from tests.demo.conftest import MakeServer, loopback_client
from vm_tui.demo import DEMO_API_KEY, DemoServer


@pytest.mark.parametrize("path", ["voicemails", "voicemails/0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33"])
def test_missing_key_is_401_json(server: DemoServer, path: str) -> None:
    with loopback_client(base_url=server.base_url + "/") as anon:
        response = anon.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json()["error"], str) and response.json()["error"]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Api-Key": "phk_WrongWrongWrongWrongWrongWrong"},
        {"X-Api-Key": ""},
        {"Authorization": "Bearer phk_WrongWrongWrongWrongWrongWrong"},
        {"Authorization": "Basic cGhrXzpwYXNz"},
    ],
)
def test_wrong_key_is_401(server: DemoServer, headers: dict[str, str]) -> None:
    with loopback_client(base_url=server.base_url + "/", headers=headers) as c:
        response = c.get("voicemails")
        assert response.status_code == 401
        assert "error" in response.json()
        vm_id = server.voicemails()[2]["id"]
        assert c.patch(f"voicemails/{vm_id}", data={"listened": "1"}).status_code == 401
        assert c.delete(f"voicemails/{vm_id}").status_code == 401
    assert server.voicemails()[2]["id"] == vm_id, "nothing changed without a key"
    assert server.voicemails()[2]["listened_at"] is None


def test_bearer_key_is_accepted(server: DemoServer) -> None:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    with loopback_client(base_url=server.base_url + "/", headers=headers) as c:
        assert c.get("voicemails").status_code == 200


def test_a_custom_key_is_honoured(make_server: MakeServer) -> None:
    server = make_server(api_key="phk_AnotherDemoKeyAbcdefghijk123")
    with loopback_client(base_url=server.base_url + "/") as c:
        assert c.get("voicemails", headers={"X-Api-Key": server.api_key}).status_code == 200
        default = {"X-Api-Key": DEMO_API_KEY}
        assert c.get("voicemails", headers=default).status_code == 401


def test_unknown_id_is_404_voicemail_not_found(client: httpx.Client) -> None:
    bogus = "0193f4cb-0000-7000-8000-000000000000"
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(method, f"voicemails/{bogus}", data={"listened": "true"})
        assert response.status_code == 404, method
        assert response.json() == {"error": "Voicemail not found"}


@pytest.mark.parametrize(
    "raw_path",
    [
        "/api/v1/voicemails/..%2Fx",
        "/api/v1/voicemails/%2e%2e",
        "/api/v1/voicemails/0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33%00",
    ],
)
def test_ids_are_matched_literally(server: DemoServer, raw_path: str) -> None:
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        request = c.build_request("GET", server.origin)
        request.url = request.url.copy_with(raw_path=raw_path.encode())
        response = c.send(request)
    assert response.status_code == 404
    assert response.json() == {"error": "Voicemail not found"}
    assert server.requests[-1].path == raw_path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/voicemail"),
        ("GET", "/api/v2/voicemails"),
        ("GET", "/api/v1/voicemails/abc/extra"),
        ("POST", "/api/v1/voicemails"),
        ("GET", "/"),
    ],
)
def test_unknown_routes_are_404_json(server: DemoServer, method: str, path: str) -> None:
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        response = c.request(method, server.origin + path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert "error" in response.json()


def test_requests_are_recorded_with_headers_as_sent(
    server: DemoServer, client: httpx.Client
) -> None:
    client.get("voicemails?x=1", headers={"X-Custom": "Hello"})
    recorded = server.requests[-1]
    assert recorded.method == "GET"
    assert recorded.path == "/api/v1/voicemails?x=1"
    assert recorded.headers["x-api-key"] == server.api_key
    assert recorded.headers["x-custom"] == "Hello"
    assert all(name == name.lower() for name in recorded.headers)
    assert recorded.body == b""
