"""Whole spans: case names over abbreviations, docket entries, statutes with their code, acronyms.

Each test writes its own text.
"""

from lexflow.text.entities import EntityType
from tests.entity_text import normalized, texts

# --- CASE_CITATION: names eyecite cuts, short forms, slip opinions, dockets ------------------


def test_a_case_name_with_abbreviations_and_a_legal_form_is_kept_whole():
    text = (
        "We review that ruling de novo. See Fed. R. Civ. P. 8; Aurora Med. Ctr. Dallas, L.P. v. "
        "Green Cross & Shield of Ala., Inc., 771 F.3d 212, 219 (4th Cir. 2016)."
    )
    assert texts(text, EntityType.CASE_CITATION) == [
        "Aurora Med. Ctr. Dallas, L.P. v. Green Cross & Shield of Ala., Inc., 771 F.3d 212, 219 "
        "(4th Cir. 2016)"
    ]


def test_a_case_name_with_a_particle_over_a_line_end_is_kept():
    text = (
        "That rule governs here. See Fairway Fed. Sav. & Loan Assn. v. De\n"
        "la Rosa, 461 U. S. 151, 155–156 (1983). The rest follows."
    )
    assert texts(text, EntityType.CASE_CITATION) == [
        "Fairway Fed. Sav. & Loan Assn. v. De la Rosa, 461 U. S. 151, 155–156 (1983)"
    ]
    assert texts(text, EntityType.ORGANIZATION) == []


def test_guard_a_sentence_before_a_case_name_stays_out_of_it():
    text = (
        "The panel then ruled for the Court. Harlow Grain Co. v. Pettit, 412 F.3d 77, 80 "
        "(8th Cir. 2005), is not to the contrary."
    )
    assert texts(text, EntityType.CASE_CITATION) == [
        "Harlow Grain Co. v. Pettit, 412 F.3d 77, 80 (8th Cir. 2005)"
    ]


def test_a_short_form_whose_name_wraps_a_line_keeps_its_name():
    text = (
        "Amparo De La Sierra Del Norte v. Quintana, 611 F.3d 201, 204 (1st Cir. 2010) is the "
        "leading case.\nLater courts agreed. See Amparo De La\nSierra, 611 F.3d at 205."
    )
    assert "Amparo De La Sierra, 611 F.3d at 205" in texts(text, EntityType.CASE_CITATION)


def test_a_slip_opinion_with_blank_pages_runs_to_its_year():
    text = "The parties agree, see also Idaho v. Oregon, 571 U. S. ___, ___, and n. 3, ___, (2012) "
    text += "(slip op., at 4), so we stop."
    assert texts(text, EntityType.CASE_CITATION) == [
        "Idaho v. Oregon, 571 U. S. ___, ___, and n. 3, ___, (2012)"
    ]


def test_a_docket_citation_takes_its_entry_and_its_later_short_form():
    text = (
        "The government appealed. Lopez Ortega et al. v. Barnes, et al., No. 21-17345, Docket "
        "Entry No 3. Unlike that appeal, the brief was filed later. Lopez Ortega, No. 21-17345, "
        "Dkt. 12. The brief in Lopez Ortega mirrors this one."
    )
    assert texts(text, EntityType.CASE_CITATION) == [
        "Lopez Ortega et al. v. Barnes, et al., No. 21-17345, Docket Entry No 3",
        "Lopez Ortega, No. 21-17345, Dkt. 12",
    ]
    assert texts(text, EntityType.PERSON) == []


def test_a_case_named_after_a_citing_word_is_a_citation_not_two_parties():
    text = (
        "The standard is settled. Ruiz v. Tamsin Logistics, L.L.C., 602 F.3d 11, 12 (5th Cir. "
        "2011) (quoting Okafor v. Rapid Parcel\n7\n\nCase: 22-1 Page 8\nLines, Inc., 500 F.3d "
        "9, 10 (5th Cir. 2009))."
    )
    assert "Okafor v. Rapid Parcel" in texts(text, EntityType.CASE_CITATION)
    assert texts(text, EntityType.PERSON) == []


def test_the_first_party_of_a_cited_case_alone_is_the_case_not_a_person():
    text = (
        "MARISOL QUEZADA LUNA, et al.,\nPlaintiffs,\nv.\nACME DETENTION CORP.\n\n"
        "The court ruled in a related case. Quezada Luna v. Harlan, No. 20-cv-01234-AB, 2021 WL "
        "1234567, at *2 (N.D. Cal. May 3, 2021). The ruling in Quezada Luna bound the parties."
    )
    people = texts(text, EntityType.PERSON)
    assert "Quezada Luna" not in people
    assert "MARISOL QUEZADA LUNA" in people


# --- STATUTE: subsection lists, named codes, upper-case rules, acronyms, clauses -------------


def test_a_federal_rule_in_capitals_is_a_statute():
    text = "We review de novo. See FED. R. CIV. P. 12(b)(1); and FED. R. APP. P. 4(a)."
    assert texts(text, EntityType.STATUTE) == ["FED. R. CIV. P. 12(b)(1)", "FED. R. APP. P. 4(a)"]
    assert normalized(text, EntityType.STATUTE) == [
        "Fed. R. Civ. P. 12(b)(1)",
        "Fed. R. App. P. 4(a)",
    ]


def test_a_code_section_keeps_its_listed_subsections_and_year():
    text = "It is barred by K.S.A. § 60-212(b), (b)(2) (2019). The rest is not."
    assert texts(text, EntityType.STATUTE) == ["K.S.A. § 60-212(b), (b)(2) (2019)"]
    assert normalized(text, EntityType.STATUTE) == ["K.S.A. § 60-212(b), (b)(2)"]


def test_a_bracketed_code_and_a_section_on_the_next_line_are_one_statute():
    text = "avoid the reach of [K.S.A.] § 60-1507(c) here, and of K.S.A. §\n60-1507(d) there."
    assert texts(text, EntityType.STATUTE) == ["[K.S.A.] § 60-1507(c)", "K.S.A. § 60-1507(d)"]


def test_a_named_state_code_is_a_statute_with_or_without_a_section():
    text = (
        "She sued under the Ohio Revised Code. The agent rule is in Ohio Revised Code § "
        "1345.02(a), which the court applied."
    )
    assert texts(text, EntityType.STATUTE) == [
        "Ohio Revised Code",
        "Ohio Revised Code § 1345.02(a)",
    ]


def test_an_acts_defined_acronym_is_the_act_wherever_used():
    text = (
        "She alleged violations of the Fair Debt Reporting Practices\nAct (“FDRPA”). The "
        "court held the FDRPA claim fails."
    )
    assert texts(text, EntityType.STATUTE) == [
        "Fair Debt Reporting Practices Act",
        "FDRPA",
        "FDRPA",
    ]
    assert set(normalized(text, EntityType.STATUTE)) == {"Fair Debt Reporting Practices Act"}
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_lower_case_section_with_subsections_is_a_statute():
    text = "The order is appealable under section 1291(b)(2) of the statute."
    assert texts(text, EntityType.STATUTE) == ["section 1291(b)(2)"]


def test_a_clause_cited_by_article_and_clause_number_is_one_statute():
    text = "The Commerce Clause, Art. I, § 8, cl. 3, then governs the trade."
    assert texts(text, EntityType.STATUTE) == ["Commerce Clause, Art. I, § 8, cl. 3"]


# --- PERSON / ORGANIZATION: acronyms, role phrases, relators ---------------------------------


def test_an_agency_defined_by_its_acronym_is_an_organization_and_so_is_each_use():
    text = (
        "The detainees are held by the\nU.S. Harbor and Dredge Enforcement (“HDE”) at the "
        "depot. Later HDE moved them."
    )
    assert texts(text, EntityType.ORGANIZATION) == [
        "U.S. Harbor and Dredge Enforcement",
        "HDE",
        "HDE",
    ]
    assert texts(text, EntityType.PERSON) == []


def test_a_well_known_agency_acronym_alone_is_an_organization():
    text = "The device maker later received an FDA warning letter and met with EPA staff."
    assert texts(text, EntityType.ORGANIZATION) == ["FDA", "EPA"]
    assert normalized(text, EntityType.ORGANIZATION) == [
        "Food and Drug Administration",
        "Environmental Protection Agency",
    ]


def test_a_role_word_before_a_group_or_a_document_is_no_person():
    text = (
        "03/04/2018 512 Order re Plaintiff Steering Team\n"
        "05/06/2018 613 Order re Plaintiff and Defendant Intake Forms\n"
    )
    assert texts(text, EntityType.PERSON) == []
    assert texts(text, EntityType.ORGANIZATION) == ["Plaintiff Steering Team"]


def test_a_relator_is_a_person_and_the_state_ex_rel_no_organization():
    text = "The running header reads\n\nACME TOOLS, LLC V. STATE EX REL. HARRIS\n2021-NCSC-9\n"
    assert texts(text, EntityType.PERSON) == ["HARRIS"]
    assert not any("EX REL" in t for t in texts(text, EntityType.ORGANIZATION))


# --- guards: what stays as it was ------------------------------------------------------------


def test_guard_an_acronym_whose_letters_do_not_match_is_no_organization():
    text = "The buyer, a unit of Blue Heron Trading (“XQ”), paid the invoice."
    assert texts(text, EntityType.ORGANIZATION) == []


def test_guard_a_known_acronym_on_an_upper_case_heading_line_is_not_taken():
    text = "NOTICE OF ICE STORM CLOSURE\nThe office reopens Monday."
    assert texts(text, EntityType.ORGANIZATION) == []


def test_guard_a_defined_person_is_still_a_person():
    text = "This agreement is made with Dana Whitcombe (the “Consultant”) today."
    assert "Dana Whitcombe" in texts(text, EntityType.PERSON)
    assert texts(text, EntityType.ORGANIZATION) == []


def test_guard_a_caption_line_still_gives_its_parties():
    text = "Harriet Pell v. Orson Blake Holdings, Inc.\nMEMORANDUM OPINION"
    assert "Harriet Pell" in texts(text, EntityType.PERSON)


def test_guard_a_surname_of_a_person_not_cited_as_a_case_is_still_found():
    text = (
        "Plaintiff Rosalind Achterberg sued. See Quill v. Marsh, 12 F.3d 4, 5 (2d Cir. 1994). "
        "Achterberg then appealed."
    )
    assert texts(text, EntityType.PERSON).count("Achterberg") == 1


def test_guard_a_bare_lower_case_section_is_no_statute():
    text = "as explained in section 4 of this brief, and in section two."
    assert texts(text, EntityType.STATUTE) == []


def test_guard_a_code_without_a_state_name_is_no_statute():
    text = "Employees must follow the Employee Conduct Code at all times."
    assert texts(text, EntityType.STATUTE) == []


# --- speed: 50,000-character adversarial inputs ----------------------------------------------


def test_a_camel_case_company_name_is_an_organization():
    text = "Employer Name\nPosition Held\nBrightCompany\nhead cook\nNorthBank\nteller"
    assert texts(text, EntityType.ORGANIZATION) == ["BrightCompany", "NorthBank"]


def test_a_company_short_name_before_a_street_word_is_no_organization():
    text = (
        "Employer Name\nBrightway Company\nHome Address: 23 Brightway Street. Later Brightway paid."
    )
    assert texts(text, EntityType.ORGANIZATION) == ["Brightway Company", "Brightway"]


def test_guard_a_lower_case_glued_word_is_no_company():
    text = "They accompany the Bigbank clerk and the Subgroup members."
    assert texts(text, EntityType.ORGANIZATION) == []


def test_a_forms_first_and_last_name_fields_are_people():
    text = (
        "Patient Information\nFirst\nName: MARTA Last Name: OYELARAN\nDate of Birth: 10/10/1980\n"
        "Emergency Contact 1:\nFirst Name:\nTOBIAS\nLast Name: WREN\nPhone: 212-555-0150\n"
    )
    assert texts(text, EntityType.PERSON) == ["MARTA", "OYELARAN", "TOBIAS", "WREN"]


def test_guard_an_empty_name_field_does_not_take_the_next_caption():
    text = "Emergency Contact 2:\nFirst Name:\nLast Name:\nPhone: 650-555-0123\nCity: Dover\n"
    assert texts(text, EntityType.PERSON) == []


def test_court_rules_numbered_with_hyphens_are_whole() -> None:
    text = (
        "Counsel complied with Seventh Circuit Rule 31-4.2 and with Rule 12-1 of the local rules."
    )

    found = texts(text, EntityType.STATUTE)

    assert "Seventh Circuit Rule 31-4.2" in found
    assert "Rule 12-1" in found
