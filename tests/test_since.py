"""``--since`` (issue #21 item 7): a date obeys the same 400-day rule as a
span, and a date too old for the calendar is a usage error, not a traceback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from suno_tui.cli import main
from suno_tui.cli.since import SinceError, parse_since

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01",  # local midnight of year 1 cannot even be turned into UTC
        "0001-01-02",
        "0001-01-01T00:00+00:00",
        "1970-01-01",
        "2025-10-01",  # 431 days before NOW
        (NOW - timedelta(days=400, seconds=1)).isoformat(),
        "401d",
    ],
)
def test_anything_further_back_than_400_days_is_refused(text: str) -> None:
    with pytest.raises(SinceError, match="more than 400 days"):
        parse_since(text, NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ((NOW - timedelta(days=400)).isoformat(), NOW - timedelta(days=400)),
        ("2026-12-01T00:00+00:00", datetime(2026, 12, 1, tzinfo=UTC)),
        ("400d", NOW - timedelta(days=400)),
        ("2h", NOW - timedelta(hours=2)),
    ],
)
def test_what_the_window_allows_is_read(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("argv", [["tasks"], ["--account"]], ids=["tasks", "monitor"])
@pytest.mark.parametrize("date", ["0001-01-01", "0001-01-02"])
def test_the_commands_say_so_with_exit_2(
    argv: list[str], date: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*argv, "--since", date])
    _, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in err
    assert f"--since '{date}' reaches back more than 400 days" in err
