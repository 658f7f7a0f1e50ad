from itertools import pairwise
from pathlib import Path

import pytest

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.chunking import chunk_document
from lexflow.text.document_text import DocumentText, build_document_text
from lexflow.text.entities import EntityType, Mention, extract_entities

FIXTURES = Path(__file__).parent.parent / "fixtures" / "text"


def _document(*pages: str) -> DocumentText:
    return build_document_text(
        [
            OcrPage(number=n, lines=[OcrLine(text=t, confidence=99.0) for t in page.split("\n")])
            for n, page in enumerate(pages, start=1)
        ]
    )


def _extract(*pages: str, size: int = 400, overlap: int = 80) -> list[Mention]:
    text = _document(*pages)
    return extract_entities(text, chunk_document(text, size, overlap))


def _found(text: str) -> list[tuple[EntityType, str, str | None]]:
    return [(m.entity_type, m.text, m.normalized) for m in _extract(text)]


def _complaint() -> DocumentText:
    raw = (FIXTURES / "complaint_acme_v_smith.txt").read_text()
    return _document(*(page.strip("\n") for page in raw.split("\f")))


COMPLAINT_ENTITIES = [
    (
        EntityType.COURT,
        "UNITED STATES DISTRICT COURT\nSOUTHERN DISTRICT OF NEW YORK",
        "United States District Court for the Southern District of New York",
        1,
    ),
    (EntityType.ORGANIZATION, "ACME CORPORATION", "Acme Corporation", 1),
    (EntityType.PERSON, "JOHN SMITH", "John Smith", 1),
    (EntityType.CASE_NUMBER, "Case No. 1:23-cv-04567", "1:23-cv-04567", 1),
    (EntityType.ORGANIZATION, "Acme Corporation", "Acme Corporation", 1),
    (EntityType.ORGANIZATION, "Acme", "Acme Corporation", 1),
    (EntityType.PERSON, "John Smith", "John Smith", 1),
    (EntityType.STATUTE, "42 U.S.C. § 1983", "42 U.S.C. § 1983", 1),
    (
        EntityType.COURT,
        "Southern District of New York",
        "United States District Court for the Southern District of New York",
        1,
    ),
    (EntityType.PERSON, "Mr. Smith", "Smith", 2),
    (EntityType.ORGANIZATION, "Acme", "Acme Corporation", 2),
    (EntityType.DATE, "January 5, 2023", "2023-01-05", 2),
    (EntityType.PERSON, "Smith", "Smith", 2),
    (EntityType.MONEY, "$1,250,000.00", "1250000.00", 2),
    (EntityType.ORGANIZATION, "Acme", "Acme Corporation", 2),
    (
        EntityType.CASE_CITATION,
        "Brown v. Board of Education, 347 U.S. 483 (1954)",
        "347 U.S. 483",
        2,
    ),
    (
        EntityType.ORGANIZATION,
        "International Business Machines Corporation",
        "International Business Machines Corporation",
        2,
    ),
    (EntityType.PERSON, "Smith", "Smith", 2),
    (EntityType.ORGANIZATION, "IBM", "IBM", 2),
    (EntityType.MONEY, "$2.5 million", "2500000.00", 2),
    (EntityType.DATE, "2023-03-15", "2023-03-15", 2),
    (EntityType.DATE, "March 1, 2023", "2023-03-01", 2),
    (EntityType.PERSON, "Jane Doe", "Jane Doe", 2),
    (EntityType.PERSON, "Jane Doe", "Jane Doe", 2),
    (EntityType.ORGANIZATION, "Acme Corporation", "Acme Corporation", 2),
]


def test_complaint_gives_exactly_the_expected_entities_offsets_and_values():
    text = _complaint()
    chunks = chunk_document(text, 300, 60)

    mentions = extract_entities(text, chunks)

    assert [(m.entity_type, m.text, m.normalized, m.page) for m in mentions] == COMPLAINT_ENTITIES
    cursor = 0
    for mention in mentions:
        expected_start = text.full_text.index(mention.text, cursor)
        assert (mention.char_start, mention.char_end) == (
            expected_start,
            expected_start + len(mention.text),
        )
        cursor = mention.char_end


def test_complaint_mentions_point_at_the_first_chunk_that_holds_them():
    text = _complaint()
    chunks = chunk_document(text, 300, 60)

    for mention in extract_entities(text, chunks):
        holders = [
            c.index
            for c in chunks
            if c.char_start <= mention.char_start and mention.char_end <= c.char_end
        ]
        assert mention.chunk_index == holders[0]
        assert 0 <= mention.confidence <= 1


def test_confidence_reflects_the_rule_that_found_the_mention():
    text = _complaint()
    by_text = {m.text: m.confidence for m in extract_entities(text, chunk_document(text, 300, 60))}

    assert by_text["Brown v. Board of Education, 347 U.S. 483 (1954)"] == 0.95
    assert by_text["Mr. Smith"] == 0.85
    assert by_text["John Smith"] == 0.8
    assert by_text["Smith"] == 0.6


def test_mentions_in_chunk_overlaps_are_reported_once():
    sentence = "On January 5, 2023, Mr. Smith paid $500 to Acme Corporation. "
    text = _document(sentence * 12)

    mentions = extract_entities(text, chunk_document(text, 90, 60))

    spans = [(m.char_start, m.char_end) for m in mentions]
    assert len(spans) == len(set(spans)) == 12 * 4
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_blank_text_has_no_mentions():
    assert extract_entities(_document("  "), []) == []


def test_chunks_that_do_not_cover_the_text_are_rejected():
    text = _document("Mr. Smith paid $500.")

    with pytest.raises(ValueError):
        extract_entities(text, [])


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("January 5, 2023", "2023-01-05"),
        ("Jan. 5, 2023", "2023-01-05"),
        ("5 January 2023", "2023-01-05"),
        ("the 5th day of January, 2023", "2023-01-05"),
        ("01/05/2023", "2023-01-05"),
        ("25/12/2023", "2023-12-25"),
        ("2023-01-05", "2023-01-05"),
        ("SEPTEMBER 30, 2021", "2021-09-30"),
        ("March 2021", "2021-03"),
    ],
)
def test_dates_are_normalised_to_iso(written: str, iso: str):
    found = _found(f"Signed {written} by the parties.")

    assert [(t, n) for t, _, n in found] == [(EntityType.DATE, iso)]
    assert found[0][1] in written


@pytest.mark.parametrize("text", ["February 30, 2023", "13/13/2023", "may 2021 be"])
def test_impossible_or_lower_case_dates_are_ignored(text: str):
    assert _found(text) == []


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("$1,250,000.00", "1250000.00"),
        ("$ 75,000", "75000.00"),
        ("$2.5 million", "2500000.00"),
        ("$3 billion", "3000000000.00"),
        ("USD 5,000", "5000.00"),
        ("US$120.5", "120.50"),
        ("5,000 dollars", "5000.00"),
    ],
)
def test_money_is_normalised_to_a_decimal(written: str, amount: str):
    assert _found(f"Damages of {written} are due.") == [(EntityType.MONEY, written, amount)]


@pytest.mark.parametrize(
    ("written", "court"),
    [
        (
            "United States District Court for the Southern District of New York",
            "United States District Court for the Southern District of New York",
        ),
        ("Supreme Court of California", "Supreme Court of California"),
        ("California Supreme Court", "Supreme Court of California"),
        (
            "Court of Appeals for the Ninth Circuit",
            "United States Court of Appeals for the Ninth Circuit",
        ),
        ("Ninth Circuit Court of Appeals", "United States Court of Appeals for the Ninth Circuit"),
        ("U.S. Supreme Court", "Supreme Court of the United States"),
        (
            "Superior Court of California, County of Los Angeles",
            "Superior Court of California, County of Los Angeles",
        ),
        (
            "United States Bankruptcy Court for the District of Delaware",
            "United States Bankruptcy Court for the District of Delaware",
        ),
    ],
)
def test_courts_are_normalised_to_one_name(written: str, court: str):
    assert _found(f"Filed in the {written} today.") == [(EntityType.COURT, written, court)]


def test_a_generic_district_court_or_a_plain_district_is_not_a_court():
    assert _found("The district court agreed with the School District of Philadelphia.") == []


@pytest.mark.parametrize(
    ("written", "docket"),
    [
        ("Case No. 1:23-cv-04567-JMF", "1:23-cv-04567"),
        ("CaseNo.1:23-cv-04567", "1:23-cv-04567"),
        ("No. 22-1234", "22-1234"),
        ("Civil Action No. 3:21-cv-00123", "3:21-cv-00123"),
        ("Index No. 654321/2022", "654321/2022"),
    ],
)
def test_case_numbers_keep_their_label_and_normalise_the_docket(written: str, docket: str):
    assert _found(f"See {written}, filed below.") == [(EntityType.CASE_NUMBER, written, docket)]


@pytest.mark.parametrize("text", ["See ECF No. 12-3 at 4.", "Pub. L. No. 111-148 applies."])
def test_docket_entries_and_public_laws_are_not_case_numbers(text: str):
    assert EntityType.CASE_NUMBER not in [t for t, _, _ in _found(text)]


def test_statutes_from_eyecite_and_the_forms_it_misses():
    found = _found(
        "Under 42 U.S.C. § 1983, Cal. Civ. Code § 1542, 15 U.S.C. § 78j(b) and "
        "29 C.F.R. § 1630.2(g), and Fed. R. Civ. P. 12(b)(6)."
    )

    assert found == [
        (EntityType.STATUTE, "42 U.S.C. § 1983", "42 U.S.C. § 1983"),
        (EntityType.STATUTE, "Cal. Civ. Code § 1542", "Cal. Civ. Code § 1542"),
        (EntityType.STATUTE, "15 U.S.C. § 78j(b)", "15 U.S.C. § 78j(b)"),
        (EntityType.STATUTE, "29 C.F.R. § 1630.2(g)", "29 C.F.R. § 1630.2(g)"),
        (EntityType.STATUTE, "Fed. R. Civ. P. 12(b)(6)", "Fed. R. Civ. P. 12(b)(6)"),
    ]


def test_a_case_citation_spans_name_pin_cite_and_year_and_normalises_to_the_reporter_cite():
    found = _found(
        "In Roe v. Wade, 410 U.S. 113, 153 (1973); Miranda v. Arizona, 384 U.S. 436 (1966)."
    )

    assert found == [
        (EntityType.CASE_CITATION, "Roe v. Wade, 410 U.S. 113, 153 (1973)", "410 U.S. 113"),
        (EntityType.CASE_CITATION, "Miranda v. Arizona, 384 U.S. 436 (1966)", "384 U.S. 436"),
    ]


def test_parallel_citations_are_one_mention_named_by_the_first_reporter():
    found = _found("Brown v. Board of Education, 347 U.S. 483, 74 S. Ct. 686 (1954). Next.")

    assert found == [
        (
            EntityType.CASE_CITATION,
            "Brown v. Board of Education, 347 U.S. 483, 74 S. Ct. 686 (1954)",
            "347 U.S. 483",
        )
    ]


def test_a_short_form_citation_normalises_to_the_case_it_refers_to():
    found = _found("See Paul v. Jones, 12 F.3d 45 (2d Cir. 1999). Later, Jones, 12 F.3d at 50.")

    assert found[-1] == (EntityType.CASE_CITATION, "Jones, 12 F.3d at 50", "12 F.3d 45")


def test_ocr_glued_versus_still_gives_the_whole_citation():
    found = _found("See Paulv. Jones, 12 F.3d 45, 47 (2d Cir. 1999).")

    assert found == [
        (EntityType.CASE_CITATION, "Paulv. Jones, 12 F.3d 45, 47 (2d Cir. 1999)", "12 F.3d 45")
    ]


def test_people_from_honorifics_roles_signatures_and_caption_lines():
    found = _found(
        "JOHN A. SMITH and MARY JONES,\nPlaintiffs,\nbefore Judge Jesse M. Furman and "
        "Hon. Mary O'Brien-Jones. Defendant Robert K. Johnson's counsel signed:\n/s/ Jane Doe"
    )

    assert [(t, n) for t, _, n in found] == [
        (EntityType.PERSON, "John A. Smith"),
        (EntityType.PERSON, "Mary Jones"),
        (EntityType.PERSON, "Jesse M. Furman"),
        (EntityType.PERSON, "Mary O'Brien-Jones"),
        (EntityType.PERSON, "Robert K. Johnson"),
        (EntityType.PERSON, "Jane Doe"),
    ]
    assert found[2][1] == "Judge Jesse M. Furman"
    assert found[4][1] == "Robert K. Johnson"


def test_address_and_heading_lines_in_capitals_are_not_people():
    assert _found("NEW YORK, NY 10007\nCOUNT ONE,\nPRAYER FOR RELIEF,\n") == []


def test_organisations_from_suffixes_and_agency_prefixes_without_leading_role_words():
    found = _found(
        "Plaintiff Acme Widgets, Inc. sued the U.S. Department of Labor, the City of New York, "
        "Bank of America, N.A. and O'Brien & Associates LLP, a Delaware limited liability company."
    )

    assert [(t, s) for t, s, _ in found] == [
        (EntityType.ORGANIZATION, "Acme Widgets, Inc."),
        (EntityType.ORGANIZATION, "U.S. Department of Labor"),
        (EntityType.ORGANIZATION, "City of New York"),
        (EntityType.ORGANIZATION, "Bank of America, N.A."),
        (EntityType.ORGANIZATION, "O'Brien & Associates LLP"),
    ]


def test_caption_sides_are_classified_as_person_or_organisation():
    found = _found("This case, Smith v. Acme Corp., and United States v. Doe were tried.")

    assert found == [
        (EntityType.PERSON, "Smith", "Smith"),
        (EntityType.ORGANIZATION, "Acme Corp.", "Acme Corp."),
        (EntityType.ORGANIZATION, "United States", "United States"),
        (EntityType.PERSON, "Doe", "Doe"),
    ]


def test_a_defined_term_maps_later_uses_to_the_defining_name():
    found = _found(
        'Widget Holdings, LLC ("Widget" or the "Company") hired Ms. Roe. The Company fired her.'
    )

    companies = [(s, n) for t, s, n in found if t is EntityType.ORGANIZATION]
    assert companies == [
        ("Widget Holdings, LLC", "Widget Holdings, LLC"),
        ("Widget", "Widget Holdings, LLC"),
        ("Company", "Widget Holdings, LLC"),
        ("Company", "Widget Holdings, LLC"),
    ]


def test_extraction_is_deterministic():
    text = _complaint()
    chunks = chunk_document(text, 300, 60)

    assert extract_entities(text, chunks) == extract_entities(text, chunks)


def _of_type(text: str, entity_type: EntityType) -> list[tuple[str, str | None]]:
    return [(s, n) for t, s, n in _found(text) if t is entity_type]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('This Agreement is made by Jane Q. Roe (the "Executive") and the Company.', "Jane Q. Roe"),
        ("Respectfully submitted,\nMartha Keane\nCounsel for Appellee", "Martha Keane"),
        ("By: s/Caitlyn\nCase Manager", "Caitlyn"),
        ("Signed: Omar Haddad\nDate:", "Omar Haddad"),
        ("Attn: Priya Raman\n100 Main Street", "Priya Raman"),
        ("Sincerely,\ns/ Tobias Wren\nCounsel for Appellant", "Tobias Wren"),
        ("Entered for the Court\nMarcia Kell, Clerk", "Marcia Kell"),
        ("Laura Finch, Esq.\nCounsel for Defendant", "Laura Finch"),
        ("Before\nHoward, Chief Judge,\nand more.", "Howard"),
        ("cc: Ruth B. Ginsberg\n", "Ruth B. Ginsberg"),
        ("Plaintiff sues John Doe for damages.", "John Doe"),
        ("ROY COOPER, GOVERNOR, in his official capacity, and", "Roy Cooper"),
    ],
)
def test_people_without_an_honorific_or_role_word(text: str, name: str):
    assert name in [n for _, n in _of_type(text, EntityType.PERSON)]


def test_every_name_in_a_counsel_list_and_a_panel_is_a_person():
    people = _of_type(
        "Hyler & Agan PLLC, by Elizabeth Brooks Scherer, Troy D. Shelton and Kip D.\nNelson, "
        "for plaintiffs.\nSelya and Barron, Circuit Judges.",
        EntityType.PERSON,
    )

    assert [n for _, n in people] == [
        "Elizabeth Brooks Scherer",
        "Troy D. Shelton",
        "Kip D. Nelson",
        "Selya",
        "Barron",
    ]


def test_titles_buildings_and_proceedings_are_not_people():
    text = (
        "Thomas F. Eagleton Courthouse\nby James W. Doggett, Deputy Solicitor\nGeneral, and "
        "the United States Judicial Panel for Multidistrict Litigation (the “Panel”)"
    )

    assert [n for _, n in _of_type(text, EntityType.PERSON)] == ["James W. Doggett"]


@pytest.mark.parametrize(
    ("written", "court"),
    [
        ("D. Mass.", "United States District Court for the District of Massachusetts"),
        ("Bankr. S.D. Tex.", "United States Bankruptcy Court for the Southern District of Texas"),
        ("9th Cir.", "United States Court of Appeals for the Ninth Circuit"),
        ("S.D.N.Y.", "United States District Court for the Southern District of New York"),
    ],
)
def test_court_abbreviations_from_courts_db(written: str, court: str):
    assert _found(f"The motion was denied ({written} 2019) and refiled.") == [
        (EntityType.COURT, written, court)
    ]


def test_bare_state_abbreviations_and_dc_are_places_not_courts():
    assert (
        _of_type(
            "Offices in Boston, Mass. and Washington, D.C. and Trenton, N.J.", EntityType.COURT
        )
        == []
    )


@pytest.mark.parametrize(
    ("written", "court"),
    [
        ("the First Circuit's decision", "United States Court of Appeals for the First Circuit"),
        (
            "United States Court of Appeals\nTenth Circuit",
            "United States Court of Appeals for the Tenth Circuit",
        ),
        (
            "the Judicial Panel on Multidistrict Litigation",
            "United States Judicial Panel on Multidistrict Litigation",
        ),
    ],
)
def test_court_names_without_for_the_or_court_of_appeals(written: str, court: str):
    assert [n for _, n in _of_type(written, EntityType.COURT)] == [court]


@pytest.mark.parametrize(
    ("written", "statute"),
    [
        ("28 U.S.C § 1331", "28 U.S.C. § 1331"),
        ("Pub. L. No. 111-148", "Pub. L. No. 111-148"),
        ("Fed.R.App.P. 4(a)(4)", "Fed. R. App. P. 4(a)(4)"),
        ("FRAP 12(b)", "Fed. R. App. P. 12(b)"),
        ("Federal Rule of Appellate Procedure 28(j)", "Fed. R. App. P. 28(j)"),
        ("3d Cir. L.A.R. 113", "3d Cir. L.A.R. 113"),
        ("Federal Circuit Rule 47.3", "Federal Circuit Rule 47.3"),
        ("Rule 24.035", "Rule 24.035"),
        ("N.C.G.S. § 7A-31", "N.C.G.S. § 7A-31"),
    ],
)
def test_statutes_written_loosely(written: str, statute: str):
    assert _found(f"Relief lies under {written} here.") == [(EntityType.STATUTE, written, statute)]


def test_a_public_law_and_its_statutes_at_large_cite_are_two_statutes():
    assert _of_type("See Pub. L. No. 111-148, 124 Stat. 119 (2010).", EntityType.STATUTE) == [
        ("Pub. L. No. 111-148", "Pub. L. No. 111-148"),
        ("124 Stat. 119", "124 Stat. 119"),
    ]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("$7.5 MM", "7500000.00"),
        ("$40 K", "40000.00"),
        ("$1.2bn", "1200000000.00"),
        ("Twenty-Five Thousand and 00/100 Dollars ($25,000.00)", "25000.00"),
        ("One Hundred Twenty-Three Dollars", "123.00"),
        ("EUR 1,000", "1000.00 EUR"),
        ("£250", "250.00 GBP"),
        ("CHF 3.5 million", "3500000.00 CHF"),
        ("10,000 CNY", "10000.00 CNY"),
        ("€99.50", "99.50 EUR"),
    ],
)
def test_money_with_multipliers_words_and_other_currencies(written: str, amount: str):
    assert _found(f"Damages of {written} are due.") == [(EntityType.MONEY, written, amount)]


def test_a_fraction_of_a_dollar_in_words_is_not_an_amount_of_100():
    amounts = [n for _, n in _of_type("Fifty and 50/100 Dollars", EntityType.MONEY)]

    assert amounts == ["50.50"]


@pytest.mark.parametrize(
    ("written", "iso"),
    [("11/3/97", "1997-11-03"), ("1/2/05", "2005-01-02"), ("12/31/68", "2068-12-31")],
)
def test_dates_with_two_digit_years(written: str, iso: str):
    assert _found(f"Signed {written} by the parties.") == [(EntityType.DATE, written, iso)]


def test_a_section_number_with_dots_is_not_a_two_digit_year_date():
    assert _of_type("Section 5.05.10 applies.", EntityType.DATE) == []


def test_organisation_names_are_not_cut_short():
    orgs = _of_type(
        "Wells Fargo Bank, National Association and C. R. Bard, Inc. and KILPATRICK TOWNSEND &\n"
        "STOCKTON LLP and Grace Community Chapel and the First Baptist Church of Waldoboro.",
        EntityType.ORGANIZATION,
    )

    assert [s for s, _ in orgs] == [
        "Wells Fargo Bank, National Association",
        "C. R. Bard, Inc.",
        "KILPATRICK TOWNSEND &\nSTOCKTON LLP",
        "Grace Community Chapel",
        "First Baptist Church of Waldoboro",
    ]


def test_a_jurisdiction_and_legal_form_is_a_description_not_a_name():
    orgs = _of_type(
        "Roe Capital Partners, L.P., a Delaware Limited Partnership, and Acme, Inc., a Texas "
        "Corporation, agree.",
        EntityType.ORGANIZATION,
    )

    assert [s for s, _ in orgs] == ["Roe Capital Partners, L.P.", "Acme, Inc."]


def test_a_state_as_a_party_is_an_organisation():
    assert _of_type("NICHOLE JAGELS v. STATE OF MISSOURI, Respondent", EntityType.ORGANIZATION) == [
        ("STATE OF MISSOURI", "State of Missouri")
    ]
