"""`download`: the exact bytes, a fresh signed URL, no key at storage, never an overwrite."""

from __future__ import annotations

from pathlib import Path

from tests.cli.cli_helpers import api_requests, cli_env, ready_voicemail, run_cli
from vm_tui.demo import DemoServer


def _check_key_stayed_home(server: DemoServer, vm_id: str) -> None:
    """Retrieved with the key, downloaded from storage without it."""
    retrieves = [r for r in server.requests if r.method == "GET" and r.path.endswith(vm_id)]
    assert retrieves and all(r.headers.get("x-api-key") == server.api_key for r in retrieves)
    redirects = [r for r in server.requests if r.path.startswith("/rails/active_storage/")]
    assert redirects and all("x-api-key" not in r.headers for r in redirects)
    assert server.storage_requests, "nothing was downloaded from the storage origin"
    for request in server.storage_requests:
        assert "x-api-key" not in request.headers
        assert "authorization" not in request.headers
        assert server.api_key not in request.path


def test_download_to_a_file(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    target = tmp_path / "message.mp3"

    result = run_cli("download", vm_id, "-o", str(target), env=cli_env(server))

    assert result.code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert result.err == b""  # no progress noise when stderr is not a terminal
    assert target.read_bytes() == server.recording_bytes(vm_id)
    _check_key_stayed_home(server, vm_id)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["message.mp3"]  # no temp file left


def test_download_into_a_folder(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)
    vm = next(v for v in server.voicemails() if v["id"] == vm_id)

    result = run_cli("download", vm_id, "-o", str(tmp_path), env=cli_env(server))

    assert result.code == 0, result.stderr
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert result.stdout == f"{files[0]}\n"
    assert files[0].name.startswith(f"voicemail-{vm['from']}-")
    assert files[0].suffix == ".mp3"
    assert files[0].read_bytes() == server.recording_bytes(vm_id)
    _check_key_stayed_home(server, vm_id)


def test_download_never_overwrites_without_force(server: DemoServer, tmp_path: Path) -> None:
    env = cli_env(server)
    vm_id = ready_voicemail(server)
    target = tmp_path / "message.mp3"
    target.write_bytes(b"precious")

    refused = run_cli("download", vm_id, "-o", str(target), env=env)

    assert refused.code == 1
    assert "already exists" in refused.one_error_line()
    assert "--force" in refused.one_error_line()
    assert target.read_bytes() == b"precious"
    assert server.storage_requests == []  # refused before downloading anything

    forced = run_cli("download", vm_id, "-o", str(target), "--force", env=env)

    assert forced.code == 0, forced.stderr
    assert target.read_bytes() == server.recording_bytes(vm_id)


def test_download_into_a_folder_never_overwrites(server: DemoServer, tmp_path: Path) -> None:
    env = cli_env(server)
    vm_id = ready_voicemail(server)
    first = run_cli("download", vm_id, "-o", str(tmp_path), env=env)
    assert first.code == 0, first.stderr
    saved = Path(first.stdout.strip())
    saved.write_bytes(b"edited")

    again = run_cli("download", vm_id, "-o", str(tmp_path), env=env)

    assert again.code == 1
    assert "already exists" in again.one_error_line()
    assert saved.read_bytes() == b"edited"
    assert list(tmp_path.iterdir()) == [saved]


def test_download_to_a_missing_folder(server: DemoServer, tmp_path: Path) -> None:
    vm_id = ready_voicemail(server)

    result = run_cli("download", vm_id, "-o", f"{tmp_path}/missing/", env=cli_env(server))

    assert result.code == 1
    assert "does not exist" in result.one_error_line()
    assert not (tmp_path / "missing").exists()


def test_download_while_the_recording_is_processing(server: DemoServer, tmp_path: Path) -> None:
    vm = server.add_voicemail(recording=None)

    result = run_cli("download", vm["id"], "-o", str(tmp_path), env=cli_env(server))

    assert result.code == 1
    assert "still processing" in result.one_error_line()
    assert list(tmp_path.iterdir()) == []
    assert server.storage_requests == []
    assert api_requests(server, "GET")  # it did ask (a fresh retrieve), not guess


def test_download_without_output_goes_to_downloads(server: DemoServer, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    vm_id = ready_voicemail(server)

    result = run_cli("download", vm_id, env=cli_env(server, HOME=str(home)), cwd=tmp_path)

    assert result.code == 0, result.stderr
    saved = Path(result.stdout.strip())
    assert saved.parent == home / "Downloads"
    assert saved.read_bytes() == server.recording_bytes(vm_id)
