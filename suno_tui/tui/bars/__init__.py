"""The bars around the list: the top bar, the banner, the status bar."""
