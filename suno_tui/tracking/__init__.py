"""The domain of watching tasks: what is watched, the polling schedule,
transitions, progress estimates and persistence. Never imports Textual."""
