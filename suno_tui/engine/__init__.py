"""The engine: the one place that composes the domain (clients per profile,
tracker and poller, downloads, hooks, watch-list edits, submit) for both
front ends. Nothing here imports Textual or argparse."""
