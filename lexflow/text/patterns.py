"""Regular-expression rules for docket numbers and dates (money is in ``money.py``)."""

from __future__ import annotations

import re

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import iso_date, month_number

_DOCKET = r"(?:[A-Z]{1,4}[- ]?)?\d[\dA-Za-z]*(?:[-:/][\dA-Za-z]+)*"
# The label tolerates OCR that drops the space ("CaseNo.1:23-cv-1").
_LABELLED_DOCKET = re.compile(
    r"\b(?i:Case|Civil\s*Action|Civ\.\s*Action|Civ\.|Civil|Criminal|Crim\.|Docket|Index"
    r"|Adversary\s*Proceeding|Adv\.\s*Proc\.|Adv\.\s*Pro\.|Appeal|Misc\.|Bankruptcy|File)"
    r"\s*(?i:Nos?\.|Numbers?|#)\s*:?\s*(?P<docket>" + _DOCKET + r")"
)
# A bare "No." needs a docket-shaped number and must not be a docket entry or a public law.
_BARE_DOCKET = re.compile(
    r"(?<![A-Za-z.])(?<!ECF )(?<!Dkt\. )(?<!Doc\. )(?<!L\. )(?<!Law )(?<!Entry )"
    r"No\.\s*(?P<docket>" + _DOCKET + r")"
)
_FEDERAL_DOCKET = re.compile(
    r"\b(?P<docket>\d{1,2}:\d{2}-[a-zA-Z]{2,3}-\d{2,6}(?:-[A-Z]{2,5})*)(?![\w-])"
)
_FEDERAL_CORE = re.compile(r"(\d{1,2}):(\d{2})-([a-zA-Z]{2,3})-(\d{2,6})")

_MONTH = (
    r"(?i:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<month>{_MONTH})\.?,?\s+"
    rf"(?P<year>\d{{4}})\b"
)
# A month and a day with no year, as opinions narrate ("on March 18", "by Sept. 3rd"): the
# month capitalised ("may 4" is a verb) and the day not the start of a longer number, a time
# ("May 4:30") or a decimal.
_MONTH_DAY = re.compile(
    r"\b(?P<month>(?-i:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\."
    r"|Dec\.))[ \t]+(?P<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?![\w:]|[.,/-]\d)"
)
_TABLE_HEADING = re.compile(r",[ \t]*(?:\n|$)")
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b")
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?![\d/-])"
)
# A two-digit year only with slashes: "5.05.10" is a section number far more often than a date.
_NUMERIC_SHORT_YEAR = re.compile(
    r"(?<![\d/.-])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{2})(?![\d/-]|\.\d)"
)
# POSIX strptime's %y pivot: 69-99 are 1969-1999, 00-68 are 2000-2068.
SHORT_YEAR_PIVOT = 69
_ISO = re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])")


def find_case_numbers(full_text: str) -> list[Candidate]:
    """Find docket numbers: ``Case No. 1:23-cv-04567-JMF``, ``No. 22-1234``, ``Index No. ...``.

    The mention covers the label so the surface form reads as written; the normalised value is
    the docket alone. A federal docket loses its judge initials (``1:23-cv-04567``), because
    the same case is cited with and without them.

    Args:
        full_text: The document text.

    Returns:
        CASE_NUMBER candidates: 0.9 with a label, 0.8 for a bare federal docket, 0.75 after a
        bare ``No.``.
    """
    found: list[Candidate] = []
    rules = ((_LABELLED_DOCKET, 0.9), (_BARE_DOCKET, 0.75), (_FEDERAL_DOCKET, 0.8))
    for pattern, confidence in rules:
        for match in pattern.finditer(full_text):
            docket = match.group("docket")
            if pattern is _BARE_DOCKET and not re.search(r"\d[-:]\w", docket):
                continue
            if not re.search(r"\d", docket):
                continue
            found.append(
                Candidate(
                    match.start(),
                    match.end(),
                    EntityType.CASE_NUMBER,
                    confidence,
                    normalize_docket(docket),
                )
            )
    return found


def normalize_docket(docket: str) -> str:
    """Canonical docket: a federal one reduced to ``office:yy-type-number``, others as written."""
    core = _FEDERAL_CORE.match(docket)
    if core:
        office, year, kind, number = core.groups()
        return f"{office}:{year}-{kind.lower()}-{number}"
    return docket.upper()


def find_dates(full_text: str) -> list[Candidate]:
    """Find calendar dates and normalise them to ISO 8601.

    ``January 5, 2023``, ``5 January 2023``, ``the 5th day of January, 2023`` and ``2023-01-05``
    become ``2023-01-05``; ``01/05/2023`` is read month first (US documents) unless the first
    number cannot be a month; ``11/3/97`` is 1997-11-03 (two-digit years pivot at 69, as POSIX
    ``%y`` does); ``March 2021`` becomes ``2021-03``; a month and day alone (``March 18``)
    becomes ISO 8601's year-less ``--03-18``.

    Args:
        full_text: The document text.

    Returns:
        DATE candidates: 0.95 with a month name, 0.9 ISO, 0.8 numeric, 0.75 month and day
        only, 0.7 month and year only.
    """
    found: list[Candidate] = []
    for pattern, confidence in ((_MONTH_DAY_YEAR, 0.95), (_DAY_MONTH_YEAR, 0.95)):
        for match in pattern.finditer(full_text):
            month = month_number(match.group("month"))
            value = month and iso_date(int(match.group("year")), month, int(match.group("day")))
            if value:
                found.append(_date(match, confidence, value))
    for match in _MONTH_DAY.finditer(full_text):
        month = month_number(match.group("month"))
        if _TABLE_HEADING.match(full_text, match.end()) and _line_start(full_text, match.start()):
            continue  # "April 30," alone on a line heads a table column whose year is below
        if month and iso_date(2000, month, int(match.group("day"))):  # 2000 has a 29 February
            found.append(_date(match, 0.75, f"--{month:02d}-{int(match.group('day')):02d}"))
    for match in _MONTH_YEAR.finditer(full_text):
        month = month_number(match.group("month"))
        value = month and iso_date(int(match.group("year")), month)
        if value and match.group("month")[0].isupper():
            found.append(_date(match, 0.7, value))
    for match in _ISO.finditer(full_text):
        value = iso_date(*(int(match.group(g)) for g in ("year", "month", "day")))
        if value:
            found.append(_date(match, 0.9, value))
    for pattern in (_NUMERIC, _NUMERIC_SHORT_YEAR):
        for match in pattern.finditer(full_text):
            value = _numeric_date(match)
            if value:
                found.append(_date(match, 0.8, value))
    return found


def _line_start(full_text: str, pos: int) -> bool:
    return not full_text[full_text.rfind("\n", 0, pos) + 1 : pos].strip()


def _numeric_date(match: re.Match[str]) -> str | None:
    """``01/05/2023`` month first unless the first number cannot be a month; ``11/3/97``."""
    first, second = int(match.group("a")), int(match.group("b"))
    month, day = (second, first) if first > 12 else (first, second)
    year = int(match.group("year"))
    if len(match.group("year")) == 2:
        year += 1900 if year >= SHORT_YEAR_PIVOT else 2000
    return iso_date(year, month, day)


def _date(match: re.Match[str], confidence: float, value: str) -> Candidate:
    return Candidate(match.start(), match.end(), EntityType.DATE, confidence, value)
