"""Timestamps in seconds or milliseconds, ISO strings with or without a zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from suno_tui.relay.timestamps import from_epoch, from_iso, to_iso

NEW_YEAR_2026 = datetime(2026, 1, 1, tzinfo=UTC)
SECONDS_2026 = 1_767_225_600


class TestFromEpoch:
    @pytest.mark.parametrize(
        "value",
        [SECONDS_2026, float(SECONDS_2026), str(SECONDS_2026), f" {SECONDS_2026} ", "1767225600.0"],
    )
    def test_seconds_in_any_numeric_form(self, value: object) -> None:
        assert from_epoch(value) == NEW_YEAR_2026

    @pytest.mark.parametrize("value", [SECONDS_2026 * 1000, str(SECONDS_2026 * 1000)])
    def test_milliseconds(self, value: object) -> None:
        assert from_epoch(value) == NEW_YEAR_2026

    def test_milliseconds_keep_the_fraction(self) -> None:
        assert from_epoch(SECONDS_2026 * 1000 + 250) == NEW_YEAR_2026 + timedelta(milliseconds=250)

    def test_result_is_aware_utc(self) -> None:
        result = from_epoch(SECONDS_2026)
        assert result is not None
        assert result.tzinfo is UTC
        assert result.utcoffset() == timedelta(0)

    def test_just_above_the_threshold_is_milliseconds(self) -> None:
        # 1e12 ms is 2001-09-09T01:46:40Z
        assert from_epoch(10**12 + 1) == datetime(2001, 9, 9, 1, 46, 40, 1000, tzinfo=UTC)

    def test_the_threshold_itself_is_seconds_and_absurd(self) -> None:
        # docs/gateway.md: above 10^12 is milliseconds; 1e12 s is the year 33658
        assert from_epoch(10**12) is None
        assert from_epoch(1e12) is None

    def test_range_edges(self) -> None:
        assert from_epoch(946_684_800) == datetime(2000, 1, 1, tzinfo=UTC)
        assert from_epoch(946_684_799) is None
        assert from_epoch(7_258_118_400) == datetime(2200, 1, 1, tzinfo=UTC)
        assert from_epoch(7_258_118_401) is None

    @pytest.mark.parametrize(
        "value",
        [
            None,
            0,
            0.0,
            "0",
            -1,
            -SECONDS_2026,
            "-1767225600",
            1,  # 1970: "not known", not a real instant
            float("nan"),
            "nan",
            float("inf"),
            float("-inf"),
            "inf",
            True,
            False,
            "",
            "   ",
            "soon",
            "2026-01-01T00:00:00Z",
            [SECONDS_2026],
            {"t": SECONDS_2026},
            pytest.param(10**400, id="int-too-large-for-a-float"),
            pytest.param(-(10**400), id="negative-int-too-large"),
            10**16 * 1000,  # milliseconds, but still absurd
        ],
    )
    def test_not_known(self, value: object) -> None:
        assert from_epoch(value) is None


class TestFromIso:
    @pytest.mark.parametrize(
        "value",
        [
            "2026-01-01T00:00:07.250Z",
            "2026-01-01T00:00:07.250+00:00",
            "2026-01-01T08:00:07.250+08:00",
            "2025-12-31T19:00:07.250-05:00",
        ],
    )
    def test_with_a_zone_converted_to_utc(self, value: str) -> None:
        result = from_iso(value)
        assert result == datetime(2026, 1, 1, 0, 0, 7, 250_000, tzinfo=UTC)
        assert result is not None and result.tzinfo is UTC

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2026-01-01T00:00:07.250", datetime(2026, 1, 1, 0, 0, 7, 250_000, tzinfo=UTC)),
            ("2026-01-01 00:00:07", datetime(2026, 1, 1, 0, 0, 7, tzinfo=UTC)),
            (" 2026-01-01 00:00:07 ", datetime(2026, 1, 1, 0, 0, 7, tzinfo=UTC)),
        ],
    )
    def test_without_a_zone_is_utc(self, value: str, expected: datetime) -> None:
        result = from_iso(value)
        assert result == expected
        assert result is not None and result.tzinfo is UTC

    def test_numbers_are_epochs(self) -> None:
        assert from_iso(SECONDS_2026) == NEW_YEAR_2026
        assert from_iso(SECONDS_2026 * 1000) == NEW_YEAR_2026
        assert from_iso(0) is None

    @pytest.mark.parametrize(
        "value",
        [
            None,
            "",
            "  ",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-01-01T25:00:00",
            True,
            ["2026-01-01"],
            # in range as written, out of datetime's range once moved to UTC
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
        ],
    )
    def test_not_known(self, value: object) -> None:
        assert from_iso(value) is None


class TestToIso:
    def test_utc_with_z(self) -> None:
        assert to_iso(NEW_YEAR_2026) == "2026-01-01T00:00:00Z"

    def test_other_zones_are_converted(self) -> None:
        plus8 = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8)))
        assert to_iso(plus8) == "2026-01-01T00:00:00Z"

    def test_none(self) -> None:
        assert to_iso(None) is None

    def test_round_trip(self) -> None:
        instant = datetime(2026, 1, 1, 0, 0, 7, 250_000, tzinfo=UTC)
        assert from_iso(to_iso(instant)) == instant
