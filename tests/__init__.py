"""Tests of suno-tui."""
