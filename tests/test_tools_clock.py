"""get_time: local, bundled cities and zones offline, geocoding online."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tools_helpers import Recorded, call, make_ctx

from assistant.tools import ErrorCode, Registry
from assistant.tools.clock import CITIES, tools

NOON_UTC = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


def clock_registry(tmp_path, http_get=None) -> Registry:
    kwargs = {"http_get": http_get} if http_get else {}
    return Registry(tools(make_ctx(tmp_path, now=lambda: NOON_UTC, **kwargs)))


def test_local_time(tmp_path):
    result = call(clock_registry(tmp_path), "get_time")
    assert result.ok
    assert result.data["summary"] == "It's 12:00 PM on Tuesday, July 1."
    assert result.data["date"] == "Tuesday, July 1, 2025"


@pytest.mark.parametrize(("location", "zone", "time", "offset"), [
    ("Tokyo", "Asia/Tokyo", "9:00 PM", "+09:00"),
    ("new york", "America/New_York", "8:00 AM", "-04:00"),  # summer time
    ("America/Chicago", "America/Chicago", "7:00 AM", "-05:00"),
    ("India", "Asia/Kolkata", "5:30 PM", "+05:30"),
    ("in London", "Europe/London", "1:00 PM", "+01:00"),
    ("Kathmandu", "Asia/Kathmandu", "5:45 PM", "+05:45"),
    ("Paris, France", "Europe/Paris", "2:00 PM", "+02:00"),
    ("UTC", "UTC", "12:00 PM", "+00:00"),
    ("Lord Howe", "Australia/Lord_Howe", "10:30 PM", "+10:30"),  # any IANA city, offline
])
def test_places_offline(tmp_path, location, zone, time, offset):
    result = call(clock_registry(tmp_path), "get_time", location=location)  # offline context
    assert result.ok, result.message
    assert (result.data["timezone"], result.data["time"], result.data["utc_offset"]) == (zone, time,
                                                                                        offset)


def test_tokyo_date_rolls_over(tmp_path):
    registry = Registry(tools(make_ctx(tmp_path, now=lambda: datetime(2025, 7, 1, 20, 0, tzinfo=UTC))))
    result = call(registry, "get_time", location="Tokyo")
    assert result.data["summary"] == "It's 5:00 AM on Wednesday, July 2 in Tokyo."


def test_unknown_place_offline_is_not_found(tmp_path):
    result = call(clock_registry(tmp_path), "get_time", location="Narnia")
    assert result.error == ErrorCode.NOT_FOUND
    assert "offline" in result.message


def test_unknown_place_online_uses_geocoding(tmp_path, monkeypatch):
    from assistant.tools import gazetteer

    monkeypatch.setattr(gazetteer, "city", lambda place: None)  # as if no table knew it
    http = Recorded()
    result = call(clock_registry(tmp_path, http), "get_time", location="Springfield")
    assert result.ok and result.data["timezone"] == "America/Chicago"
    assert result.data["time"] == "7:00 AM"
    assert [params["name"] for _, params in http.requests] == ["Springfield"]
    missing = call(clock_registry(tmp_path, http), "get_time", location="Narnia")
    assert missing.error == ErrorCode.NOT_FOUND and "offline" not in missing.message


def test_bundled_cities_are_real_zones():
    from zoneinfo import ZoneInfo

    for city, zone in CITIES.items():
        assert ZoneInfo(zone), city
