"""Settings: flags > env > file, strict file checking, and a key file kept private."""

from __future__ import annotations

from pathlib import Path

import pytest

from vm_tui.api.urls import DEFAULT_BASE_URL
from vm_tui.local.config import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ConfigFileError,
    Settings,
    load_file,
    load_settings,
)
from vm_tui.local.paths import ENV_CONFIG, config_path

FILE_KEY = "phk_FileKeyFileKeyFileKeyFileKey"
ENV_KEY = "phk_EnvKeyEnvKeyEnvKeyEnvKeyEnvK"
FLAG_KEY = "phk_FlagKeyFlagKeyFlagKeyFlagKey"


def config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


FULL = f"""
base_url = "https://file.example/api/v1"
api_key = "{FILE_KEY}"
poll_interval = 30
"""


# -- precedence --------------------------------------------------------------------------------


def test_defaults_without_file_env_or_flags(tmp_path: Path) -> None:
    settings = load_settings(environ={}, path=tmp_path / "missing.toml")
    assert settings == Settings()
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.api_key is None and settings.api_key_source == "none"


def test_file_values_are_used(tmp_path: Path) -> None:
    settings = load_settings(environ={}, path=config(tmp_path, FULL))
    assert settings.base_url == "https://file.example/api/v1"
    assert settings.api_key == FILE_KEY and settings.api_key_source == "config file"
    assert settings.poll_interval == 30


def test_env_beats_file(tmp_path: Path) -> None:
    env = {ENV_API_KEY: ENV_KEY, ENV_BASE_URL: "https://env.example/api/v1"}
    settings = load_settings(environ=env, path=config(tmp_path, FULL))
    assert settings.base_url == "https://env.example/api/v1"
    assert settings.api_key == ENV_KEY and settings.api_key_source == "env"
    assert settings.poll_interval == 30  # not overridden: still from the file


def test_flags_beat_env_and_file(tmp_path: Path) -> None:
    env = {ENV_API_KEY: ENV_KEY, ENV_BASE_URL: "https://env.example/api/v1"}
    settings = load_settings(
        base_url="https://flag.example/api/v1",
        api_key=FLAG_KEY,
        poll_interval=5.0,
        environ=env,
        path=config(tmp_path, FULL),
    )
    assert settings.base_url == "https://flag.example/api/v1"
    assert settings.api_key == FLAG_KEY and settings.api_key_source == "flag"
    assert settings.poll_interval == 5.0


def test_empty_env_values_do_not_override_the_file(tmp_path: Path) -> None:
    env = {ENV_API_KEY: "", ENV_BASE_URL: ""}
    settings = load_settings(environ=env, path=config(tmp_path, FULL))
    assert settings.api_key == FILE_KEY and settings.base_url == "https://file.example/api/v1"


def test_keys_from_env_and_flag_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    assert load_settings(environ={ENV_API_KEY: f" {ENV_KEY}\n"}, path=path).api_key == ENV_KEY
    assert load_settings(api_key=f"{FLAG_KEY} ", environ={}, path=path).api_key == FLAG_KEY


def test_blank_env_key_does_not_hide_the_file_key(tmp_path: Path) -> None:
    settings = load_settings(environ={ENV_API_KEY: "  \n"}, path=config(tmp_path, FULL))
    assert settings.api_key == FILE_KEY
    assert settings.api_key_source == "config file"


def test_other_file_settings(tmp_path: Path) -> None:
    text = (
        "bell = false\nauto_advance = true\ndefault_speed = 1.5\ncache = false\n"
        'download_dir = "~/vm"\n'
    )
    settings = load_settings(environ={}, path=config(tmp_path, text, 0o644))
    assert (settings.bell, settings.auto_advance, settings.cache) == (False, True, False)
    assert settings.default_speed == 1.5 and settings.download_dir == "~/vm"


def test_config_path_honours_the_env_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_CONFIG, str(tmp_path / "custom.toml"))
    assert config_path() == tmp_path / "custom.toml"


# -- checking the file -------------------------------------------------------------------------


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_file(tmp_path / "nope.toml") == {}


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = config(tmp_path, 'colour = "blue"\n')
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "'colour'" in message and str(path) in message
    assert "poll_interval" in message  # and says what is allowed


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('bell = "yes"', "bell"),
        ("base_url = 42", "base_url"),
        ('poll_interval = "fast"', "poll_interval"),
        ("poll_interval = true", "poll_interval"),
        ("default_speed = false", "default_speed"),
        ("cache = 1", "cache"),
        ("download_dir = []", "download_dir"),
        ("api_key = 123", "api_key"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigFileError, match=f"'{key}'"):
        load_file(config(tmp_path, line + "\n"))


@pytest.mark.parametrize("value", ["1", "1.99", "0", "-5", "3601", "1e9", "nan", "inf"])
def test_poll_interval_out_of_bounds(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigFileError, match=r"'poll_interval'.*between 2 and 3600"):
        load_file(config(tmp_path, f"poll_interval = {value}\n"))


@pytest.mark.parametrize("value", ["2", "2.0", "15", "3600"])
def test_poll_interval_in_bounds(tmp_path: Path, value: str) -> None:
    assert load_file(config(tmp_path, f"poll_interval = {value}\n"))["poll_interval"] == float(
        value
    )


@pytest.mark.parametrize("value", ["0.5", "2.5", "nan"])
def test_default_speed_out_of_bounds(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigFileError, match="'default_speed'"):
        load_file(config(tmp_path, f"default_speed = {value}\n"))


def test_invalid_toml_is_a_clear_error_without_the_key(tmp_path: Path) -> None:
    path = config(tmp_path, f'api_key = "{FILE_KEY}"\npoll_interval = = 3\n')
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "not valid TOML" in message and str(path) in message
    assert FILE_KEY not in message
    assert "\n" not in message


def test_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'bell = "\xff\xfe"\n')
    with pytest.raises(ConfigFileError, match="not valid TOML"):
        load_file(path)


def test_unreadable_path_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_file(folder)


# -- a key file must be private ----------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666, 0o620])
def test_key_file_readable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    path = config(tmp_path, f'api_key = "{FILE_KEY}"\n', mode)
    with pytest.raises(ConfigFileError) as caught:
        load_settings(environ={}, path=path)
    message = str(caught.value)
    assert f"chmod 600 {path}" in message
    assert f"{mode:03o}" in message
    assert FILE_KEY not in message


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_private_key_file_is_accepted(tmp_path: Path, mode: int) -> None:
    settings = load_settings(environ={}, path=config(tmp_path, f'api_key = "{FILE_KEY}"\n', mode))
    assert settings.api_key == FILE_KEY


def test_loose_file_without_a_key_is_fine(tmp_path: Path) -> None:
    settings = load_settings(environ={}, path=config(tmp_path, "poll_interval = 20\n", 0o644))
    assert settings.poll_interval == 20


def test_loose_key_file_is_refused_even_when_env_has_a_key(tmp_path: Path) -> None:
    path = config(tmp_path, f'api_key = "{FILE_KEY}"\n', 0o644)
    with pytest.raises(ConfigFileError, match="chmod 600"):
        load_settings(environ={ENV_API_KEY: ENV_KEY}, path=path)


# -- the key never shows -----------------------------------------------------------------------


def test_settings_repr_and_str_never_show_the_key(tmp_path: Path) -> None:
    settings = load_settings(environ={}, path=config(tmp_path, FULL))
    assert settings.api_key == FILE_KEY
    for text in (repr(settings), str(settings), f"{settings}", f"{settings!r}", repr([settings])):
        assert FILE_KEY not in text
        assert "phk_" not in text
    assert "api_key_source='config file'" in repr(settings)
    assert "base_url=" in repr(settings)
