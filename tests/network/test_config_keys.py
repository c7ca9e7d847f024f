"""The config file's ``proxy`` and ``ca_bundle``: checked, resolved, and second to the env."""

from __future__ import annotations

from pathlib import Path

import pytest

from vm_tui.local.config import ConfigFileError, Settings, load_file, load_settings, network_config

PROXY = "http://proxy.corp:3128"


def config(folder: Path, text: str, mode: int = 0o600) -> Path:
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_both_keys_are_read(tmp_path: Path) -> None:
    path = config(tmp_path, f'proxy = " {PROXY} "\nca_bundle = "/etc/company/ca.pem"\n')
    settings = load_settings(environ={}, path=path)
    assert settings.proxy == PROXY
    assert settings.ca_bundle == "/etc/company/ca.pem"
    hash(settings)


def test_a_relative_ca_bundle_is_next_to_the_config_and_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    relative = load_settings(environ={}, path=config(folder, 'ca_bundle = "certs/ca.pem"\n'))
    assert relative.ca_bundle == str(folder / "certs" / "ca.pem")
    monkeypatch.setenv("HOME", str(tmp_path))
    home = load_settings(environ={}, path=config(folder, 'ca_bundle = "~/ca.pem"\n'))
    assert home.ca_bundle == str(tmp_path / "ca.pem")


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("proxy = 3128", "proxy", "string"),
        ('proxy = ""', "proxy", "not a valid proxy URL"),
        ('proxy = "socks5://proxy.corp:1080"', "proxy", "socks5:// proxies are not supported"),
        ('proxy = "http://proxy.corp:notaport"', "proxy", "not a valid proxy URL"),
        ("ca_bundle = true", "ca_bundle", "string"),
        ('ca_bundle = " "', "ca_bundle", "empty"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, line: str, key: str, words: str) -> None:
    path = config(tmp_path, line + "\n")
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert f"'{key}'" in message and words in message and str(path) in message
    assert "\n" not in message


def test_a_bad_proxy_message_never_shows_its_password(tmp_path: Path) -> None:
    path = config(tmp_path, 'proxy = "ftp://alice:s3cret@proxy.corp"\n')
    with pytest.raises(ConfigFileError) as caught:
        load_file(path)
    assert "s3cret" not in str(caught.value)


def test_a_proxy_password_needs_a_private_file(tmp_path: Path) -> None:
    loose = config(tmp_path, 'proxy = "http://alice:s3cret@proxy.corp:3128"\n', mode=0o644)
    with pytest.raises(ConfigFileError) as caught:
        load_file(loose)
    assert str(caught.value).startswith(f"{loose} holds a proxy password but is readable by others")
    assert "s3cret" not in str(caught.value)
    loose.chmod(0o600)
    assert load_file(loose)["proxy"].endswith("@proxy.corp:3128")
    # No password, no secret: any mode will do.
    assert load_file(config(tmp_path, f'proxy = "{PROXY}"\n', mode=0o644)) == {"proxy": PROXY}


def test_the_settings_repr_masks_the_proxy_password() -> None:
    settings = Settings(proxy="http://alice:s3cret@proxy.corp:3128")
    assert "s3cret" not in repr(settings)
    assert "alice:***@proxy.corp:3128" in repr(settings)


def test_network_config_puts_the_environment_first() -> None:
    settings = Settings(proxy=PROXY, ca_bundle="/etc/company/ca.pem")
    alone = network_config(settings, {})
    assert alone.proxy_for("https://app.phone.inc/api/v1") == PROXY
    assert alone.ca_bundle == "/etc/company/ca.pem"
    env = network_config(settings, {"HTTPS_PROXY": "http://env.corp:8080"})
    assert env.proxy_for("https://app.phone.inc/api/v1") == "http://env.corp:8080"
    bypassed = network_config(settings, {"NO_PROXY": "phone.inc"})
    assert bypassed.proxy_for("https://app.phone.inc/api/v1") is None
    assert network_config(Settings(), {}).proxy_for("https://app.phone.inc/api/v1") is None
