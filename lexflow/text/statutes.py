"""Statutes and rules that eyecite 2.7 does not find, or finds with the wrong span.

eyecite knows the reporters-db list of codes and finds ``42 U.S.C. § 1983`` and ``Cal. Civ. Code
§ 1542``; these rules cover what it misses in court filings: U.S.C./C.F.R. sections written
loosely (``28 U.S.C § 1331``, ``15 U.S.C. § 78j(b)``), public laws and the Statutes at Large
(eyecite reads ``Pub. L. No. 111-148, 124`` as one citation), federal rules however spaced
(``Fed.R.App.P. 4(a)(4)``, ``FRAP 12(b)``, ``Federal Rule of Appellate Procedure 28(j)``),
circuit local rules (``3d Cir. L.A.R. 113``, ``Federal Circuit Rule 47.3``), numbered court rules
(``Rule 24.035``) and state codes cited by an abbreviation before ``§`` (``N.C.G.S. § 7A-31``);
and law cited by name rather than by code: the Constitution's amendments, clauses and articles
(``the Takings Clause of the Fifth Amendment``), a named constitution (``Ohio Constitution``),
executive orders, named acts (``Fair Labor Standards Act``), acts cited by their date (``Act of
June 3, 1949, Pub. L. 112, 63 Stat. 101``) and legislative resolutions (``H. Res. 12``).
"""

from __future__ import annotations

import re

from lexflow.text.courts import STATES
from lexflow.text.mentions import Candidate, EntityType
from lexflow.text.normalize import collapse_space, word_set

FALLBACK_CONFIDENCE = 0.85
LOOSE_CONFIDENCE = 0.8

_SUB = r"(?:\([A-Za-z0-9]{1,4}\))*"
_SECTION = rf"(?P<section>\d+[A-Za-z]*(?:[.\-:]\d+[A-Za-z]*)*)(?P<sub>{_SUB})"
_CODE = re.compile(
    r"\b(?P<title>\d{1,2})\s+(?P<code>U\.?\s?S\.?\s?C\.?(?:\s?A\.?)?|C\.?\s?F\.?\s?R\.?)\s*"
    rf"(?:§§?\s*|(?i:sec(?:tion)?\.?)\s+)?{_SECTION}(?![\w§])"
)
# Any case: "Fed. R. Civ. P. 12(b)(6)", "FED. R. CIV. P. 12(b)(6)".
_FEDERAL_RULE = re.compile(
    r"\b(?i:Fed(?:eral|\.)?\s*R(?:ule)?s?\.?\s*(?:of\s+)?(?P<kind>Civ|Crim|Evid|App|Bankr)[a-z]*\.?"
    rf"(?:\s*P(?:roc(?:edure)?)?\.?)?)\s*(?P<rule>\d+(?:\.\d+)?)(?P<sub>{_SUB})"
)
_RULE_ACRONYM = re.compile(
    rf"\b(?P<kind>FRAP|FRCP|FRCrP|FRE|FRBP)\s+(?P<rule>\d+(?:\.\d+)?)(?P<sub>{_SUB})(?!\w|\.\d)"
)
# More rules of the same set after a cite: "FRAP 12(a), 32(a)", "Fed. R. App. P. 15(a) or 21(a)".
_MORE_RULES = re.compile(
    rf"(?:,[ \t]*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)(?P<rule>\d+(?:\.\d+)?)(?P<sub>{_SUB})"
    r"(?![\w\-–]|\.\d|\s*(?:U\.\s?S|F\.|S\.\s?Ct|Stat)\b)"
)
_WORD_AFTER = re.compile(r"\s+(?!(?:and|or)\b)[A-Za-z]")
_ACRONYM_KIND = {"FRAP": "App", "FRCP": "Civ", "FRCRP": "Crim", "FRE": "Evid", "FRBP": "Bankr"}
_PUBLIC_LAW = re.compile(
    r"\bPub(?:lic|\.)?\s*L(?:aw|\.)?\s*(?:No\.\s*)?(?P<congress>\d{2,3})\s*[-–]\s*(?P<n>\d{1,4})\b"
)
_STATUTES_AT_LARGE = re.compile(r"\b(?P<volume>\d{1,3})\s+Stat\.\s+(?P<page>\d{1,5})\b")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th|d)|First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth"
_LOCAL_RULE = re.compile(
    rf"\b(?:{_ORDINAL}|Tenth|Eleventh|Federal|D\.\s?C\.)\s+Cir(?:cuit|\.)\s+"
    r"(?:L\.?\s?A\.?\s?R\.?|I\.?\s?O\.?\s?P\.?|Local\s+Rule|R(?:ule)?\.?)\s*(?:Misc\.\s*)?"
    rf"\d+[A-Za-z]?(?:[.-]\d+)*{_SUB}"
)
# A set of rules by name: "Sixth Circuit Rules", "Local Rules of the Third Circuit".
_NAMED_RULES = re.compile(
    rf"\b(?:(?:{_ORDINAL}|Tenth|Eleventh|Federal|D\.\s?C\.)\s+Circuit\s+Rules"
    rf"|Local\s+Rules\s+of\s+the\s+(?:{_ORDINAL}|Tenth|Eleventh|Federal|D\.\s?C\.)\s+Circuit)\b"
)
# An interstate compact: "the Red River Compact", "Snake River Compact".
_COMPACT = re.compile(
    r"(?<![\w-])(?P<name>(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:[ \t]+|[ \t]*\n[ \t]*)){1,4})Compact\b"
)
# Words before "Compact" that are no part of its name: "See Compact §5.01", "The Compact".
_NOT_COMPACT_NAME = frozenset({"see", "the", "this", "that", "under", "cf", "each", "both", "a"})
# A numbered section of an instrument: "Section 5.05(b)(1)", "§4.01(b)" (a dotted number or a
# subsection; a bare "Section 3" is as often a heading).
_INSTRUMENT_SECTION = re.compile(
    rf"(?<![\w.])(?:[Ss]ection|§§?)[ \t]*\d+"
    rf"(?:(?:\.\d+)+[a-z]?{_SUB}|[a-z]?(?:\([A-Za-z0-9]{{1,4}}\))+)"
    r"(?![\w.]*\d)"
)
_HEADING_AFTER = re.compile(r"[ \t.:]+[A-Z]")
# Capital "Rule" and a number: "Rule 24.035", "Rule 12(b)(6)"; "rule 5" in prose is not a cite.
# Court rules number with hyphens too: "Ninth Circuit Rule 28-2.6", "Rule 34-1".
# A range is one span ("Rules 34-1 to 34-3"), and so is an advisory committee's note to rules
# ("Circuit Advisory Committee Note to Rules 34-1 to 34-3"): the note is part of the rules.
_RULE_NUMBER = rf"\d+[A-Za-z]?(?:[.-]\d+)*{_SUB}(?![\w.-]*\d)"
_NUMBERED_RULE = re.compile(
    r"(?:\b(?:(?!(?:See|Cf|The|Under|In)\b)[A-Z][a-z]+[ \t]+){0,2}"
    r"Advisory\s+Committee(?:['’]s)?\s+Notes?\s+(?:to|on)\s+)?"
    rf"\bRules?\s+{_RULE_NUMBER}(?:\s+(?:to|through)\s+{_RULE_NUMBER})?"
)
# An abbreviated code right before a section sign: "N.C.G.S. § 7A-31", "Tex. Penal C. § 1".
# A code may be bracketed by an editor ("[N.C.G.S.] § 14-1"), its section may follow on the next
# line, and more subsections and a year may follow: "N.C.G.S. § 14-3(b), (b)(1) (2019)".
_MORE_SUBSECTIONS = r"(?P<more>(?:,[ \t]*(?:\([A-Za-z0-9]{1,4}\))+)*)"
_CODE_YEAR = r"(?:[ \t]+\((?:1[6-9]|20)\d\d\))?"
_ABBREVIATED_CODE = re.compile(
    rf"(?<![\w.])(?P<code>\[?(?:[A-Z][A-Za-z]{{0,5}}\.[ \t]?){{2,6}}\]?)[ \t]*§§?\s*{_SECTION}"
    rf"{_MORE_SUBSECTIONS}{_CODE_YEAR}"
)
# A code by its name: "Texas Insurance Code", "Ohio Revised Code", "California Penal Code
# § 187(a)"; a state's name then one to three capitalised words then "Code".
_STATE_NAME = "|".join(re.escape(name) for name in sorted(STATES, key=len, reverse=True))
_STATE_PREFIX = re.compile(rf"(?:{_STATE_NAME})[ \t]+")
_NAMED_CODE = re.compile(
    rf"(?<![\w'’-])(?P<name>(?:{_STATE_NAME})(?:[ \t]+[A-Z][a-z]+){{1,3}}[ \t]+Code)\b"
    rf"(?:[ \t]*§§?\s*{_SECTION}{_MORE_SUBSECTIONS}{_CODE_YEAR})?"
)

# The Constitution's amendments, clauses and articles: "the First Amendment", "the Free
# Exercise Clause of the First Amendment", "the Guarantee Clause of Article IV", "Article III of
# the Constitution"; and a state's constitution: "the Ohio Constitution", "U.S. Const.".
_AMENDMENT_ORDINAL = (
    r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Twelfth"
    r"|Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth|Nineteenth"
    r"|Twentieth|Twenty-(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh))"
)
_CLAUSE = r"(?:[A-Z][a-z]+[ \t]+){1,3}Clause(?:\s+of\s+the|\s+of)?\s+"
# The Constitution's clauses named alone: "the Commerce Clause", "the Due Process Clause".
_CLAUSE_NAME = (
    r"(?:(?:Dormant[ \t]+)?Commerce|Supremacy|Due[ \t]+Process|Equal[ \t]+Protection|Establishment"
    r"|Free[ \t]+(?:Exercise|Speech|Press)|Takings|Contracts?|Guarantee|Spending|Taxing"
    r"|Necessary[ \t]+and[ \t]+Proper|Privileges[ \t]+(?:and|or)[ \t]+Immunities"
    r"|Full[ \t]+Faith[ \t]+and[ \t]+Credit|Appointments|Confrontation|Double[ \t]+Jeopardy"
    r"|Ex[ \t]+Post[ \t]+Facto|Emoluments|Import-Export|Speech[ \t]+or[ \t]+Debate"
    r"|Self-Incrimination|Presentment|Compact|Elections|Extradition|Petition|Cruel[ \t]+and"
    r"[ \t]+Unusual[ \t]+Punishments|Excessive[ \t]+Fines|Vesting|Recommendations)"
)
_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{0,3}))\b"
_CONSTITUTION_NAME = (
    r"(?:United[ \t]+States|U\.[ \t]?S\.|Federal|State|(?-i:[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?))"
)
_CONSTITUTIONAL = re.compile(
    rf"(?<![\w-])(?:(?:{_CLAUSE})?{_AMENDMENT_ORDINAL}\s+Amendment\b"
    rf"|{_CLAUSE}Article\s+(?=[IVX]){_ROMAN}"
    rf"|(?:[A-Z][a-z]+[ \t]+){{1,3}}Clause,\s+Art(?:icle|\.)\s+(?=[IVX]){_ROMAN}"
    r"(?:,\s+(?:§\s*\d+|cl\.\s*\d+))*"
    rf"|{_CLAUSE_NAME}[ \t]+Clause\b"
    rf"|Article\s+(?=[IVX]){_ROMAN}(?:,?\s+§\s*\d+(?:,\s+cl\.\s*\d+)?)?\s+of\s+the\s+"
    rf"(?:{_CONSTITUTION_NAME}\s+)?Constitution\b"
    rf"|{_CONSTITUTION_NAME}[ \t]+(?:Constitution\b|Const\.(?:\s+(?:art|amend)\.\s+"
    rf"[IVX]+\b(?:,\s+§\s*\d+)?)?))"
)
_BARE_CONSTITUTION = re.compile(r"(?<=\bthe )Constitution\b")
_FIRST_WORD = re.compile(r"(\w+)\s+")
# Words capitalised before "Constitution" that name no constitution ("The Constitution").
_NOT_A_CONSTITUTION = word_set(
    """the this that our its their a see cf in under by of and or to from with whose"""
)
# An executive order by number: "Executive Order 13,769", "Exec. Order No. 12-4".
_EXECUTIVE_ORDER = re.compile(
    r"\b(?:Executive|Exec\.)[ \t]+Order[ \t]+(?:No\.[ \t]*)?\d[\d,]*(?:[-–]\d+)*(?<!,)"
)
# A named act: "the Clean Water Act", "Religious Land Use and Institutionalized Persons Act",
# "Civil Rights Act of 1964"; capitalised words (with "and", "of", "for" ... between them) that
# end in "Act", two words at least, and not a word like "The" or "This" that starts a sentence.
_NAMED_ACT = re.compile(
    r"(?<![\w'’.-])(?P<name>(?-i:[A-Z][\w'’-]*(?:[ \t]+|[ \t]*\n[ \t]*)"
    r"(?:(?:and|of|for|the|on|to|in|with|&)[ \t]+)?){1,9})Act\b"
    r"(?:[ \t]+of[ \t]+(?:1[789]|20)\d\d\b)?"
)
_NOT_ACT_NAME = word_set(
    """the this that see under such any each an a its said our his her their whose which
    what every no one same"""
)
# An act's acronym defined after it: "Fair Debt Collection Act (“FDCA”)"; its later uses cite it.
_ACRONYM_DEFINITION = re.compile(r"[ \t]*\((?:the[ \t]+)?[\"“](?P<acronym>[A-Z][A-Z&]{1,9})[\"”]\)")
ACRONYM_CONFIDENCE = 0.75
_CODE_WORDS = frozenset({"Code", "Act", "Law", "Rules", "Constitution", "Regulations"})
# An act cited by its date of enactment, with its public law and Statutes at Large page: "Act of
# June 3, 1949, Pub. L. 81-112, 63 Stat. 101".
_ACT_OF_DATE = re.compile(
    r"\bAct[ \t]+of\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}"
    r"(?:,\s+(?:Pub(?:lic|\.)?\s*L(?:aw|\.)?|ch\.)\s*(?:No\.\s*)?\d+(?:[-–]\d+)?)?"
    r"(?:,\s+\d{1,3}\s+Stat\.\s+\d{1,5})?"
)
# A legislative resolution: "H. Res. 12", "S.J. Res. 4", "Tex. H.R. Con. Res. 7, 84th Leg., 1st
# Sess. (2015)", "Okla. S. Res. 9, 51st Legislature, 1st Sess. (2007)".
_RESOLUTION = re.compile(
    r"(?<![\w.])(?:(?-i:[A-Z][a-z]{1,5})\.[ \t]?)?(?:H|S|H\.[ \t]?R)\.[ \t]?"
    r"(?:(?:J|Con|Conc)\.[ \t]?)?Res\.[ \t]?(?:No\.[ \t]?)?\d{1,5}"
    r"(?:,\s+\d{1,3}(?:st|nd|rd|th|d)\s+(?:Legislature|Leg\.|Cong\.|Congress)"
    r"(?:,\s+\d(?:st|nd|rd|th|d)\s+(?:Reg\.\s+|Spec\.\s+|Extra\.\s+)?Sess\.)?"
    r"(?:\s+\((?:1[789]|20)\d\d\))?)?"
)


def find_constitutional_and_named_statutes(full_text: str) -> list[Candidate]:
    """Constitutional provisions, executive orders, named acts and resolutions.

    Args:
        full_text: The document text.

    Returns:
        STATUTE candidates at 0.8, normalised to their text with whitespace collapsed.
    """
    found: list[Candidate] = []
    named_constitution = False
    for match in _CONSTITUTIONAL.finditer(full_text):
        start = match.start()
        first = _FIRST_WORD.match(full_text, start, match.end())
        if first and first.group(1).lower() in _NOT_A_CONSTITUTION:
            start = first.end()  # "The Federal Constitution" is the Federal Constitution
        text = full_text[start : match.end()]
        if text.startswith(("Constitution", "Const.")):
            continue  # "the Constitution" alone
        named_constitution = named_constitution or text.endswith("Constitution")
        found.append(
            Candidate(start, match.end(), EntityType.STATUTE, LOOSE_CONFIDENCE, _tidy(text))
        )
    if named_constitution:  # "the Constitution" then refers to a constitution named in it
        for match in _BARE_CONSTITUTION.finditer(full_text):
            found.append(_statute(match, ACRONYM_CONFIDENCE, "Constitution"))
    for pattern in (_EXECUTIVE_ORDER, _ACT_OF_DATE, _RESOLUTION):
        for match in pattern.finditer(full_text):
            found.append(_statute(match, LOOSE_CONFIDENCE, _tidy(match.group(0))))
    for match in _NAMED_ACT.finditer(full_text):
        start = match.start()
        words = list(re.finditer(r"\S+", match.group("name")))
        for n in range(len(words) - 2, 0, -1):
            if words[n].group(0) in ("and", "&") and words[n - 1].group(0) in _CODE_WORDS:
                words = words[n + 1 :]  # "Insurance Code and Deceptive Trade Practices Act"
                break
        while words and words[0].group(0).lower() in _NOT_ACT_NAME:
            words.pop(0)
        if not words or not words[0].group(0)[0].isupper():
            continue
        if len(words) == 1 and len(words[0].group(0)) < 3:
            continue
        start = match.start() + words[0].start()
        value = _tidy(full_text[start : match.end()])
        found.append(Candidate(start, match.end(), EntityType.STATUTE, LOOSE_CONFIDENCE, value))
        if definition := _ACRONYM_DEFINITION.match(full_text, match.end()):
            found += _acronym_uses(full_text, definition, value)
    return found


def _acronym_uses(full_text: str, definition: re.Match[str], value: str) -> list[Candidate]:
    """The defined acronym of an act, there and after: each use is the act, by its name."""
    use = re.compile(rf"(?<![\w&-]){re.escape(definition.group('acronym'))}(?![\w&-])")
    return [
        Candidate(m.start(), m.end(), EntityType.STATUTE, ACRONYM_CONFIDENCE, value)
        for m in use.finditer(full_text, definition.start("acronym"))
    ]


def find_fallback_statutes(full_text: str) -> list[Candidate]:
    """Find the statutes and rules eyecite misses (see the module docstring).

    Args:
        full_text: The document text.

    Returns:
        STATUTE candidates: 0.85 for codes, public laws and federal rules, 0.8 for local rules,
        numbered court rules and abbreviated state codes. Each normalises to one spelling,
        ``28 U.S.C. § 1331``, ``Pub. L. No. 111-148``, ``Fed. R. App. P. 4(a)(4)``; the looser
        forms to their text with whitespace collapsed.
    """
    found = find_constitutional_and_named_statutes(full_text)
    for match in _CODE.finditer(full_text):
        code = "U.S.C." if match.group("code").upper().startswith("U") else "C.F.R."
        value = f"{match.group('title')} {code} § {match.group('section')}{match.group('sub')}"
        found.append(_statute(match, FALLBACK_CONFIDENCE, value))
    for match in _FEDERAL_RULE.finditer(full_text):
        value = _federal_rule(match.group("kind"), match.group("rule") + match.group("sub"))
        found.append(_statute(match, FALLBACK_CONFIDENCE, value))
        found += _more_rules(full_text, match.end(), match.group("kind"))
    for match in _RULE_ACRONYM.finditer(full_text):
        kind = _ACRONYM_KIND[match.group("kind").upper()]
        value = _federal_rule(kind, match.group("rule") + match.group("sub"))
        found.append(_statute(match, FALLBACK_CONFIDENCE, value))
        found += _more_rules(full_text, match.end(), kind)
    for match in _PUBLIC_LAW.finditer(full_text):
        value = f"Pub. L. No. {match.group('congress')}-{match.group('n')}"
        found.append(_statute(match, FALLBACK_CONFIDENCE, value))
    for match in _STATUTES_AT_LARGE.finditer(full_text):
        value = f"{match.group('volume')} Stat. {match.group('page')}"
        found.append(_statute(match, FALLBACK_CONFIDENCE, value))
    for match in _INSTRUMENT_SECTION.finditer(full_text):
        line_start = full_text.rfind("\n", 0, match.start()) + 1
        heading = not full_text[line_start : match.start()].strip()
        if heading and _HEADING_AFTER.match(full_text, match.end()):
            continue  # "Section 7.02 Indemnification." heads a clause; it cites nothing
        found.append(_statute(match, LOOSE_CONFIDENCE, _tidy(match.group(0))))
    for match in _COMPACT.finditer(full_text):
        start = match.start()
        for word in re.finditer(r"\S+", match.group("name")):
            if word.group(0).lower() not in _NOT_COMPACT_NAME:
                start = match.start() + word.start()
                break
        else:
            continue
        value = _tidy(full_text[start : match.end()])
        found.append(Candidate(start, match.end(), EntityType.STATUTE, LOOSE_CONFIDENCE, value))
    for pattern in (
        _LOCAL_RULE,
        _NUMBERED_RULE,
        _NAMED_RULES,
    ):
        for match in pattern.finditer(full_text):
            found.append(_statute(match, LOOSE_CONFIDENCE, _tidy(match.group(0))))
    for pattern in (_ABBREVIATED_CODE, _NAMED_CODE):
        for match in pattern.finditer(full_text):
            found.append(_statute(match, LOOSE_CONFIDENCE, _code_value(match)))
    found += _code_short_names(full_text)
    return found


def _code_short_names(full_text: str) -> list[Candidate]:
    """A named code's short name after its full one: "Insurance Code" after "Texas Insurance
    Code", normalised to the full name; the full name itself is found by ``_NAMED_CODE``."""
    found: list[Candidate] = []
    seen: set[str] = set()
    for match in _NAMED_CODE.finditer(full_text):
        name = " ".join(match.group("name").split())
        state = _STATE_PREFIX.match(name)
        if state is None or name in seen:
            continue
        seen.add(name)
        short = name[state.end() :].split()
        if len(short) < 2:
            continue  # "Texas Code" has no short name to look for
        use = re.compile(
            rf"(?<![\w'’-])(?<!{re.escape(state.group(0).split()[-1])} )"
            + r"\s+".join(re.escape(w) for w in short)
            + r"\b"
        )
        for short_match in use.finditer(full_text, match.end()):
            found.append(_statute(short_match, LOOSE_CONFIDENCE, name))
    return found


def _code_value(match: re.Match[str]) -> str:
    """A code's section without its year: ``N.C.G.S. § 14-3(b), (b)(1)``."""
    code = match.group("code") if "code" in match.re.groupindex else match.group("name")
    if match.group("section") is None:
        return _tidy(code)
    section = match.group("section") + match.group("sub") + match.group("more")
    sign = "§§" if "§§" in match.group(0) else "§"
    return _tidy(f"{code.strip('[] ')} {sign} {section}")


def _more_rules(full_text: str, pos: int, kind: str) -> list[Candidate]:
    """The bare numbers listed after a federal rule, each a rule of the same set."""
    found: list[Candidate] = []
    while (match := _MORE_RULES.match(full_text, pos)) is not None:
        if not match.group("sub") and _WORD_AFTER.match(full_text, match.end()):
            break  # "FRAP 28(j), 10 days later": a count, not a rule
        value = _federal_rule(kind, match.group("rule") + match.group("sub"))
        found.append(
            Candidate(match.start("rule"), match.end(), EntityType.STATUTE, LOOSE_CONFIDENCE, value)
        )
        pos = match.end()
    return found


def is_public_law(text: str) -> bool:
    """Whether eyecite's law citation is a public law, which ``find_fallback_statutes`` owns."""
    return _PUBLIC_LAW.match(text) is not None


def _federal_rule(kind: str, rule: str) -> str:
    kind = kind.capitalize()
    if kind == "Evid":
        return f"Fed. R. Evid. {rule}"
    return f"Fed. R. {kind}. P. {rule}"


def _statute(match: re.Match[str], confidence: float, value: str) -> Candidate:
    return Candidate(match.start(), match.end(), EntityType.STATUTE, confidence, value)


def _tidy(text: str) -> str:
    return re.sub(r"(§+)\s*", r"\1 ", collapse_space(text))
