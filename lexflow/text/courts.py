"""Court names: federal district, bankruptcy and appellate courts, and state courts.

Places are matched against a fixed list of US states and territories rather than any capitalised
words, so a caption line such as ``SOUTHERN DISTRICT OF NEW YORK`` never swallows the party name
that follows it. Every variant of one court normalises to one name, so the resolver merges them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lexflow.text.court_abbreviations import find_court_abbreviations
from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import collapse_space, word_set

STATES = (
    *word_set(
        """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida
        Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland
        Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio
        Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin
        Wyoming Guam"""
    ),
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "District of Columbia",
    "Puerto Rico",
    "Virgin Islands",
    "Northern Mariana Islands",
)
_STATE_NAMES = {name.lower(): name for name in STATES}
_STATE = "|".join(name.replace(" ", r"\s+") for name in sorted(STATES, key=lambda n: (-len(n), n)))
_ORDINALS = word_set("First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh")
_CIRCUIT = "|".join([*sorted(_ORDINALS), "Federal", r"D\.\s?C\.", r"District\s+of\s+Columbia"])
_US = r"(?:United\s+States|U\.\s?S\.)"
_DIRECTION = r"Northern|Southern|Eastern|Western|Middle|Central"
_STOP = r"(?!(?:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Case|Civil|Index|No)\b)"
_COUNTY = rf"(?-i:(?:St\.[ \t]+)?{_STOP}[A-Z][A-Za-z'-]+(?:[ \t]+{_STOP}[A-Z][A-Za-z'-]+){{0,2}})"
# A pleading-paper caption puts ")" at the start of each line: "Circuit Court of\n) St. Charles".
_MARGIN_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*(?:\)[ \t]*)?)"
_FLAGS = re.IGNORECASE

_DISTRICT = re.compile(
    rf"\b(?:{_US}\s+(?P<kind>District|Bankruptcy)\s+Court[\s,]+(?:for\s+the\s+)?)?"
    rf"(?:(?P<dir>{_DIRECTION})\s+)?District\s+of\s+(?P<state>{_STATE})\b"
    # A division of the district: "..., South Bend Division", "... (Western Division)".
    r"(?:(?:,[ \t]*|[ \t]+|[ \t]*\([ \t]*)(?P<division>(?-i:[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){0,2}))"
    r"[ \t]+(?-i:Division)\b\)?)?",
    _FLAGS,
)
# A filing stamp's district: "USDC Colorado", "USDC SDNY" is the abbreviation rule's.
_USDC_STATE = re.compile(rf"\b(?-i:USDC)[ \t]+(?P<state>{_STATE})\b", _FLAGS)
# States with one federal district, whose "USDC <state>" names that district's court.
_ONE_DISTRICT = word_set(
    """Alaska Arizona Colorado Connecticut Delaware Hawaii Idaho Kansas Maine Maryland
    Massachusetts Minnesota Montana Nebraska Nevada Oregon Utah Vermont Wyoming Guam"""
) | {"New Hampshire", "New Jersey", "New Mexico", "North Dakota", "Rhode Island",
     "South Carolina", "South Dakota", "District of Columbia", "Puerto Rico"}  # fmt: skip
# "United States Court of Appeals\nTenth Circuit" (a filing stamp) as well as "... for the ...".
_APPEALS = re.compile(
    rf"\b(?:(?:{_US}\s+)?Court\s+of\s+Appeals[\s,]+(?:for\s+the\s+)?(?P<a>{_CIRCUIT})\s+Circuit"
    rf"|(?P<b>{_CIRCUIT})\s+Circuit\s+Court\s+of\s+Appeals)\b",
    _FLAGS,
)
# "the First Circuit's decision", "the 6th Circuit"; not "Tenth Circuit Rules" or "Federal
# Circuit bar" (a capitalised "Circuit Bar" is the court's own bar).
_NUMERIC_CIRCUIT = r"1[01]th|[2-9](?:nd|rd|th|d)|1st"
_BARE_CIRCUIT = re.compile(
    rf"\b(?-i:(?P<a>{_CIRCUIT}|{_NUMERIC_CIRCUIT}))\s+(?-i:Circuit)"
    r"(?!\s+(?:Rules?|Court|(?-i:bar)|Judges?|L\.?A\.?R)\b)"
    r"(?![\w-])",
    _FLAGS,
)
_US_APPEALS_ALONE = re.compile(
    rf"\b{_US}\s+Court\s+of\s+Appeals\b(?![\s,]+(?:for\s+the\s+)?\w+\s+Circuit)", _FLAGS
)
_SUPREME = re.compile(
    rf"\b(?:Supreme\s+Court\s+of\s+(?:the\s+)?(?:State\s+of\s+)?(?P<a>United\s+States|{_STATE})"
    rf"|(?P<b>{_US}|{_STATE})\s+Supreme\s+Court)\b",
    _FLAGS,
)
_STATE_TRIAL = re.compile(
    rf"\b(?P<kind>Superior|Circuit|Chancery|Family|Probate|Surrogate's|Municipal|County|Common"
    rf"\s+Pleas)\s+Court\s+of\s+(?:the\s+)?(?:(?:State|Commonwealth)\s+of\s+)?"
    rf"(?P<state>{_STATE})(?:[\s,]+(?:(?:in\s+and\s+)?for\s+(?:the\s+)?)?County\s+of\s+"
    rf"(?P<county>{_COUNTY}))?",
    _FLAGS,
)
_COUNTY_COURT = re.compile(
    rf"\b(?P<county>{_COUNTY})\s+County\s+(?P<kind>Superior|Circuit|District|Probate|Municipal)"
    rf"\s+Court\b",
    _FLAGS,
)
# "Superior Court, Onslow County", "Circuit Court of St. Charles County".
_COURT_OF_COUNTY = re.compile(
    rf"\b(?P<kind>Superior|Circuit|District|Probate|Municipal|Chancery|Family)\s+Court"
    rf"(?:,|{_MARGIN_GAP}(?:of|for))(?:{_MARGIN_GAP}the)?{_MARGIN_GAP}(?P<county>{_COUNTY})"
    rf"[ \t]+County\b",
    _FLAGS,
)
# A court named by its level alone, capitalised: "the Supreme Court", "the Court of Appeals".
_LEVEL_ONLY = re.compile(
    r"\b(?-i:Supreme[ \t]+Court|SUPREME[ \t]+COURT|Court[ \t]+of[ \t]+(?:Criminal[ \t]+)?Appeals?"
    r"|COURT[ \t]+OF[ \t]+APPEALS?|Superior[ \t]+Court|Court[ \t]+of[ \t]+Chancery"
    r"|Appellate[ \t]+Division)(?![\w-])",
    _FLAGS,
)
_STATE_APPEALS = re.compile(
    rf"\b(?:Court\s+of\s+Appeals?\s+of\s+(?:the\s+)?(?:State\s+of\s+)?(?P<a>{_STATE})"
    rf"|(?P<b>{_STATE})\s+Court\s+of\s+Appeals?|(?P<c>Delaware)\s+Court\s+of\s+Chancery)\b",
    _FLAGS,
)
_FEDERAL_SPECIAL = re.compile(
    rf"\b(?:{_US}\s+)?(?:Court\s+of\s+Federal\s+Claims|Tax\s+Court"
    rf"|Court\s+of\s+International\s+Trade|Judicial\s+Panel\s+(?:on|for)\s+Multidistrict"
    rf"\s+Litigation)\b",
    _FLAGS,
)
_BARE = (_BARE_CIRCUIT, _US_APPEALS_ALONE, _LEVEL_ONLY)
LEVEL_ONLY_CONFIDENCE = 0.7
_LOWER = frozenset({"of", "the", "for", "and", "in", "on"})


def find_courts(full_text: str) -> list[Candidate]:
    """Find court names and normalise each to one canonical spelling.

    Args:
        full_text: The document text.

    Returns:
        COURT candidates (confidence 0.9; 0.75 for a bare ``Southern District of New York``;
        0.7 for a level alone, ``the Court of Appeals``, normalised to the one court of the
        document with that level in its name, or as written).
    """
    rules: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
        (_DISTRICT, _district_name),
        (_USDC_STATE, _usdc_name),
        (_APPEALS, _appeals_name),
        (_SUPREME, _supreme_name),
        (_STATE_TRIAL, _state_trial_name),
        (_COUNTY_COURT, _county_court_name),
        (_COURT_OF_COUNTY, _county_court_name),
        (_STATE_APPEALS, _state_appeals_name),
        (_FEDERAL_SPECIAL, _federal_special_name),
        (_BARE_CIRCUIT, _appeals_name),
        (_US_APPEALS_ALONE, lambda _: "United States Court of Appeals"),
        (_LEVEL_ONLY, _title),
    )
    found: list[Candidate] = []
    levels: list[Candidate] = []
    for pattern, normalise in rules:
        for match in pattern.finditer(full_text):
            name = normalise(match)
            if name is None or _is_lower_case(match.group(0)):
                continue
            bare = (pattern is _DISTRICT and not match.group("kind")) or pattern in _BARE
            confidence = LEVEL_ONLY_CONFIDENCE if pattern is _LEVEL_ONLY else 0.75 if bare else 0.9
            candidate = Candidate(match.start(), match.end(), EntityType.COURT, confidence, name)
            (levels if pattern is _LEVEL_ONLY else found).append(candidate)
    found += find_court_abbreviations(full_text)
    return found + [_refer_back(level, found) for level in levels]


def _refer_back(level: Candidate, named: list[Candidate]) -> Candidate:
    """``the Court of Appeals`` after ``United States Court of Appeals`` names that court.

    Only when one court of the document has that level in its name; never ``Supreme Court``,
    which a state court's opinion uses for the Supreme Court of the United States.
    """
    phrase = (level.normalized or "").lower()
    if phrase == "supreme court":
        return level
    names = {c.normalized for c in named if c.normalized and phrase in c.normalized.lower()}
    if len(names) != 1:
        return level
    return Candidate(level.start, level.end, level.entity_type, level.confidence, names.pop())


def _is_lower_case(text: str) -> bool:
    """``the district court`` is a generic reference, not a court's name."""
    return not any(ch.isupper() for ch in text if ch.isalpha())


def _state(text: str) -> str:
    return _STATE_NAMES[collapse_space(text).lower()]


def _district_name(match: re.Match[str]) -> str | None:
    kind, direction = match.group("kind"), match.group("dir")
    if not kind and not direction:
        # A bare "District of X" is as often a place or an agency as a court.
        return None
    prefix = f"{direction.capitalize()} " if direction else ""
    state = _state(match.group("state"))
    court = f"United States {(kind or 'District').capitalize()} Court"
    division = match.group("division")
    suffix = f", {collapse_space(division)} Division" if kind and division else ""
    return f"{court} for the {prefix}District of {state}{suffix}"


def _usdc_name(match: re.Match[str]) -> str:
    state = _state(match.group("state"))
    if state in _ONE_DISTRICT:
        return f"United States District Court for the District of {state}"
    return f"United States District Court, {state}"


_ORDINAL_WORDS = {
    f"{n}{suffix}": word
    for n, word in enumerate(
        (
            *("First", "Second", "Third", "Fourth", "Fifth", "Sixth"),
            *("Seventh", "Eighth", "Ninth", "Tenth", "Eleventh"),
        ),
        1,
    )
    for suffix in ("st", "nd", "rd", "th", "d")
}


def _circuit(text: str) -> str:
    text = collapse_space(text)
    if text.lower() in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[text.lower()]
    if text.replace(" ", "").upper() == "D.C." or text.lower() == "district of columbia":
        return "District of Columbia"
    return text.capitalize()


def _appeals_name(match: re.Match[str]) -> str:
    circuit = _circuit(match.group("a") or match.group("b"))
    return f"United States Court of Appeals for the {circuit} Circuit"


def _supreme_name(match: re.Match[str]) -> str:
    place = collapse_space(match.group("a") or match.group("b"))
    if place.lower() in {"united states", "u.s.", "u. s."}:
        return "Supreme Court of the United States"
    return f"Supreme Court of {_state(place)}"


def _state_trial_name(match: re.Match[str]) -> str:
    name = f"{_title_text(match.group('kind'))} Court of {_state(match.group('state'))}"
    if match.group("county"):
        name += f", County of {_title_text(match.group('county'))}"
    return name


def _county_court_name(match: re.Match[str]) -> str:
    """One name for ``Onslow County Superior Court`` and ``Superior Court, Onslow County``."""
    kind, county = _title_text(match.group("kind")), _title_text(match.group("county"))
    return f"{kind} Court of {county} County"


def _state_appeals_name(match: re.Match[str]) -> str:
    if match.group("c"):
        return "Delaware Court of Chancery"
    state = _state(match.group("a") or match.group("b"))
    appeal = "Appeals" if re.search("appeals", match.group(0), _FLAGS) else "Appeal"
    return f"{state} Court of {appeal}"


def _federal_special_name(match: re.Match[str]) -> str:
    name = _title_text(re.sub(rf"^{_US}\s+", "", match.group(0), flags=_FLAGS))
    return f"United States {name.replace(' for Multidistrict', ' on Multidistrict')}"


def _title(match: re.Match[str]) -> str:
    return _title_text(match.group(0))


def _title_text(text: str) -> str:
    words = collapse_space(text).split(" ")
    return " ".join(
        w.lower() if i and w.lower() in _LOWER else w[:1].upper() + w[1:].lower()
        for i, w in enumerate(words)
    )
