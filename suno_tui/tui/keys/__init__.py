"""The one registry of key bindings, how keys are shown, the help screen's layout."""
