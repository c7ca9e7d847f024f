"""The demo server answers in the exact shapes of the seed's examples, with realistic data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx

from tests.demo.conftest import MakeServer
from vm_tui.demo import DEMO_API_KEY, DemoServer
from vm_tui.demo.recordings import manifest

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")

LIST_ITEM_KEYS = {
    "id",
    "from",
    "listened_at",
    "transcription",
    "created_at",
    "recording_url",
    "main_number_id",
    "main_number_name",
    "main_number",
    "main_number_formatted",
}
RETRIEVE_KEYS = (LIST_ITEM_KEYS - {"main_number", "main_number_formatted"}) | {
    "main_number_number",
    "main_number_number_formatted",
}


def _check_common(vm: dict[str, object]) -> None:
    assert isinstance(vm["id"], str) and UUID7.match(vm["id"]), vm["id"]
    assert isinstance(vm["from"], str) and E164.match(vm["from"]), vm["from"]
    assert isinstance(vm["created_at"], str) and ISO.match(vm["created_at"])
    assert vm["listened_at"] is None or (
        isinstance(vm["listened_at"], str) and ISO.match(vm["listened_at"])
    )
    assert vm["transcription"] is None or isinstance(vm["transcription"], str)
    assert vm["recording_url"] is None or isinstance(vm["recording_url"], str)
    assert isinstance(vm["main_number_id"], str) and UUID7.match(vm["main_number_id"])
    assert isinstance(vm["main_number_name"], str) and vm["main_number_name"]


def test_api_key_looks_like_a_real_one() -> None:
    assert re.fullmatch(r"phk_[1-9A-HJ-NP-Za-km-z]{28}", DEMO_API_KEY)


def test_list_matches_the_seed_shape(server: DemoServer, client: httpx.Client) -> None:
    response = client.get("voicemails")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    doc = response.json()
    assert set(doc) == {"unlistened_count", "voicemails"}
    assert isinstance(doc["unlistened_count"], int)
    items = doc["voicemails"]
    assert len(items) >= 8
    for vm in items:
        assert set(vm) == LIST_ITEM_KEYS
        _check_common(vm)
        assert E164.match(vm["main_number"])
        assert isinstance(vm["main_number_formatted"], str) and vm["main_number_formatted"]
    created = [vm["created_at"] for vm in items]
    assert created == sorted(created, reverse=True), "newest first"
    assert doc["unlistened_count"] == sum(1 for vm in items if vm["listened_at"] is None)


def test_retrieve_uses_the_retrieve_spelling(client: httpx.Client) -> None:
    item = client.get("voicemails").json()["voicemails"][2]
    response = client.get(f"voicemails/{item['id']}")
    assert response.status_code == 200
    vm = response.json()
    assert set(vm) == RETRIEVE_KEYS
    _check_common(vm)
    assert vm["main_number_number"] == item["main_number"]
    assert vm["main_number_number_formatted"] == item["main_number_formatted"]
    for key in ("id", "from", "created_at", "listened_at", "transcription", "main_number_name"):
        assert vm[key] == item[key]


def test_patch_returns_the_full_voicemail_in_retrieve_spelling(client: httpx.Client) -> None:
    vm_id = client.get("voicemails").json()["voicemails"][2]["id"]
    response = client.patch(f"voicemails/{vm_id}", data={"listened": "true"})
    assert response.status_code == 200
    assert set(response.json()) == RETRIEVE_KEYS


def test_delete_is_204_with_an_empty_body(server: DemoServer, client: httpx.Client) -> None:
    vm_id = server.voicemails()[3]["id"]
    response = client.delete(f"voicemails/{vm_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"voicemails/{vm_id}").status_code == 404
    assert vm_id not in {vm["id"] for vm in server.voicemails()}


def test_seeded_inbox_is_varied_and_consistent(server: DemoServer) -> None:
    items = server.voicemails()
    texts = set(manifest().values())
    assert len(items) >= 8
    assert len({vm["main_number_name"] for vm in items}) >= 3
    prefixes = {vm["from"][:3] for vm in items}
    assert {"+44", "+33", "+49", "+61"} <= prefixes
    assert any(vm["from"].startswith("+1") for vm in items)
    assert any(vm["listened_at"] is not None for vm in items)
    assert any(vm["listened_at"] is None for vm in items)
    processing = [vm for vm in items if vm["recording_url"] is None]
    untranscribed = [vm for vm in items if vm["transcription"] is None]
    assert len(processing) == 1
    assert len(untranscribed) == 2  # the processing one cannot be transcribed yet either
    for vm in items:
        assert vm["transcription"] is None or vm["transcription"] in texts
        if vm["listened_at"] is not None:
            assert vm["listened_at"] >= vm["created_at"]
    # created_at spread over the last days, relative to now
    oldest = datetime.fromisoformat(items[-1]["created_at"].replace("Z", "+00:00"))
    newest = datetime.fromisoformat(items[0]["created_at"].replace("Z", "+00:00"))
    now = datetime.now(UTC)
    assert timedelta(days=2) < now - oldest < timedelta(days=8)
    assert now - newest < timedelta(hours=1)


def test_ids_are_deterministic_given_a_seed(make_server: MakeServer) -> None:
    a, b, c = make_server(seed=7), make_server(seed=7), make_server(seed=8)
    ids_a = [vm["id"] for vm in a.voicemails()]
    assert ids_a == [vm["id"] for vm in b.voicemails()]
    assert not set(ids_a) & {vm["id"] for vm in c.voicemails()}
    assert len(set(ids_a)) == len(ids_a)
    assert ids_a == sorted(ids_a, reverse=True), "UUIDv7 ids grow with created_at"


def test_start_time_pins_every_timestamp(make_server: MakeServer) -> None:
    start = datetime(2026, 5, 11, 16, 0, tzinfo=UTC)
    a, b = make_server(start_time=start), make_server(start_time=start)
    strip = [{k: v for k, v in vm.items() if k != "recording_url"} for vm in a.voicemails()]
    assert strip == [{k: v for k, v in vm.items() if k != "recording_url"} for vm in b.voicemails()]
    assert strip[0]["created_at"] == "2026-05-11T15:58:00Z"


def test_non_ascii_transcriptions_arrive_as_utf8(client: httpx.Client) -> None:
    response = client.get("voicemails")
    assert "charset=utf-8" in response.headers["content-type"]
    texts = {vm["transcription"] for vm in response.json()["voicemails"]}
    assert any(t and "société" in t for t in texts)
    assert any(t and "zurück" in t for t in texts)
