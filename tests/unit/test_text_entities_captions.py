"""Caption lines, party roles, neutral citations, short code names, bare clauses and rule notes.

Each test writes its own text.
"""

import pytest

from lexflow.text.entities import EntityType
from tests.entity_text import extract, normalized, of_type, texts

_CAPTION = """Case: 21-0457 Document: 7 Filed: 06/02/2021 Page: 2
OFFICIAL COURT OF APPEALS CAPTION FOR 21-0457
BLUE RIDGE TIMBER CORPORATION
Petitioner
v.
MARY POOLE, widow of Arnold Poole; U.S. DEPARTMENT OF COMMERCE
Respondents"""


def test_a_caption_line_ending_in_a_docket_is_not_run_into_the_party_below():
    assert "BLUE RIDGE TIMBER CORPORATION" in texts(_CAPTION, EntityType.ORGANIZATION)
    assert not [t for t in texts(_CAPTION, EntityType.ORGANIZATION) if "CAPTION" in t]


def test_a_court_named_in_an_upper_case_caption_line_is_a_court():
    assert texts(_CAPTION, EntityType.COURT) == ["COURT OF APPEALS"]


def test_a_party_role_after_an_organisation_is_no_part_of_it():
    assert "U.S. DEPARTMENT OF COMMERCE" in texts(_CAPTION, EntityType.ORGANIZATION)
    text = "Petition of Harlow Mining, Inc., a claimant, against the Department of Energy Appellees"
    assert "Department of Energy" in texts(text, EntityType.ORGANIZATION)


def test_a_prose_line_still_wraps_a_name_onto_the_next_line():
    text = "In the spring the parties agreed that the retailer would pay Northfield Grain\nCompany"
    assert "Northfield Grain Company" in texts(text, EntityType.ORGANIZATION)


@pytest.mark.parametrize(
    ("text", "citation", "value"),
    [
        (
            "The rule follows Harbor Glass, Inc., 2019-NCSC-88 ¶ 14 (holding so).",
            "Harbor Glass, Inc., 2019-NCSC-88 ¶ 14",
            "2019-NCSC-88",
        ),
        (
            "as we explained. Harbor Glass, Inc., 371 N.C. 55, 2019-NCSC-88, ¶ 9. We agree.",
            "Harbor Glass, Inc., 371 N.C. 55, 2019-NCSC-88, ¶ 9",
            "371 N.C. 55",
        ),
        (
            "See People v. Marsh, 2019 IL 124398, ¶ 31.",
            "People v. Marsh, 2019 IL 124398, ¶ 31",
            None,
        ),
        ("in Olsen v. Pike, 2020 ND 44, the court held", "Olsen v. Pike, 2020 ND 44", None),
        ("State v. Tull, 2018 UT 12, ¶ 5; and so on.", "State v. Tull, 2018 UT 12, ¶ 5", None),
        ("Dunn v. Kroll, 2017-Ohio-5521, ¶ 10.", "Dunn v. Kroll, 2017-Ohio-5521, ¶ 10", None),
        (
            "Quill v. Brant, 2016 IL App (2d) 150771, ¶ 8.",
            "Quill v. Brant, 2016 IL App (2d) 150771, ¶ 8",
            None,
        ),
    ],
)
def test_a_neutral_citation_is_one_citation_with_its_name(
    text: str, citation: str, value: str | None
):
    found = of_type(text, EntityType.CASE_CITATION)
    assert [" ".join(t.split()) for t, _ in found] == [citation]
    if value:
        assert found[0][1] == value
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_company_named_as_a_cited_case_is_the_case_not_the_company():
    text = (
        "Harbor Glass, Inc., 2019-NCSC-88 ¶ 3. As in Harbor Glass, Inc., the machine was "
        "illegal, and Harbor Glass lost."
    )
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_caption_party_in_capitals_stays_beside_a_citation_of_its_name():
    text = "HARBOR GLASS, INC.\nPlaintiff\nHarbor Glass, Inc., 2019-NCSC-88 ¶ 3, controls."
    assert texts(text, EntityType.ORGANIZATION) == ["HARBOR GLASS, INC."]


def test_a_party_without_a_legal_form_stays_beside_a_short_cite_of_its_case():
    text = "Grace Chapel, 412 F. Supp. 3d at 90, was reversed. Grace Chapel Church appealed."
    assert "Grace Chapel Church" in texts(text, EntityType.ORGANIZATION)


def test_a_neutral_citation_alone_on_a_line_is_a_running_header():
    text = "HARBOR GLASS, INC. V. STATE\n2023-NCSC-4\nOpinion of the Court\nThe machines are games."
    assert texts(text, EntityType.CASE_CITATION) == []


def test_years_and_counts_are_not_neutral_citations():
    text = "In 2019 the parties met 12 times. The 2020 budget ran to 44 pages; 2021 UT was busy."
    assert texts(text, EntityType.CASE_CITATION) == []


def test_a_named_codes_short_name_after_it_is_the_code():
    text = (
        "She sued under the Oregon Vehicle Code and the Tort Claims Act. Nothing in the "
        "Vehicle Code bars the claim."
    )
    assert of_type(text, EntityType.STATUTE)[-1] == ("Vehicle Code", "Oregon Vehicle Code")


def test_a_code_short_name_without_its_full_mention_is_not_a_statute():
    text = "Nothing in the Vehicle Code bars the claim."
    assert texts(text, EntityType.STATUTE) == []


def test_the_constitution_after_a_named_constitution_is_a_statute():
    text = (
        "Count two arose under the Utah Constitution.\nAs the court said, the Constitution binds."
    )
    assert texts(text, EntityType.STATUTE) == ["Utah Constitution", "Constitution"]


def test_the_constitution_alone_in_a_document_is_not_a_statute():
    text = "As the court said, the Constitution is not a suicide pact."
    assert texts(text, EntityType.STATUTE) == []


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("The tax violates the Contracts Clause.", "Contracts Clause"),
        ("a claim under the Dormant Commerce Clause fails", "Dormant Commerce Clause"),
        ("the Full Faith and Credit Clause requires it", "Full Faith and Credit Clause"),
    ],
)
def test_a_constitutional_clause_named_alone_is_a_statute(text: str, clause: str):
    assert texts(text, EntityType.STATUTE) == [clause]


def test_a_contract_clause_is_not_a_constitutional_clause():
    text = "The Arbitration Clause and the Renewal Clause of the lease govern."
    assert texts(text, EntityType.STATUTE) == []


def test_a_rule_range_and_its_advisory_committee_note_are_one_statute():
    text = (
        "See Circuit Advisory Committee Note to Rules 30-2 to 30-5. Rules 12-1 through 12-4 apply."
    )
    assert texts(text, EntityType.STATUTE) == [
        "Circuit Advisory Committee Note to Rules 30-2 to 30-5",
        "Rules 12-1 through 12-4",
    ]
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_single_rule_is_still_its_own_statute():
    assert texts("Under Rule 30-2, the panel decides.", EntityType.STATUTE) == ["Rule 30-2"]


def test_a_generic_word_defined_for_an_organisation_is_no_organisation():
    text = (
        "In May 2011, the County of Marlow (the “County”) hired Brightwater Supply Corporation "
        "(“Brightwater”). The County then paid Brightwater."
    )
    orgs = texts(text, EntityType.ORGANIZATION)
    assert "County" not in orgs
    assert orgs.count("Brightwater") == 2
    assert "County of Marlow" in orgs


def test_every_mention_keeps_its_offsets():
    mentions = extract(_CAPTION)
    assert all(_CAPTION[m.char_start : m.char_end] == m.text for m in mentions)
    assert normalized(_CAPTION, EntityType.ORGANIZATION)[0] == "Blue Ridge Timber Corporation"


def test_a_lettered_outline_heading_is_no_person():
    text = (
        "A. Standing\nThe claim fails.\nB. Equitable Tolling\nShe waited too long.\n"
        "J. Roberts Smith\nsigned it."
    )
    assert texts(text, EntityType.PERSON) == ["J. Roberts Smith"]


def test_a_lone_initialled_name_on_its_line_is_still_a_person():
    text = "Respectfully,\nB. Harlan Voss\nCounsel for the Movant"
    assert "B. Harlan Voss" in texts(text, EntityType.PERSON)
