"""`contacts add/list/import`, and contact names next to callers in list, show and --json."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

from tests.cli.cli_helpers import cli_env, run_cli
from vm_tui.demo import DemoServer

DANA = "+14085550199"  # a caller in the demo inbox


def env_for(tmp_path: Path, server: DemoServer | None = None) -> dict[str, str]:
    return cli_env(
        server,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        VM_TUI_CONFIG=str(tmp_path / "config.toml"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )


def book_path(tmp_path: Path) -> Path:
    return tmp_path / "xdg" / "vm-tui" / "contacts.toml"


def test_add_and_list(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    empty = run_cli("contacts", "list", env=env)
    assert empty.code == 0 and empty.out == b""
    assert "No contacts yet" in empty.stderr

    added = run_cli("contacts", "add", "+1 408-555-0199", "Dana (Acme)", env=env)
    assert added.code == 0, added.stderr
    path = book_path(tmp_path)
    assert added.err_lines == [f"Added Dana (Acme) +1 408-555-0199 to {path}."]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text()) == {"contacts": {DANA: "Dana (Acme)"}}

    national = run_cli("contacts", "add", "020 7946 0958", "London", "--region", "GB", env=env)
    assert national.code == 0, national.stderr

    listed = run_cli("contacts", "list", env=env)
    assert listed.stdout.splitlines() == [
        "+1 408-555-0199   Dana (Acme)",
        "+44 20 7946 0958  London",
    ]
    as_json = json.loads(run_cli("contacts", "list", "--json", env=env).out)
    assert as_json == {
        "contacts": [
            {"number": DANA, "name": "Dana (Acme)"},
            {"number": "+442079460958", "name": "London"},
        ]
    }


def test_add_rejects_what_is_not_a_number(tmp_path: Path) -> None:
    result = run_cli("contacts", "add", "Dana", "+14085550199", env=env_for(tmp_path))
    assert result.code == 1
    assert "'Dana' is not a phone number" in result.one_error_line()
    assert not book_path(tmp_path).exists()


def test_names_are_shown_next_to_callers(shared_server: DemoServer, tmp_path: Path) -> None:
    env = env_for(tmp_path, shared_server)
    assert run_cli("contacts", "add", DANA, "Dana (Acme)", env=env).code == 0
    vm = next(vm for vm in shared_server.voicemails() if vm["from"] == DANA)
    other = next(vm for vm in shared_server.voicemails() if vm["from"] != DANA)

    table = run_cli("list", env=env)
    assert table.code == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if vm["id"] in line)
    assert "Dana (Acme) +1 408-555-0199" in row

    listing = json.loads(run_cli("list", "--json", "--unlistened", env=env).out)
    by_id = {item["id"]: item for item in listing["voicemails"]}
    assert by_id[vm["id"]]["caller_name"] == "Dana (Acme)"
    assert by_id[vm["id"]]["from"] == DANA  # the number itself is unchanged
    assert all(
        item["caller_name"] is None for item in listing["voicemails"] if item["from"] != DANA
    )

    shown = run_cli("show", vm["id"], env=env)
    assert "From:      Dana (Acme) +1 408-555-0199" in shown.stdout.splitlines()
    assert json.loads(run_cli("show", vm["id"], "--json", env=env).out)["caller_name"] == (
        "Dana (Acme)"
    )
    assert json.loads(run_cli("show", other["id"], "--json", env=env).out)["caller_name"] is None


def test_contacts_file_from_the_config(shared_server: DemoServer, tmp_path: Path) -> None:
    env = env_for(tmp_path, shared_server)
    (tmp_path / "config.toml").write_text('contacts_file = "book.toml"\n')
    assert run_cli("contacts", "add", DANA, "From config", env=env).code == 0
    assert (tmp_path / "book.toml").exists()
    assert not book_path(tmp_path).exists()
    assert "From config +1 408-555-0199" in run_cli("list", env=env).stdout


def test_hostile_names_never_reach_the_terminal(shared_server: DemoServer, tmp_path: Path) -> None:
    env = env_for(tmp_path, shared_server)
    path = book_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(f'[contacts]\n"{DANA}" = "Da\\u001b]0;x\\u0007na\\u001b[2J"\n')
    for args in (("list",), ("contacts", "list")):
        result = run_cli(*args, env=env)
        assert result.code == 0, result.stderr
        assert b"\x1b" not in result.out and b"\x07" not in result.out
        assert "Dana" in result.stdout


def test_a_broken_contacts_file_is_a_warning_for_list(
    shared_server: DemoServer, tmp_path: Path
) -> None:
    env = env_for(tmp_path, shared_server)
    path = book_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("[contacts\n")

    listing = run_cli("list", "--json", env=env)
    assert listing.code == 0
    assert json.loads(listing.out)["voicemails"]
    warning = listing.one_error_line()
    assert warning.startswith("vm-tui: warning: contacts file ")
    assert "not valid TOML" in warning

    managing = run_cli("contacts", "add", DANA, "Dana", env=env)
    assert managing.code == 1
    assert "not valid TOML" in managing.one_error_line()
    assert path.read_text() == "[contacts\n"


def test_import_vcard_and_csv(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    vcf = tmp_path / "export.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Dana Scully\nTEL:+1 408-555-0199\nTEL:(415) 555-1234\n"
        "END:VCARD\n"
    )
    result = run_cli("contacts", "import", str(vcf), env=env)
    assert result.code == 0, result.stderr
    assert result.err_lines[0] == f"Imported 1 numbers from {vcf} into {book_path(tmp_path)}."
    assert "skipped 1 entries" in result.err_lines[1]
    assert "--region" in result.err_lines[1]

    with_region = run_cli("contacts", "import", str(vcf), "--region", "US", env=env)
    assert with_region.code == 0
    assert with_region.err_lines == [f"Imported 2 numbers from {vcf} into {book_path(tmp_path)}."]

    csv = tmp_path / "people.csv"
    csv.write_text("name,number\nLondon office,+44 20 7946 0958\n")
    assert run_cli("contacts", "import", str(csv), env=env).code == 0
    listed = run_cli("contacts", "list", "--json", env=env)
    assert {c["number"] for c in json.loads(listed.out)["contacts"]} == {
        DANA,
        "+14155551234",
        "+442079460958",
    }


def test_import_errors(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    other = tmp_path / "people.txt"
    other.write_text("x")
    wrong_kind = run_cli("contacts", "import", str(other), env=env)
    assert wrong_kind.code == 2
    assert ".vcf or .csv" in wrong_kind.stderr

    missing = run_cli("contacts", "import", str(tmp_path / "none.csv"), env=env)
    assert missing.code == 1
    assert "cannot read" in missing.one_error_line()

    useless = tmp_path / "useless.csv"
    useless.write_text("just,words\n")
    nothing = run_cli("contacts", "import", str(useless), env=env)
    assert nothing.code == 1
    assert "Imported 0 numbers" in nothing.stderr
    assert not book_path(tmp_path).exists()
