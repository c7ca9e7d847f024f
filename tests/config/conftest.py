"""Config fixtures: an in-process keyring backend the tests choose, restored afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend

from tests.config.file_keyring import FileKeyring


@pytest.fixture
def use_backend() -> Iterator[Callable[[KeyringBackend], KeyringBackend]]:
    saved = keyring.core._keyring_backend

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.core._keyring_backend = saved


@pytest.fixture
def file_keyring(
    tmp_path: Path, use_backend: Callable[[KeyringBackend], KeyringBackend]
) -> FileKeyring:
    backend = FileKeyring(tmp_path / "keyring.json")
    use_backend(backend)
    return backend
