"""vCard and CSV imports, including the shapes real exports have."""

from __future__ import annotations

from pathlib import Path

import pytest

from vm_tui.contacts import Contacts, ContactsError


@pytest.fixture
def book(tmp_path: Path) -> Contacts:
    return Contacts.load(tmp_path / "contacts.toml")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


VCARD = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Scully;Dana;Katherine;;\r\n"
    "FN:Dana Scully\\, FBI\r\n"
    "TEL;TYPE=CELL:+1 415-555-1234\r\n"
    "item1.TEL;TYPE=WORK:+1 (202) 555-0100\r\n"
    "item1.X-ABLabel:work\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:4.0\r\n"
    "FN:A very long name that the\r\n"
    "  exporter folded\r\n"
    "TEL;VALUE=uri;TYPE=voice:tel:+44-20-7946-0958;ext=12\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;=C3=89lodie;;;\r\n"
    "TEL;CELL:+33 6 39 98 12 34\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "ORG:Acme Corp;Support\r\n"
    "TEL:+1 408 555 0199\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:No Phone\r\n"
    "EMAIL:x@example.com\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Local Only\r\n"
    "TEL:(650) 555-0111\r\n"
    "END:VCARD\r\n"
)


def test_vcard_import(book: Contacts, tmp_path: Path) -> None:
    count = book.import_vcard(write(tmp_path, "all.vcf", VCARD))
    assert count == 5
    assert book.name_for("+14155551234") == "Dana Scully, FBI"
    assert book.name_for("+12025550100") == "Dana Scully, FBI"
    assert book.name_for("+442079460958") == "A very long name that the exporter folded"
    assert book.name_for("+33639981234") == "Élodie"
    assert book.name_for("+14085550199") == "Acme Corp Support"
    assert book.name_for("+16505550111") is None  # no country code, no region
    assert book.skipped == ["Local Only (650) 555-0111"]
    assert len(Contacts.load(book.path)) == 5  # saved


def test_vcard_import_with_a_region(book: Contacts, tmp_path: Path) -> None:
    count = book.import_vcard(write(tmp_path, "all.vcf", VCARD), default_region="US")
    assert count == 6
    assert book.name_for("+16505550111") == "Local Only"
    assert book.skipped == []


def test_vcard_lf_line_endings_and_hostile_names(book: Contacts, tmp_path: Path) -> None:
    text = "BEGIN:VCARD\nFN:Mallory\x1b]52;c;ZXZpbA==\x07 \\nNext\nTEL:+14155551234\nEND:VCARD\n"
    assert book.import_vcard(write(tmp_path, "m.vcf", text)) == 1
    assert book.name_for("+14155551234") == "Mallory Next"


def test_csv_with_a_header(book: Contacts, tmp_path: Path) -> None:
    text = 'name,number\nDana (Acme),+1 415-555-1234\n"Smith, John",+442079460958\nbad,nope\n'
    assert book.import_csv(write(tmp_path, "c.csv", text)) == 2
    assert book.name_for("+14155551234") == "Dana (Acme)"
    assert book.name_for("+442079460958") == "Smith, John"
    assert book.skipped == ["bad nope"]


def test_csv_without_a_header_either_order(book: Contacts, tmp_path: Path) -> None:
    text = "Dana,+14155551234\n+442079460958,London office\n"
    assert book.import_csv(write(tmp_path, "c.csv", text)) == 2
    assert book.name_for("+442079460958") == "London office"


def test_csv_google_export(book: Contacts, tmp_path: Path) -> None:
    text = (
        "First Name,Middle Name,Last Name,Organization Name,Phone 1 - Label,Phone 1 - Value,"
        "Phone 2 - Label,Phone 2 - Value\n"
        "Dana,K,Scully,FBI,Mobile,+1 415-555-1234 ::: +1 415-555-9999,Work,+12025550100\n"
        ",,,Acme,Work,+14085550199,,\n"
    )
    assert book.import_csv(write(tmp_path, "google.csv", text)) == 4
    assert book.name_for("+14155559999") == "Dana K Scully"
    assert book.name_for("+12025550100") == "Dana K Scully"
    assert book.name_for("+14085550199") == "Acme"


def test_csv_outlook_export_with_bom_and_cp1252(book: Contacts, tmp_path: Path) -> None:
    header = "First Name,Last Name,Company,Business Phone,Business Fax,Mobile Phone\n"
    row = "Zoë,Ångström,,+44 20 7946 0958,+44 20 7946 0000,\n"
    assert book.import_csv(write(tmp_path, "o.csv", "\ufeff" + header + row)) == 1
    assert book.name_for("+442079460958") == "Zoë Ångström"
    assert book.name_for("+442079460000") is None  # faxes don't leave voicemail
    other = Contacts.load(book.path.parent / "other.toml")
    assert other.import_csv(write(tmp_path, "o2.csv", header + row, "cp1252")) == 1
    assert other.name_for("+442079460958") == "Zoë Ångström"


def test_import_merges_with_what_is_there(book: Contacts, tmp_path: Path) -> None:
    book.add("+14155551234", "Old name")
    book.add("+33639981234", "Paris")
    book.import_csv(write(tmp_path, "c.csv", "name,phone\nNew name,+14155551234\n"))
    assert book.name_for("+14155551234") == "New name"
    assert book.name_for("+33639981234") == "Paris"


def test_nothing_usable_writes_nothing(book: Contacts, tmp_path: Path) -> None:
    assert book.import_csv(write(tmp_path, "c.csv", "just,words\n")) == 0
    assert book.import_vcard(write(tmp_path, "e.vcf", "")) == 0
    assert not book.path.exists()


def test_unreadable_import_file(book: Contacts, tmp_path: Path) -> None:
    with pytest.raises(ContactsError, match="cannot read"):
        book.import_csv(tmp_path / "missing.csv")
