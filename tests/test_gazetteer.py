"""Cities of 15,000 people or more with no network: the clock's zone and a list's place."""

from __future__ import annotations

import pytest

from assistant.tools.clock import offline_zone
from assistant.tools.gazetteer import city, fold
from assistant.tools.weather import named_place


@pytest.mark.parametrize(("place", "zone"), [
    ("Porto", "Europe/Lisbon"),
    ("porto", "Europe/Lisbon"),  # lower case: a city of 100,000 or more
    ("in porto", "Europe/Lisbon"),
    ("Porto, Portugal", "Europe/Lisbon"),
    ("Portland", "America/Los_Angeles"),  # the most people of that name
    ("Portland, Maine", "America/New_York"),
    ("Paris, Texas", "America/Chicago"),  # a state after the name: not the bundled Paris
    ("Paris", "Europe/Paris"),
    ("springfield, IL", "America/Chicago"),
    ("São Paulo", "America/Sao_Paulo"),
    ("sao paulo", "America/Sao_Paulo"),
    ("St. Louis", "America/Chicago"),
    ("Best", "Europe/Amsterdam"),  # a town of 29,000, written as a name
    # a zone's abbreviation as the zone people mean, and short names (items-said)
    ("PST", "America/Los_Angeles"), ("EST", "America/New_York"), ("IST", "Asia/Kolkata"),
    ("AEST", "Australia/Sydney"), ("DC", "America/New_York"), ("HK", "Asia/Hong_Kong"),
    ("KL", "Asia/Kuala_Lumpur"), ("Joburg", "Africa/Johannesburg"),
])
def test_a_city_s_zone_is_known_with_no_network(place: str, zone: str) -> None:
    assert offline_zone(place) == zone


@pytest.mark.parametrize("words", ["best", "of", "time", "union", "the", "ask", "tomorrow",
                                   "the office", "home", "Narnia", "and preheat the oven"])
def test_a_word_that_names_a_small_town_or_nothing_is_no_place(words: str) -> None:
    assert offline_zone(words) is None and city(words) is None


def test_a_list_s_place_in_lower_case_is_a_place() -> None:
    """"weather in lisbon and porto": the list's second item is a place (everyday-16)."""
    assert named_place("porto") and named_place("lisbon") and not named_place("narnia")


def test_names_are_compared_without_accents_case_or_dots() -> None:
    assert fold("  São  Paulo ") == "sao paulo" == fold("SAO PAULO")
    assert fold("St. Louis") == "st louis" and fold("Winston-Salem") == "winston salem"
