"""Comparison keys for names: the parts of a personal name, an organisation's bare name, acronyms.

Shared by name propagation (finding later short references) and the resolver (merging them), so
both agree on what ``J. Smith`` or ``Acme Corp.`` reduce to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexflow.text.normalize import word_set

LEGAL_FORMS = word_set(
    "inc incorporated llc corp corporation co company ltd limited llp lp na pc pllc pa plc"
)
_HONORIFICS = word_set(
    """mr mrs ms dr prof hon honorable judge justice chief magistrate district circuit senator
    governor officer detective sergeant sgt the"""
)
_GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv", "esq"})
_ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "&", "de", "du"})
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A personal name split for comparison; all parts lower case, initials without the dot."""

    first: str | None
    middles: tuple[str, ...]
    last: str

    @property
    def initial(self) -> str | None:
        return self.first[0] if self.first else None

    @property
    def has_given_name(self) -> bool:
        """Whether the first name is spelt out (``John``), not only an initial (``J.``)."""
        return self.first is not None and len(self.first) > 1


def person_name(name: str) -> PersonName | None:
    """Split ``"Hon. John A. Smith, Jr."`` into first ``john``, middles ``("a",)``, last ``smith``.

    Args:
        name: A personal name, with or without honorific and generational suffix.

    Returns:
        The parts, or None when no surname is left.
    """
    tokens = [t.replace("’", "'").lower() for t in _TOKEN.findall(name.replace(".", ". "))]
    while tokens and tokens[0] in _HONORIFICS:
        tokens.pop(0)
    while tokens and tokens[-1] in _GENERATIONS:
        tokens.pop()
    if not tokens:
        return None
    if len(tokens) == 1:
        return PersonName(first=None, middles=(), last=tokens[0])
    return PersonName(first=tokens[0], middles=tuple(tokens[1:-1]), last=tokens[-1])


def org_key(name: str) -> str:
    """Lower-case organisation name without legal form or punctuation: ``Acme Corp.`` -> ``acme``.

    Args:
        name: An organisation name as written.

    Returns:
        The comparison key; the whole name lower-cased if it is nothing but a legal form.
    """
    words = _org_words(name)
    if words and words[0] == "the":
        words = words[1:]
    stripped = list(words)
    while stripped and stripped[-1] in LEGAL_FORMS:
        stripped.pop()
    return " ".join(stripped or words)


def org_core(name: str) -> str:
    """The name as written without its trailing legal form: ``Acme, Inc.`` -> ``Acme``."""
    core = name
    while True:
        match = re.search(r",?\s+([A-Za-z.]+)\s*$", core)
        if not match or match.group(1).replace(".", "").lower() not in LEGAL_FORMS:
            return core.strip(" ,")
        core = core[: match.start()]


def acronyms(name: str) -> frozenset[str]:
    """Upper-case initialisms a name may be abbreviated to, from three words up.

    ``International Business Machines Corp.`` gives ``IBM``; ``Bank of America`` gives ``BOA``.

    Args:
        name: An organisation name.

    Returns:
        The candidate acronyms; empty for names of fewer than three significant words.
    """
    words = org_key(name).split()
    significant = [w for w in words if w not in _ACRONYM_SKIP]
    if len(significant) < 3 and len(words) < 3:
        return frozenset()
    found = {"".join(w[0] for w in significant).upper(), "".join(w[0] for w in words).upper()}
    return frozenset(a for a in found if len(a) >= 3)


def _org_words(name: str) -> list[str]:
    text = name.lower().replace("&", " and ").replace(".", "").replace("’", "'")
    return _TOKEN.findall(text)
