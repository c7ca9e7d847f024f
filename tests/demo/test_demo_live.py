"""Things that change over time, state hooks, big inboxes, lifecycle and the CLI runner."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.demo.conftest import MakeServer, loopback_client
from vm_tui.demo import DemoServer, serve_forever_cli
from vm_tui.demo import faults as f
from vm_tui.demo.recordings import manifest


def _wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def _demo_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("vm-tui-demo")]


# -- fill-in and arrivals ----------------------------------------------------------------------


def test_processing_and_untranscribed_fill_in(make_server: MakeServer) -> None:
    server = make_server(fill_in_after=0.2)
    items = server.voicemails()
    processing = [vm["id"] for vm in items if vm["recording_url"] is None]
    untranscribed = [vm["id"] for vm in items if vm["transcription"] is None]
    assert len(processing) == 1 and len(untranscribed) == 2
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        url = f"{server.base_url}/voicemails/{processing[0]}"
        assert c.get(url).json()["recording_url"] is None

        def filled() -> bool:
            return all(vm["recording_url"] and vm["transcription"] for vm in server.voicemails())

        _wait_for(filled)
        vm = c.get(url).json()
        assert vm["transcription"] in manifest().values()
        audio = c.get(vm["recording_url"], follow_redirects=True)
        assert audio.status_code == 200
        assert audio.content == server.recording_bytes(processing[0])


def test_no_fill_in_when_disabled(make_server: MakeServer) -> None:
    server = make_server(fill_in_after=None)
    time.sleep(0.3)
    assert any(vm["recording_url"] is None for vm in server.voicemails())


def test_new_voicemails_arrive_on_top(make_server: MakeServer) -> None:
    server = make_server(new_every=0.3, fill_in_after=None)
    first = server.voicemails()
    unlistened = server.unlistened_count()
    _wait_for(lambda: len(server.voicemails()) >= len(first) + 2)
    now = server.voicemails()
    new = now[: len(now) - len(first)]
    assert [vm["id"] for vm in now[len(new) :]] == [vm["id"] for vm in first]
    for vm in new:
        assert vm["listened_at"] is None
        assert vm["recording_url"] and vm["transcription"] in manifest().values()
        created = datetime.fromisoformat(vm["created_at"].replace("Z", "+00:00"))
        assert datetime.now(UTC) - created < timedelta(seconds=5)
    assert new[0]["id"] > new[1]["id"] > first[0]["id"], "UUIDv7 order follows arrival"
    assert server.unlistened_count() >= unlistened + 2
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        listed = c.get(server.base_url + "/voicemails").json()
    assert listed["voicemails"][0]["id"] in {vm["id"] for vm in server.voicemails()[:3]}


def test_no_arrivals_when_disabled(make_server: MakeServer) -> None:
    server = make_server(new_every=None)
    before = len(server.voicemails())
    time.sleep(0.3)
    assert len(server.voicemails()) == before


# -- inbox sizes ---------------------------------------------------------------------------------


def test_count_10000_generates_and_serves_fast(make_server: MakeServer) -> None:
    began = time.perf_counter()
    server = make_server(count=10_000)
    assert time.perf_counter() - began < 1.0
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        timings = []
        for _ in range(2):
            began = time.perf_counter()
            response = c.get(server.base_url + "/voicemails")
            timings.append(time.perf_counter() - began)
        doc = response.json()
    assert len(doc["voicemails"]) == 10_000
    assert len({vm["id"] for vm in doc["voicemails"]}) == 10_000
    assert doc["unlistened_count"] == sum(1 for vm in doc["voicemails"] if not vm["listened_at"])
    assert 0 < doc["unlistened_count"] < 10_000
    created = [vm["created_at"] for vm in doc["voicemails"]]
    assert created == sorted(created, reverse=True)
    assert {vm["transcription"] for vm in doc["voicemails"]} >= set(manifest().values())
    assert min(timings) < 0.5


@pytest.mark.parametrize("count", [0, 3])
def test_small_counts(make_server: MakeServer, count: int) -> None:
    server = make_server(count=count)
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        doc = c.get(server.base_url + "/voicemails").json()
    assert len(doc["voicemails"]) == count
    assert doc["unlistened_count"] == count  # the newest seeds are all unlistened


# -- state hooks ---------------------------------------------------------------------------------


def test_add_voicemail_defaults_and_overrides(server: DemoServer, client: httpx.Client) -> None:
    added = server.add_voicemail()
    top = server.voicemails()[0]
    assert {**top, "recording_url": None} == {**added, "recording_url": None}
    assert added["listened_at"] is None and added["recording_url"]
    custom = server.add_voicemail(
        caller="+4915112345678",
        transcription="Hallo [bold]Welt[/bold]\x1b[31m",
        line="London office",
        recording="jonas_rechnung",
    )
    assert custom["from"] == "+4915112345678"
    assert custom["main_number_name"] == "London office"
    listed = client.get("voicemails").json()["voicemails"]
    assert listed[0]["id"] == custom["id"]
    assert listed[0]["transcription"] == "Hallo [bold]Welt[/bold]\x1b[31m"
    assert server.recording_bytes(custom["id"]).startswith(b"ID3")

    processing = server.add_voicemail(**{"from": "+33612345678"}, recording=None)
    assert processing["recording_url"] is None and processing["transcription"] is None
    old = server.add_voicemail(created_at="2020-01-01T00:00:00Z", listened_at=None)
    assert server.voicemails()[-1]["id"] == old["id"], "placed by created_at"


def test_update_voicemail_hooks(server: DemoServer, client: httpx.Client) -> None:
    vm = server.add_voicemail(recording=None)
    server.update_voicemail(vm["id"], recording_ready=True, transcription="Call me.")
    got = client.get(f"voicemails/{vm['id']}").json()
    assert got["recording_url"] and got["transcription"] == "Call me."
    server.update_voicemail(vm["id"], listened=True)
    assert client.get(f"voicemails/{vm['id']}").json()["listened_at"] is not None
    server.update_voicemail(vm["id"], listened_at="2026-05-11T16:42:18Z")
    assert client.get(f"voicemails/{vm['id']}").json()["listened_at"] == "2026-05-11T16:42:18Z"
    server.update_voicemail(vm["id"], listened_at=None, recording_ready=False)
    got = client.get(f"voicemails/{vm['id']}").json()
    assert got["listened_at"] is None and got["recording_url"] is None


def test_hooks_refuse_bad_input(server: DemoServer) -> None:
    vm_id = server.voicemails()[0]["id"]
    with pytest.raises(KeyError):
        server.update_voicemail("nope", listened=True)
    with pytest.raises(KeyError):
        server.remove_voicemail("nope")
    with pytest.raises(TypeError):
        server.update_voicemail(vm_id, colour="red")
    with pytest.raises(TypeError):
        server.update_voicemail(vm_id, id="other")
    with pytest.raises(ValueError):
        server.add_voicemail(recording="no_such_recording")
    with pytest.raises(ValueError):
        server.add_voicemail(id=vm_id)


def test_remove_voicemail(server: DemoServer, client: httpx.Client) -> None:
    vm_id = server.voicemails()[1]["id"]
    server.remove_voicemail(vm_id)
    assert client.get(f"voicemails/{vm_id}").status_code == 404
    assert vm_id not in {vm["id"] for vm in client.get("voicemails").json()["voicemails"]}


def test_hooks_need_a_started_server() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError):
        server.voicemails()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.stop()  # harmless


@pytest.mark.parametrize(
    "kwargs",
    [{"count": -1}, {"new_every": 0}, {"error_rate": 1.5}, {"latency": -1}, {"url_ttl": 0}],
)
def test_bad_options_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        DemoServer(**kwargs)


# -- lifecycle -----------------------------------------------------------------------------------


def test_stop_leaves_no_threads_even_with_open_connections() -> None:
    with DemoServer(new_every=0.5, fill_in_after=0.5) as server:
        keep_alive = loopback_client(headers={"X-Api-Key": server.api_key})
        assert keep_alive.get(server.base_url + "/voicemails").status_code == 200
        vm = next(vm for vm in server.voicemails() if vm["recording_url"])
        assert keep_alive.get(str(vm["recording_url"]), follow_redirects=True).status_code == 200
        raw = socket.create_connection(("127.0.0.1", int(server.origin.rsplit(":", 1)[1])))
        assert _demo_threads()
        ports = [int(server.origin.rsplit(":", 1)[1]), int(server.storage_origin.rsplit(":", 1)[1])]
    assert _demo_threads() == []
    keep_alive.close()
    raw.close()
    for port in ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    server.stop()  # idempotent


def test_a_server_starts_only_once(server: DemoServer) -> None:
    with pytest.raises(RuntimeError):
        server.start()


def test_fixed_ports(make_server: MakeServer) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = make_server(port=port)
    assert server.base_url == f"http://127.0.0.1:{port}/api/v1"
    with pytest.raises(OSError):
        DemoServer(port=port).start()


def test_nothing_on_stderr(make_server: MakeServer, capfd: pytest.CaptureFixture[str]) -> None:
    server = make_server()
    with loopback_client(headers={"X-Api-Key": server.api_key}) as c:
        c.get(server.base_url + "/voicemails")
        c.get(server.base_url + "/nope")
        server.inject(f.drop_connection())
        with pytest.raises(httpx.HTTPError):
            c.get(server.base_url + "/voicemails")
    with socket.create_connection(("127.0.0.1", int(server.origin.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        raw.recv(1024)
    server.stop()
    out, err = capfd.readouterr()
    assert err == ""
    assert out == ""


# -- the CLI runner ------------------------------------------------------------------------------


def test_serve_forever_cli_prints_and_stops() -> None:
    out = io.StringIO()
    until = threading.Event()
    result: list[int] = []
    runner = threading.Thread(
        target=lambda: result.append(serve_forever_cli(new_every=None, out=out, until=until))
    )
    runner.start()
    _wait_for(lambda: "Ctrl-C" in out.getvalue())
    text = out.getvalue()
    base_url = text.split("Demo Phone.inc API at ", 1)[1].split()[0]
    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v1")
    assert "API key: phk_DemoVmTuiKeyNotSecret2345678" in text
    assert f"export PHONE_INC_BASE_URL={base_url}\n" in text
    assert "export PHONE_INC_API_KEY=phk_DemoVmTuiKeyNotSecret2345678\n" in text
    with loopback_client(headers={"X-Api-Key": "phk_DemoVmTuiKeyNotSecret2345678"}) as c:
        assert c.get(base_url + "/voicemails").status_code == 200
    until.set()
    runner.join(5)
    assert result == [0]
    assert _demo_threads() == []


def test_serve_forever_cli_reports_a_taken_port(server: DemoServer) -> None:
    out, err = io.StringIO(), io.StringIO()
    port = int(server.origin.rsplit(":", 1)[1])
    assert serve_forever_cli(port=port, out=out, err=err) == 1
    assert err.getvalue().count("\n") == 1
    assert "cannot start" in err.getvalue()
    assert out.getvalue() == ""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_module_entry_point_stops_cleanly_on_signal(sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vm_tui.demo", "--new-every", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Demo Phone.inc API at http://127.0.0.1:")
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "Traceback" not in err and err == ""
    assert "stopped" in out
