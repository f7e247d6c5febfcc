"""What a download run is asked to do: the folder, the files, their names,
tags, concurrency and the transfer's settings; and the callables the
manager is given to fetch a task and to look up an earlier download."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.assets import DEFAULT_ASSETS, check_assets
from suno_tui.downloads.naming import DEFAULT_TEMPLATE, check_template
from suno_tui.downloads.transfer.writer_config import WriterConfig
from suno_tui.relay.models import Task

if TYPE_CHECKING:
    import ssl

    from suno_tui.downloads.existing import KnownDownload

__all__ = ["DownloadOptions", "FetchTask", "LookupCallback"]

FetchTask = Callable[[str], Awaitable[Task]]
#: lookup(task_id, clip_id, asset) -> what the store recorded, or None
LookupCallback = Callable[[str, str, str], "KnownDownload | None"]


@dataclass(frozen=True, slots=True)
class DownloadOptions:
    """Where and what the download manager saves, and how."""

    directory: Path
    assets: tuple[str, ...] = DEFAULT_ASSETS
    template: str = DEFAULT_TEMPLATE
    tag_mp3: bool = True
    artist: str | None = None
    concurrency: int = 3
    timeout: float = 30.0
    verify: bool | str | ssl.SSLContext = True
    #: a Task handed to submit() younger than this is not fetched again
    link_max_age: float = 60.0
    writer: WriterConfig = field(default_factory=WriterConfig)
    #: only these clips' files (the monitor's ``W`` and ``L``); () every clip
    clips: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "assets", check_assets(self.assets))
        check_template(self.template)
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
