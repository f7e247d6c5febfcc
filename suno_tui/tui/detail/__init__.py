"""The detail of one task: its view, its document, its cover, its screen,
and which task the person is looking at."""
