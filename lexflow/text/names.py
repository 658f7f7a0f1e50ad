"""Heuristic rules for organisations and people.

Without a statistical model, names are only taken where the text itself says what they are: a
corporate suffix (``Inc.``, ``LLC``), an agency prefix (``Department of``), an honorific, a party
role (``Plaintiff John Smith``), a signature (``/s/ Jane Doe``), an upper-case caption line, or a
side of an ``X v. Y`` caption. Each rule has its own confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from lexflow.text.courts import STATES
from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import collapse_space, display_name, word_set

# A word of a name: "ConsumerInfo.com" keeps its domain.
_ORG_WORD = r"(?:St\.|Mt\.|(?:[A-Z]\.)+|[A-Z0-9][A-Za-z0-9'’\-]*(?:\.(?i:com|net|org|io)\b)?|&)"
# A name may wrap onto the next line ("First\nChurch of Waterville"); ``_wrapped_start`` keeps
# the wrap only after "&" ("KILPATRICK TOWNSEND &\nSTOCKTON LLP") or when the name starts mid-line.
WRAP_LINE_CHARS = 40
_ORG_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
# "for" is not taken inside: "Jane Roe for North Carolina Association" is a person and a name.
_ORG_NAME = rf"{_ORG_WORD}(?:{_ORG_GAP}(?:(?i:of|the|de|du){_ORG_GAP})*{_ORG_WORD}){{0,7}}"


def _title_or_upper(words: str) -> str:
    """Alternation of each word as written and in upper case, longest first: ``Inc.|INC.|Inc``."""
    forms = {form for word in words.split() for form in (word, word.upper())}
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


# Case matters: "a Delaware limited liability company" has no organisation in it.
_LEGAL_FORM = (
    _title_or_upper(
        "Inc. Inc Incorporated L.L.C. LLC Corp. Corp Corporation Company Co. Ltd. Ltd Limited LLP "
        "L.L.P. L.P. LP N.A. P.C. PLLC P.L.L.C. P.A."
    )
    + "|National[ \t]+Association|NATIONAL[ \t]+ASSOCIATION"
)
# Only a legal form may follow a comma: "City of New York, Bank of America" is two names.
_ORG_NOUN = (
    _title_or_upper(
        "Bank Trust University Association Foundation Partners Holdings Church Chapel Fellowship "
        "Society Institute Board Committee Council Commission Authority"
    )
    # "Tarrant Regional Water District", never "United States District Court" or "District of".
    + r"|(?:District|DISTRICT)(?!\s+(?i:Court|of)\b)"
)
_SUFFIXED_ORG = re.compile(
    rf"(?<![\w.&])(?P<name>{_ORG_NAME})(?:,?{_ORG_GAP}(?:{_LEGAL_FORM})|{_ORG_GAP}(?:{_ORG_NOUN}))"
    r"(?![\w&])"
)
# Law firms list their partners' names with commas: "Grace, Tisdale, Clifton, P.A.". Only a
# professional form ends one, and each name is one word, so "Acme, Beta Corp." stays two names.
_FIRM_NAME = r"(?:[A-Z][a-z]+(?:[A-Z][a-z]+)?|[A-Z]{2,})(?:[ \t]+&[ \t]+(?:[A-Z][a-z]+|[A-Z]{2,}))?"
_FIRM = re.compile(
    rf"(?<![\w.&])(?P<name>{_FIRM_NAME}(?:,{_ORG_GAP}{_FIRM_NAME}){{1,4}}),"
    rf"{_ORG_GAP}(?:{_title_or_upper('P.A. P.C. LLP L.L.P. PLLC P.L.L.C.')})(?![\w&])"
)
# A list of names: "Faith Bible Church, Hosanna Church, Machias Valley Baptist, and Stetson".
_LIST_WORD = r"(?:St\.|Mt\.|[A-Z][A-Za-z'’\-]*)"
_LIST_ITEM = rf"{_LIST_WORD}(?:{_ORG_GAP}(?:(?:of|the|de){_ORG_GAP})*{_LIST_WORD}){{0,6}}"
_LIST_SEPARATOR = rf",{_ORG_GAP}(?:and{_ORG_GAP})?"
_NAME_LIST = re.compile(rf"(?<![\w.&])(?:{_LIST_ITEM}{_LIST_SEPARATOR}){{2,}}{_LIST_ITEM}(?![\w&])")
_LIST_ITEM_RE = re.compile(_LIST_ITEM)
# A trade name: "Acme Holdings, Inc. dba Acme Online Services" names a second organisation.
_TRADE_NAME = re.compile(
    rf"(?<![\w/])(?i:dba|d/b/a|doing[ \t]+business[ \t]+as)[ \t]*\n?[ \t]*(?P<name>{_ORG_NAME})"
)
_POSSESSIVE_END = re.compile(r"['’]s?$")
LIST_CONFIDENCE = 0.7
_PREFIXED_ORG = re.compile(
    rf"(?<![\w.&])(?P<name>(?:{_ORG_WORD}{_ORG_GAP}){{0,3}}(?P<anchor>(?i:Department|Dep't|Dept\."
    rf"|Office|Bureau|Board|Commission|Agency|University|Bank|City|County|Town|Village|Church"
    rf"|Chapel|Association|Society|Institute)){_ORG_GAP}(?i:of){_ORG_GAP}(?:(?i:the){_ORG_GAP})?"
    rf"{_ORG_WORD}(?:{_ORG_GAP}(?:(?:and|&|of|the){_ORG_GAP})?{_ORG_WORD}){{0,4}})"
    r"(?![\w&])"
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
# A caption's party role after a name: "..., U.S. Department of Labor Respondents".
_PARTY_ROLE_END = re.compile(
    r"\s+(?i:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?"
    r"|Intervenors?|Movants?|Claimants?)(?:[ \t]*[-–][ \t]*(?i:Appellants?|Appellees?))?$"
)
_SIGNATURE = re.compile(rf"/s/[ \t]*(?P<name>{PERSON}|{UPPER_PERSON}){NAME_END}")
# A caption line ends at the comma, or goes on with "an individual": never "NEW YORK, NY 10007".
_CAPTION_LINE = re.compile(
    rf"(?m)^[ \t]*(?P<names>{UPPER_PERSON}(?:[ \t]+(?:and|AND|&)[ \t]+{UPPER_PERSON})*),"
    r"[ \t]*(?:$|\)|(?i:an\s+individual|individually|et\s+al\.))"
)
UPPER_PERSON_RE = re.compile(UPPER_PERSON)
_PARTY = rf"(?:{_ORG_WORD}(?:[ \t]+(?:(?:of|the|for|&)[ \t]+)?{_ORG_WORD}){{0,6}}\.?)"
# "Paulv. Jones": OCR may drop the space before "v.".
_VERSUS = re.compile(
    rf"(?<![\w.&])(?P<left>{_PARTY})(?:,?[ \t]+(?i:et[ \t]+al)\.?,?)?(?:[ \t]+|(?<=[a-z]))"
    rf"(?i:v|vs)\.(?:[ \t]+|[ \t]*\n[ \t]*)(?P<right>{_PARTY})"
)

PLACES = _PLACES = frozenset({s.lower() for s in STATES} | {"united states", "u.s.", "foreign"})
_STATE_NAME = "|".join(
    form.replace(" ", r"[ \t]+")
    for s in sorted(STATES, key=len, reverse=True)
    for form in (s, s.upper())
)
# A state as a party or government: "State of Maine", "STATE OF MISSOURI".
_STATE_PARTY = re.compile(
    rf"\b(?:State|STATE|Commonwealth|COMMONWEALTH)[ \t]+(?:of|OF)[ \t]+(?:{_STATE_NAME})\b"
)
# The national legislature, capitalised: "Congress approved", "Congress’ role"; a numbered one
# ("the 81st Congress") is a term of it, and "Congress of Industrial Organizations" is another.
_CONGRESS = re.compile(
    r"(?<![\w.'’-])(?:(?:United[ \t]+States|U\.S\.)[ \t]+)?Congress(?![\w-])"
    r"(?![ \t]+of[ \t]+(?!the[ \t]+United[ \t]+States))"
    r"(?:[ \t]+of[ \t]+the[ \t]+United[ \t]+States)?"
)
_ORDINAL_BEFORE = re.compile(r"\d(?:st|nd|rd|th|d)[ \t]+\Z")
_WORD = re.compile(r"\S+")
# "Eastern District", "Fifth Judicial District": a court's division or a district's number.
_JOINED_BEFORE = re.compile(r"(?<![\w.&'’-])[A-Z][a-z]+[ \t]+(?:and|&)[ \t]+$")
_BODY_HEAD = re.compile(r"(?i:Commission|Committee|Council|Board|Authority)$")
_DIRECTIONS = word_set(
    """northern southern eastern western middle central the judicial congressional federal
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"""
)
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
_LEGAL_FORM_END = re.compile(rf"(?i:{_LEGAL_FORM})$")

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


def find_organizations(full_text: str) -> list[Candidate]:
    """Find organisations named with a corporate suffix or an agency/municipal prefix.

    Args:
        full_text: The document text.

    Returns:
        ORGANIZATION candidates: 0.85 for a suffix (``Acme Corporation``), 0.8 for a prefix
        (``Department of Justice``, ``City of New York``).
    """
    found: list[Candidate] = []
    for match in _SUFFIXED_ORG.finditer(full_text):
        span = _org_span(full_text, match, _SUFFIXED_ORG, match.end())
        name = full_text[span[0] : match.end("name")] if span else ""
        if span and not _is_description(name) and not _is_division(name):
            # "Securities and Exchange Commission": a public body's name may join two words.
            joined = _JOINED_BEFORE.search(full_text, max(0, span[0] - 60), span[0])
            if joined and _BODY_HEAD.search(full_text, span[0], span[1]):
                span = (joined.start(), span[1])
            found.append(_org(full_text, *span, 0.85))
    for match in _FIRM.finditer(full_text):
        if span := _org_span(full_text, match, _FIRM, match.end()):
            found.append(_org(full_text, *span, 0.85))
    for match in _TRADE_NAME.finditer(full_text):
        start, end = match.start("name"), match.end("name")
        if possessive := _POSSESSIVE_END.search(full_text, start, end):
            end = possessive.start()
        if re.match(r"(?i:Case|Civil|No)\b", full_text[start:end]):
            continue  # a caption's other column: "Acme, Inc. dba\nCase No. 1:23-cv-1"
        if len(full_text[start:end].split()) <= 6:
            found.append(_org(full_text, start, end, 0.8))
    for match in _STATE_PARTY.finditer(full_text):
        found.append(_org(full_text, match.start(), match.end(), 0.7))
    for match in _CONGRESS.finditer(full_text):
        if not _ORDINAL_BEFORE.search(full_text, max(0, match.start() - 12), match.start()):
            found.append(
                Candidate(
                    match.start(),
                    match.end(),
                    EntityType.ORGANIZATION,
                    0.8,
                    "United States Congress",
                )
            )
    for match in _PREFIXED_ORG.finditer(full_text):
        if span := _org_span(full_text, match, _PREFIXED_ORG, match.end("anchor")):
            found.append(_org(full_text, *span, 0.8))
    found += _acronym_organizations(full_text)
    for match in _COUNSEL_GROUP.finditer(full_text):
        found.append(_org(full_text, match.start(), match.end(), 0.7))
    for match in _GLUED_COMPANY.finditer(full_text):
        found.append(_org(full_text, match.start(), match.end(), GLUED_COMPANY_CONFIDENCE))
    return found + _listed_organizations(full_text, found)


# A side's group of lawyers: "Plaintiffs' Steering Committee", "Defense Leadership Team".
_COUNSEL_GROUP = re.compile(
    r"(?<![\w'’-])(?:Plaintiffs?['’]?|Defendants?['’]?|Defense)[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}"
    r"(?:Team|Committee)(?![\w'’-])"
)


# A company name written as one camel-case word ending in a head word: "BrightCompany".
_GLUED_COMPANY = re.compile(
    r"(?<![\w'’&.-])[A-Z][a-z]{2,}(?:Company|Corp|Corporation|Bank|Group|Holdings|Industries"
    r"|Systems|Technologies|Solutions|Partners|Enterprises)(?![\w'’&-])"
)
GLUED_COMPANY_CONFIDENCE = 0.6


# An acronym defined after a name: "U.S. Bureau of Land Management (“BLM”)".
_ACRONYM_DEFINED = re.compile(r"\((?:the[ \t]+)?[\"“](?P<acronym>[A-Z]{2,6})[\"”]\)")
_NAME_TOKEN = re.compile(r"[A-Z][\w'’.-]*|and|of|for|the|on|&")
_ACRONYM_JOINERS = frozenset({"and", "of", "for", "the", "on", "&"})
_NOT_AGENCY_END = frozenset({"Act", "Code", "Rule", "Rules", "Clause", "Amendment", "Order"})
# Federal agencies every filing names by acronym alone.
KNOWN_AGENCIES = {
    "FDA": "Food and Drug Administration",
    "EPA": "Environmental Protection Agency",
    "FBI": "Federal Bureau of Investigation",
    "ICE": "U.S. Immigration and Customs Enforcement",
    "CBP": "U.S. Customs and Border Protection",
    "DHS": "Department of Homeland Security",
    "IRS": "Internal Revenue Service",
    "SEC": "Securities and Exchange Commission",
    "FTC": "Federal Trade Commission",
    "FCC": "Federal Communications Commission",
    "NLRB": "National Labor Relations Board",
    "EEOC": "Equal Employment Opportunity Commission",
    "OSHA": "Occupational Safety and Health Administration",
    "USCIS": "U.S. Citizenship and Immigration Services",
    "DEA": "Drug Enforcement Administration",
    "FEMA": "Federal Emergency Management Agency",
}
_KNOWN_AGENCY = re.compile(rf"(?<![\w&.-])(?:{'|'.join(KNOWN_AGENCIES)})(?![\w&-]|\.\w)")
ACRONYM_ORG_CONFIDENCE = 0.75
KNOWN_AGENCY_CONFIDENCE = 0.65


def _acronym_organizations(full_text: str) -> list[Candidate]:
    """A name whose initials its defined acronym spells, and well-known agency acronyms.

    ``U.S. Immigration and Customs Enforcement (“ICE”)``: the capitalised words before the
    definition whose initials are the acronym (joining words skipped) are the name (0.75); an
    act or a code so defined is a statute, not an organisation. ``FDA``, ``EPA`` and other
    federal agencies' acronyms are organisations alone (0.65), except on an upper-case line.
    """
    found: list[Candidate] = []
    for match in _ACRONYM_DEFINED.finditer(full_text):
        acronym = match.group("acronym")
        window_start = max(0, match.start() - 160, full_text.rfind("\n\n", 0, match.start()) + 1)
        tokens = list(_NAME_TOKEN.finditer(full_text, window_start, match.start()))
        # The tokens must run up to the parenthesis, separated by whitespace only.
        chain: list[re.Match[str]] = []
        end = match.start()
        for token in reversed(tokens):
            if full_text[token.end() : end].strip():
                break
            chain.insert(0, token)
            end = token.start()
        words = [t for t in chain if t.group(0) not in _ACRONYM_JOINERS]
        if len(words) < len(acronym) or words[-1].group(0).rstrip(".") in _NOT_AGENCY_END:
            continue
        named = words[-len(acronym) :]
        if "".join(w.group(0)[0] for w in named) != acronym:
            continue
        start = named[0].start()
        before = words[: -len(acronym)]
        if before and before[-1].group(0) in ("U.S.", "US", "United"):
            start = before[-1].start()
        name_end = named[-1].end()
        found.append(_org(full_text, start, name_end, ACRONYM_ORG_CONFIDENCE))
    heading_lines: dict[int, bool] = {}
    for match in _KNOWN_AGENCY.finditer(full_text):
        line_start = full_text.rfind("\n", 0, match.start()) + 1
        if line_start not in heading_lines:
            line_end = full_text.find("\n", match.end())
            line = full_text[line_start : line_end if line_end >= 0 else len(full_text)]
            letters = [c for c in line if c.isalpha()]
            # An upper-case heading, "SLIPPED ON ICE", with more than the acronyms in it.
            heading_lines[line_start] = not any(c.islower() for c in letters) and bool(
                re.search(r"\b(?!(?:" + "|".join(KNOWN_AGENCIES) + r")\b)[A-Z]{2,}", line)
            )
        if heading_lines[line_start]:
            continue
        found.append(
            Candidate(
                match.start(),
                match.end(),
                EntityType.ORGANIZATION,
                KNOWN_AGENCY_CONFIDENCE,
                KNOWN_AGENCIES[match.group(0)],
            )
        )
    return found


def _listed_organizations(full_text: str, found: list[Candidate]) -> list[Candidate]:
    """Every name in a list that is mostly organisations named by a suffix or a prefix.

    In ``Faith Bible Church, Machias Valley Baptist, and The Rock Church of Bangor`` the middle
    name has no suffix and the last one's article is part of it; the list says what they are.
    A list with people in it (``Jane Roe, John Doe, and Liberty Counsel``) is not enough.
    """
    spans = sorted((c.start, c.end) for c in found)
    listed: list[Candidate] = []
    for names in _NAME_LIST.finditer(full_text):
        items = list(_LIST_ITEM_RE.finditer(full_text, names.start(), names.end()))
        exact = [(item, _covered(spans, item.start(), item.end())) for item in items]
        orgs = sum(covered for _, covered in exact)
        if orgs < 2 or 2 * orgs < len(items):
            continue
        for item, covered in exact:
            text = item.group(0)
            if covered == 2 or item.group(0).count("\n") > 1 or len(text.split()) < 2:
                continue
            # A capitalised "The" mid-list is part of the name: "The Rock Church of Bangor".
            start = item.start() if text.startswith("The ") else None
            start = start or _trim_leading_noise(full_text, item.start(), item.end())
            if start is None or looks_like_person(full_text[start : item.end()]):
                continue
            listed.append(_org(full_text, start, item.end(), LIST_CONFIDENCE))
    return listed


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> int:
    """2 when an organisation spans exactly the item, 1 when one lies inside it, else 0."""
    best = 0
    for s, e in spans[bisect_left(spans, (start, -1)) :]:
        if s >= end:
            break
        if s == start and e == end:
            return 2
        if e <= end:
            best = 1
    return best


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
    trimmed = _trim_leading_noise(full_text, start, end)
    if trimmed is None:
        return None
    if et_al := _ET_AL_END.search(full_text, trimmed, end):
        end = et_al.start()
    # A single upper-case word is a surname only before "et al.": "v. ROE ET AL.", not "v. NASA".
    single = rf"{UPPER_WORD}" if et_al else "(?!)"
    if full_text[end - 1] == "." and not _LEGAL_FORM_END.search(full_text, max(0, end - 12), end):
        end -= 1
    text = full_text[trimmed:end]
    place = collapse_space(text).lower() in _PLACES and not _GOVERNMENT_PARTY.match(text)
    if not text or place or text.lower() == "et al":
        # "Texas v. New Mexico": a state alone is a party, but no person and no name to list.
        return None
    if looks_like_org(text) or _GOVERNMENT_PARTY.match(text):
        return _org(full_text, trimmed, end, 0.7)
    if text.lower() in _NOT_A_SURNAME:
        return None
    if re.fullmatch(PERSON, text) or re.fullmatch(rf"{UPPER_PERSON}|{single}", text):
        return _person(trimmed, end, 0.6, text)
    return None


def _is_abbreviation_v(match: re.Match[str]) -> bool:
    """Whether a glued ``...v.`` is an abbreviation such as ``Rev.`` or ``Gov.``, not versus."""
    last = match.group("left").split()[-1]
    return f"{last}v".lower() in {"rev", "gov", "prov", "div", "univ", "serv", "adv", "nov"}


def _is_description(name: str) -> bool:
    """``a Delaware Limited Partnership``: a place and a legal form describe, they do not name."""
    return collapse_space(name).lower() in _PLACES


def _is_division(name: str) -> bool:
    """``Eastern District``: a court's division, named by a direction alone."""
    return {w.lower() for w in name.split()} <= _DIRECTIONS


def followed_by_org_word(full_text: str, end: int) -> bool:
    """``Petitioner Acme Regional Water``⏎``District``: the name goes on as an organisation."""
    following = _NEXT_WORD.match(full_text, end)
    return following is not None and following.group(1).lower().rstrip(".") in _ORG_TAILS


def looks_like_org(name: str) -> bool:
    words = [w.strip(".,'’").lower() for w in name.split()]
    return any(w in ORG_WORDS for w in words)


def _org_span(
    full_text: str, match: re.Match[str], pattern: re.Pattern[str], anchor: int
) -> tuple[int, int] | None:
    """An organisation's span once leading noise and false line wraps are cut, if still a name.

    A name wraps at ``&`` or at the end of a prose line (``WRAP_LINE_CHARS`` or more, the name
    starting mid-line: ``sued Acme\nBank``); other line ends part the lines of a list, a
    caption or a letterhead (``No. 22-1\nACME BANK``, ``OFFICE OF THE CLERK\nJANE ROE``). The
    name keeps the line of its anchor (the suffix, or ``Department`` in a prefixed name).
    """
    start = _trim_leading_noise(full_text, match.start("name"), match.end("name"))
    if start is None:
        return None
    end = match.end()
    mid_line = bool(full_text[full_text.rfind("\n", 0, start) + 1 : start].strip())
    for newline in [start + m.start() for m in re.finditer("\n", full_text[start:end])]:
        line = full_text[full_text.rfind("\n", 0, newline) + 1 : newline].strip()
        numbered = any(c.isdigit() for c in line.rsplit(None, 1)[-1]) if line else False
        if line.endswith("&") or (mid_line and len(line) >= WRAP_LINE_CHARS and not numbered):
            continue  # a line ending in a number ("... CAPTION FOR 19-2281") is no prose wrap
        if newline >= anchor:
            end = newline
            break
        start, mid_line = newline + 1, False
    end = len(full_text[:end].rstrip())
    while (role := _PARTY_ROLE_END.search(full_text, start, end)) and role.start() > start:
        end = role.start()  # "U.S. Department of Labor\nRespondents": the role is no part of it
    start = _trim_leading_noise(full_text, start, end)
    if start is None or start >= end or not pattern.fullmatch(full_text, start, end):
        return None
    return start, end


def _trim_leading_noise(full_text: str, start: int, end: int) -> int | None:
    """Skip role words, articles and the like that a capitalised run picked up at its start."""
    for word in _words(full_text, start, end):
        token = word.group(0).strip(".,'’")
        if token.lower() not in LEADING_NOISE and not token.isdigit():
            return word.start()
    return None


def _words(full_text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    return _WORD.finditer(full_text, start, end)


def _org(full_text: str, start: int, end: int, confidence: float) -> Candidate:
    name = display_name(full_text[start:end])
    return Candidate(start, end, EntityType.ORGANIZATION, confidence, name)


def _person(start: int, end: int, confidence: float, name: str) -> Candidate:
    return Candidate(start, end, EntityType.PERSON, confidence, display_name(name))
