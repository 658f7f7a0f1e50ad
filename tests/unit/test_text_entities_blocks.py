"""Entities in counsel and address blocks, public bodies, rule sets, circuits and dockets.

Each test writes its own text.
"""

import pytest

from lexflow.text.entities import EntityType
from tests.entity_text import normalized, texts

# --- PERSON: false positives ------------------------------------------------------------------


def test_a_state_alone_as_a_caption_side_is_no_person():
    text = "The dispute echoes Nevada v. Arizona and the later Ohio v. Kentucky decree."
    assert texts(text, EntityType.PERSON) == []


def test_an_upper_case_caption_across_a_line_break_names_both_sides():
    text = "Syllabus\nGREEN VALLEY IRRIGATION DISTRICT v.\nPOLLARD ET AL.\nCERTIORARI"
    assert texts(text, EntityType.ORGANIZATION) == ["GREEN VALLEY IRRIGATION DISTRICT"]
    assert texts(text, EntityType.PERSON) == ["POLLARD"]


def test_a_role_before_an_organisation_wrapped_over_a_line_is_no_person():
    text = "Respondent Green Valley Irrigation\nDistrict opposed the motion in full."
    assert texts(text, EntityType.PERSON) == []


def test_a_defined_term_for_a_proceeding_is_no_person():
    text = (
        "On May 2, the Court entered a Permanent Injunction Order (“PIO”) and a later\n"
        "Order to Show Cause. The PIO remains in force."
    )
    assert texts(text, EntityType.PERSON) == []


def test_an_adjective_cut_off_as_a_caption_side_is_no_person():
    text = "Short Title: Pacific Growers Assn v. National\nGROWERS)"
    assert texts(text, EntityType.PERSON) == []


# --- PERSON: layout cues ----------------------------------------------------------------------


def test_a_name_over_an_email_line_in_a_counsel_block_is_a_person():
    text = (
        "MARÍA JOSÉ ORTIZ\nmortiz@example.org\nKEVIN DOYLE*\nkdoyle@example.org\n"
        "Priya Raman\npraman@example.com\nCounsel for Appellants"
    )
    assert texts(text, EntityType.PERSON) == ["MARÍA JOSÉ ORTIZ", "KEVIN DOYLE", "Priya Raman"]


def test_a_name_over_a_title_line_is_a_person():
    text = "MARGARET O'CONNELL LYNCH\nCLERK OF COURT\nTheodore Banks\nCircuit Judge\n"
    assert texts(text, EntityType.PERSON) == ["MARGARET O'CONNELL LYNCH", "Theodore Banks"]


def test_a_labelled_judge_on_a_docket_sheet_is_a_person():
    text = "Lower Court: EDPA\nDistrict Judge: Okonkwo\nDOCKETING NOTICE"
    assert texts(text, EntityType.PERSON) == ["Okonkwo"]


# --- STATUTE ----------------------------------------------------------------------------------


def test_rule_numbers_listed_after_a_federal_rule_are_rules_of_the_same_set():
    text = "The Court relies on FRAP 4(a), 26(b) or 27(c), as 12 F.4th 3 held."
    assert normalized(text, EntityType.STATUTE) == [
        "Fed. R. App. P. 4(a)",
        "Fed. R. App. P. 26(b)",
        "Fed. R. App. P. 27(c)",
    ]


def test_a_rule_acronym_before_a_full_stop_keeps_its_subsection():
    assert normalized("as required by FRCP 26(a).", EntityType.STATUTE) == ["Fed. R. Civ. P. 26(a)"]


@pytest.mark.parametrize(
    ("text", "statute"),
    [
        ("Counsel should read the Ninth Circuit Rules first.", "Ninth Circuit Rules"),
        ("under the Colorado River Compact of 1922", "Colorado River Compact"),
        ("Section 7.02(c)(2) of the Agreement governs.", "Section 7.02(c)(2)"),
        ("the tenant argues that §3.1(a) controls", "§3.1(a)"),
    ],
)
def test_named_rule_sets_compacts_and_sections_of_an_instrument_are_statutes(
    text: str, statute: str
):
    assert texts(text, EntityType.STATUTE) == [statute]


def test_a_compact_wrapped_over_a_line_is_named_without_the_words_before_it():
    text = "See Compact §2.01(c). The Green\nRiver Compact binds both; see the Compact."
    assert texts(text, EntityType.STATUTE) == ["§2.01(c)", "Green River Compact"]


def test_a_bare_section_heading_is_no_statute():
    assert texts("Section 3\nDefinitions apply throughout.", EntityType.STATUTE) == []


# --- COURT ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "court"),
    [
        ("an appeal to the 4th Circuit was noticed", "Fourth Circuit"),
        ("Lower Court: EDPA (Philadelphia)", "Eastern District of Pennsylvania"),
    ],
)
def test_numeric_circuits_and_dotless_districts_are_courts(text: str, court: str):
    names = normalized(text, EntityType.COURT)
    assert len(names) == 1 and names[0] is not None and names[0].endswith(court)


def test_a_three_letter_dotless_district_is_not_taken():
    assert texts("the DNJ filing was late", EntityType.COURT) == []


# --- ORGANIZATION -----------------------------------------------------------------------------


def test_the_lines_between_a_person_and_a_street_are_organisations():
    text = (
        "Mr. Owen P. Tate\nBriggs Harlan\n18 Market Street\nSuite 9\n\n"
        "Ms. Ana Ruiz\nU.S. Department of Energy\nOffice of General Counsel\n"
        "1000 Independence Avenue, S.W.\n\n"
        "Mr. Carl Ng\nLaw Office\n12 Elm Road\n"
    )
    assert texts(text, EntityType.ORGANIZATION) == [
        "Briggs Harlan",
        "U.S. Department of Energy",
        "Office of General Counsel",
    ]


def test_a_counsel_block_organisation_wrapped_over_lines_is_one_name():
    text = (
        "LENA PARK\nlpark@nlaf.org\nNORTHERN LEGAL AID\nFOUNDATION OF\nCENTRAL OHIO\n"
        "12 Main Street\nColumbus, OH 43215\n\n"
        "OMAR HADID\nohadid@sac.gov\nOFFICE OF THE PUBLIC GUARDIAN\nSACRAMENTO\n700 H Street\n"
    )
    assert texts(text, EntityType.ORGANIZATION) == [
        "NORTHERN LEGAL AID FOUNDATION OF CENTRAL OHIO",
        "OFFICE OF THE PUBLIC GUARDIAN SACRAMENTO",
    ]


def test_a_letterhead_with_no_person_above_gives_no_organisation():
    text = "United States Court of Appeals\nJohn Minor Wisdom Courthouse\n600 Camp Street\n"
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_trade_name_and_a_domain_name_are_organisations():
    text = (
        "Plaintiff ShopFast.com, LLC dba Northwind Home\nGoods’ (“Northwind” or “Plaintiff”)"
        " moved first. Later Northwind withdrew."
    )
    assert texts(text, EntityType.ORGANIZATION) == [
        "ShopFast.com, LLC",
        "Northwind Home Goods",
        "Northwind",
        "Northwind",
    ]


def test_public_bodies_by_head_word_and_an_unquoted_alias():
    text = (
        "Petitioner Clearwater Basin Authority (Clearwater) applied to the Nevada Water\n"
        "Resources Board (NWRB). Clearwater then sued the NWRB."
    )
    assert texts(text, EntityType.ORGANIZATION) == [
        "Clearwater Basin Authority",
        "Clearwater",
        "Nevada Water Resources Board",
        "NWRB",
        "Clearwater",
        "NWRB",
    ]
    assert texts(text, EntityType.PERSON) == []


def test_a_division_named_by_a_direction_is_no_organisation():
    text = "In the Kansas Court of Appeals\nWestern District\nDIVISION ONE"
    assert texts(text, EntityType.ORGANIZATION) == []


# --- CASE_CITATION ----------------------------------------------------------------------------


def test_a_case_cited_by_docket_number_is_a_citation():
    text = (
        "Appellees ask for a stay pending a decision in Alvarez Cruz, et al. v. Mayorkas,\n"
        "et al., Case Nos. 21-55012, 21-55190, which raises the same issues."
    )
    assert normalized(text, EntityType.CASE_CITATION) == ["Nos. 21-55012, 21-55190"]
    assert texts(text, EntityType.PERSON) == []


def test_a_subject_line_names_the_letters_own_case_not_a_citation():
    text = "Re: United States v. Tomas Ortega, No. 23-1402\nDear Counsel:"
    assert texts(text, EntityType.CASE_CITATION) == []
    assert texts(text, EntityType.PERSON) == ["Tomas Ortega"]


# --- guards on the new rules -------------------------------------------------------------------


def test_a_signature_block_firm_below_a_title_line_stands_alone():
    text = (
        "/s/ Dana Whitfield\nDana Whitfield\nSenior Counsel\nHARBOR LAW GROUP\n"
        "123 Main Street\nBoston, MA 02110"
    )
    assert texts(text, EntityType.ORGANIZATION) == ["HARBOR LAW GROUP"]


def test_a_signal_before_a_docket_citation_is_left_out():
    text = "See Ortiz v. Blake, No. 22-1234 (pending)."
    assert texts(text, EntityType.CASE_CITATION) == ["Ortiz v. Blake, No. 22-1234"]


def test_a_count_after_a_rule_is_no_rule():
    assert texts("under FRAP 28(j), 10 days later", EntityType.STATUTE) == ["FRAP 28(j)"]


def test_a_section_heading_with_a_title_is_no_statute():
    assert texts("Section 7.02 Indemnification. The seller pays.", EntityType.STATUTE) == []


def test_an_upper_case_acronym_as_a_caption_side_is_no_person():
    assert texts("In ACME v. NASA the panel split.", EntityType.PERSON) == []


def test_a_numbered_judicial_district_is_no_organisation():
    assert texts("tried in the Fifth Judicial District below", EntityType.ORGANIZATION) == []


def test_a_place_over_a_title_line_is_no_person():
    assert texts("JANE Q. ROE\nUNITED STATES\nDISTRICT JUDGE", EntityType.PERSON) == ["JANE Q. ROE"]


def test_a_public_body_joining_two_words_is_one_name():
    text = "The Securities and Exchange Commission and the Tulsa Planning Council met."
    assert texts(text, EntityType.ORGANIZATION) == [
        "Securities and Exchange Commission",
        "Tulsa Planning Council",
    ]


def test_below_a_role_line_only_names_that_say_they_are_organisations_are_taken():
    text = "Attorneys for Plaintiff\nJANE ROE\nROE LAW\n1 Main Street\nDover, DE 19901"
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_person_over_an_organisation_starting_a_line_is_still_a_person():
    text = "Defendant John Smith\nBank of America answered."
    assert texts(text, EntityType.PERSON) == ["John Smith"]


# --- speed ------------------------------------------------------------------------------------
