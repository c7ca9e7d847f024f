"""Textual only: the app, its screens and widgets, one app.tcss."""
