"""What each gateway does not offer, remembered in the state file.

A clip action (concat, WAV, timed lyrics...) that a gateway answered it does
not have (stock new-api's ``invalid_action``, a route it lacks) is marked
here under the gateway's base URL, so that the next attempt is refused
locally, without a request that may be billed. Nothing is ever probed: a
mark comes only from an answer to a request the person asked for.
"""

from __future__ import annotations

from datetime import datetime

from suno_tui.tracking.store_connection import StateConnection
from suno_tui.tracking.store_rows import to_micros

__all__ = ["GatewayOffers", "gateway_key"]


def gateway_key(base_url: str) -> str:
    """The base URL as remembered: no trailing slash, scheme and host in lower case."""
    url = base_url.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


class GatewayOffers:
    """The ``not_offered`` table of one open state file."""

    def __init__(self, state: StateConnection) -> None:
        self._state = state

    def not_offered(self, base_url: str) -> dict[str, str]:
        """{action: detail} of what the gateway at ``base_url`` said it does not offer."""
        rows = self._state.read(
            "SELECT action, detail FROM not_offered WHERE base_url = ?", (gateway_key(base_url),)
        )
        return {str(action): str(detail) for action, detail in rows}

    def offers(self, base_url: str, action: str) -> bool:
        """False once the gateway said it does not offer ``action``."""
        return action not in self.not_offered(base_url)

    def mark_not_offered(self, base_url: str, action: str, detail: str, when: datetime) -> bool:
        """Remember that ``base_url`` does not offer ``action``; True if it was not known."""
        with self._state.write("cannot remember what the gateway offers") as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO not_offered (base_url, action, detail, at) "
                "VALUES (?, ?, ?, ?)",
                (gateway_key(base_url), action, detail, to_micros(when)),
            )
            return cursor.rowcount > 0
