"""Weather through recorded Open-Meteo responses, and offline."""

from __future__ import annotations

import httpx
import pytest
from tools_helpers import PINNED, Recorded, call, make_ctx, offline

from assistant.tools import ErrorCode, Registry
from assistant.tools.weather import FORECAST_URL, GEOCODING_URL, WMO_CODES, describe, tools


def weather_registry(tmp_path, http_get) -> Registry:
    return Registry(tools(make_ctx(tmp_path, http_get=http_get)))


def test_current_weather_from_recorded_responses(tmp_path):
    http = Recorded()
    result = call(weather_registry(tmp_path, http), "get_weather", location="Paris")
    assert result.ok, result.message
    data = result.data
    assert data["location"] == "Paris, France"
    assert data["temperature_c"] == 12.4 and data["current_conditions"] == "overcast"
    assert data["high_c"] == 13.6 and data["low_c"] == 5.8
    assert data["summary"] == ("In Paris it's 12 degrees Celsius with overcast. "
                               "Today: high 14 degrees, low 6 degrees, with a 10% chance of rain.")
    (geo_url, geo), (fc_url, fc) = http.requests
    assert geo_url == GEOCODING_URL and geo["name"] == "Paris"
    assert fc_url == FORECAST_URL and fc["latitude"] == 48.85341 and fc["longitude"] == 2.3488
    assert fc["timezone"] == "Europe/Paris" and "current" in fc and fc["forecast_days"] == 1


@pytest.mark.parametrize(("day", "date", "conditions"), [
    ("tomorrow", "2025-03-05", "light rain"),
    ("Friday", "2025-03-07", "partly cloudy"),
    ("2025-03-10", "2025-03-10", "rain"),
])
def test_forecast_days(tmp_path, day, date, conditions):
    http = Recorded()
    result = call(weather_registry(tmp_path, http), "get_weather", location="Paris", day=day)
    assert result.ok, result.message
    assert result.data["date"] == date and result.data["conditions"] == conditions
    assert "current" not in http.requests[-1][1]
    assert result.data["summary"].endswith("Celsius, with a "
                                           f"{result.data['precipitation_chance']}% chance of rain.")


@pytest.mark.parametrize("day", ["this weekend", "the weekend", "over the weekend", "weekend"])
def test_a_weekend_is_each_of_its_days(tmp_path, day):
    http = Recorded()  # pinned on a Tuesday: Saturday the 8th and Sunday the 9th
    result = call(weather_registry(tmp_path, http), "get_weather", location="Paris", day=day)
    assert result.ok, result.message
    assert result.data["dates"] == ["2025-03-08", "2025-03-09"]
    assert [d["date"] for d in result.data["days"]] == result.data["dates"]
    assert http.requests[-1][1]["forecast_days"] == 6 and "current" not in http.requests[-1][1]
    saturday, sunday = (d["summary"] for d in result.data["days"])
    assert saturday.startswith("Saturday in Paris: ") and sunday.startswith("Sunday in Paris: ")
    assert result.data["summary"] == f"{saturday} {sunday}"


@pytest.mark.parametrize(("today", "day", "days"), [
    (4, "this weekend", (8, 9)),  # a Tuesday: the coming one
    (4, "next weekend", (8, 9)),  # as "next saturday" on a Tuesday is the coming Saturday
    (8, "this weekend", (8, 9)),  # a Saturday: the one under way
    (9, "the weekend", (9,)),  # a Sunday: what is left of it
    (9, "next weekend", (15, 16)),
    (4, "saturday", None),
])
def test_weekend_days(today, day, days):
    from datetime import datetime

    from assistant.tools.when import weekend_days

    got = weekend_days(day, datetime(2025, 3, today, 10))
    assert (tuple(d.day for d in got) if got else None) == days


@pytest.mark.parametrize(("day", "expected"), [
    ("thurs", 13), ("tues", 18), ("weds", 12), ("wed", 12),  # "wed" was next week's
    ("saturdy", 15), ("thrusday", 13), ("tonite", 12), ("this arvo", 12), ("tomorrow arvo", 13),
    ("right now", 12), ("at the moment", 12), ("tomorrow lunchtime", 13), ("fifteenth", 15),
    ("twenty-first", 21), ("thursday week", 20), ("a week on friday", 21),
    ("money", None), ("sometime soonish", None),
])
def test_days_said_loosely(day, expected):
    from datetime import datetime

    from assistant.tools.when import parse_day

    got = parse_day(day, datetime(2025, 3, 12, 10, 30))  # a Wednesday
    assert (got.day if got else None) == expected


def test_feasts_are_their_next_date_or_last_one():
    from datetime import date, datetime

    from assistant.tools.when import parse_day

    now = datetime(2025, 12, 27, 9)
    assert parse_day("christmas", now) == date(2026, 12, 25)
    assert parse_day("last christmas", now) == date(2025, 12, 25)
    assert parse_day("christmas day", now, prefer="past") == date(2025, 12, 25)
    assert parse_day("new year's eve", now) == date(2025, 12, 31)
    assert parse_day("boxing day", datetime(2025, 12, 1)) == date(2025, 12, 26)


def test_overnight_is_tonight_and_a_day_it_cannot_read_says_what_it_can(tmp_path):
    registry = weather_registry(tmp_path, Recorded())
    assert call(registry, "get_weather", location="Paris", day="overnight").data["date"] == \
        "2025-03-04"
    bad = call(registry, "get_weather", location="Paris", day="sometime soonish")
    assert bad.error == ErrorCode.INVALID_ARGUMENTS and "the weekend" in bad.message


def test_region_qualifier_picks_the_right_paris(tmp_path):
    http = Recorded()
    result = call(weather_registry(tmp_path, http), "get_weather", location="Paris, Texas",
                  day="today")
    assert result.ok, result.message
    assert result.data["location"] == "Paris, United States"
    assert result.data["conditions"] == "thunderstorms"
    assert http.requests[1][1]["timezone"] == "America/Chicago"


def test_unknown_place_is_not_found(tmp_path):
    result = call(weather_registry(tmp_path, Recorded()), "get_weather", location="Atlantis")
    assert result.error == ErrorCode.NOT_FOUND
    assert "Atlantis" in result.message


def test_offline_is_unavailable_with_a_spoken_message(tmp_path):
    result = call(weather_registry(tmp_path, offline), "get_weather", location="Paris")
    assert result.error == ErrorCode.UNAVAILABLE
    assert result.message.startswith("I can't reach the weather service right now")


def test_http_error_and_garbage_are_unavailable(tmp_path):
    def server_error(url, params):
        raise httpx.HTTPStatusError("503", request=httpx.Request("GET", url),
                                    response=httpx.Response(503))

    assert call(weather_registry(tmp_path, server_error), "get_weather",
                location="Paris").error == ErrorCode.UNAVAILABLE

    def garbage(url, params):
        return Recorded()(url, params) if url == GEOCODING_URL else {"daily": {"time": []}}

    broken = call(weather_registry(tmp_path, garbage), "get_weather", location="Paris")
    assert broken.error == ErrorCode.UNAVAILABLE and "couldn't read" in broken.message


@pytest.mark.parametrize(("day", "fragment"), [
    ("yesterday", "not past days"),
    ("2025-04-30", "16 days"),
    ("the twelfth of never", "couldn't understand"),
])
def test_bad_days(tmp_path, day, fragment):
    result = call(weather_registry(tmp_path, Recorded()), "get_weather", location="Paris", day=day)
    assert result.error == ErrorCode.INVALID_ARGUMENTS and fragment in result.message


def test_wmo_codes():
    assert describe(0) == "clear sky" and describe(95) == "thunderstorms"
    assert describe(1234) == "unknown conditions" and describe(None) == "unknown conditions"
    assert {0, 3, 45, 61, 71, 80, 95, 99} <= set(WMO_CODES)


def test_day_is_read_in_the_places_time_zone(tmp_path):
    # The day is the place's own: 23:00 in Paris is 16:00 in Chicago (Paris, Texas).
    late = PINNED.replace(hour=23)
    ctx = make_ctx(tmp_path, now=lambda: late, http_get=Recorded())
    result = call(Registry(tools(ctx)), "get_weather", location="Paris, Texas")
    assert result.ok and result.data["date"] == "2025-03-04"


def test_no_place_means_home(tmp_path):
    """"What's the weather like" is about where the user is: the home city, not a guess."""
    from dataclasses import replace

    http = Recorded()
    ctx = replace(make_ctx(tmp_path, http_get=http), home="Paris, Texas")
    result = call(Registry(tools(ctx)), "get_weather", day="today")
    assert result.ok, result.message
    assert result.data["location"] == "Paris, United States"
    assert http.requests[0][1]["name"] == "Paris"


@pytest.mark.parametrize("location", [None, "  ", "here", "Home"])
def test_no_place_and_no_home_asks_which(tmp_path, location):
    http = Recorded()
    args = {} if location is None else {"location": location}
    result = call(weather_registry(tmp_path, http), "get_weather", **args)
    assert result.error == ErrorCode.INVALID_ARGUMENTS
    assert "Which place?" in result.message and "home" in result.message
    assert http.requests == []  # nothing looked up for a place nobody named


def test_a_day_written_as_the_place_is_home_on_that_day(tmp_path):
    """"Is it cold out tomorrow?": the model put the day where the place goes."""
    from dataclasses import replace

    ctx = replace(make_ctx(tmp_path, http_get=Recorded()), home="Paris, Texas")
    result = call(Registry(tools(ctx)), "get_weather", location="tomorrow")
    assert result.ok, result.message
    assert result.data["location"] == "Paris, United States"
    assert result.data["date"] == "2025-03-05"


@pytest.mark.parametrize("day", ["morning", "in the afternoon", "later"])
def test_a_part_of_today_is_today(tmp_path, day):
    result = call(weather_registry(tmp_path, Recorded()), "get_weather", location="Paris", day=day)
    assert result.ok, result.message
    assert result.data["date"] == "2025-03-04"
