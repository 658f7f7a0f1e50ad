"""Mend words hyphenated across line ends, so the document text has them whole.

A line that ends in a hyphen attached to a word, followed on the same page by a text line of the
same role that starts with a letter or digit, is a *break*. Each break gets one action:

``join``
    A soft hyphen, put there by the typesetter: hyphen and line break go ("continu-" + "ation"
    gives "continuation").
``keep``
    A real hyphen that happens to fall at the line end: the line break goes, the hyphen stays
    ("Smith-" + "Jones" gives "Smith-Jones", "1:23-" + "cv-04567" gives "1:23-cv-04567").
``leave``
    Probably not one word at all (two columns read across, "CUT-" then "San Francisco"): the
    text is left as it was.

Without a word list, the document is the evidence. Measured on the born-digital corpus, a
typeset opinion breaks hundreds of words with soft hyphens ("Okla-homa", "Com-pact") whose whole
form appears elsewhere in it, while word-processed filings are not hyphenated automatically and
every line-end hyphen there is real ("vendor-plaintiffs", "non-final"), and again its hyphenated
form often appears elsewhere. So, for a lowercase letter before the hyphen and a lowercase word
after it, the first rule that applies decides:

1. the joined word or the hyphenated pair appears elsewhere in the document (mid-line): the more
   frequent one wins, a tie keeps the hyphen;
2. the document's breaks so decided are mostly real hyphens: keep (it is not hyphenated by a
   typesetter, so an unknown break is a compound too);
3. both halves are words of the document ("contract" + "law"): keep;
4. otherwise ("indi" + "cation"): join.

A capital after the hyphen keeps it (a soft break never starts its second half with a capital,
except in all-capital text, where the joined word must appear elsewhere). A digit on either side
keeps it: case numbers, Bates numbers, statute sections and page ranges are hyphenated for real.
A line-end soft hyphen character (U+00AD) always joins. Breaks never span a page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from lexflow.ocr.types import OcrLine, OcrPage

Action = Literal["join", "keep", "leave"]

HYPHENS = "-\u2010"
"""Hyphen-minus and U+2010 HYPHEN: what a real or a typesetter's hyphen is drawn as."""
SOFT_HYPHEN = "\u00ad"
"""A discretionary hyphen: shown only at a line end, never part of the word."""

_LAST_TOKEN = re.compile(r"\S+$")
_FIRST_TOKEN = re.compile(r"^\S+")
_LETTERS_AT_END = re.compile(r"[^\W\d_]+$")
_LETTERS_AT_START = re.compile(r"^[^\W\d_]+")
_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)+")
_HYPHEN = re.compile(r"[-\u2010]")


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A line end where a word may have been hyphenated."""

    page: int
    """Position of the page in the sequence given (0-based), not its number."""
    line: int
    """Position, among the page's text lines, of the line that ends with the hyphen."""
    left: str
    """The hyphenated token at the end of the line, hyphen included."""
    right: str
    """The first token of the next line."""
    action: Action
    reason: str
    """Which rule decided, for measurements and debugging."""


@dataclass(frozen=True, slots=True)
class _Site:
    page: int
    line: int
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class _Evidence:
    words: Counter[str]
    pairs: Counter[tuple[str, str]]
    mostly_real: bool
    """The document's breaks decided by evidence are mostly real hyphens."""


def _text_lines(page: OcrPage) -> list[OcrLine]:
    """The lines that make up ``page.text`` (pleading-paper line numbers left out)."""
    return [line for line in page.lines if line.role != "line-number"]


def mend_page_texts(pages: Sequence[OcrPage]) -> list[str]:
    """Each page's text with words hyphenated across its line ends mended.

    A page without breaks gets exactly ``page.text``; otherwise only the hyphens and line breaks
    of joined and kept breaks differ.

    Args:
        pages: All pages of the document, in reading order (the whole document is the evidence).

    Returns:
        One text per page, in the order given.
    """
    actions = {(b.page, b.line): b.action for b in find_line_breaks(pages)}
    texts = []
    for index, page in enumerate(pages):
        parts: list[str] = []
        for number, line in enumerate(_text_lines(page)):
            action = actions.get((index, number - 1), "leave")
            if not parts:
                parts.append(line.text)
            elif action == "leave":
                parts.append("\n" + line.text)
            else:
                end = parts[-1].rstrip()
                parts[-1] = end[:-1] if action == "join" else end
                parts.append(line.text.lstrip())
        texts.append("".join(parts))
    return texts


def find_line_breaks(pages: Sequence[OcrPage]) -> list[LineBreak]:
    """Every break in the document with the action the rules give it.

    Args:
        pages: All pages of the document, in reading order.

    Returns:
        The breaks in document order.
    """
    sites = list(_sites(pages))
    words, pairs = _vocabulary(pages)
    real = soft = 0
    for site in sites:
        pair = _lowercase_pair(site)
        if pair is not None:
            joined, hyphenated = words[pair[0] + pair[1]], pairs[pair]
            real += hyphenated > joined
            soft += joined > hyphenated
    evidence = _Evidence(words, pairs, mostly_real=real > soft)
    return [LineBreak(s.page, s.line, s.left, s.right, *_decide(s, evidence)) for s in sites]


def _sites(pages: Sequence[OcrPage]) -> Iterator[_Site]:
    for index, page in enumerate(pages):
        lines = _text_lines(page)
        for number, (line, after) in enumerate(pairwise(lines)):
            if line.role != after.role:
                continue
            left = _LAST_TOKEN.search(line.text.rstrip())
            right = _FIRST_TOKEN.search(after.text.lstrip())
            if left is None or right is None or len(left.group()) < 2:
                continue
            token, first = left.group(), right.group()
            hyphen_after_word = token[-1] in HYPHENS + SOFT_HYPHEN and token[-2].isalnum()
            # "-2-" is a page number between dashes, not a word with a hyphen
            if hyphen_after_word and token[0] not in HYPHENS and first[0].isalnum():
                yield _Site(index, number, token, first)


def _vocabulary(pages: Sequence[OcrPage]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Words and hyphenated pairs ("non", "compete") of the document, away from line-end hyphens."""
    words: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    after_hyphen = False
    for page in pages:
        for line in _text_lines(page):
            text = line.text.strip()
            # the halves of a hyphenated word ("Okla", "homa") are no evidence of anything, even
            # when the word runs on to the next page
            if after_hyphen:
                text = _FIRST_TOKEN.sub("", text)
            after_hyphen = bool(text) and text[-1] in HYPHENS + SOFT_HYPHEN
            if after_hyphen:
                text = _LAST_TOKEN.sub("", text)
            words.update(word.casefold() for word in _WORD.findall(text))
            for compound in _COMPOUND.findall(text):
                parts = _HYPHEN.split(compound.casefold())
                pairs.update(pairwise(parts))
    return words, pairs


def _lowercase_pair(site: _Site) -> tuple[str, str] | None:
    """The letters either side of the hyphen, when both sides are lowercase letters."""
    left = _LETTERS_AT_END.search(site.left[:-1])
    right = _LETTERS_AT_START.match(site.right)
    if left is None or right is None:
        return None
    if not (left.group()[-1].islower() and right.group()[0].islower()):
        return None
    return left.group().casefold(), right.group().casefold()


def _decide(site: _Site, evidence: _Evidence) -> tuple[Action, str]:
    if site.left[-1] == SOFT_HYPHEN:
        return ("join", "soft hyphen") if site.right[0].isalpha() else ("leave", "soft hyphen")
    if site.left[-2].isdigit() or site.right[0].isdigit():
        return "keep", "digit"
    pair = _lowercase_pair(site)
    if pair is None:
        return _decide_capitals(site, evidence)
    joined, hyphenated = evidence.words[pair[0] + pair[1]], evidence.pairs[pair]
    if joined or hyphenated:
        return ("join", "joined word seen") if joined > hyphenated else ("keep", "pair seen")
    if evidence.mostly_real:
        return "keep", "document hyphenates for real"
    if evidence.words[pair[0]] and evidence.words[pair[1]]:
        return "keep", "both halves are words"
    return "join", "lowercase fragments"


def _decide_capitals(site: _Site, evidence: _Evidence) -> tuple[Action, str]:
    left = _LETTERS_AT_END.search(site.left[:-1])
    right = _LETTERS_AT_START.match(site.right)
    if left is None or right is None:
        return "leave", "no letters"
    before, after = left.group(), right.group()
    if len(before) > 1 and before.isupper() and after[0].isupper():
        if not after.isupper():  # "CUT-" then "San Francisco": two columns read across
            return "leave", "capitals then a capitalised word"
        if evidence.words[(before + after).casefold()]:
            return "join", "joined word seen"
    return "keep", "capital"
