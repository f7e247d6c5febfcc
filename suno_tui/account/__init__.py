"""Account mode without a user interface: finding the account's tasks and
pacing the requests that do it (the engine composes these; nothing here
imports Textual)."""
