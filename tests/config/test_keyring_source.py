"""The keyring is the last source of the key; its failures are never fatal."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from tests.config.file_keyring import BrokenKeyring, FileKeyring
from vm_tui.local.config import ENV_API_KEY, load_settings
from vm_tui.local.keyring import (
    SERVICE,
    KeyringUnavailable,
    delete_key,
    get_key,
    key_origin,
    set_key,
)

RING_KEY = "phk_RingKeyRingKeyRingKeyRingKeyR"
FILE_KEY = "phk_FileKeyFileKeyFileKeyFileKey"
ENV_KEY = "phk_EnvKeyEnvKeyEnvKeyEnvKeyEnvK"
BASE = "https://app.phone.inc/api/v1"

Use = Callable[[KeyringBackend], KeyringBackend]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://app.phone.inc/api/v1", "https://app.phone.inc"),
        ("https://APP.Phone.inc:443/api/v1/", "https://app.phone.inc"),
        ("https://app.phone.inc:8443/api/v1", "https://app.phone.inc:8443"),
        ("http://127.0.0.1:5000/api/v1", "http://127.0.0.1:5000"),
        ("http://localhost:80/api", "http://localhost"),
        ("http://[::1]:9000/api/v1", "http://[::1]:9000"),
    ],
)
def test_key_origin(url: str, origin: str) -> None:
    assert key_origin(url) == origin


def test_set_get_delete(file_keyring: FileKeyring) -> None:
    assert get_key(BASE) is None
    set_key(BASE, RING_KEY)
    assert file_keyring.entries() == {f"{SERVICE} https://app.phone.inc": RING_KEY}
    assert get_key("https://app.phone.inc/api/v2") == RING_KEY  # per origin, not per path
    assert get_key("https://other.example/api/v1") is None
    assert delete_key(BASE) is True
    assert delete_key(BASE) is False
    assert get_key(BASE) is None


@pytest.mark.parametrize("backend", [keyring.backends.null.Keyring, keyring.backends.fail.Keyring])
def test_no_backend_is_unavailable(use_backend: Use, backend: type[KeyringBackend]) -> None:
    use_backend(backend())
    for call in (lambda: get_key(BASE), lambda: set_key(BASE, RING_KEY), lambda: delete_key(BASE)):
        with pytest.raises(KeyringUnavailable) as caught:
            call()
        assert caught.value.no_backend
        assert "no system keyring" in str(caught.value)


def test_a_broken_backend_is_one_line(use_backend: Use) -> None:
    use_backend(BrokenKeyring())
    with pytest.raises(KeyringUnavailable) as caught:
        get_key(BASE)
    assert not caught.value.no_backend
    assert "\n" not in str(caught.value)
    assert "DBus" in str(caught.value)


def test_a_backend_that_drops_the_key_is_unusable(use_backend: Use, tmp_path: Path) -> None:
    class Forgetful(FileKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    use_backend(Forgetful(tmp_path / "k.json"))
    with pytest.raises(KeyringUnavailable, match="did not keep"):
        set_key(BASE, RING_KEY)


# -- load_settings -----------------------------------------------------------------------------


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_keyring_is_used_when_nothing_else_has_a_key(
    file_keyring: FileKeyring, tmp_path: Path
) -> None:
    set_key(BASE, RING_KEY)
    settings = load_settings(environ={}, path=tmp_path / "none.toml", use_keyring=True)
    assert settings.api_key == RING_KEY and settings.api_key_source == "keyring"
    assert RING_KEY not in repr(settings)


def test_keyring_key_follows_the_base_url(file_keyring: FileKeyring, tmp_path: Path) -> None:
    set_key(BASE, RING_KEY)
    other = load_settings(
        base_url="https://staging.phone.inc/api/v1",
        environ={},
        path=tmp_path / "none.toml",
        use_keyring=True,
    )
    assert other.api_key is None and other.api_key_source == "none"


def test_flag_env_and_file_come_before_the_keyring(
    file_keyring: FileKeyring, tmp_path: Path
) -> None:
    set_key(BASE, RING_KEY)
    path = _file(tmp_path, f'api_key = "{FILE_KEY}"\n')
    from_file = load_settings(environ={}, path=path, use_keyring=True)
    assert (from_file.api_key, from_file.api_key_source) == (FILE_KEY, "config file")
    from_env = load_settings(environ={ENV_API_KEY: ENV_KEY}, path=path, use_keyring=True)
    assert (from_env.api_key, from_env.api_key_source) == (ENV_KEY, "env")
    from_flag = load_settings(api_key="phk_x", environ={}, path=path, use_keyring=True)
    assert from_flag.api_key_source == "flag"


@pytest.mark.parametrize(
    "backend", [BrokenKeyring, keyring.backends.null.Keyring, keyring.backends.fail.Keyring]
)
def test_keyring_failures_mean_no_key(
    use_backend: Use, tmp_path: Path, backend: type[KeyringBackend]
) -> None:
    use_backend(backend())
    settings = load_settings(environ={}, path=tmp_path / "none.toml", use_keyring=True)
    assert settings.api_key is None and settings.api_key_source == "none"


def test_hermetic_calls_skip_the_keyring(file_keyring: FileKeyring, tmp_path: Path) -> None:
    set_key(BASE, RING_KEY)
    assert load_settings(environ={}, path=tmp_path / "none.toml").api_key is None


_PROBE = """
import os, sys
from pathlib import Path
from vm_tui.local.config import load_settings
settings = load_settings(path=Path(sys.argv[1]))
print(settings.api_key_source, "keyring" in sys.modules)
"""


@pytest.mark.parametrize(("env_key", "expected"), [(ENV_KEY, "env False"), ("", "none True")])
def test_keyring_is_imported_only_when_needed(tmp_path: Path, env_key: str, expected: str) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        ENV_API_KEY: env_key,
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path / "none.toml")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
