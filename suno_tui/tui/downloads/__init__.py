"""Downloads as a person sees them: the pane, its board, the keys, the toasts when runs end."""
