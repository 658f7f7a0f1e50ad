"""Turn matched surface text into normalised values: ISO dates, decimal amounts, display names."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: keeps long word lists readable."""
    return frozenset(text.split())


MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_MULTIPLIERS = {
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}

# Kept upper case when an ALL-CAPS name is rewritten for display.
_KEEP_UPPER = word_set(
    """LLC L.L.C. LLP L.L.P. LP L.P. N.A. P.C. PLLC P.A. USA U.S. U.S.A. II III IV NA"""
)
_LOWER_WORDS = frozenset({"of", "the", "and", "for", "in", "de", "du", "la", "at", "on"})
_SPACE = re.compile(r"\s+")


def iso_date(year: int, month: int, day: int | None = None) -> str | None:
    """Return ``YYYY-MM-DD`` (or ``YYYY-MM`` without a day), or None if no such date exists.

    Args:
        year: Four-digit year; only 1700-2199 is accepted, to reject numbers that look like dates.
        month: 1-12.
        day: Day of the month, or None for a month-only date.

    Returns:
        The ISO 8601 string, or None for an impossible date.
    """
    if not 1700 <= year <= 2199:
        return None
    try:
        value = date(year, month, day or 1)
    except ValueError:
        return None
    return value.isoformat() if day is not None else value.isoformat()[:7]


def month_number(name: str) -> int | None:
    """Month number for a month name or abbreviation (``"Sept."`` -> 9), else None."""
    return MONTHS.get(name.lower().rstrip("."))


def decimal_amount(number: str, multiplier: str | None = None) -> str | None:
    """Normalise ``"1,250,000.00"`` or ``("2.5", "million")`` to a two-place decimal string.

    Args:
        number: Digits with optional thousands commas and decimal point.
        multiplier: ``thousand``, ``million`` or ``billion`` (any case), or None.

    Returns:
        For example ``"1250000.00"``; None when the number cannot be parsed.
    """
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    return f"{value.quantize(Decimal('0.01')):f}"


def collapse_space(text: str) -> str:
    """Collapse runs of whitespace (including line breaks) to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def display_name(text: str) -> str:
    """Clean a matched name for display: one-space separated, ALL-CAPS turned to Title Case.

    Mixed-case names are kept as written, since their capitalisation is usually deliberate
    (``McDonald``, ``eBay``); only shouted captions (``ACME CORPORATION``) are rewritten.

    Args:
        text: The surface form of a person, organisation or court name.

    Returns:
        The display form, for example ``"Acme Corporation"``.
    """
    name = collapse_space(text).strip(" ,;:")
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return name
    return " ".join(_title_word(word, first=i == 0) for i, word in enumerate(name.split(" ")))


def _title_word(word: str, *, first: bool) -> str:
    if word in _KEEP_UPPER or re.fullmatch(r"(?:[A-Z]\.)+", word):
        return word
    if not first and word.lower() in _LOWER_WORDS:
        return word.lower()
    return re.sub(r"[A-Za-z]+", lambda m: m.group(0).capitalize(), word)
