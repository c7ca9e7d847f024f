"""Every local-file error message names the file and says what is wrong in words (not an
errno's ``Is a directory``): the contacts file, a file to import, a recording to save."""

from __future__ import annotations

from pathlib import Path

import pytest

from vm_tui.contacts import Contacts, ContactsError
from vm_tui.local.saving import SaveError, save_in_folder


def test_a_folder_where_the_contacts_file_should_be(tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    path.mkdir()
    with pytest.raises(ContactsError) as raised:
        Contacts.load(path)
    assert str(raised.value) == (
        f"cannot read the contacts file {path}: a folder is in the way of the file"
    )


def test_a_file_where_the_contacts_folder_should_be(tmp_path: Path) -> None:
    blocker = tmp_path / "vm-tui"
    blocker.write_text("")
    path = blocker / "contacts.toml"
    with pytest.raises(ContactsError) as raised:
        Contacts.load(path)
    assert str(raised.value) == (
        f"cannot read the contacts file {path}: a file is in the way of its folder"
    )
    with pytest.raises(ContactsError) as raised:
        Contacts(path).add("+14085550199", "Dana")
    assert str(raised.value).startswith(f"cannot read the contacts file {path}: ")


def test_saving_contacts_under_a_file_names_the_contacts_file(tmp_path: Path) -> None:
    blocker = tmp_path / "vm-tui"
    blocker.write_text("")
    book = Contacts(blocker / "contacts.toml", {"+14085550199": "Dana"})
    with pytest.raises(ContactsError) as raised:
        book.save()
    assert str(raised.value) == (
        f"cannot write the contacts file {book.path}: a file is in the way of its folder"
    )


def test_a_file_to_import_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "phone.vcf"
    with pytest.raises(ContactsError) as raised:
        Contacts(tmp_path / "contacts.toml").import_vcard(missing)
    assert str(raised.value) == f"cannot read {missing}: no such file or directory"


def test_a_recording_that_would_land_outside_its_folder_names_both(tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "downloads", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "voicemail.mp3").symlink_to(elsewhere / "voicemail.mp3")  # dangling: "free"
    with pytest.raises(SaveError) as raised:
        save_in_folder(b"mp3", folder, "voicemail.mp3")
    assert str(raised.value) == (
        f"refusing to write {folder / 'voicemail.mp3'}: it leads outside the folder {folder}"
    )
    assert not (elsewhere / "voicemail.mp3").exists()
