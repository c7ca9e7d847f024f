"""Keyring backends for tests, selected with PYTHON_KEYRING_BACKEND (subprocesses too).

``FileKeyring`` keeps passwords in the JSON file named by VM_TUI_TEST_KEYRING (0600), so a test
can look at what was stored; ``BrokenKeyring`` fails every call like a keyring whose D-Bus
session went away.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV_FILE = "VM_TUI_TEST_KEYRING"
FILE_BACKEND = "tests.config.file_keyring.FileKeyring"
BROKEN_BACKEND = "tests.config.file_keyring.BrokenKeyring"
NULL_BACKEND = "keyring.backends.null.Keyring"
FAIL_BACKEND = "keyring.backends.fail.Keyring"


class FileKeyring(KeyringBackend):
    priority = 1

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path or Path(os.environ[ENV_FILE])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        assert isinstance(data, dict)
        return data

    def _save(self, data: dict[str, str]) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)

    @staticmethod
    def _entry(service: str, username: str) -> str:
        return f"{service} {username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(self._entry(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[self._entry(service, username)] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(self._entry(service, username), None) is None:
            raise PasswordDeleteError("not found")
        self._save(data)

    def entries(self) -> dict[str, str]:
        return self._load()


class BrokenKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown:\nsecrets service gone")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")
