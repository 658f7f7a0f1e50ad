"""Dates without a year, constitutional provisions, acts and orders, SDR amounts, form fields.

Each test writes its own text.
"""

import pytest

from lexflow.text.entities import EntityType
from tests.entity_text import normalized, texts

# --- DATE: a month and a day without a year ---------------------------------------------------


def test_a_month_and_day_without_a_year_is_a_date():
    text = "The board met on February 11 and again on Sept. 3rd, before voting on October 27."
    assert texts(text, EntityType.DATE) == ["February 11", "Sept. 3rd", "October 27"]
    assert normalized(text, EntityType.DATE) == ["--02-11", "--09-03", "--10-27"]


def test_a_full_date_is_not_split_into_a_month_and_day():
    text = "The lease began on June 9, 2016 and ended in July 2019."
    assert normalized(text, EntityType.DATE) == ["2016-06-09", "2019-07"]


@pytest.mark.parametrize(
    "text",
    [
        "Counsel may 4 times a year ask for more.",  # "may" the verb
        "The hearing starts at May 4:30 sharp.",  # not a day
        "See the table at March 12.5 percent.",  # a decimal
        "It rained for 12 days in 1998, at 3:15 p.m.",  # a duration, a bare year and a time
        "On February 30 nothing happened.",  # no such day
        "Balance as of\nJune 30,\nProceeds\n2020",  # a table's column heading
    ],
)
def test_what_is_no_month_and_day_date(text: str):
    assert texts(text, EntityType.DATE) == []


# --- STATUTE: constitutional provisions, executive orders, named acts, resolutions ------------


@pytest.mark.parametrize(
    ("text", "statute"),
    [
        ("They invoke the Fourth Amendment here.", "Fourth Amendment"),
        (
            "a claim under the Due Process Clause of the Fifth Amendment today",
            "Due Process Clause of the Fifth Amendment",
        ),
        (
            "under the Takings Clause of\nthe Fifth Amendment",
            "Takings Clause of the Fifth Amendment",
        ),
        ("the Supremacy Clause of Article VI binds", "Supremacy Clause of Article VI"),
        ("rights under the Vermont Constitution's text", "Vermont Constitution"),
        ("Under Vermont Constitution chapter I", "Vermont Constitution"),
        ("The Federal Constitution is silent.", "Federal Constitution"),
        ("as Article III of the Constitution requires", "Article III of the Constitution"),
        ("See U.S. Const. amend. XIV, § 1.", "U.S. Const. amend. XIV, § 1"),
        ("Governor's Executive Order 2021-07 closed schools.", "Executive Order 2021-07"),
        ("Exec. Order No. 12,866 applies.", "Exec. Order No. 12,866"),
        ("suit under the Fair Labor Standards Act for wages", "Fair Labor Standards Act"),
        (
            "the Americans with Disabilities Act of 1990 and",
            "Americans with Disabilities Act of 1990",
        ),
        (
            "see Act of June 3, 1949, Pub. L. 112, 63 Stat. 101.",
            "Act of June 3, 1949, Pub. L. 112, 63 Stat. 101",
        ),
        (
            "see Kan. S. Res. 1740, 84th Legislature, 1st Sess. (2011) (honoring her)",
            "Kan. S. Res. 1740, 84th Legislature, 1st Sess. (2011)",
        ),
        ("H.R. Con. Res. 33 passed the House.", "H.R. Con. Res. 33"),
    ],
)
def test_constitutional_provisions_orders_acts_and_resolutions_are_statutes(text, statute):
    assert statute in texts(text, EntityType.STATUTE)


def test_two_codes_joined_by_and_are_two_names():
    text = "under the Ohio Revised Code and Consumer Sales Practices Act"
    # Round 4: a state's named code is a statute too, so both names are found, not one joined.
    assert texts(text, EntityType.STATUTE) == ["Ohio Revised Code", "Consumer Sales Practices Act"]


@pytest.mark.parametrize(
    "text",
    [
        "The Act does not say so.",  # the act alone
        "This Act shall take effect.",
        "the Constitution protects it",  # "the Constitution" alone
        "This Constitution binds; In Constitution Hall",  # a demonstrative, a building
        "We act quickly on the matter.",  # the verb
        "Article IV of the Agreement governs.",  # an instrument's article
        "the amendment was filed in March",  # lower case
        "Section 4 of the Executive Order applies",  # no number
    ],
)
def test_what_is_no_constitutional_or_named_statute(text: str):
    assert texts(text, EntityType.STATUTE) == []


# --- MONEY ------------------------------------------------------------------------------------


def test_amounts_in_other_iso_currencies_and_special_drawing_rights():
    text = "Members paid SDR 45.5 million and INR 2,000; 3 million SDRs were pledged."
    assert normalized(text, EntityType.MONEY) == [
        "45500000.00 XDR",
        "2000.00 INR",
        "3000000.00 XDR",
    ]


def test_a_figure_beside_a_money_caption_on_a_form_is_money():
    text = "Purchase Price: 318,400.00\nMonthly Rent\n1,275.50\nNo. of Dependents\n2"
    assert texts(text, EntityType.MONEY) == ["318,400.00", "1,275.50"]
    assert normalized(text, EntityType.MONEY) == ["318400.00", "1275.50"]


@pytest.mark.parametrize(
    "text",
    [
        "Interest Rate: 4.25 %",
        "Total Units: 12",
        "Amount of pages\n40",
        "Payment terms: net 30 days",
        "the sdr figure 45",
    ],
)
def test_what_is_no_captioned_money(text: str):
    assert texts(text, EntityType.MONEY) == []


# --- COURT ------------------------------------------------------------------------------------


def test_a_district_court_division_is_part_of_its_name():
    text = (
        "Appeal from the United States District Court for the Eastern District of Texas, "
        "Tyler Division."
    )
    assert normalized(text, EntityType.COURT) == [
        "United States District Court for the Eastern District of Texas, Tyler Division"
    ]


def test_usdc_and_a_state_in_a_filing_stamp_is_a_court():
    text = "Case 2:19-cv-00321 Document 4 Filed 02/03/19 USDC Utah Page 1 of 9"
    assert texts(text, EntityType.COURT) == ["USDC Utah"]
    assert normalized(text, EntityType.COURT) == [
        "United States District Court for the District of Utah"
    ]


def test_a_division_needs_its_own_capitalised_name_and_a_court():
    lower = "the United States District Court for the District of Idaho, southern division"
    assert normalized(lower, EntityType.COURT) == [
        "United States District Court for the District of Idaho"
    ]
    assert texts("USDC filings, then usdc Utah in lower case.", EntityType.COURT) == []


# --- CASE_CITATION ----------------------------------------------------------------------------


def test_a_citation_with_its_page_on_the_next_line_is_found():
    text = "as held in Nebraska v. Wyoming, 325 U. S.\n589, 616 (1945), and since then"
    assert texts(text, EntityType.CASE_CITATION) == [
        "Nebraska v. Wyoming, 325 U. S. 589, 616 (1945)"
    ]
    assert normalized(text, EntityType.CASE_CITATION) == ["325 U.S. 589"]


# --- PERSON -----------------------------------------------------------------------------------


def test_a_surname_with_st_is_whole_and_its_later_uses_are_found():
    text = (
        "Appellee Martine St. Clair filed suit. The court held that St. Clair had no claim,\n"
        "and St. Clair’s appeal followed."
    )
    people = texts(text, EntityType.PERSON)
    assert people[0] == "Martine St. Clair"
    assert people.count("St. Clair") == 2
    assert "Martine St" not in people


def test_the_first_judge_of_a_panel_after_before_is_a_person():
    text = "Before Higginbotham, Elrod, and Ho, Circuit Judges."
    assert texts(text, EntityType.PERSON) == ["Higginbotham", "Elrod", "Ho"]


def test_a_case_named_before_a_judge_is_no_person():
    text = "In Marlowe, Judge Petrakis wrote the opinion. But Tran St. Onge disagreed."
    people = texts(text, EntityType.PERSON)
    assert "Marlowe" not in people
    assert not any(p.startswith("But") for p in people)


def test_a_name_under_a_form_caption_is_a_person():
    text = (
        "Applicant's Name (include Jr. or Sr. if applicable)\n"
        "Co-Applicant's Name (include Jr. or Sr. if applicable)\n"
        "Teodora Villanueva\n"
        "Tenant Name: Marcus Okafor"
    )
    assert texts(text, EntityType.PERSON) == ["Teodora Villanueva", "Marcus Okafor"]


def test_a_company_caption_on_a_form_names_no_person():
    text = "Employer Name\nGreen Hollow Farms\nBank Name: First Prairie"
    assert texts(text, EntityType.PERSON) == []


def test_a_nickname_in_quotes_is_part_of_the_name():
    text = "the order of Kansas Governor “Sunflower Sam”\nBrowning in 1931, and Lena “Dot” Albers."
    assert texts(text, EntityType.PERSON) == ["“Sunflower Sam” Browning", "Lena “Dot” Albers"]


def test_a_quoted_phrase_before_a_capitalised_word_is_no_nickname():
    text = "during the “Salt Creek Feud” Then the posse rode out."
    assert texts(text, EntityType.PERSON) == []


@pytest.mark.parametrize(
    ("text", "not_a_person"),
    [
        ("HAYNES, Circuit Judge. This appeal concerns a lease.", "This"),  # "Judge." ends a title
        ("She was handed an Employee Retirement Handbook that day.", "Retirement Handbook"),
        ("The Director Benefits Summary lists each plan.", "Benefits Summary"),
    ],
)
def test_what_is_no_person(text: str, not_a_person: str):
    people = normalized(text, EntityType.PERSON)
    assert not any(not_a_person in (p or "") for p in people)


# --- ORGANIZATION -----------------------------------------------------------------------------


def test_congress_is_an_organisation():
    text = "Congress ratified the accord, and Congress’ consent was required."
    assert texts(text, EntityType.ORGANIZATION) == ["Congress", "Congress"]
    assert normalized(text, EntityType.ORGANIZATION) == ["United States Congress"] * 2


def test_a_numbered_congress_or_another_body_named_congress_is_not_it():
    text = "The 96th Congress adjourned; the Congress of Racial Equality marched."
    assert "United States Congress" not in normalized(text, EntityType.ORGANIZATION)


def test_a_definition_parted_from_its_name_by_a_footnote_defines_it():
    text = (
        "The claim is against Halvorsen Mutual Casualty Company\n"
        "* This opinion is not published.\n"
        "Case: 22-10001 Page: 2\n"
        "(“Halvorsen”), which denied it. Later Halvorsen paid nothing."
    )
    orgs = texts(text, EntityType.ORGANIZATION)
    assert orgs.count("Halvorsen") == 2
    assert set(normalized(text, EntityType.ORGANIZATION)) == {"Halvorsen Mutual Casualty Company"}


def test_a_distant_definition_needs_a_name_starting_with_the_word():
    text = "Nothing was named.\n(“Halvorsen”) appears alone. Halvorsen paid."
    assert texts(text, EntityType.ORGANIZATION) == []


# --- Speed: adversarial inputs for the new patterns -------------------------------------------
