"""Amounts of money: figures with a currency sign or code, multipliers, and amounts in words.

US dollars normalise to a bare two-place decimal (``$2.5 million`` -> ``2500000.00``); other
currencies keep their ISO 4217 code after it (``EUR 1,000`` -> ``1000.00 EUR``). Contracts write
an amount in words with the figure after it (``Twenty-Five Thousand and 00/100 Dollars
($25,000.00)``); the words are read, so the ``100`` of ``00/100`` is never taken for the amount.
"""

from __future__ import annotations

import re
from decimal import Decimal

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import decimal_amount

_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY"}
_CODES = (
    "USD", "EUR", "GBP", "CHF", "CNY", "RMB", "JPY", "CAD", "AUD", "INR", "MXN", "BRL", "HKD",
    "SGD", "KRW", "SEK", "NOK", "DKK", "NZD", "ZAR", "XDR", "SDR",
)  # fmt: skip
# Codes written for another: "RMB" is the yuan's, "SDR" the IMF's special drawing right (XDR).
_CODE_ALIASES = {"RMB": "CNY", "SDR": "XDR"}
_CURRENCY_WORDS = {
    "dollars": "USD",
    "u.s. dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "swiss francs": "CHF",
    "yuan": "CNY",
    "renminbi": "CNY",
    "sdrs": "XDR",
}
# A letter multiplier only counts as a separate word or glued to the figure: "$40 K", "$7.5MM".
_MULTIPLIERS = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "m": 10**6,
    "mm": 10**6,
    "mil": 10**6,
    "billion": 10**9,
    "b": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}

_AMOUNT = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = (
    r"(?:\s*(?P<scale>(?i:thousand|million|billion|trillion)\b|(?-i:MM|mm|K|M|B|bn|BN|k|m)"
    r"(?![\w'’])))?"
)
_SIGN = r"US\$|\$|€|£|¥"
_CODE = "|".join(_CODES)
_MONEY_PREFIX = re.compile(
    rf"(?P<currency>{_SIGN}|\b(?:{_CODE})\b)\s?{_AMOUNT}(?![\d,]*\d){_SCALE}"
)
_WORD_CURRENCY = "|".join(w.replace(" ", r"\s+").replace(".", r"\.") for w in _CURRENCY_WORDS)
_MONEY_SUFFIX = re.compile(
    rf"(?<![\d$.,/]){_AMOUNT}{_SCALE}\s+(?P<currency>\b(?:{_CODE})\b|(?i:{_WORD_CURRENCY})\b)"
)

_UNIT_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen"""
_UNITS = {word: n for n, word in enumerate(_UNIT_WORDS.split())}
_TEN_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety"
_TENS = {word: 10 * n for n, word in enumerate(_TEN_WORDS.split(), start=2)}
_GROUPS = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred", *_GROUPS], key=len, reverse=True))
_WORDS_AMOUNT = re.compile(
    rf"\b(?P<words>(?i:(?:{_NUMBER_WORD})(?:(?:[ \t]+|[ \t]*-[ \t]*|[ \t]+and[ \t]+)"
    rf"(?:{_NUMBER_WORD}))*))\b"
    r"(?:[ \t]+(?i:and)[ \t]+(?P<cents>\d{1,2})/100)?"
    rf"[ \t]+(?P<currency>(?i:{_WORD_CURRENCY}))\b"
    rf"(?:[ \t]*\((?:{_SIGN})\s?{_AMOUNT}\))?"
)

# A form's money field written without a sign: a caption naming an amount, then a colon or a
# line end, then a figure with thousands separators or cents ("Purchase Price: 310,000.00",
# "Monthly Rent"⏎"1,450.00"); a bare "12" or a rate ("3.5 %") is not taken.
_MONEY_CAPTION = re.compile(
    r"\b(?i:amount|price|cost|income|salary|wages|balance|payment|fees?|rent|premium|deposit"
    r"|total|value)\b(?-i:[ \t]+\([^()\n]{0,30}\))?[ \t]*(?::[ \t]*(?:\n[ \t]*)?|\n[ \t]*)"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})(?![\d,%]|\.\d|[ \t]*%)"
)
CAPTION_CONFIDENCE = 0.6


def find_money(full_text: str) -> list[Candidate]:
    """Find amounts of money and normalise them to a two-place decimal and a currency.

    ``$1,250,000.00`` -> ``1250000.00``; ``$2.5 million`` and ``$2.5MM`` -> ``2500000.00``;
    ``$40 K`` -> ``40000.00``; ``Twenty-Five Thousand and 00/100 Dollars`` -> ``25000.00``;
    ``EUR 1,000``, ``€1,000`` and ``1,000 euros`` -> ``1000.00 EUR``.

    Args:
        full_text: The document text.

    Returns:
        MONEY candidates: 0.95 with a currency sign, 0.9 in words, 0.85 with a code or a
        currency word after the figure, 0.6 for a figure after a form's money caption
        (``Loan Amount: 250,000``, read as US dollars).
    """
    found: list[Candidate] = []
    for pattern in (_MONEY_PREFIX, _MONEY_SUFFIX):
        for match in pattern.finditer(full_text):
            value = _scaled(match.group("number"), match.group("scale"))
            currency = _currency(match.group("currency"))
            if value is None:
                continue
            signed = match.group("currency") in _SYMBOLS
            found.append(_money(match, 0.95 if signed else 0.85, value, currency))
    for match in _MONEY_CAPTION.finditer(full_text):
        value = decimal_amount(match.group("number"))
        if value is not None:
            found.append(
                Candidate(
                    match.start("number"),
                    match.end(),
                    EntityType.MONEY,
                    CAPTION_CONFIDENCE,
                    value,
                )
            )
    for match in _WORDS_AMOUNT.finditer(full_text):
        amount = words_to_number(match.group("words"))
        if amount is None or amount == 0:
            continue
        cents = Decimal(match.group("cents") or 0) / 100
        value = f"{(Decimal(amount) + cents).quantize(Decimal('0.01')):f}"
        found.append(_money(match, 0.9, value, _currency(match.group("currency"))))
    return found


def words_to_number(words: str) -> int | None:
    """Read an English number in words: ``Twenty-Five Thousand`` -> 25000.

    Args:
        words: Number words separated by spaces, hyphens or ``and``.

    Returns:
        The number, or None when the words do not form one (``thousand hundred``).
    """
    total, current, last = 0, 0, ""
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and" or not word:
            continue
        if word in _UNITS or word in _TENS:
            if last in _UNITS or (last in _TENS and word in _TENS):
                return None
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        elif word == "hundred":
            if current == 0 or current >= 100:
                return None
            current *= 100
        else:
            if current == 0:
                return None
            total, current = total + current * _GROUPS[word], 0
        last = word
    return total + current


def _scaled(number: str, scale: str | None) -> str | None:
    value = decimal_amount(number)
    if value is None or scale is None:
        return value
    return f"{(Decimal(value) * _MULTIPLIERS[scale.lower()]).quantize(Decimal('0.01')):f}"


def _currency(written: str) -> str:
    if written in _SYMBOLS:
        return _SYMBOLS[written]
    code = written.upper()
    if code in _CODES:
        return _CODE_ALIASES.get(code, code)
    return _CURRENCY_WORDS[re.sub(r"\s+", " ", written.lower())]


def _money(match: re.Match[str], confidence: float, value: str, currency: str) -> Candidate:
    normalized = value if currency == "USD" else f"{value} {currency}"
    return Candidate(match.start(), match.end(), EntityType.MONEY, confidence, normalized)
