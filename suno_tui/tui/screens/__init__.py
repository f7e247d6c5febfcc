"""Screens and dialogs of the monitor."""
