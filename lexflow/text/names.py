"""Name patterns shared by the rules for people and organisations, and the rules for people and
caption parties (organisations are in ``organizations``).

Without a statistical model, names are only taken where the text itself says what they are: a
corporate suffix (``Inc.``, ``LLC``), an agency prefix (``Department of``), an honorific, a party
role (``Plaintiff John Smith``), a signature (``/s/ Jane Doe``), an upper-case caption line, or a
side of an ``X v. Y`` caption. Each rule has its own confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lexflow.text.courts import STATES
from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import collapse_space, display_name, word_set

# A word of a name: "ConsumerInfo.com" keeps its domain.
ORG_WORD = r"(?:St\.|Mt\.|(?:[A-Z]\.)+|[A-Z0-9][A-Za-z0-9'’\-]*(?:\.(?i:com|net|org|io)\b)?|&)"


def title_or_upper(words: str) -> str:
    """Alternation of each word as written and in upper case, longest first: ``Inc.|INC.|Inc``."""
    forms = {form for word in words.split() for form in (word, word.upper())}
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


# Case matters: "a Delaware limited liability company" has no organisation in it.
LEGAL_FORM = (
    title_or_upper(
        "Inc. Inc Incorporated L.L.C. LLC Corp. Corp Corporation Company Co. Ltd. Ltd Limited LLP "
        "L.L.P. L.P. LP N.A. P.C. PLLC P.L.L.C. P.A."
    )
    + "|National[ \t]+Association|NATIONAL[ \t]+ASSOCIATION"
)

# A name ends at a word boundary; a possessive "'s" is left outside the mention.
NAME_END = r"(?![\w-]|['’](?!s\b))"
# Latin-1 letters too: "Angélica", "ANGÉLICA".
UPPER = "A-ZÀ-ÖØ-Þ"
LOWER = "a-zß-öø-ÿ"
NAME_WORD = rf"(?:[A-Z]['’])?[{UPPER}][{LOWER}]+(?:[A-Z][{LOWER}]+)?(?:-[A-Z][{LOWER}]+)?"
_INITIAL = r"[A-Z]\."
_GENERATION = r"(?:,?[ \t]+(?:Jr\.|Sr\.|II|III|IV))?"
# A surname may carry a particle after the given names: "Olga Vysotskaya de Brito".
_PARTICLE = r"(?:de|da|del|della|di|du|van|von|der|den|la|le|dos|das|bin|ibn)"
_PARTICLED = rf"(?:(?:{_INITIAL}|{NAME_WORD})[ \t]+){{1,3}}{_PARTICLE}[ \t]+{NAME_WORD}"
# A surname may start with "St." or "Ste.": "Vanessa St. Pierre", "Ms. Ste. Marie".
_SURNAME = rf"(?:Ste?\.[ \t]?)?{NAME_WORD}"
PERSON = rf"(?:{_PARTICLED}|(?:(?:{_INITIAL}|{NAME_WORD})[ \t]+){{0,3}}{_SURNAME})(?:{_GENERATION})"
FULL_PERSON = (
    rf"(?:{_PARTICLED}|(?:(?:{_INITIAL}|{NAME_WORD})[ \t]+){{1,3}}{_SURNAME})(?:{_GENERATION})"
)
UPPER_WORD = rf"(?!(?:AND|OR)\b)[{UPPER}][{UPPER}'’\-]+"
UPPER_PERSON = rf"{UPPER_WORD}(?:[ \t]+(?:[A-Z]\.|{UPPER_WORD})){{1,3}}"

# Only an abbreviation takes a full stop: "SELYA, Circuit Judge. This appeal" names nobody.
_HONORIFIC = re.compile(
    r"\b(?:(?i:Mr|Mrs|Ms|Dr|Prof|Hon|Sgt|Det|Gov|Sen)\.?|(?i:Honorable|Judge|Justice"
    r"|Chief\s+Judge|Chief\s+Justice|Magistrate\s+Judge|District\s+Judge|Circuit\s+Judge"
    r"|Senator|Governor|Officer|Detective|Sergeant))[ \t]+(?:(?i:the)[ \t]+(?i:Honorable)[ \t]+)?"
    rf"(?P<name>{PERSON}|{UPPER_PERSON}){NAME_END}"
)
_ROLE = re.compile(
    r"\b(?i:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?"
    r"|Claimants?|Debtors?|Declarant|Affiant|Witness|Movant|Relator|Intervenor|CEO|CFO|COO"
    r"|President|Vice\s+President|Director|Manager|Supervisor|Chairman|Chairwoman|Secretary"
    r"|Treasurer|Employee|Agent)[ \t]+"
    rf"(?P<name>{FULL_PERSON}|{UPPER_PERSON}){NAME_END}"
)
_SIGNATURE = re.compile(rf"/s/[ \t]*(?P<name>{PERSON}|{UPPER_PERSON}){NAME_END}")
# A caption line ends at the comma, or goes on with "an individual": never "NEW YORK, NY 10007".
_CAPTION_LINE = re.compile(
    rf"(?m)^[ \t]*(?P<names>{UPPER_PERSON}(?:[ \t]+(?:and|AND|&)[ \t]+{UPPER_PERSON})*),"
    r"[ \t]*(?:$|\)|(?i:an\s+individual|individually|et\s+al\.))"
)
UPPER_PERSON_RE = re.compile(UPPER_PERSON)
_PARTY = rf"(?:{ORG_WORD}(?:[ \t]+(?:(?:of|the|for|&)[ \t]+)?{ORG_WORD}){{0,6}}\.?)"
# "Paulv. Jones": OCR may drop the space before "v.".
_VERSUS = re.compile(
    rf"(?<![\w.&])(?P<left>{_PARTY})(?:,?[ \t]+(?i:et[ \t]+al)\.?,?)?(?:[ \t]+|(?<=[a-z]))"
    rf"(?i:v|vs)\.(?:[ \t]+|[ \t]*\n[ \t]*)(?P<right>{_PARTY})"
)

PLACES = frozenset({s.lower() for s in STATES} | {"united states", "u.s.", "foreign"})
_WORD = re.compile(r"\S+")
# The word after a name, unless a title follows it: "Jane Roe\nDistrict Judge" is a judge.
_NEXT_WORD = re.compile(
    r"[ \t]*\n?[ \t]*([A-Za-z][A-Za-z.'’]*)(?![ \t]+(?i:Judges?|Courts?|Attorneys?|of)\b)"
)
_ORG_TAILS = word_set(
    """district board bureau commission committee council authority association foundation
    corporation company inc llc ltd llp institute society agency fund"""
)
_ET_AL_END = re.compile(r",?[ \t]+(?i:et[ \t]+al)\.?$")
# Words that start organisation names and are no surname: "Acme v. National" is cut off.
_NOT_A_SURNAME = word_set(
    """national american international united general federal first global standard
    universal consolidated mutual republic"""
)
_LEGAL_FORM_END = re.compile(rf"(?i:{LEGAL_FORM})$")

ORG_WORDS = word_set(
    """inc incorporated llc l.l.c corp corporation company co ltd limited llp l.l.p l.p lp n.a
    p.c pllc bank trust university association foundation partners holdings group department
    dep't dept office bureau board commission agency city county town village state
    commonwealth people government court district circuit services systems international
    technologies industries enterprises fund insurance school college hospital church chapel
    fellowship society institute dist committee council league authority union coalition
    alliance federation solutions assn ass'n"""
)
_GOVERNMENT_PARTY = re.compile(
    r"^(?i:United\s+States(?:\s+of\s+America)?|(?:The\s+)?People(?:\s+of\s+the\s+State\s+of\s+.+)?"
    r"|State\s+of\s+.+|Commonwealth\s+of\s+.+)$"
)
LEADING_NOISE = word_set(
    """the a an plaintiff plaintiffs defendant defendants petitioner petitioners respondent
    respondents appellant appellee debtor creditor on in by from to for with between against of
    and but yet so then thus see also cf dear counsel attorney attorneys whereas under per via
    including said both
    each its their his her our your this that these those after before when where while if
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday"""
)
_HEADING_WORDS = word_set(
    """complaint demand jury trial count counts cause causes action relief prayer parties
    jurisdiction venue facts introduction nature summary exhibit table contents notice motion
    order judgment memorandum declaration affidavit certificate service verification answer
    united states district court plaintiff plaintiffs defendant defendants case civil against
    and the of"""
)


def looks_like_person(text: str) -> bool:
    """A full personal name with a middle initial: ``Mathew D. Staver``."""
    return re.fullmatch(rf"{NAME_WORD}(?:[ \t]+[A-Z]\.)+[ \t]+{NAME_WORD}", text) is not None


def find_persons(full_text: str) -> list[Candidate]:
    """Find people introduced by an honorific, a party role, a signature or a caption line.

    Args:
        full_text: The document text.

    Returns:
        PERSON candidates: 0.9 for ``/s/ Jane Doe``, 0.85 for ``Judge Jesse M. Furman`` (the
        mention keeps the honorific, the normalised name drops it), 0.8 for ``Plaintiff John
        Smith`` (the mention is the name alone) and 0.7 for an upper-case caption line such as
        ``JOHN A. SMITH,``.
    """
    found: list[Candidate] = []
    rules = ((_SIGNATURE, 0.9, False), (_HONORIFIC, 0.85, True), (_ROLE, 0.8, False))
    for pattern, confidence, keep_prefix in rules:
        for match in pattern.finditer(full_text):
            name = match.group("name")
            if looks_like_org(name) or followed_by_org_word(full_text, match.end()):
                continue
            if name.split()[0].lower() in LEADING_NOISE or _names_a_thing(name):
                continue
            if pattern is _ROLE and _INDEFINITE_BEFORE.search(full_text, 0, match.start()):
                continue  # "an Employee Benefits Summary": the role word describes a thing
            start = match.start() if keep_prefix else match.start("name")
            found.append(_person(start, match.end(), confidence, name))
    for line in _CAPTION_LINE.finditer(full_text):
        for match in UPPER_PERSON_RE.finditer(full_text, line.start("names"), line.end("names")):
            name = match.group(0)
            words = {w.strip(".,'’").lower() for w in name.split()}
            if not looks_like_org(name) and not words & _HEADING_WORDS:
                found.append(_person(match.start(), match.end(), 0.7, name))
    return found


# Words that end the name of a document or a plan, never a person's: "Benefits Summary".
_THING_END = word_set(
    """summary plan policy handbook manual report schedule statement form program programme
    guide agreement contract notice certificate benefits forms team teams sheet sheets order
    orders motion motions"""
)
_INDEFINITE_BEFORE = re.compile(r"(?<![\w'’-])(?i:an?)[ \t]+\Z")


def _names_a_thing(name: str) -> bool:
    return name.split()[-1].strip(".,").lower() in _THING_END


def find_caption_parties(full_text: str) -> list[Candidate]:
    """Classify both sides of an ``X v. Y`` caption as an organisation or a person.

    A side naming a company, an agency or a government (``United States``, ``State of ...``)
    is an ORGANIZATION (0.7); a side that reads as a personal name is a PERSON (0.6, a guess
    from capitalisation alone). Sides inside a case citation lose to the citation, which is
    longer, so these mostly survive for the document's own caption written inline.

    Args:
        full_text: The document text.

    Returns:
        PERSON and ORGANIZATION candidates.
    """
    found: list[Candidate] = []
    for match in _VERSUS.finditer(full_text):
        glued = full_text[match.end("left")] not in " \t"
        if glued and _is_abbreviation_v(match):
            continue
        sides = [_party(full_text, match.start(s), match.end(s)) for s in ("left", "right")]
        if glued and None in sides:
            continue
        start = next((side.start for side in sides if side is not None), None)
        citing = start is not None and _CITING.search(full_text, max(0, start - 20), start)
        if citing and start is not None and start < match.end("left"):
            # "(quoting Roe v. Acme Corp." cut by a page end: a case's name, not its parties.
            end = match.end("right") if sides[1] is None else sides[1].end
            relator = _EX_REL.search(full_text, match.start("right"), end + 9)
            named = relator and _RELATOR.match(full_text, relator.end())
            if named:
                end = named.end("name")  # "See Roe v. State ex rel. Doe"
            name = collapse_space(full_text[start:end])
            case = Candidate(start, end, EntityType.CASE_CITATION, CASE_NAME_CONFIDENCE, name)
            found.append(case)
            continue
        relator = _EX_REL.search(full_text, match.start("right"), match.end("right") + 9)
        if relator is not None:
            # "v. State ex rel. Roe": the State is the party (a place alone: no name to list)
            # and the relator on whose behalf it sues is a person.
            found.extend(_relator(full_text, relator))
            found.extend([sides[0]] if sides[0] is not None else [])
            continue
        found.extend(side for side in sides if side is not None)
    return found


_EX_REL = re.compile(r"[ \t]+(?i:ex[ \t]+rel)\.?(?:[ \t]+|$)")
_RELATOR = re.compile(
    rf"\.?[ \t]*(?P<name>{PERSON}|{UPPER_PERSON}|{UPPER_WORD}|{NAME_WORD})(?![\w'’-])"
)


def _relator(full_text: str, ex_rel: re.Match[str]) -> list[Candidate]:
    relator = _RELATOR.match(full_text, ex_rel.end())
    if relator is None or relator.group("name").lower() in _NOT_A_SURNAME:
        return []
    return [_person(relator.start("name"), relator.end("name"), 0.6, relator.group("name"))]


# A case named after a citing word: "(quoting Roe v. Doe", "see also Roe v. Doe".
_CITING = re.compile(
    r"(?:\b(?i:quoting|citing|see(?:[ \t]+also)?|cf\.|accord|compare)|\b(?:See|Cf\.))[ \t]+$"
)
CASE_NAME_CONFIDENCE = 0.6


def _party(full_text: str, start: int, end: int) -> Candidate | None:
    trimmed = trim_leading_noise(full_text, start, end)
    if trimmed is None:
        return None
    if et_al := _ET_AL_END.search(full_text, trimmed, end):
        end = et_al.start()
    # A single upper-case word is a surname only before "et al.": "v. ROE ET AL.", not "v. NASA".
    single = rf"{UPPER_WORD}" if et_al else "(?!)"
    if full_text[end - 1] == "." and not _LEGAL_FORM_END.search(full_text, max(0, end - 12), end):
        end -= 1
    text = full_text[trimmed:end]
    place = collapse_space(text).lower() in PLACES and not _GOVERNMENT_PARTY.match(text)
    if not text or place or text.lower() == "et al":
        # "Texas v. New Mexico": a state alone is a party, but no person and no name to list.
        return None
    if looks_like_org(text) or _GOVERNMENT_PARTY.match(text):
        return org_candidate(full_text, trimmed, end, 0.7)
    if text.lower() in _NOT_A_SURNAME:
        return None
    if re.fullmatch(PERSON, text) or re.fullmatch(rf"{UPPER_PERSON}|{single}", text):
        return _person(trimmed, end, 0.6, text)
    return None


def _is_abbreviation_v(match: re.Match[str]) -> bool:
    """Whether a glued ``...v.`` is an abbreviation such as ``Rev.`` or ``Gov.``, not versus."""
    last = match.group("left").split()[-1]
    return f"{last}v".lower() in {"rev", "gov", "prov", "div", "univ", "serv", "adv", "nov"}


def followed_by_org_word(full_text: str, end: int) -> bool:
    """``Petitioner Acme Regional Water``⏎``District``: the name goes on as an organisation."""
    following = _NEXT_WORD.match(full_text, end)
    return following is not None and following.group(1).lower().rstrip(".") in _ORG_TAILS


def looks_like_org(name: str) -> bool:
    words = [w.strip(".,'’").lower() for w in name.split()]
    return any(w in ORG_WORDS for w in words)


def trim_leading_noise(full_text: str, start: int, end: int) -> int | None:
    """Skip role words, articles and the like that a capitalised run picked up at its start."""
    for word in _words(full_text, start, end):
        token = word.group(0).strip(".,'’")
        if token.lower() not in LEADING_NOISE and not token.isdigit():
            return word.start()
    return None


def _words(full_text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    return _WORD.finditer(full_text, start, end)


def org_candidate(full_text: str, start: int, end: int, confidence: float) -> Candidate:
    name = display_name(full_text[start:end])
    return Candidate(start, end, EntityType.ORGANIZATION, confidence, name)


def _person(start: int, end: int, confidence: float, name: str) -> Candidate:
    return Candidate(start, end, EntityType.PERSON, confidence, display_name(name))
