"""Clustering of distinct person and organisation names (see ``lexflow.text.canonical``)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from rapidfuzz import fuzz

from lexflow.text.name_keys import PersonName, acronyms, org_key, person_name

FUZZY_THRESHOLD = 80.0


class UnionFind:
    """Disjoint sets of strings; the alphabetically smallest member is each set's root."""

    def __init__(self, items: Iterable[str]) -> None:
        self._parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self._parent[item] != item:
            self._parent[item] = self._parent[self._parent[item]]
            item = self._parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            keep, drop = sorted((root_a, root_b))
            self._parent[drop] = keep

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for item in sorted(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return list(out.values())


def cluster_people(names: Iterable[str]) -> list[list[str]]:
    """Group personal names that refer to one person.

    Names are taken from the most to the least specific: given name and middle initial
    (``John A. Smith``), given name (``John Smith``), initial (``J. Smith``), surname
    (``Smith``). Names of one tier merge with each other when they agree; a name then joins a
    more specific cluster only if exactly one fits, so ``John Smith`` never bridges ``John A.
    Smith`` and ``John B. Smith``, nor ``Smith`` two different Smiths.

    Args:
        names: Distinct display names, honorifics already removed or not.

    Returns:
        The groups, each sorted, in sorted order of their first member.
    """
    parsed = {name: person_name(name) for name in sorted(set(names))}
    sets = UnionFind(parsed)
    known = {n: p for n, p in parsed.items() if p is not None}
    tiers = [
        [n for n, p in known.items() if p.has_given_name and p.middles],
        [n for n, p in known.items() if p.has_given_name and not p.middles],
        [n for n, p in known.items() if p.first is not None and not p.has_given_name],
        [n for n, p in known.items() if p.first is None],
    ]
    fits = (_same_person, _same_person, _initial_fits, _surname_fits)
    for level, tier in enumerate(tiers):
        for a, b in combinations(tier, 2):
            if _same_person(known[a], known[b]) if level < 2 else known[a] == known[b]:
                sets.union(a, b)
        more_specific = [n for higher in tiers[:level] for n in higher]
        for name in tier:
            targets = {sets.find(o) for o in more_specific if fits[level](known[name], known[o])}
            if len(targets) == 1:
                sets.union(name, targets.pop())
    return sets.groups()


def _same_person(a: PersonName, b: PersonName) -> bool:
    if not _similar(a.last, b.last) or not _middles_agree(a, b):
        return False
    first_a, first_b = a.first or "", b.first or ""
    return first_a == first_b or (
        min(len(first_a), len(first_b)) >= 3 and _similar(first_a, first_b)
    )


def _initial_fits(short: PersonName, full: PersonName) -> bool:
    return (
        _similar(short.last, full.last)
        and short.initial == full.initial
        and _middles_agree(short, full)
    )


def _surname_fits(short: PersonName, other: PersonName) -> bool:
    return short.last == other.last


def _middles_agree(a: PersonName, b: PersonName) -> bool:
    return not (a.middles and b.middles) or a.middles[0][0] == b.middles[0][0]


def _similar(a: str, b: str) -> bool:
    return a == b or fuzz.ratio(a, b) >= FUZZY_THRESHOLD


def cluster_organizations(names: Iterable[str]) -> list[list[str]]:
    """Group organisation names that refer to one organisation.

    Args:
        names: Distinct display names.

    Returns:
        The groups, each sorted, in sorted order of their first member.
    """
    keys = {name: org_key(name) for name in sorted(set(names))}
    sets = UnionFind(keys)
    by_key: dict[str, str] = {}
    for name, key in keys.items():
        sets.union(name, by_key.setdefault(key, name))
    distinct = sorted(by_key)
    for a, b in combinations(distinct, 2):
        if _similar_org(a, b):
            sets.union(by_key[a], by_key[b])
    written_upper = {key for name, key in keys.items() if name.replace(".", "").isupper()}
    for key in distinct:
        own = sets.find(by_key[key])
        targets = {sets.find(by_key[k]) for k in distinct if _begins(k, key)}
        if key in written_upper and " " not in key:
            targets |= {sets.find(n) for n in keys if key.upper() in acronyms(n)}
        targets.discard(own)
        if len(targets) == 1:
            sets.union(by_key[key], targets.pop())
    return sets.groups()


def _similar_org(a: str, b: str) -> bool:
    """Similar overall, and the words that differ are similar too (``Amerika``/``America``)."""
    if fuzz.ratio(a, b) < FUZZY_THRESHOLD:
        return False
    words_a, words_b = a.split(), b.split()
    while words_a and words_b and words_a[0] == words_b[0]:
        words_a, words_b = words_a[1:], words_b[1:]
    while words_a and words_b and words_a[-1] == words_b[-1]:
        words_a, words_b = words_a[:-1], words_b[:-1]
    if not words_a or not words_b:
        return True
    return fuzz.ratio(" ".join(words_a), " ".join(words_b)) >= FUZZY_THRESHOLD


def _begins(longer: str, shorter: str) -> bool:
    """``acme`` begins ``acme widgets``; a name of two words or more may sit anywhere in it."""
    if longer == shorter or len(shorter) < 3:
        return False
    if " " in shorter:
        return f" {shorter} " in f" {longer} "
    return longer.startswith(f"{shorter} ")
