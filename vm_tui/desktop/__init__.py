"""Talking to the user's desktop: their notification command, their softphone (call back)."""
