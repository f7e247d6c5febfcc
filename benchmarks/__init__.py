"""Benchmarks for the figures of issue #7: ``python -m benchmarks``."""
