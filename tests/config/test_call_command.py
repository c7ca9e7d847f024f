"""The call_command key: an argv list like notify_command, checked the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.test_settings_keys import config
from vm_tui.local.config import DEFAULT_CONFIG, ConfigFileError, Settings, load_file, load_settings


def test_call_command_is_read_as_a_tuple(tmp_path: Path) -> None:
    path = config(tmp_path, 'call_command = ["linphonecsh", "dial", "{number}"]\n')
    settings = load_settings(environ={}, path=path)
    assert settings.call_command == ("linphonecsh", "dial", "{number}")
    hash(settings)  # still hashable and frozen
    assert Settings().call_command is None  # default: the desktop's tel: handler


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('call_command = "linphonecsh dial {number}"', "list of strings"),
        ("call_command = []", "non-empty list"),
        ('call_command = ["linphonecsh", 3]', "list of strings"),
        ('call_command = ["", "{number}"]', "program"),
        ('call_command = ["  ", "{number}"]', "program"),
        ('call_command = ["dial", "a\\u0000b"]', "program"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, line: str, words: str) -> None:
    path = config(tmp_path, line + "\n")
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert "'call_command'" in message and words in message and str(path) in message
    assert "notify_command" not in message


def test_the_commented_default_shows_it() -> None:
    assert '# call_command = ["linphonecsh", "dial", "{number}"]' in DEFAULT_CONFIG
