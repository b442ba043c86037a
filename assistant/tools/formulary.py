"""The bundled drug formulary and the resolver that never guesses between look-alike names.

`data/formulary.csv` lists generic names with brand names and aliases, a drug class, and the
look-alike/sound-alike (LASA) partners of each generic (pairs of the kind on ISMP's confused
drug names list: hydroxyzine/hydralazine, clonidine/clonazepam, tramadol/trazodone...). It is
the list evalkit's synthetic requests are built on. `data/formulary-world.csv` adds, in the same
columns, what users across the UK, US, Canada, Australia, Ireland, New Zealand and India take and
call their medicines (co-codamol, thyroxine, NovoRapid, Symbicort, Crocin...); a row of a generic
the first file has adds its names to that entry.

A spoken or typed name resolves only when it is an exact generic or alias, or clearly closer to
one entry than to any other. Scores mix a spelling ratio with a ratio on a phonetic key, since
speech recognisers mishear by sound ("hydroxazine" for hydroxyzine).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from rapidfuzz import fuzz

ACCEPT = 85.0  # a fuzzy match must score at least this (0-100) ...
MARGIN = 10.0  # ... and beat every other drug by this much, or the user is asked
CANDIDATE_FLOOR = 60.0  # weaker matches are not offered unless nothing better exists
MAX_OPTIONS = 3

# Words that qualify a product but not the drug ("metoprolol succinate ER").
_QUALIFIERS = re.compile(
    r"\b(hcl|hydrochloride|sodium|succinate|tartrate|er|xr|xl|sr|cr|dr|ir|extended release"
    r"|tablets?|tabs?|capsules?|caps?|pills?|oral|\d+(\.\d+)?\s*(mg|mcg|g|ml)?"
    # and its form ("Ventolin inhaler", "Xalatan eye drops", "Calpol syrup")
    r"|inhalers?|puffers?|(eye |ear |nasal )?(drops|spray)|syrup|liquid|suspension|patch(es)?"
    r"|cream|gel|ointment|injections?|pens?|jabs?|sachets?|soluble|dispersible|chewable"
    r"|lozenges?|effervescent)\b"
)


class Status(StrEnum):
    EXACT = "exact"  # the generic name or a listed brand/alias
    CLOSE = "close"  # clearly one entry, misspelt or misheard
    AMBIGUOUS = "ambiguous"  # close to two or more entries: ask
    UNKNOWN = "unknown"  # close to none: ask


@dataclass(frozen=True)
class Drug:
    generic: str
    aliases: tuple[str, ...]
    drug_class: str
    lasa: tuple[str, ...]  # look-alike/sound-alike partners (generic names)


@dataclass(frozen=True)
class Match:
    status: Status
    query: str
    drug: Drug | None  # set for EXACT and CLOSE
    candidates: tuple[str, ...]  # generic names, best first (for AMBIGUOUS / UNKNOWN)
    score: float = 0.0

    @property
    def resolved(self) -> bool:
        return self.drug is not None


def normalise(name: str) -> str:
    """Lower case, letters, digits, single spaces; hyphens become spaces."""
    s = name.lower().replace("-", " ")
    s = re.sub(r"[^a-z0-9 ]+", "", s)
    return " ".join(s.split())


def _letters(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def phonetic(name: str) -> str:
    """A sound key: letters that sound alike merge, every vowel is one vowel, no doubles."""
    s = _letters(name)
    if not s:
        return ""
    for a, b in (("ph", "f"), ("th", "t"), ("ck", "k"), ("qu", "kw"), ("x", "ks"), ("y", "i"),
                 ("z", "s"), ("ce", "se"), ("ci", "si"), ("cy", "si"), ("c", "k")):
        s = s.replace(a, b)
    s = s[0] + re.sub(r"[aeiou]", "a", s[1:])
    return re.sub(r"(.)\1+", r"\1", s)


def similarity(a: str, b: str) -> float:
    """0-100: the mean of a spelling ratio and a sound ratio."""
    return (fuzz.ratio(_letters(a), _letters(b)) + fuzz.ratio(phonetic(a), phonetic(b))) / 2


class Formulary:
    def __init__(self, drugs: list[Drug]) -> None:
        self.drugs = {d.generic: d for d in drugs}
        self._by_name: dict[str, Drug] = {}
        for d in drugs:
            for name in (d.generic, *d.aliases):
                key = normalise(name)
                other = self._by_name.get(key)
                if other is not None and other.generic != d.generic:
                    raise ValueError(f"formulary: {name!r} names both {other.generic} and {d.generic}")
                self._by_name[key] = d
        # Precomputed keys for fuzzy matching: (letters, sound key, drug). A name whose letters
        # are an earlier entry's ("tylenol 3": co-codamol, after "tylenol") is matched exactly
        # only, or every misspelt Tylenol would be asked about.
        spelt: dict[str, str] = {}
        self._keys = []
        for n, d in self._by_name.items():
            if spelt.setdefault(_letters(n), d.generic) == d.generic:
                self._keys.append((_letters(n), phonetic(n), d))

    def __len__(self) -> int:
        return len(self.drugs)

    def names(self) -> list[str]:
        """Every generic and alias (e.g. as ASR hotwords)."""
        return sorted(self._by_name)

    def exact(self, name: str) -> Drug | None:
        return self._by_name.get(normalise(name))

    def scores(self, name: str) -> list[tuple[str, float]]:
        """(generic, best score over its names), best first."""
        letters, sound = _letters(name), phonetic(name)
        best: dict[str, float] = {}
        for key_letters, key_sound, drug in self._keys:
            score = (fuzz.ratio(letters, key_letters) + fuzz.ratio(sound, key_sound)) / 2
            if score > best.get(drug.generic, -1.0):
                best[drug.generic] = score
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def resolve(self, name: str) -> Match:
        query = normalise(name)
        drug = self.exact(query) or self.exact(_QUALIFIERS.sub(" ", query))
        if drug is not None:
            return Match(Status.EXACT, name, drug, (drug.generic,), 100.0)
        stripped = normalise(_QUALIFIERS.sub(" ", query)) or query
        if not _letters(stripped):
            return Match(Status.UNKNOWN, name, None, ())
        ranked = self.scores(stripped)
        top, top_score = ranked[0]
        second_score = ranked[1][1] if len(ranked) > 1 else 0.0
        if top_score >= ACCEPT and top_score - second_score >= MARGIN:
            return Match(Status.CLOSE, name, self.drugs[top], (top,), top_score)
        near = [g for g, s in ranked if s >= max(CANDIDATE_FLOOR, top_score - MARGIN)]
        # A look-alike partner of the best match is always offered beside it.
        score_of = dict(ranked)
        for partner in self.drugs[top].lasa:
            if partner not in near and score_of.get(partner, 0.0) >= CANDIDATE_FLOOR:
                near.append(partner)
        if top_score >= ACCEPT and len(near) > 1:
            return Match(Status.AMBIGUOUS, name, None, tuple(near[:MAX_OPTIONS]), top_score)
        options = near[:MAX_OPTIONS] or [g for g, _ in ranked[:MAX_OPTIONS]]
        return Match(Status.UNKNOWN, name, None, tuple(options), top_score)


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(";") if part.strip())


_CORE, _WORLD = "data/formulary.csv", "data/formulary-world.csv"


@cache
def load() -> Formulary:
    """The bundled formulary (read once per process): both files, a generic's names merged."""
    return _read(_CORE, _WORLD)


@cache
def core() -> Formulary:
    """The first file alone: what evalkit's synthetic requests are built on, what speech
    recognition is biased towards, and what a word is matched against closely. The world list's
    630-odd names crowd both: Whisper's second pass lost "metformin" to its neighbours in sound,
    and ordinary words begin its names ("temp" begins Tempra, "zone" Zonegran)."""
    return _read(_CORE)


def _read(*names: str) -> Formulary:
    merged: dict[str, Drug] = {}
    for name in names:
        text = resources.files("assistant.tools").joinpath(name).read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            generic = row["generic"].strip()
            aliases, lasa = _split(row["aliases"]), _split(row["lasa"])
            if (known := merged.get(generic)) is not None:
                aliases = known.aliases + tuple(a for a in aliases if a not in known.aliases)
                lasa = known.lasa + tuple(x for x in lasa if x not in known.lasa)
            drug_class = known.drug_class if known else row["drug_class"].strip()
            merged[generic] = Drug(generic, aliases, drug_class, lasa)
    return Formulary(list(merged.values()))
