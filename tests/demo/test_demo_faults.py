"""Injected faults and the chaos options (latency, error rate, rate limiting)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from tests.demo.conftest import MakeServer, loopback_client
from vm_tui.demo import DemoServer, Fault
from vm_tui.demo import faults as f

LIST = "/api/v1/voicemails"


def _location(server: DemoServer, anon: httpx.Client) -> str:
    vm = next(vm for vm in server.voicemails() if vm["recording_url"])
    return anon.get(str(vm["recording_url"])).headers["location"]


# -- API origin ----------------------------------------------------------------------------------


def test_status_fault_default_json_body(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.status(500))
    response = client.get("voicemails")
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error"}
    assert client.get("voicemails").status_code == 200, "one-shot"


def test_status_fault_custom_body_and_headers(server: DemoServer, client: httpx.Client) -> None:
    server.inject(Fault.status(401, body=b'{"error":"Invalid API key"}', headers={"X-Why": "t"}))
    response = client.get("voicemails")
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid API key"}
    assert response.headers["x-why"] == "t"


def test_status_fault_with_empty_body(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.status(503, body=b""))
    response = client.get("voicemails")
    assert response.status_code == 503
    assert response.content == b""


def test_html_502(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.html_502())
    response = client.get("voicemails")
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert b"502 Bad Gateway" in response.content
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_rate_limited(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.rate_limited(retry_after=3))
    response = client.get("voicemails")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert "error" in response.json()


def test_delay_then_normal_answer(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.delay(0.3))
    began = time.monotonic()
    response = client.get("voicemails")
    assert time.monotonic() - began >= 0.3
    assert response.status_code == 200
    assert response.json()["voicemails"]


def test_delay_times_out_a_client(server: DemoServer) -> None:
    server.inject(f.delay(5))
    with (
        loopback_client(headers={"X-Api-Key": server.api_key}, timeout=0.2) as c,
        pytest.raises(httpx.ReadTimeout),
    ):
        c.get(server.base_url + "/voicemails")


def test_truncated_json(server: DemoServer, client: httpx.Client) -> None:
    full = client.get("voicemails").content
    server.inject(f.truncated_json())
    response = client.get("voicemails")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert 0 < len(response.content) < len(full)
    assert full.startswith(response.content[:20])
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_malformed_item_in_list(server: DemoServer, client: httpx.Client) -> None:
    good = client.get("voicemails").json()["voicemails"]
    server.inject(f.malformed_item())
    bad = client.get("voicemails").json()["voicemails"]
    assert len(bad) == len(good)
    assert "created_at" not in bad[0]
    assert not isinstance(bad[0]["from"], str)
    assert bad[0]["id"] == good[0]["id"]
    for vm in bad[1:]:
        assert isinstance(vm["created_at"], str) and isinstance(vm["from"], str)


def test_malformed_item_in_retrieve(server: DemoServer, client: httpx.Client) -> None:
    vm_id = server.voicemails()[0]["id"]
    server.inject(f.malformed_item(), path=f"{LIST}/")
    doc = client.get(f"voicemails/{vm_id}").json()
    assert doc["id"] == vm_id
    assert "created_at" not in doc


def test_drop_connection(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.drop_connection())
    before = len(server.requests)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.get("voicemails")
    assert len(server.requests) == before + 1, "recorded before (not) answering"
    assert client.get("voicemails").status_code == 200


def test_redirect_to_another_host(
    server: DemoServer, client: httpx.Client, anon: httpx.Client
) -> None:
    target = server.storage_origin + "/elsewhere"
    server.inject(f.redirect_to(target), times=2)
    response = client.get("voicemails")
    assert response.status_code == 302
    assert response.headers["location"] == target
    # The trap the client must avoid, made visible: httpx copies X-Api-Key across hosts.
    followed = client.get("voicemails", follow_redirects=True)
    assert followed.status_code == 403  # unsigned storage request
    assert server.storage_requests[-1].path == "/elsewhere"
    assert server.storage_requests[-1].headers.get("x-api-key") == server.api_key


def test_times_and_path_prefix(server: DemoServer, client: httpx.Client) -> None:
    vm_id = server.voicemails()[0]["id"]
    server.inject(f.status(500), times=2, path=f"{LIST}/")
    assert client.get("voicemails").status_code == 200, "list path does not match"
    assert client.get(f"voicemails/{vm_id}").status_code == 500
    assert client.get(f"voicemails/{vm_id}").status_code == 500
    assert client.get(f"voicemails/{vm_id}").status_code == 200


def test_faults_queue_in_order(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.status(500))
    server.inject(f.rate_limited())
    codes = [client.get("voicemails").status_code for _ in range(3)]
    assert codes == [500, 429, 200]


def test_clear_faults(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.status(500), times=5)
    server.clear_faults()
    assert client.get("voicemails").status_code == 200


def test_bad_times_is_refused(server: DemoServer) -> None:
    with pytest.raises(ValueError):
        server.inject(f.status(500), times=0)


# -- chaos options -------------------------------------------------------------------------------


def test_latency(make_server: MakeServer) -> None:
    server = make_server(latency=0.25)
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        began = time.monotonic()
        assert c.get(server.base_url + "/voicemails").status_code == 200
        assert time.monotonic() - began >= 0.25


def test_error_rate_one_fails_everything(make_server: MakeServer) -> None:
    server = make_server(error_rate=1.0)
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        for _ in range(3):
            response = c.get(server.base_url + "/voicemails")
            assert response.status_code == 500
            assert "error" in response.json()


def test_error_rate_is_seeded(make_server: MakeServer) -> None:
    def pattern(server: DemoServer) -> list[int]:
        with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
            return [c.get(server.base_url + "/voicemails").status_code for _ in range(30)]

    a = pattern(make_server(error_rate=0.5, seed=3))
    b = pattern(make_server(error_rate=0.5, seed=3))
    assert a == b
    assert {200, 500} == set(a)


def test_rate_limit_every(make_server: MakeServer) -> None:
    server = make_server(rate_limit_every=3)
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        responses = [c.get(server.base_url + "/voicemails") for _ in range(6)]
    assert [r.status_code for r in responses] == [200, 200, 429, 200, 200, 429]
    assert responses[2].headers["retry-after"] == "1"


# -- storage origin ------------------------------------------------------------------------------


def test_storage_status_fault(server: DemoServer, anon: httpx.Client) -> None:
    location = _location(server, anon)
    server.inject_storage(f.status(503))
    assert anon.get(location).status_code == 503
    assert anon.get(location).status_code == 200


def test_storage_drop_connection(server: DemoServer, anon: httpx.Client) -> None:
    location = _location(server, anon)
    server.inject_storage(f.drop_connection())
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        anon.get(location)
    assert server.storage_requests[-1].path == location.removeprefix(server.storage_origin)


def test_storage_truncated_download(server: DemoServer, anon: httpx.Client) -> None:
    location = _location(server, anon)
    server.inject_storage(f.truncated_json())
    with pytest.raises(httpx.RemoteProtocolError):
        anon.get(location)
    assert anon.get(location).status_code == 200


def test_storage_corrupt_audio(server: DemoServer, anon: httpx.Client) -> None:
    location = _location(server, anon)
    server.inject_storage(f.malformed_item())
    response = anon.get(location)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/mpeg"
    assert not response.content.startswith(b"ID3")


def test_storage_delay(server: DemoServer, anon: httpx.Client) -> None:
    location = _location(server, anon)
    server.inject_storage(f.delay(0.3))
    began = time.monotonic()
    assert anon.get(location).status_code == 200
    assert time.monotonic() - began >= 0.3


def test_stop_cuts_a_long_delay_short(make_server: MakeServer) -> None:
    server = make_server()
    server.inject(f.delay(30))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
                c.get(server.base_url + "/voicemails")
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 2
    while not server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 2
    thread.join(5)
    assert not thread.is_alive()
    assert errors, "the delayed request was hung up on, not answered"
