"""Names that wrap lines or run in lists: firms, county courts, court levels, short citations.

Each test writes its own text.
"""

import pytest

from lexflow.text.entities import EntityType
from tests.entity_text import of_type


@pytest.mark.parametrize(
    ("text", "court"),
    [
        ("entered by the Superior Court, Wake County.", "Superior Court of Wake County"),
        ("Appeal from the Circuit Court of\n) St. Louis County, Missouri", None),
        ("filed in the Wake County Superior Court today", "Superior Court of Wake County"),
    ],
)
def test_county_courts_have_one_name_whatever_the_order(text: str, court: str | None):
    names = [n for _, n in of_type(text, EntityType.COURT)]
    assert names == [court or "Circuit Court of St. Louis County"]


def test_a_capitalised_court_level_alone_is_a_court():
    text = "Heard in the Supreme Court after the Court of Appeals reversed the court below."
    assert of_type(text, EntityType.COURT) == [
        ("Supreme Court", "Supreme Court"),
        ("Court of Appeals", "Court of Appeals"),
    ]


def test_a_court_level_refers_back_to_the_one_court_named_in_full():
    text = (
        "UNITED STATES COURT OF APPEALS FOR THE SIXTH CIRCUIT\n\n"
        "Please write to the Clerk of the Court of Appeals. The Supreme Court may differ."
    )
    assert [n for _, n in of_type(text, EntityType.COURT)] == [
        "United States Court of Appeals for the Sixth Circuit",
        "United States Court of Appeals for the Sixth Circuit",
        "Supreme Court",
    ]


def _orgs(text: str) -> list[str | None]:
    return [n for _, n in of_type(text, EntityType.ORGANIZATION)]


def test_an_organisation_name_wrapped_in_prose_is_one_name():
    text = (
        "The brief was joined by several amici, including the Riverside Bible Fellowship, Oakton\n"
        "Church of the Living Word and the Maple Grove Community\nChurch."
    )
    assert _orgs(text) == [
        "Riverside Bible Fellowship",
        "Oakton Church of the Living Word",
        "Maple Grove Community Church",
    ]
    # A short line (a docket, a letterhead) before a name is not wrapped prose.
    assert _orgs("No. 24-101\nACME WIDGET COMPANY,\nPlaintiff") == ["Acme Widget Company"]
    assert _orgs("OFFICE OF THE CLERK\nJANE Q. ROE\nCLERK") == ["Office of the Clerk"]


def test_an_upper_case_agency_wrapped_in_a_caption():
    text = (
        "JOHN DOE, in his official capacity, SECRETARY OF THE NEW MEXICO\nDEPARTMENT OF HEALTH, and"
    )
    assert "New Mexico Department of Health" in _orgs(text)


def test_a_person_before_for_is_not_part_of_the_organisation():
    text = "Jane Q. Roe for Ohio Association of Chiefs, amicus curiae."
    assert _orgs(text) == ["Ohio Association of Chiefs"]


def test_a_law_firm_named_with_commas():
    text = "Brief by Dewey, Cheatham, Howe, P.C., by Mary K. Dewey for the appellant."
    assert _orgs(text) == ["Dewey, Cheatham, Howe, P.C."]


def test_names_in_a_list_of_organisations_need_no_suffix():
    text = (
        "Amici are Pine Bible Church, Harbor Valley Baptist, St. Agnes Union Church, "
        "Calvary Chapel St. Louis Valley, The Stone Church of Dover, and Hope Community Church."
    )
    assert _orgs(text) == [
        "Pine Bible Church",
        "Harbor Valley Baptist",
        "St. Agnes Union Church",
        "Calvary Chapel St. Louis Valley",
        "The Stone Church of Dover",
        "Hope Community Church",
    ]
    # A list with people in it is not a list of organisations.
    people = "Mary K. Dewey, John P. Howe, and Harbor Counsel were on brief."
    assert _orgs(people) == []


def test_a_short_form_citation_of_a_wl_case_keeps_its_name():
    text = (
        "The court decided Doe v. Roe, No. 22-1, 2023 WL 555123 (1st Cir. Jan. 9, 2023).\n"
        "Later, it held the same. Roe, 2023 WL 555123, at *4. See also 2023 WL 555123, at *5."
    )
    cites = of_type(text, EntityType.CASE_CITATION)
    assert [c for c, _ in cites] == [
        "Doe v. Roe, No. 22-1, 2023 WL 555123 (1st Cir. Jan. 9, 2023)",
        "Roe, 2023 WL 555123, at *4",
        "2023 WL 555123, at *5",
    ]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "Maria Lopez de Souza, Special Deputy Attorney General, for the State.",
            "Maria Lopez de Souza",
        ),
        (
            "Deputy Solicitor General, and Ana\nB. Park, Solicitor General, for the State.",
            "Ana B. Park",
        ),
    ],
)
def test_surnames_with_a_particle_or_a_place_word(text: str, person: str):
    assert [n for _, n in of_type(text, EntityType.PERSON)] == [person]


def test_a_known_surname_takes_every_given_name_before_it():
    text = "s/ Reginald A. Whitcombe\n\nName: ________\nReginald Ashby Whitcombe\nLaw firm: ____"
    names = {n for _, n in of_type(text, EntityType.PERSON)}
    assert names == {"Reginald A. Whitcombe", "Reginald Ashby Whitcombe"}
