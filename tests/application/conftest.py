"""The recordings made for the audio tests, for the library's tests."""

from tests.audio.conftest import half_hour_mp3, media_dir  # noqa: F401
