"""The gateway's HTTP API: tolerant models, typed errors and an async client.

This package never imports Textual; the headless commands depend on that.
"""
