"""skip_silence, voice_boost and audio_cache_mb: read from the file, checked, used."""

from __future__ import annotations

from pathlib import Path

import pytest

from vm_tui.local.config import ConfigFileError, load_settings


def settings_from(tmp_path: Path, text: str) -> object:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(environ={}, path=path)


def test_the_listening_keys_are_read(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path, "skip_silence = true\nvoice_boost = true\naudio_cache_mb = 128\n"
    )
    assert settings.skip_silence and settings.voice_boost  # type: ignore[attr-defined]
    assert settings.audio_cache_mb == 128.0  # type: ignore[attr-defined]


def test_by_default_they_are_off_and_64_mb(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "")
    assert not settings.skip_silence and not settings.voice_boost  # type: ignore[attr-defined]
    assert settings.audio_cache_mb == 64.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('skip_silence = "yes"', "skip_silence"),
        ("voice_boost = 1", "voice_boost"),
        ("audio_cache_mb = 2", "audio_cache_mb"),
        ("audio_cache_mb = true", "audio_cache_mb"),
    ],
)
def test_bad_values_are_refused_naming_the_key(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigFileError, match=key):
        settings_from(tmp_path, line + "\n")
