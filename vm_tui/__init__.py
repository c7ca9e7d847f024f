"""vm-tui: a live terminal inbox for Phone.inc voicemails."""

__version__ = "0.1.0"
