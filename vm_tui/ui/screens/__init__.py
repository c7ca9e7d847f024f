"""Screens: the inbox (and its parts), the help overlay, pickers, the no-key screen."""
