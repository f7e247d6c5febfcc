"""Reliability and security tests (issue #8): fuzzing, crash safety,
terminal safety of the headless outputs, secrets and transport."""
