"""suno-tui: a terminal monitor for Suno generation jobs run through API gateways."""

__version__ = "0.1.0"
