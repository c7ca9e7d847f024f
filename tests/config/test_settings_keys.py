"""The issue-7 settings: notify_command, theme, contacts_file, cache, with clear errors."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from vm_tui.local.config import (
    _FILE_KEYS,
    DEFAULT_CONFIG,
    ConfigFileError,
    Settings,
    contacts_path,
    default_contacts_path,
    init_config,
    load_file,
    load_settings,
)


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_new_keys_are_read(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        'notify_command = ["notify-send", "New voicemail", "{caller}"]\n'
        'theme = "nord"\ncontacts_file = "/srv/book.toml"\ncache = false\n',
    )
    settings = load_settings(environ={}, path=path)
    assert settings.notify_command == ("notify-send", "New voicemail", "{caller}")
    assert isinstance(settings.notify_command, tuple)  # Settings stays hashable and frozen
    hash(settings)
    assert settings.theme == "nord"
    assert settings.contacts_file == "/srv/book.toml"
    assert contacts_path(settings) == Path("/srv/book.toml")
    assert settings.cache is False


def test_defaults_of_the_new_keys(tmp_path: Path) -> None:
    settings = load_settings(environ={}, path=tmp_path / "missing.toml")
    assert (settings.notify_command, settings.theme, settings.contacts_file) == (None, None, None)
    assert contacts_path(settings) == default_contacts_path()
    assert default_contacts_path().name == "contacts.toml"


def test_relative_contacts_file_is_next_to_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    settings = load_settings(environ={}, path=config(folder, 'contacts_file = "book.toml"\n'))
    assert contacts_path(settings) == folder / "book.toml"


def test_contacts_file_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    settings = load_settings(environ={}, path=config(tmp_path, 'contacts_file = "~/b.toml"\n'))
    assert contacts_path(settings) == tmp_path / "b.toml"


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ('notify_command = "notify-send hi"', "notify_command", "list of strings"),
        ("notify_command = []", "notify_command", "non-empty list"),
        ('notify_command = ["notify-send", 3]', "notify_command", "list of strings"),
        ('notify_command = ["", "x"]', "notify_command", "program"),
        ("theme = 3", "theme", "string"),
        ('theme = ""', "theme", "empty"),
        ("contacts_file = true", "contacts_file", "string"),
        ('base_url = " "', "base_url", "empty"),
        ('cache = "no"', "cache", "true or false"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, line: str, key: str, words: str) -> None:
    path = config(tmp_path, line + "\n")
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert f"'{key}'" in message and words in message and str(path) in message
    assert "\n" not in message


def test_unknown_key_lists_the_new_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError) as caught:
        load_file(config(tmp_path, "notifications = true\n"))
    for key in ("notify_command", "theme", "contacts_file", "cache", "download_dir"):
        assert key in str(caught.value)


def test_numbers_become_floats(tmp_path: Path) -> None:
    settings = load_settings(
        environ={}, path=config(tmp_path, "poll_interval = 30\ndefault_speed = 2\n")
    )
    assert settings.poll_interval == 30.0 and isinstance(settings.poll_interval, float)
    assert settings.default_speed == 2.0 and isinstance(settings.default_speed, float)


def test_cache_flag_beats_the_file(tmp_path: Path) -> None:
    path = config(tmp_path, "cache = true\n")
    assert load_settings(environ={}, path=path).cache is True
    assert load_settings(cache=False, environ={}, path=path).cache is False


# -- the commented default ---------------------------------------------------------------------


def test_default_config_is_all_comments(tmp_path: Path) -> None:
    assert tomllib.loads(DEFAULT_CONFIG) == {}
    path = tmp_path / "sub" / "config.toml"
    init_config(path)
    assert path.read_text() == DEFAULT_CONFIG
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_settings(environ={}, path=path) == Settings()


def test_default_config_documents_every_key_with_a_valid_value(tmp_path: Path) -> None:
    # Uncomment every "# key = value" line: the result is a config load_file accepts.
    uncommented = re.findall(r"^# (\w+ = .+)$", DEFAULT_CONFIG, re.MULTILINE)
    data = tomllib.loads("\n".join(uncommented))
    assert set(data) == set(_FILE_KEYS)
    load_file(config(tmp_path, "\n".join(uncommented) + "\n"))
    # The documented defaults are the real ones.
    defaults = Settings()
    for key in ("base_url", "poll_interval", "bell", "auto_advance", "default_speed", "cache"):
        assert data[key] == getattr(defaults, key), key


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    path = config(tmp_path, "bell = false\n")
    with pytest.raises(ConfigFileError, match=r"already exists.*--force"):
        init_config(path)
    assert path.read_text() == "bell = false\n"
    path.chmod(0o644)
    init_config(path, force=True)
    assert path.read_text() == DEFAULT_CONFIG
    assert path.stat().st_mode & 0o777 == 0o600
