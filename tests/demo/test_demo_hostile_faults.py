"""The hostile-server faults put on the wire what they say (seen with a plain httpx client)."""

from __future__ import annotations

import gzip
import json
import time

import httpx
import pytest

from tests.demo.conftest import loopback_client
from vm_tui.demo import DemoServer, Fault
from vm_tui.demo import faults as f
from vm_tui.demo.faults import EDGE_EARLY, EDGE_LATE, apply_edits, gzip_bomb_body

LIST = "/api/v1/voicemails"


def test_trickle_sends_the_normal_answer_slowly(server: DemoServer, client: httpx.Client) -> None:
    expected = client.get("voicemails").content
    server.inject(f.trickle(len(expected) * 10))  # a tenth of a second
    started = time.monotonic()
    response = client.get("voicemails")
    assert len(response.content) == len(expected)  # the same, but freshly signed links
    assert response.json()["voicemails"][0]["id"] == json.loads(expected)["voicemails"][0]["id"]
    assert time.monotonic() - started >= 0.08


def test_trickle_on_storage(server: DemoServer, anon: httpx.Client) -> None:
    vm = next(v for v in server.voicemails() if v["recording_url"])
    location = anon.get(str(vm["recording_url"])).headers["location"]
    expected = anon.get(location).content
    server.inject_storage(f.trickle(len(expected) * 10))
    started = time.monotonic()
    assert anon.get(location).content == expected
    assert time.monotonic() - started >= 0.08


def test_a_client_giving_up_on_a_trickle_frees_the_server(
    server: DemoServer, client: httpx.Client
) -> None:
    server.inject(f.trickle(10))
    with client.stream("GET", "voicemails") as response:
        assert response.status_code == 200
        next(response.iter_raw(1))
    assert client.get("voicemails").status_code == 200  # and the next request is answered


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(
    server: DemoServer, client: httpx.Client
) -> None:
    server.inject(f.gzip_bomb(64 * 1024 * 1024))
    with client.stream("GET", "voicemails") as response:
        assert response.headers["content-encoding"] == "gzip"
        raw = b"".join(response.iter_raw())
    assert len(raw) < 128 * 1024
    inflated = gzip.decompress(raw)
    assert len(inflated) == 64 * 1024 * 1024
    assert inflated.startswith(b'{"unlistened_count":0,"voicemails":[')


def test_gzip_bomb_body_is_exact_at_any_size() -> None:
    for size in (1, 10, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 777):
        assert gzip.decompress(gzip_bomb_body(size, b"[", b" ")) == (b"[" + b" " * size)[:size]


def test_nested_json_is_valid_json_too_deep_to_decode(
    server: DemoServer, client: httpx.Client
) -> None:
    server.inject(f.nested_json(5000))
    body = client.get("voicemails").content
    assert body.count(b"[") > 5000
    with pytest.raises(RecursionError):
        json.loads(body)


def test_lone_surrogates_are_json_escapes(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.lone_surrogates())
    body = client.get("voicemails").content
    assert b'"Hello \\ud800 there \\udbff\\udbff end"' in body
    first = json.loads(body)["voicemails"][0]
    assert first["transcription"] == "Hello \ud800 there \udbff\udbff end"
    assert first["from"] == "+1415555\ud8000199"


def test_invalid_utf8(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.invalid_utf8())
    body = client.get("voicemails").content
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_edge_dates_in_the_list_and_in_one(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.edge_dates())
    items = client.get("voicemails").json()["voicemails"]
    assert (items[0]["created_at"], items[1]["created_at"]) == (EDGE_LATE, EDGE_EARLY)
    vm_id = items[0]["id"]
    server.inject(f.edge_dates())
    one = client.get(f"voicemails/{vm_id}").json()
    assert one["created_at"] == EDGE_LATE and one["listened_at"] == "0001-01-01T00:00:00Z"


def test_absurd_count_and_any_raw_field(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.absurd_count())
    assert client.get("voicemails").json()["unlistened_count"] == 10**100
    server.inject(Fault.json_field("from", "14155550100", index=1))
    assert client.get("voicemails").json()["voicemails"][1]["from"] == 14155550100


def test_a_delete_edited_becomes_a_200_with_a_body(
    server: DemoServer, client: httpx.Client
) -> None:
    vm_id = server.voicemails()[0]["id"]
    server.inject(f.nested_json(10))
    response = client.delete(f"voicemails/{vm_id}")
    assert response.status_code == 200
    assert response.json() == {"transcription": [[[[[[[[[[]]]]]]]]]]}


def test_huge_strings(server: DemoServer, client: httpx.Client) -> None:
    server.inject(f.huge_strings(100_000))
    first = client.get("voicemails").json()["voicemails"][0]
    assert all(len(first[k]) >= 99_996 for k in ("id", "from", "main_number_name"))


def test_content_length_lies(server: DemoServer) -> None:
    import socket
    from urllib.parse import urlsplit

    server.inject(f.content_length("99999999999999999999"))
    parts = urlsplit(server.base_url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=5) as sock:
        request = f"GET {LIST} HTTP/1.1\r\nHost: x\r\nX-Api-Key: {server.api_key}\r\n\r\n"
        sock.sendall(request.encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert b"Content-Length: 99999999999999999999\r\n" in received


def test_apply_edits_leaves_out_voicemails_that_are_not_there() -> None:
    body = json.dumps({"voicemails": [{"id": "a"}]}).encode()
    edited = json.loads(apply_edits(body, ((5, "id", "1"), (0, "from", '"x"'))))
    assert edited == {"voicemails": [{"id": "a", "from": "x"}]}
    assert json.loads(apply_edits(b"not json", ((0, "id", "1"),))) == {"id": 1}


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        f.trickle(0)
    with pytest.raises(ValueError):
        f.gzip_bomb(0)


def test_loopback_client_is_still_what_the_fixtures_use() -> None:
    with loopback_client() as client:
        assert not client.trust_env
