"""The address book: E.164 matching, a private TOML file, clear errors, no lost updates."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from vm_tui.contacts import Contacts, ContactsError, normalise


@pytest.fixture
def book(tmp_path: Path) -> Contacts:
    return Contacts.load(tmp_path / "contacts.toml")


@pytest.mark.parametrize(
    "written",
    [
        "+14155551234",
        "+1 415-555-1234",
        "+1 (415) 555-1234",
        "tel:+1-415-555-1234",
        " +14155551234 ",
    ],
)
def test_numbers_match_in_e164(book: Contacts, written: str) -> None:
    book.add(written, "Dana (Acme)")
    assert book.name_for("+14155551234") == "Dana (Acme)"
    assert book.name_for("+1 415 555 1234") == "Dana (Acme)"
    assert book.name_for("+14155551235") is None
    assert "+1 415-555-1234" in book
    assert len(book) == 1


def test_national_numbers_need_a_region(book: Contacts) -> None:
    with pytest.raises(ContactsError, match="not a phone number"):
        book.add("(415) 555-1234", "Dana")
    book.add("(415) 555-1234", "Dana", default_region="US")
    assert book.name_for("+14155551234") == "Dana"
    book.add("020 7946 0958", "London", default_region="gb")
    assert book.name_for("+442079460958") == "London"


@pytest.mark.parametrize("number", ["", "abc", "+1", "12", "anonymous", "+1" + "5" * 80])
def test_not_numbers(book: Contacts, number: str) -> None:
    with pytest.raises(ContactsError, match="not a phone number"):
        book.add(number, "X")
    assert normalise(number) is None
    assert book.name_for(number) is None


def test_empty_or_control_only_name_is_refused(book: Contacts) -> None:
    for name in ("", "   ", "\x1b[31m\x07"):
        with pytest.raises(ContactsError, match="name is empty"):
            book.add("+14155551234", name)
    assert not book.path.exists()


def test_name_for_unknown_shapes_never_raises(book: Contacts) -> None:
    book.add("+14155551234", "Dana")
    for caller in ("", "anonymous", "+", "\x1b[2J", "+1" * 100, "٤١٥"):
        assert book.name_for(caller) is None


def test_saved_file_is_private_toml_that_round_trips(book: Contacts) -> None:
    book.add("+14155551234", 'Dana "D" \\ Acme')
    book.add("+442079460958", "Zoë ✓")
    text = book.path.read_text()
    assert "[contacts]" in text
    assert tomllib.loads(text) == {
        "contacts": {"+14155551234": 'Dana "D" \\ Acme', "+442079460958": "Zoë ✓"}
    }
    assert book.path.stat().st_mode & 0o777 == 0o600
    again = Contacts.load(book.path)
    assert again.name_for("+14155551234") == 'Dana "D" \\ Acme'
    assert list(again) == [("+14155551234", 'Dana "D" \\ Acme'), ("+442079460958", "Zoë ✓")]


def test_hostile_names_are_cleaned(book: Contacts) -> None:
    book.add("+14155551234", "Evil\x1b]0;pwned\x07 \u202eName\nsecond line\x00")
    name = book.name_for("+14155551234")
    assert name == "Evil Name second line"
    # A hand-edited file with escapes is cleaned on load too.
    book.path.write_text('[contacts]\n"+14155550000" = "A\\u001b[2Jb"\n')
    assert Contacts.load(book.path).name_for("+14155550000") == "Ab"


def test_add_renames(book: Contacts) -> None:
    book.add("+14155551234", "Dana")
    book.add("+1 415 555 1234", "Dana Scully")
    assert len(book) == 1 and book.name_for("+14155551234") == "Dana Scully"


def test_two_writers_do_not_undo_each_other(tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    tui = Contacts.load(path)
    cli = Contacts.load(path)
    tui.add("+14155551234", "Dana")
    cli.add("+442079460958", "London")
    tui.add("+33639981234", "Paris")
    final = Contacts.load(path)
    assert len(final) == 3
    assert final.name_for("+442079460958") == "London"


def test_missing_file_is_empty(tmp_path: Path) -> None:
    book = Contacts.load(tmp_path / "nope" / "contacts.toml")
    assert len(book) == 0 and book.name_for("+14155551234") is None
    book.add("+14155551234", "Dana")  # creates the folder
    assert book.path.exists()


def test_an_empty_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    path.write_text("")
    assert len(Contacts.load(path)) == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[contacts\n", "not valid TOML"),
        ('friends = {"+14155551234" = "x"}\n', "unknown key 'friends'"),
        ('contacts = "Dana"\n', "must be a table"),
        ('[contacts]\n"Dana" = "+14155551234"\n', "'Dana' is not a phone number"),
        ('[contacts]\n"+14155551234" = 5\n', "name for '+14155551234'"),
        ('[contacts]\n"+14155551234" = ""\n', "non-empty string"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "contacts.toml"
    path.write_text(text)
    with pytest.raises(ContactsError) as caught:
        Contacts.load(path)
    message = str(caught.value)
    assert words in message and str(path) in message
    assert "\n" not in message


def test_a_bad_file_is_not_overwritten_by_add(tmp_path: Path) -> None:
    path = tmp_path / "contacts.toml"
    book = Contacts.load(path)
    path.write_text("[contacts\n")  # broken after it was loaded
    with pytest.raises(ContactsError):
        book.add("+14155551234", "Dana")
    assert path.read_text() == "[contacts\n"


def test_unwritable_location_is_a_contacts_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    book = Contacts.load(folder / "contacts.toml")
    folder.write_text("")  # a file where the folder should be (root can write anywhere else)
    with pytest.raises(ContactsError, match="cannot"):
        book.add("+14155551234", "Dana")


def test_canonical_callers_are_looked_up_without_parsing(
    book: Contacts, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The list shows thousands of rows: E.164 callers (what the API sends) must not be parsed.
    book.add("+14155551234", "Dana")
    import vm_tui.contacts as module

    def no_parsing(number: str, default_region: str | None = None) -> str | None:
        raise AssertionError(f"parsed {number!r}")

    monkeypatch.setattr(module, "normalise", no_parsing)
    assert book.name_for("+14155551234") == "Dana"
    assert book.name_for("+14155559999") is None
