"""The task list and what acts on it: its rows, their order, loading, retry,
the filter line, editing the watch list, and tasks found in the account."""
