"""The time and date, here or in a city or time zone.

Offline first: IANA zone names ("Asia/Tokyo", "tokyo"), a bundled table of major cities and
single-zone countries, and every city of 15,000 people or more (`gazetteer`) work with no
network; other places fall back to Open-Meteo geocoding (which returns the place's time zone)
when online.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from assistant.tools import gazetteer
from assistant.tools.base import ErrorCode, SideEffect, Tool, ToolFailure, bind
from assistant.tools.context import ToolContext
from assistant.tools.when import local_zone, say_clock

CITIES = {
    # North America
    "new york": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York",
    "washington": "America/New_York", "miami": "America/New_York", "atlanta": "America/New_York",
    "toronto": "America/Toronto", "montreal": "America/Toronto", "chicago": "America/Chicago",
    "houston": "America/Chicago", "dallas": "America/Chicago", "austin": "America/Chicago",
    "denver": "America/Denver", "phoenix": "America/Phoenix", "los angeles": "America/Los_Angeles",
    "la": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "vancouver": "America/Vancouver",
    "las vegas": "America/Los_Angeles", "anchorage": "America/Anchorage",
    "honolulu": "Pacific/Honolulu", "mexico city": "America/Mexico_City",
    # South America
    "sao paulo": "America/Sao_Paulo", "rio de janeiro": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires", "santiago": "America/Santiago",
    "lima": "America/Lima", "bogota": "America/Bogota", "caracas": "America/Caracas",
    # Europe
    "london": "Europe/London", "dublin": "Europe/Dublin", "lisbon": "Europe/Lisbon",
    "paris": "Europe/Paris", "madrid": "Europe/Madrid", "barcelona": "Europe/Madrid",
    "berlin": "Europe/Berlin", "munich": "Europe/Berlin", "amsterdam": "Europe/Amsterdam",
    "brussels": "Europe/Brussels", "zurich": "Europe/Zurich", "geneva": "Europe/Zurich",
    "vienna": "Europe/Vienna", "rome": "Europe/Rome", "milan": "Europe/Rome",
    "stockholm": "Europe/Stockholm", "oslo": "Europe/Oslo", "copenhagen": "Europe/Copenhagen",
    "helsinki": "Europe/Helsinki", "warsaw": "Europe/Warsaw", "prague": "Europe/Prague",
    "budapest": "Europe/Budapest", "athens": "Europe/Athens", "istanbul": "Europe/Istanbul",
    "kyiv": "Europe/Kyiv", "kiev": "Europe/Kyiv", "moscow": "Europe/Moscow",
    "reykjavik": "Atlantic/Reykjavik",
    # Africa and the Middle East
    "cairo": "Africa/Cairo", "lagos": "Africa/Lagos", "nairobi": "Africa/Nairobi",
    "johannesburg": "Africa/Johannesburg", "cape town": "Africa/Johannesburg",
    "casablanca": "Africa/Casablanca", "dubai": "Asia/Dubai", "abu dhabi": "Asia/Dubai",
    "riyadh": "Asia/Riyadh", "tel aviv": "Asia/Jerusalem", "jerusalem": "Asia/Jerusalem",
    "tehran": "Asia/Tehran", "doha": "Asia/Qatar",
    # Asia and Oceania
    "karachi": "Asia/Karachi", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "kolkata": "Asia/Kolkata", "dhaka": "Asia/Dhaka", "kathmandu": "Asia/Kathmandu",
    "bangkok": "Asia/Bangkok", "jakarta": "Asia/Jakarta", "singapore": "Asia/Singapore",
    "kuala lumpur": "Asia/Kuala_Lumpur", "manila": "Asia/Manila", "hong kong": "Asia/Hong_Kong",
    "beijing": "Asia/Shanghai", "shanghai": "Asia/Shanghai", "taipei": "Asia/Taipei",
    "seoul": "Asia/Seoul", "tokyo": "Asia/Tokyo", "osaka": "Asia/Tokyo",
    "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "brisbane": "Australia/Brisbane", "perth": "Australia/Perth", "adelaide": "Australia/Adelaide",
    "auckland": "Pacific/Auckland", "wellington": "Pacific/Auckland",
    # Countries with one time zone
    "uk": "Europe/London", "united kingdom": "Europe/London", "england": "Europe/London",
    "ireland": "Europe/Dublin", "france": "Europe/Paris", "germany": "Europe/Berlin",
    "spain": "Europe/Madrid", "italy": "Europe/Rome", "netherlands": "Europe/Amsterdam",
    "switzerland": "Europe/Zurich", "poland": "Europe/Warsaw", "greece": "Europe/Athens",
    "turkey": "Europe/Istanbul", "ukraine": "Europe/Kyiv", "egypt": "Africa/Cairo",
    "india": "Asia/Kolkata", "japan": "Asia/Tokyo", "china": "Asia/Shanghai",
    "korea": "Asia/Seoul", "south korea": "Asia/Seoul", "singapore city": "Asia/Singapore",
    "thailand": "Asia/Bangkok", "israel": "Asia/Jerusalem", "new zealand": "Pacific/Auckland",
    "utc": "UTC", "gmt": "UTC", "zulu": "UTC",
    # Zones by the abbreviations people say, as the zone they mean (not the fixed-offset "EST"
    # and "MST" of the zone database: "EST" in July means New York's time)
    "est": "America/New_York", "edt": "America/New_York",
    "cst": "America/Chicago", "cdt": "America/Chicago", "mst": "America/Denver",
    "mdt": "America/Denver", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "akst": "America/Anchorage", "hst": "Pacific/Honolulu", "bst": "Europe/London",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "eet": "Europe/Athens", "ist": "Asia/Kolkata",
    "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "awst": "Australia/Perth",
    "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
    # Short names and nicknames of cities above
    "dc": "America/New_York", "washington dc": "America/New_York", "philly": "America/New_York",
    "sf": "America/Los_Angeles", "vegas": "America/Los_Angeles", "hk": "Asia/Hong_Kong",
    "kl": "Asia/Kuala_Lumpur", "joburg": "Africa/Johannesburg", "jozi": "Africa/Johannesburg",
    "bombay": "Asia/Kolkata", "ldn": "Europe/London",
}


# A question whether it is now (still, already...) a part of the day, a day or a date, here or
# in a place: "Is it Thursday yet in Seoul?", "is today the 14th or the 15th", "has Melbourne
# hit the weekend yet". Only the clock answers it; a forecast ("is it going to be...") and a
# judgement ("is it ok to take it at night") do not read so, nor do the weather's words.
_NOW = (r"(?:early\s+|late\s+|mid-?)?(?:morning|afternoon|evening|night(?:\s*time)?|midnight|noon|"
        r"midday|dawn|day\s*time|daytime|(?:lunch|dinner|supper|breakfast|tea|bed|nap)\s*time|"
        r"lunch|dinner|supper|breakfast|(?:business|office|working|work|school|opening|trading|"
        r"banking)\s+hours|(?:the\s+|a\s+)?week\s*(?:end|day)|a\s+(?:school|work)\s*day|"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)|"
        r"\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\b\.?|o'?clock))")
_YET = r"(?:(?:already|still|yet|now|just|really|even|officially|technically)\s+)*"
_HOUR = (r"(?:\d{1,2}(?::\d\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
         r"(?:\s*o'?clock)?")
_CLOCK_ASKED = re.compile(
    rf"\b(?:is|isn'?t|has)\s+it\s+(?:(?:got|gotten|turned|become|reached|hit)\s+)?{_YET}"
    rf"(?:(?:past|after|before|gone|nearly|almost)\s+{_HOUR}(?!\w)|"
    rf"(?:(?:past|after|before|gone|nearly|almost|around|about)\s+)?(?:the\s+|a\s+)?{_NOW}(?!\w))"
    rf"|\bis\s+(?:it\s+)?today\s+(?:a\s+|the\s+)?{_NOW}(?!\w)"
    rf"|\b(?:if|whether)\s+it'?s\s+{_YET}(?:(?:past|after|before|gone)\s+(?:the\s+)?"
    rf"(?:{_NOW}|{_HOUR})(?!\w)|(?:the\s+|a\s+)?{_NOW}(?!\w).*\b(?:yet|already|now|rn)\b)"
    rf"|\b(?:has|have|is|are)\s+(?:\w+\s+){{1,3}}?{_YET}(?:hit|reached|into|on|in)\s+"
    rf"(?:the\s+)?{_NOW}(?!\w).*\b(?:yet|already)\b"
    rf"|\b(?:has|have|is|are)\s+(?:\w+\s+){{1,3}}?(?:already|yet)\s+(?:hit|reached|into|on|in)\s+"
    rf"(?:the\s+)?{_NOW}(?!\w)"
    r"|\bwhat\s+(?:time|day|date)\s+is\s+it\b")
_NOT_NOW = re.compile(r"\b(?:going\s+to|gonna|will|forecast|supposed\s+to)\b")


def asks_the_clock(text: str) -> bool:
    """Whether `text` asks if it is now a part of the day, a meal's time, working hours, a day or
    a date, here or in a place, or asks what time, day or date it is; not what it will be."""
    s = text.lower().replace("\u2019", "'")
    return bool(_CLOCK_ASKED.search(s)) and not _NOT_NOW.search(s)


@cache
def _iana_index() -> dict[str, str]:
    """'asia/tokyo' and 'tokyo' -> 'Asia/Tokyo' for every zone the system knows."""
    index: dict[str, str] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        index[zone.lower()] = zone
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        index.setdefault(city, zone)
    return index


def _key(text: str) -> str:
    s = _unprefixed(text).lower()
    s = s.replace("ã", "a").replace("á", "a").replace("é", "e").replace("ü", "u").replace("ö", "o")
    return " ".join(s.replace(".", "").split())


def offline_zone(location: str) -> str | None:
    """The IANA zone of a place the bundled table, the zone names or the gazetteer know, with no
    network: a state or a country after the name first ("Paris, Texas")."""
    written = _unprefixed(location)
    key = _key(location)
    zone = _known_zone(key)
    if zone is None and "," in key and (city := gazetteer.city(written)):
        return city.timezone
    return zone or _known_zone(key.split(",")[0].strip()) or (
        (city := gazetteer.city(written.split(",")[0])) and city.timezone) or None


@dataclass(frozen=True)
class Spot:
    """What a place's name names with no network, as a list's item (`Tool.listed`): its zone,
    by which a name said in other words is found ("NYC" for `New York`), and the place as
    named (`thing`), by which an item taken as said is cut to the words that name it
    (`listing.as_said`: "Rio de Janeiro", not "Rio")."""

    zone: str
    thing: str = field(compare=False)


def place_named(location: str) -> Spot | None:
    """The place `location` names with no network (`offline_zone`), or None; its `thing` is the
    name it was found by ("leeds" for "Leeds, UK")."""
    zone = offline_zone(location)
    if zone is None:
        return None
    key = _key(location)
    return Spot(zone, key if _known_zone(key) else key.split(",")[0].strip())


def _known_zone(key: str) -> str | None:
    if not key:
        return None
    return (CITIES.get(key) or _iana_index().get(key) or _iana_index().get(key.replace(" ", "_")))


def _unprefixed(location: str) -> str:
    """`location` as written, less "in" / "at" / "for" before it and "time" after it."""
    s = re.sub(r"^\s*(?:in|at|for)\s+", "", location, flags=re.IGNORECASE)
    return re.sub(r"\s+time\s*$", "", s, flags=re.IGNORECASE).strip()


def find_zone(ctx: ToolContext, location: str) -> tuple[str, str]:
    """(place as spoken, IANA zone) for a city, country or zone name."""
    if not _key(location):
        raise ToolFailure(ErrorCode.INVALID_ARGUMENTS, "Which place do you mean?")
    zone = offline_zone(location)
    if zone:
        return location.strip(), zone
    from assistant.tools.weather import geocode  # the network is the last resort

    try:
        place = geocode(ctx, location)
    except ToolFailure as exc:
        offline = exc.code == ErrorCode.UNAVAILABLE
        hint = " I can't look it up right now because I'm offline." if offline else ""
        raise ToolFailure(ErrorCode.NOT_FOUND,
                          f"I don't know the time zone for {location.strip()!r}.{hint}") from exc
    return place.name, place.timezone


def get_time(ctx: ToolContext, location: str | None = None) -> dict[str, Any]:
    now = ctx.now()
    if location and location.strip() and _key(location) not in ("here", "local"):
        place, zone_name = find_zone(ctx, location)
        when = now.astimezone(ZoneInfo(zone_name))
        where = f" in {place}"
    else:
        zone = local_zone(now)
        place, zone_name, when, where = "", getattr(zone, "key", str(zone)), now, ""
    offset = when.strftime("%z")
    result = {
        "location": place or "local",
        "timezone": zone_name,
        "time": say_clock(when),
        "date": f"{when.strftime('%A')}, {when.strftime('%B')} {when.day}, {when.year}",
        "iso": when.isoformat(timespec="seconds"),
        "utc_offset": f"{offset[:3]}:{offset[3:]}" if offset else "",
        "summary": f"It's {say_clock(when)} on {when.strftime('%A')}, {when.strftime('%B')} "
                   f"{when.day}{where}.",
    }
    return result


TOOLS = (
    Tool(
        name="get_time",
        description=("The current local time and date, or the time in a city, country or "
                     "time zone (e.g. 'Tokyo', 'India', 'America/Chicago')."),
        parameters={
            "type": "object",
            "properties": {
                "location": {"type": "string", "minLength": 1, "maxLength": 100,
                             "description": "Omit for local time."},
            },
            "required": [],
            "additionalProperties": False,
        },
        side_effect=SideEffect.READ,
        timeout_s=12.0,
        # "what time does the pharmacy close?"; "how many days until Easter?" -> get_time('Easter')
        held_back_by=("a thing's time", "a countdown"),
        places={"location": offline_zone}, there={"location": offline_zone},
        action="time",
        listed={"location": place_named},
        as_said=("location",),
        plainly_asked=asks_the_clock,
    ),
)


def tools(ctx: ToolContext) -> list[Tool]:
    def run(location: str | None = None) -> dict[str, Any]:
        return get_time(ctx, location)

    return bind(TOOLS, get_time=run)
