"""Build submit requests for the gateway (music or lyrics), validated before
anything is sent: a bad request that reaches the gateway may still cost money.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SubmitError(ValueError):
    """The request is incomplete or contradictory; nothing was sent."""


@dataclass(frozen=True)
class MusicRequest:
    """``POST /suno/submit/music``. ``lyrics`` is the prompt of custom mode;
    ``description`` (gpt_description_prompt) lets the gateway write them."""

    lyrics: str = ""
    description: str = ""
    title: str = ""
    tags: str = ""
    model: str = ""
    instrumental: bool = False
    continue_clip_id: str = ""
    continue_at: float | None = None

    def validate(self) -> None:
        if not (self.lyrics.strip() or self.description.strip() or self.instrumental):
            raise SubmitError(
                "a music job needs lyrics (--prompt/--lyrics), a --description, or --instrumental"
            )
        if self.lyrics.strip() and self.description.strip():
            raise SubmitError("give either lyrics (custom mode) or a description, not both")
        if (self.continue_at is None) != (not self.continue_clip_id):
            raise SubmitError("--continue-clip and --continue-at go together")
        if self.continue_at is not None and self.continue_at < 0:
            raise SubmitError("--continue-at must be a number of seconds >= 0")

    def payload(self) -> dict[str, Any]:
        """The JSON body: only the fields that were given."""
        self.validate()
        body: dict[str, Any] = {}
        if self.lyrics.strip():
            body["prompt"] = self.lyrics
        if self.description.strip():
            body["gpt_description_prompt"] = self.description
        if self.title:
            body["title"] = self.title
        if self.tags:
            body["tags"] = self.tags
        if self.model:
            body["mv"] = self.model
        if self.instrumental:
            body["make_instrumental"] = True
        if self.continue_clip_id:
            body["continue_clip_id"] = self.continue_clip_id
            body["continue_at"] = self.continue_at
        return body


@dataclass(frozen=True)
class LyricsRequest:
    """``POST /suno/submit/lyrics``: the gateway writes lyrics from a prompt."""

    prompt: str

    def validate(self) -> None:
        if not self.prompt.strip():
            raise SubmitError("a lyrics job needs a --prompt")
