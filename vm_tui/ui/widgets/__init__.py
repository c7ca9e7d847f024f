"""Widgets: the list, the detail pane, the player bar, the header, the key bar."""
