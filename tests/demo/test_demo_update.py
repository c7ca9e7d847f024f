"""PATCH listened (form and JSON), validation errors, and the unlistened count."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from vm_tui.demo import DemoServer


def _unlistened_id(server: DemoServer) -> str:
    return next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)


def _listened_id(server: DemoServer) -> str:
    return next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is not None)


@pytest.mark.parametrize("value", ["true", "1", "TRUE", "True"])
def test_form_truthy_values_mark_listened(
    server: DemoServer, client: httpx.Client, value: str
) -> None:
    vm_id = _unlistened_id(server)
    response = client.patch(f"voicemails/{vm_id}", data={"listened": value})
    assert response.status_code == 200
    assert response.json()["listened_at"] is not None
    assert server.requests[-1].headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("value", ["false", "0", "FALSE"])
def test_form_falsy_values_clear_listened(
    server: DemoServer, client: httpx.Client, value: str
) -> None:
    vm_id = _listened_id(server)
    response = client.patch(f"voicemails/{vm_id}", data={"listened": value})
    assert response.status_code == 200
    assert response.json()["listened_at"] is None


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), (False, False), ("true", True), ("0", False), (1, True)]
)
def test_json_body(server: DemoServer, client: httpx.Client, value: object, expected: bool) -> None:
    vm_id = _unlistened_id(server) if expected else _listened_id(server)
    response = client.patch(f"voicemails/{vm_id}", json={"listened": value})
    assert response.status_code == 200
    assert (response.json()["listened_at"] is not None) is expected


@pytest.mark.parametrize("value", ["yes", "maybe", "2", "on", "tru"])
def test_form_non_boolean_is_422(server: DemoServer, client: httpx.Client, value: str) -> None:
    vm_id = _unlistened_id(server)
    response = client.patch(f"voicemails/{vm_id}", data={"listened": value})
    assert response.status_code == 422
    assert response.json() == {"errors": {"listened": ["must be a boolean"]}}
    assert client.get(f"voicemails/{vm_id}").json()["listened_at"] is None


@pytest.mark.parametrize("value", ["yes", 2, [True], {"a": 1}])
def test_json_non_boolean_is_422(server: DemoServer, client: httpx.Client, value: object) -> None:
    response = client.patch(f"voicemails/{_unlistened_id(server)}", json={"listened": value})
    assert response.status_code == 422
    assert response.json() == {"errors": {"listened": ["must be a boolean"]}}


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"data": {"listened": ""}},
        {"data": {"other": "true"}},
        {"json": {}},
        {"json": {"listened": None}},
        {"json": {"listend": True}},
    ],
)
def test_missing_param_is_400(
    server: DemoServer, client: httpx.Client, kwargs: dict[str, object]
) -> None:
    response = client.patch(f"voicemails/{_unlistened_id(server)}", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json() == {"error": "param is missing or the value is empty: listened"}


def test_malformed_json_is_400(server: DemoServer, client: httpx.Client) -> None:
    response = client.patch(
        f"voicemails/{_unlistened_id(server)}",
        content=b'{"listened": tr',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_repeated_listened_true_keeps_the_first_listened_at(
    server: DemoServer, client: httpx.Client
) -> None:
    listened = _listened_id(server)
    before = client.get(f"voicemails/{listened}").json()["listened_at"]
    again = client.patch(f"voicemails/{listened}", data={"listened": "true"})
    assert again.json()["listened_at"] == before

    vm_id = _unlistened_id(server)
    first = client.patch(f"voicemails/{vm_id}", data={"listened": "true"}).json()["listened_at"]
    time.sleep(1.05)  # timestamps have second precision
    second = client.patch(f"voicemails/{vm_id}", json={"listened": True}).json()["listened_at"]
    assert first == second
    state = {vm["id"]: vm for vm in server.voicemails()}
    assert state[vm_id]["listened_at"] == first


def test_unlistened_count_follows_changes(server: DemoServer, client: httpx.Client) -> None:
    def count() -> int:
        value = client.get("voicemails").json()["unlistened_count"]
        assert isinstance(value, int)
        return value

    start = count()
    assert start == server.unlistened_count() > 0
    vm_id = _unlistened_id(server)
    client.patch(f"voicemails/{vm_id}", data={"listened": "true"})
    assert count() == start - 1
    client.patch(f"voicemails/{vm_id}", data={"listened": "true"})  # no-op
    assert count() == start - 1
    client.patch(f"voicemails/{vm_id}", data={"listened": "false"})
    assert count() == start
    client.delete(f"voicemails/{_unlistened_id(server)}")
    assert count() == start - 1
    client.delete(f"voicemails/{_listened_id(server)}")
    assert count() == start - 1
    server.add_voicemail()
    assert count() == start


def test_patch_put_and_query_params_behave_like_rails(
    server: DemoServer, client: httpx.Client
) -> None:
    vm_id = _unlistened_id(server)
    assert client.put(f"voicemails/{vm_id}", data={"listened": "1"}).status_code == 200
    response = client.patch(f"voicemails/{vm_id}?listened=false")
    assert response.status_code == 200
    assert response.json()["listened_at"] is None
    recorded = server.requests[-1]
    assert recorded.method == "PATCH"
    assert recorded.path.endswith("?listened=false")


def test_recorded_body_is_the_raw_request_body(server: DemoServer, client: httpx.Client) -> None:
    vm_id = _unlistened_id(server)
    client.patch(f"voicemails/{vm_id}", json={"listened": True})
    recorded = server.requests[-1]
    assert json.loads(recorded.body) == {"listened": True}
    assert recorded.headers["content-type"] == "application/json"
