"""Recordings on disk, signed redirect URLs, and the storage origin that serves the mp3s."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.demo.conftest import MakeServer
from vm_tui.demo import DemoServer
from vm_tui.demo.recordings import audio, manifest, recordings_dir


def _is_mp3(data: bytes) -> bool:
    # An ID3v2 tag, or straight into an MPEG audio frame (11-bit frame sync).
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _first_recording(server: DemoServer) -> dict[str, object]:
    return next(vm for vm in server.voicemails() if vm["recording_url"])


def _retrieve_url(server: DemoServer, client: httpx.Client, vm_id: str) -> str:
    url = client.get(f"voicemails/{vm_id}").json()["recording_url"]
    assert isinstance(url, str)
    return url


# -- the files ---------------------------------------------------------------------------------


def test_recordings_exist_are_small_and_in_the_repo() -> None:
    folder = recordings_dir()
    assert folder == Path(__file__).resolve().parents[2] / "assets" / "recordings"
    names = manifest()
    assert len(names) >= 9
    total = 0
    for name, text in names.items():
        data = audio(name)
        assert _is_mp3(data), name
        assert len(text.split()) >= 8, name
        total += len(data)
    assert total < 1_000_000


def test_recordings_are_mono_mp3s_of_3_to_8_seconds() -> None:
    for name in manifest():
        entries = "stream=codec_name,channels,sample_rate:format=duration"
        probe = ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", entries]
        out = subprocess.run(
            [*probe, "-of", "default=noprint_wrappers=1", str(recordings_dir() / f"{name}.mp3")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        info = dict(line.split("=", 1) for line in out.split())
        assert info["codec_name"] == "mp3", name
        assert info["channels"] == "1", name
        assert info["sample_rate"] == "22050", name
        assert 3.0 <= float(info["duration"]) <= 8.0, name


def test_unknown_recording_name_is_refused() -> None:
    with pytest.raises(KeyError):
        audio("../pyproject")


# -- signed URL -> redirect -> storage ---------------------------------------------------------


def test_recording_url_redirects_to_storage_which_serves_the_mp3(
    server: DemoServer, client: httpx.Client, anon: httpx.Client
) -> None:
    vm = _first_recording(server)
    url = _retrieve_url(server, client, str(vm["id"]))
    assert url.startswith(server.origin + "/rails/active_storage/blobs/redirect/")
    assert url.endswith("/voicemail.mp3")

    redirect = anon.get(url)  # no key needed, like ActiveStorage
    assert redirect.status_code == 302
    location = redirect.headers["location"]
    assert location.startswith(server.storage_origin + f"/blobs/{vm['id']}.mp3?expires=")
    assert "sig=" in location

    blob = anon.get(location)
    assert blob.status_code == 200
    assert blob.headers["content-type"] == "audio/mpeg"
    assert int(blob.headers["content-length"]) == len(blob.content)
    assert _is_mp3(blob.content)
    assert blob.content == server.recording_bytes(str(vm["id"]))

    recorded = server.storage_requests[-1]
    assert recorded.method == "GET"
    assert recorded.path == location.removeprefix(server.storage_origin)
    assert "x-api-key" not in recorded.headers
    assert "authorization" not in recorded.headers
    assert recorded.headers["host"] == server.storage_origin.removeprefix("http://")


def test_list_urls_work_too(server: DemoServer, client: httpx.Client, anon: httpx.Client) -> None:
    items = client.get("voicemails").json()["voicemails"]
    with_audio = [vm for vm in items if vm["recording_url"]]
    assert with_audio
    response = anon.get(with_audio[-1]["recording_url"], follow_redirects=True)
    assert response.status_code == 200
    assert response.content == server.recording_bytes(with_audio[-1]["id"])


def test_each_voicemail_speaks_its_transcription(server: DemoServer, anon: httpx.Client) -> None:
    by_text = {text: name for name, text in manifest().items()}
    for vm in server.voicemails():
        if vm["recording_url"] and vm["transcription"]:
            data = anon.get(vm["recording_url"], follow_redirects=True).content
            assert data == audio(by_text[vm["transcription"]])


def test_storage_never_sees_the_api_key_when_following_without_it(
    server: DemoServer, client: httpx.Client, anon: httpx.Client
) -> None:
    url = _retrieve_url(server, client, str(_first_recording(server)["id"]))
    anon.get(url, follow_redirects=True)
    assert server.storage_requests
    assert all("x-api-key" not in r.headers for r in server.storage_requests)
    # The redirect hop reached the API origin without a key as well.
    assert "x-api-key" not in server.requests[-1].headers


def test_expire_urls_makes_old_urls_403_and_new_ones_work(
    server: DemoServer, client: httpx.Client, anon: httpx.Client
) -> None:
    vm_id = str(_first_recording(server)["id"])
    old = _retrieve_url(server, client, vm_id)
    old_location = anon.get(old).headers["location"]
    server.expire_urls()

    expired_redirect = anon.get(old)
    assert expired_redirect.status_code == 403
    assert "error" in expired_redirect.json()
    expired_blob = anon.get(old_location)
    assert expired_blob.status_code == 403
    assert b"AccessDenied" in expired_blob.content
    assert b"expired" in expired_blob.content

    fresh = _retrieve_url(server, client, vm_id)
    assert fresh != old
    response = anon.get(fresh, follow_redirects=True)
    assert response.status_code == 200
    assert _is_mp3(response.content)


def test_urls_expire_after_the_ttl(make_server: MakeServer, anon: httpx.Client) -> None:
    server = make_server(url_ttl=0.3)
    url = _first_recording(server)["recording_url"]
    assert isinstance(url, str)
    location = anon.get(url).headers["location"]
    assert anon.get(location).status_code == 200
    time.sleep(0.4)
    assert anon.get(url).status_code == 403
    assert anon.get(location).status_code == 403


@pytest.mark.parametrize("part", ["sig", "expires", "id"])
def test_tampered_storage_url_is_403(server: DemoServer, anon: httpx.Client, part: str) -> None:
    vm, other = [vm for vm in server.voicemails() if vm["recording_url"]][:2]
    location = anon.get(str(vm["recording_url"])).headers["location"]
    path, _, query = location.partition("?")
    params = dict(pair.split("=", 1) for pair in query.split("&"))
    if part == "sig":
        params["sig"] = ("0" if params["sig"][0] != "0" else "1") + params["sig"][1:]
    elif part == "expires":
        params["expires"] = str(int(params["expires"]) + 3_600_000)
    else:
        path = path.replace(str(vm["id"]), str(other["id"]))
    tampered = path + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = anon.get(tampered)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/xml"
    assert response.content.startswith(b"<?xml")


def test_tampered_redirect_token_is_403(server: DemoServer, anon: httpx.Client) -> None:
    url = str(_first_recording(server)["recording_url"])
    token_end = url.rindex("/voicemail.mp3")
    flipped = url[: token_end - 1] + ("0" if url[token_end - 1] != "0" else "1") + url[token_end:]
    assert anon.get(flipped).status_code == 403
    garbage = server.origin + "/rails/active_storage/blobs/redirect/x/voicemail.mp3"
    assert anon.get(garbage).status_code == 403


def test_deleted_voicemail_recording_is_gone(server: DemoServer, anon: httpx.Client) -> None:
    vm = _first_recording(server)
    location = anon.get(str(vm["recording_url"])).headers["location"]
    server.remove_voicemail(str(vm["id"]))
    assert anon.get(str(vm["recording_url"])).status_code == 404
    gone = anon.get(location)
    assert gone.status_code == 404
    assert b"NoSuchKey" in gone.content


def test_head_on_storage_gives_length_without_body(server: DemoServer, anon: httpx.Client) -> None:
    vm = _first_recording(server)
    location = anon.get(str(vm["recording_url"])).headers["location"]
    response = anon.head(location)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(server.recording_bytes(str(vm["id"])))
    assert response.content == b""
