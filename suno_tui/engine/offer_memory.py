"""What a gateway does not offer: a WAV or timed lyrics asked of a gateway
(downloads), and an extend or concat (engine/clip_commands.py), go through
one :class:`OfferMemory` per engine.

- The first refusal of the action itself (``ActionNotOffered``: no such
  route, ``invalid_action``) is written to the state file under the
  gateway's base URL (tracking/offers.py), and said once: "this gateway does
  not offer WAV (...); remembered: it will not be asked again".
- Later asks of that gateway are refused here, without a request (these
  calls may be billed): "this gateway does not offer WAV (it said so before;
  nothing was sent)". The download skips that file and carries on.
- Until one answer shows that a gateway has the action, its asks go one at
  a time, so the clips of one run do not each find out with a request of
  their own. Nothing is ever asked that the person did not ask for.

A refusal of one clip (``ActionRefused``: not finished, unknown) says the
gateway has the action: it is not remembered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from suno_tui.relay.action_errors import ActionNotOffered, ActionRefused, ClipAction
from suno_tui.safe_text import clean_line
from suno_tui.tracking.offers import GatewayOffers, gateway_key
from suno_tui.tracking.store import StoreError

if TYPE_CHECKING:  # the relay client loads with the first download
    from suno_tui.relay.clip_actions import ClipActions
    from suno_tui.relay.clip_answers import FileAnswer, TimingAnswer

__all__ = ["REMEMBERED", "OfferMemory", "RememberingActions"]

#: why a request was not sent (the same words as engine/clip_commands.py)
REMEMBERED = "it said so before; nothing was sent"
Answer = TypeVar("Answer", "FileAnswer", "TimingAnswer", str)  # str: a new task's id


class OfferMemory:
    """The "not offered" memory of one state file (None: this run only),
    read once per gateway and kept in step with what is marked here."""

    def __init__(
        self,
        offers: GatewayOffers | None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._offers = offers
        self._now = now
        self._known: dict[str, dict[str, str]] = {}  # gateway key -> {action: detail}
        self._offered: set[tuple[str, str]] = set()  # answered for this session
        self._first: dict[tuple[str, str], asyncio.Lock] = {}

    def not_offered(self, base_url: str) -> Mapping[str, str]:
        """{action: detail} the gateway at ``base_url`` said it does not offer."""
        return self._known_for(base_url)

    def _known_for(self, base_url: str) -> dict[str, str]:
        key = gateway_key(base_url)
        known = self._known.get(key)
        if known is None:
            try:
                known = self._offers.not_offered(base_url) if self._offers is not None else {}
            except StoreError:
                known = {}  # unreadable: a refusal is told again, never a request sent twice
            self._known[key] = known
        return known

    def actions(self, actions: ClipActions, base_url: str) -> RememberingActions:
        return RememberingActions(self, actions, base_url)

    async def ask(
        self, base_url: str, action: ClipAction, send: Callable[[], Awaitable[Answer]]
    ) -> Answer:
        """``send()`` unless the gateway said it does not offer ``action``."""
        self.refuse_if_known(base_url, action)
        key = (gateway_key(base_url), action.value)
        if key in self._offered:
            return await send()
        lock = self._first.setdefault(key, asyncio.Lock())
        async with lock:  # one ask at a time until the gateway shows it has the action
            self.refuse_if_known(base_url, action)
            try:
                answer = await send()
            except ActionNotOffered as error:
                raise self._mark(base_url, action, error) from None
            except ActionRefused:
                self._offered.add(key)  # it has the action; this clip was refused
                raise
            self._offered.add(key)
            return answer

    def refuse_if_known(self, base_url: str, action: ClipAction) -> None:
        """ActionNotOffered, without a request, where the gateway said so before."""
        if action.value in self.not_offered(base_url):
            raise ActionNotOffered(action, REMEMBERED)

    def _mark(self, base_url: str, action: ClipAction, error: ActionNotOffered) -> ActionNotOffered:
        detail = clean_line(error.detail)
        self._known_for(base_url)[action.value] = detail  # this session, whatever happens
        words = f"{detail}; remembered: it will not be asked again"
        if self._offers is not None:
            try:
                self._offers.mark_not_offered(base_url, action.value, detail, self._now())
            except StoreError as problem:  # the state file's trouble: this session only
                words = f"{detail}; not remembered: {clean_line(str(problem))}"
        return ActionNotOffered(action, words.lstrip("; "))


class RememberingActions:
    """A gateway's WAV and timing routes behind the memory
    (``downloads.act_files.ClipActionsLike``)."""

    def __init__(self, memory: OfferMemory, actions: ClipActions, base_url: str) -> None:
        self._memory = memory
        self._actions = actions
        self._base_url = base_url

    async def wav(self, clip_id: str) -> FileAnswer:
        return await self._memory.ask(
            self._base_url, ClipAction.WAV, lambda: self._actions.wav(clip_id)
        )

    async def timing(self, clip_id: str) -> TimingAnswer:
        return await self._memory.ask(
            self._base_url, ClipAction.TIMING, lambda: self._actions.timing(clip_id)
        )
