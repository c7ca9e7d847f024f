"""Point ALSA's default device of a *subprocess* at files, to test real playback without a card.

ALSA reads its configuration once per process, so this only works for a process started with
the returned environment. Stdlib only; any test can use it, e.g.::

    from tests.audio.alsa_capture import alsa_capture_env

    env, out = alsa_capture_env(tmp_path)
    subprocess.run([sys.executable, "-m", "vm_tui", "play", "ID"], env=env, check=True)
    assert out.read_bytes() == expected_pcm.data

The environment sets only ``ALSA_CONFIG_PATH`` (the system ``alsa.conf`` followed by ours, so
our ``pcm.!default`` wins) and ``PYTHONPATH`` (so the child imports this checkout's ``vm_tui``);
HOME and XDG_CONFIG_HOME are left alone. ``~/.asoundrc`` and ``$XDG_CONFIG_HOME/alsa/asoundrc``
work as well on this machine, but would also move the app's own config directory.

The ``file`` plugin writes exactly the bytes handed to ``snd_pcm_writei`` and its ``null`` slave
consumes them far faster than real time (a 4 s clip "plays" in ~50 ms).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_SYSTEM_ALSA_CONF = (
    Path(os.environ.get("ALSA_CONFIG_DIR", "/usr/share/alsa")) / "alsa.conf",
    Path("/usr/share/alsa/alsa.conf"),
    Path("/usr/local/share/alsa/alsa.conf"),
)
# A PCM name no ALSA config defines: opening it fails and ALSA logs "Unknown PCM ..." to stderr.
NO_SUCH_PCM = "vm_tui_test_no_such_device"


def alsa_capture_env(
    directory: Path,
    *,
    each_play_separately: bool = False,
    base_env: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], Path]:
    """Return ``(env, out)``: in a process run with ``env``, playback lands in ``out``.

    Every open of the device truncates ``out``, so it holds the *last* play only (a seek or a
    speed change restarts playback). With ``each_play_separately`` ALSA instead writes the 2nd,
    3rd... play to ``out.0001``, ``out.0002``...: read them in order with :func:`captured_plays`.
    """
    out = directory / "alsa-out.raw"
    truncate = "" if not each_play_separately else " truncate false"
    conf = f'pcm.!default {{ type file slave.pcm "null" file "{out}" format "raw"{truncate} }}\n'
    return _env_with_conf(directory / "asound-capture.conf", conf, base_env), out


def alsa_no_device_env(
    directory: Path, *, base_env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Env in which opening ALSA's default device fails (and ALSA would complain on stderr)."""
    conf = f'pcm.!default {{ type plug slave.pcm "{NO_SUCH_PCM}" }}\n'
    return _env_with_conf(directory / "asound-nodevice.conf", conf, base_env)


def captured_plays(out: Path) -> list[bytes]:
    """The captured plays in order (see ``each_play_separately``)."""
    paths = [out] if out.exists() else []
    paths += sorted(out.parent.glob(out.name + ".[0-9][0-9][0-9][0-9]"))
    return [p.read_bytes() for p in paths]


def _env_with_conf(path: Path, conf: str, base_env: Mapping[str, str] | None) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(conf)
    env = dict(os.environ if base_env is None else base_env)
    env["ALSA_CONFIG_PATH"] = f"{_system_alsa_conf()}:{path}"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _system_alsa_conf() -> Path:
    for candidate in _SYSTEM_ALSA_CONF:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("alsa.conf not found: is libasound2 installed?")


def python_command(code: str, *args: str) -> list[str]:
    """``[python, -c, code, *args]`` with the interpreter running the tests."""
    return [sys.executable, "-c", code, *args]
