"""How the monitor tells news: toasts, the bell, terminal notifications, the event log."""
