"""Keep libasound's error lines off stderr: they would corrupt a full-screen terminal UI."""

from __future__ import annotations

import ctypes
import threading

# void handler(const char *file, int line, const char *func, int err, const char *fmt, ...)
# The varargs can be left out: the handler ignores them and the caller cleans the stack.
_HANDLER_TYPE = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_LIBRARY_NAMES = ("libasound.so.2", "libasound.so")

_lock = threading.Lock()
_handler: object | None = None  # module-level so ctypes' trampoline is never collected
_tried = False


def _ignore(file: bytes | None, line: int, func: bytes | None, err: int, fmt: bytes | None) -> None:
    return None


def silence_alsa_errors() -> None:
    """Install a no-op ALSA error handler, once. Does nothing where there is no libasound."""
    global _handler, _tried
    with _lock:
        if _tried:
            return
        _tried = True
        for name in _LIBRARY_NAMES:
            try:
                lib = ctypes.CDLL(name)
            except OSError:
                continue
            # The same soname resolves to the library simpleaudio is linked against.
            handler = _HANDLER_TYPE(_ignore)
            lib.snd_lib_error_set_handler.argtypes = [_HANDLER_TYPE]
            lib.snd_lib_error_set_handler.restype = ctypes.c_int
            lib.snd_lib_error_set_handler(handler)
            _handler = handler
            return


def alsa_errors_silenced() -> bool:
    return _handler is not None
