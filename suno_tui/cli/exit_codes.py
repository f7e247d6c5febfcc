"""Exit codes shared by every headless command (documented in the README)."""

OK = 0
TASK_FAILED = 1  # a watched task failed or was not found
USAGE = 2  # bad arguments, bad ids, bad config
AUTH = 3  # the gateway refused the token (or, for account commands, the access token)
UNREACHABLE = 4  # network or gateway failure, malformed answers, timeouts
NOT_SUPPORTED = 5  # the gateway has no such endpoint (tasks, balance)
INTERRUPTED = 130  # Ctrl-C
CLOSED_PIPE = 141  # the output pipe was closed (128 + SIGPIPE, as the shell reports it)
