"""People named without an honorific or a party role before them.

Filings and contracts name most people where the layout says who they are: a signature block
(``s/ Jane Roe``, ``By:``, ``Signed:``, ``Respectfully submitted,``), an attention line, a title
after the name (``Marcia M. Waldron, Clerk``, ``Selya and Barron, Circuit Judges``, ``Jane Roe,
Esq.``), a counsel list (``Fox Rothschild LLP, by Jane Roe and John Doe``), a contract preamble
(``Jane Q. Roe (the "Executive")``) or ``in his official capacity``. A full name with a middle
initial (``Maria G. Danaher``) is a person wherever it stands, unless it names a building.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.names import (
    FULL_PERSON,
    LEADING_NOISE,
    NAME_END,
    NAME_WORD,
    PERSON,
    PLACES,
    UPPER_PERSON,
    UPPER_WORD,
    looks_like_org,
)
from lexflow.text.normalize import display_name, word_set

SIGNATURE_CONFIDENCE = 0.85
TITLE_CONFIDENCE = 0.8
INITIAL_CONFIDENCE = 0.7
FORM_CONFIDENCE = 0.7

# A name may wrap onto the next line in a counsel list ("Kip D.\nNelson").
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_ANY_NAME = rf"(?:{PERSON}|{UPPER_PERSON}|{UPPER_WORD})"
_SIGNATURE = re.compile(
    r"(?:(?<![\w/])s/|(?m:^)[ \t]*(?i:By|Signed|Name|Attn|Attention)\.?[ \t]*:[ \t]*(?:/?s/)?"
    r"|(?i:Respectfully\s+submitted|Sincerely|Very\s+truly\s+yours),?[ \t]*\n\s*(?:/?s/)?)"
    rf"[ \t]*(?P<name>{PERSON}|{UPPER_PERSON}){NAME_END}"
)
_TITLE = (
    r"(?:(?i:Chief|Senior|Circuit|District|Magistrate|Bankruptcy|Associate|Presiding|U\.\s?S\.)"
    r"[ \t]+)*(?i:Judges?|Justices?|Clerk(?:[ \t]+of[ \t]+Court)?|Governor|Esq\.?|Esquire"
    r"|(?:(?:Special|Senior|Assistant|Deputy|Chief)\s+)*(?:Attorneys?|Solicitor)\s+General"
    r"|Secretary|Commissioner|Director|Trustee|Mayor)(?![\w])|P\.J\.|C\.J\.|JJ?\.(?!\w)"
)
_TITLED = re.compile(
    # At most 16 names (an en banc panel), so a long list of words is not scanned quadratically.
    rf"(?<![\w.'’-])(?P<names>{_ANY_NAME}(?:,[ \t]+{_ANY_NAME}){{0,15}}"
    rf"(?:,?[ \t]+and[ \t]+{_ANY_NAME})?)"
    rf",[ \t]*\n?[ \t]*(?:{_TITLE})"
)
_NAME_IN_LIST = re.compile(rf"{PERSON}|{UPPER_PERSON}|{UPPER_WORD}")
_COUNSEL_LIST = re.compile(
    rf",[ \t]+by[ \t]+(?P<names>{FULL_PERSON}{_GAP}?(?:,{_GAP}{FULL_PERSON})*"
    rf"(?:,?{_GAP}and{_GAP}{FULL_PERSON})?)"
)
_WRAPPED_PERSON = re.compile(
    rf"(?:(?:[A-Z]\.|{NAME_WORD}){_GAP}){{1,3}}{NAME_WORD}(?:,?[ \t]+(?:Jr\.|Sr\.|II|III|IV))?"
)
_DESCRIBED = re.compile(
    rf"(?<![\w.'’-])(?P<name>{FULL_PERSON}|{UPPER_PERSON})(?:[ \t]*,?[ \t]*\((?:(?i:the|"
    r"hereinafter)[ \t]+)?[\"“]|,[ \t]+(?:an[ \t]+individual|in[ \t]+(?:his|her|their)"
    r"[ \t]+(?:official|individual)))"
)
_MIDDLE_INITIAL = re.compile(
    rf"(?<![\w.'’-])(?P<name>{NAME_WORD}{_GAP}(?:[A-Z]\.{_GAP}){{1,2}}{NAME_WORD}"
    rf"|[A-Z]\.{_GAP}{NAME_WORD}[ \t]+{NAME_WORD}"
    rf"|{UPPER_WORD}{_GAP}(?:[A-Z]\.{_GAP}){{1,2}}{UPPER_WORD})"
    r"(?P<generation>,?[ \t]+(?:Jr\.|Sr\.|II|III|IV)(?![\w]))?"
    r"(?![\w'’-])(?![ \t]+(?i:Courthouse|Building|Center|Centre|Hall|Library|Street|Avenue"
    r"|Road|Boulevard|Park|Bridge|School|Memorial|Federal))"
)
# A counsel block gives each lawyer a line and an e-mail line below it: "JANE ROE*\njroe@x.org".
_LINE_NAME = rf"(?:{FULL_PERSON}|{UPPER_PERSON})"
_ABOVE_EMAIL = re.compile(
    rf"(?m)^[ \t]*(?P<name>{_LINE_NAME})[ \t]*\*?[ \t]*\n[ \t]*[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ \t]*$"
)
# A letterhead puts the title on the line below the name: "JANE O'ROE\nCLERK OF COURT".
_ABOVE_TITLE = re.compile(rf"(?m)^[ \t]*(?P<name>{_LINE_NAME})[ \t]*\n[ \t]*(?:{_TITLE})[ \t]*$")
# A docket sheet's labelled judge: "DC Judge: Roe", "Presiding Judge: JANE ROE".
_JUDGE_LABEL = re.compile(
    rf"\b(?i:Judge|Justice)[ \t]*:[ \t]*(?P<name>{PERSON}|{UPPER_PERSON}|{UPPER_WORD}){NAME_END}"
)
# A form's name field: a caption with "Name" and the value after its colon or on the next line,
# or two lines down under a second caption ("Borrower's Name"⏎"Co-Borrower's Name"⏎"Jane Roe").
_NAME_CAPTION = (
    r"(?:(?i:[\w'’-]+(?:[ \t]+[\w'’-]+){0,3}[ \t]+)?(?i:Name)(?:\(s\)|s)?"
    r"(?:[ \t]+\([^()\n]{0,60}\))?)"
)
_FORM_NAME = re.compile(
    rf"(?m)^[ \t]*(?P<label>{_NAME_CAPTION})[ \t]*(?::[ \t]*|:?[ \t]*\n(?:[^\n:]{{0,80}}"
    rf"(?i:name)[^\n:]{{0,60}}\n)?[ \t]*)(?P<name>{FULL_PERSON}|{UPPER_PERSON})[ \t]*$"
)
# A form's field for one part of a name, its value on the line or the next: "First Name: JANE
# Last Name: ROE", "Last Name:"⏎"ROE"; a caption may wrap ("First"⏎"Name: JANE").
_NAME_PART_FIELD = re.compile(
    rf"(?<![\w'’-])(?i:(?:first|last|middle|given|family)\s+name|surname)[ \t]*:[ \t]*\n?[ \t]*"
    rf"(?P<name>{UPPER_WORD}|{NAME_WORD})"
    r"(?=[ \t]*(?:\n|$)|[ \t]+(?i:(?:first|last|middle|given|family)[ \t]+name)\b)"
)
NAME_PART_CONFIDENCE = 0.6
# Values that are the form's next caption or a blank: "Last Name:"⏎"Phone: ...".
_NOT_NAME_PART = word_set("""phone email address date city state zip sex none unknown same""")
# A nickname in quotes before the surname, after a title or a given name: "Governor “Big Jim”
# Folsom", "Mary “Mae” Jones"; the mention starts at the given name or the quote.
_NICKNAMED = re.compile(
    rf"(?:\b(?:Governor|Senator|Judge|Justice|Mayor|President|General|Sheriff|Mr\.|Mrs\.|Ms\."
    rf"|Dr\.)[ \t]+|(?<![\w.'’-])(?P<given>{NAME_WORD})[ \t]+)(?P<nick>[“\"]{NAME_WORD}"
    rf"(?:{_GAP}{NAME_WORD}){{0,2}}[”\"]){_GAP}(?P<last>{NAME_WORD}){NAME_END}"
)
# A caption for a company, a place or a thing is no person's name field.
_NOT_PERSON_CAPTION = word_set(
    """company firm business employer bank entity organization organisation school street
    property project file plan product brand trade user account case court agency lender
    creditor institution"""
)
_PLACEHOLDER = re.compile(r"\b(?:John|Jane|Richard|Mary)[ \t]+(?:Doe|Roe)\b(?:[ \t]+\d+)?")
_NOT_GIVEN_NAMES = word_set(
    """fed cal supp app civ crim cir ct dist div no rev stat ann gen sec art ch para
    department office court state county city bureau board deputy special assistant solicitor
    attorney attorneys general chief senior"""
)
# Words that make a capitalised run a thing, a place or a proceeding rather than a person.
_NOT_NAME_WORDS = word_set(
    """courthouse building center centre hall library street avenue road boulevard park bridge
    litigation panel products liability proceedings act agreement rules court district order
    orders motion injunction application petition stipulation notice brief judgment complaint
    memorandum opinion decree subpoena warrant restraining preliminary temporary compact"""
)


def find_people(full_text: str) -> list[Candidate]:
    """Find people in signature blocks, counsel lists, titles after the name and preambles.

    Args:
        full_text: The document text.

    Returns:
        PERSON candidates (the name alone, normalised for display): 0.85 in a signature or
        attention line, 0.8 with a title after the name, in a counsel list, a preamble's
        defined term or a placeholder (``John Doe``), 0.7 for a name with a middle initial.
    """
    found = [
        *_matches(_SIGNATURE, full_text, SIGNATURE_CONFIDENCE),
        *(
            c
            for c in _matches(_DESCRIBED, full_text, TITLE_CONFIDENCE)
            if not _name_tail(full_text, c)
        ),
        *_listed(_TITLED, _NAME_IN_LIST, full_text),
        *_listed(_COUNSEL_LIST, _WRAPPED_PERSON, full_text),
        *_matches(_MIDDLE_INITIAL, full_text, INITIAL_CONFIDENCE),
        *_matches(_ABOVE_EMAIL, full_text, TITLE_CONFIDENCE),
        *_matches(_ABOVE_TITLE, full_text, TITLE_CONFIDENCE),
        *_matches(_JUDGE_LABEL, full_text, TITLE_CONFIDENCE),
    ]
    for match in _FORM_NAME.finditer(full_text):
        label = {w.strip("'’s()").lower() for w in re.findall(r"[\w'’]+", match.group("label"))}
        name = match.group("name")
        if label & _NOT_PERSON_CAPTION or not _is_name(name):
            continue
        found.append(_person(match.start("name"), match.end("name"), FORM_CONFIDENCE, name))
    for match in _NICKNAMED.finditer(full_text):
        start = match.start("given") if match.group("given") else match.start("nick")
        given = match.group("given") or ""
        if given.lower() in LEADING_NOISE or not _is_name(f"{given} {match.group('last')}"):
            continue
        text = full_text[start : match.end()]
        found.append(_person(start, match.end(), TITLE_CONFIDENCE, " ".join(text.split())))
    for match in _NAME_PART_FIELD.finditer(full_text):
        if _is_name(match.group("name")) and match.group("name").lower() not in _NOT_NAME_PART:
            start, end = match.start("name"), match.end("name")
            found.append(_person(start, end, NAME_PART_CONFIDENCE, match.group("name")))
    for match in _PLACEHOLDER.finditer(full_text):
        found.append(_person(match.start(), match.end(), TITLE_CONFIDENCE, match.group(0)))
    return found


# "Immigration and Customs Enforcement (“ICE”)": a name before a definition that follows a
# capitalised word and a joining word is the tail of a longer name, not a person's.
_JOINED_NAME_BEFORE = re.compile(r"[A-Z][\w'’.-]*[ \t]+(?:and|of|for|&)[ \t]+$")


def _name_tail(full_text: str, candidate: Candidate) -> bool:
    before = _JOINED_NAME_BEFORE.search(full_text, max(0, candidate.start - 60), candidate.start)
    return before is not None


def _matches(pattern: re.Pattern[str], full_text: str, confidence: float) -> Iterator[Candidate]:
    for match in pattern.finditer(full_text):
        start, end = match.start("name"), match.end("name")
        if "generation" in pattern.groupindex and match.group("generation"):
            end = match.end("generation")
        if _is_name(full_text[start:end]):
            yield _person(start, end, confidence, full_text[start:end])


def _listed(pattern: re.Pattern[str], name: re.Pattern[str], full_text: str) -> Iterator[Candidate]:
    """Each name in ``A, B and C, Circuit Judges`` or ``LLP, by A, B and C``."""
    for match in pattern.finditer(full_text):
        for each in name.finditer(full_text, match.start("names"), match.end("names")):
            start = each.start()
            # "Before Barksdale, Stewart, and Dennis, Circuit Judges": the panel's first name.
            if (lead := _LEADING_WORD.match(full_text, start, each.end())) and (
                lead.group(1).lower() in _PANEL_WORDS
            ):
                start = lead.end()
            if start < each.end() and _is_name(full_text[start : each.end()]):
                yield _person(start, each.end(), TITLE_CONFIDENCE, full_text[start : each.end()])


_LEADING_WORD = re.compile(r"([A-Za-z]+):?[ \t]+(?=\S)")
# Words that introduce a panel: "Before Roe, Doe, and Poe, Circuit Judges", "PRESENT: Roe".
_PANEL_WORDS = frozenset({"before", "present", "coram"})


def _is_name(text: str) -> bool:
    words = [w.strip(".,'’").lower() for w in text.split()]
    if not words or words[0] in LEADING_NOISE or words[0] in _NOT_GIVEN_NAMES:
        return False
    if " ".join(words) in PLACES:
        return False  # "UNITED STATES" over "DISTRICT JUDGE" is half a title
    if words[-1] in LEADING_NOISE:
        return False
    # After an initial a "thing" word is a surname: "Ryan Y. Park", not "Central Park".
    things = words[:-1] if re.search(r"[A-Z]\.\s+\S+$", text) else words
    if not _NOT_NAME_WORDS.isdisjoint(things):
        return False
    return not looks_like_org(text)


def _person(start: int, end: int, confidence: float, name: str) -> Candidate:
    return Candidate(start, end, EntityType.PERSON, confidence, display_name(name))
