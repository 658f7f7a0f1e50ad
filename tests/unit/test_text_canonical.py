from lexflow.text.canonical import CanonicalEntity, resolve_entities
from lexflow.text.entities import EntityType, Mention

PERSON = EntityType.PERSON
ORG = EntityType.ORGANIZATION


def _mentions(*specs: tuple[EntityType, str] | tuple[EntityType, str, str]) -> list[Mention]:
    mentions: list[Mention] = []
    offset = 0
    for spec in specs:
        entity_type, text = spec[0], spec[1]
        normalized = spec[2] if len(spec) == 3 else text
        mentions.append(
            Mention(
                text=text,
                entity_type=entity_type,
                char_start=offset,
                char_end=offset + len(text),
                page=1,
                chunk_index=0,
                confidence=0.8,
                normalized=normalized,
            )
        )
        offset += len(text) + 1
    return mentions


def _groups(*specs: tuple[EntityType, str] | tuple[EntityType, str, str]) -> list[list[str]]:
    mentions = _mentions(*specs)
    return [[mentions[i].text for i in e.mention_indexes] for e in resolve_entities(mentions)]


def test_full_name_initial_honorific_and_caption_forms_of_one_person_merge():
    mentions = _mentions(
        (PERSON, "JOHN SMITH", "John Smith"),
        (PERSON, "J. Smith"),
        (PERSON, "Mr. Smith", "Smith"),
        (PERSON, "John Smith"),
        (PERSON, "Smith"),
    )

    assert resolve_entities(mentions) == [
        CanonicalEntity(
            key="person:john smith",
            entity_type=PERSON,
            canonical_name="John Smith",
            aliases=("J. Smith", "JOHN SMITH", "John Smith", "Mr. Smith", "Smith"),
            mention_count=5,
            mention_indexes=(0, 1, 2, 3, 4),
        )
    ]


def test_people_with_the_same_surname_and_different_initials_stay_apart():
    groups = _groups(
        (PERSON, "John Smith"), (PERSON, "Mary Smith"), (PERSON, "M. Smith"), (PERSON, "Smith")
    )

    assert groups == [["John Smith"], ["Mary Smith", "M. Smith"], ["Smith"]]


def test_an_initial_shared_by_two_people_merges_with_neither():
    groups = _groups((PERSON, "John Smith"), (PERSON, "Jane Smith"), (PERSON, "J. Smith"))

    assert groups == [["John Smith"], ["Jane Smith"], ["J. Smith"]]


def test_a_name_without_middle_initial_does_not_bridge_two_middle_initials():
    groups = _groups((PERSON, "John A. Smith"), (PERSON, "John B. Smith"), (PERSON, "John Smith"))

    assert groups == [["John A. Smith"], ["John B. Smith"], ["John Smith"]]


def test_a_name_without_middle_initial_joins_the_only_matching_person():
    groups = _groups((PERSON, "John A. Smith"), (PERSON, "John Smith"), (PERSON, "J. A. Smith"))

    assert groups == [["John A. Smith", "John Smith", "J. A. Smith"]]


def test_an_ocr_slip_in_a_surname_merges_only_with_the_same_given_name():
    groups = _groups((PERSON, "John Smith"), (PERSON, "John Smlth"), (PERSON, "Jane Smlth"))

    assert groups == [["John Smith", "John Smlth"], ["Jane Smlth"]]


def test_the_canonical_person_name_is_the_longest_full_form():
    [entity] = resolve_entities(
        _mentions(
            (PERSON, "John Smith"),
            (PERSON, "John Smith"),
            (PERSON, "Hon. John A. Smith", "John A. Smith"),
        )
    )

    assert entity.canonical_name == "John A. Smith"
    assert entity.aliases == ("Hon. John A. Smith", "John Smith")
    assert entity.mention_count == 3


def test_organisations_merge_across_legal_forms_case_and_punctuation():
    mentions = _mentions(
        (ORG, "ACME CORP.", "Acme Corp."),
        (ORG, "Acme Corporation"),
        (ORG, "Acme, Inc."),
        (ORG, "Acme"),
    )

    [entity] = resolve_entities(mentions)

    assert entity.key == "organization:acme corporation"
    assert entity.canonical_name == "Acme Corporation"
    assert entity.aliases == ("ACME CORP.", "Acme", "Acme Corporation", "Acme, Inc.")


def test_organisation_names_within_fuzzy_distance_merge_when_the_different_words_are_close():
    groups = _groups(
        (ORG, "Bank of America"),
        (ORG, "Bank of Amerika"),
        (ORG, "City of New York"),
        (ORG, "City of Newark"),
    )

    assert groups == [
        ["Bank of America", "Bank of Amerika"],
        ["City of New York"],
        ["City of Newark"],
    ]


def test_a_short_name_joins_the_only_longer_name_it_begins():
    assert _groups((ORG, "Acme Widgets"), (ORG, "Acme")) == [["Acme Widgets", "Acme"]]


def test_a_short_name_beginning_two_different_organisations_stays_apart():
    groups = _groups((ORG, "Acme Widgets"), (ORG, "Acme Holdings"), (ORG, "Acme"))

    assert groups == [["Acme Widgets"], ["Acme Holdings"], ["Acme"]]


def test_an_acronym_joins_the_organisation_it_abbreviates():
    mentions = _mentions((ORG, "International Business Machines Corporation"), (ORG, "IBM"))

    [entity] = resolve_entities(mentions)

    assert entity.canonical_name == "International Business Machines Corporation"
    assert entity.mention_indexes == (0, 1)


def test_values_merge_on_their_normalised_form_and_keep_every_surface_form():
    mentions = _mentions(
        (EntityType.DATE, "January 5, 2023", "2023-01-05"),
        (EntityType.MONEY, "$2.5 million", "2500000.00"),
        (EntityType.DATE, "01/05/2023", "2023-01-05"),
        (EntityType.MONEY, "$2,500,000", "2500000.00"),
        (EntityType.CASE_CITATION, "Roe v. Wade, 410 U.S. 113 (1973)", "410 U.S. 113"),
        (EntityType.CASE_CITATION, "Roe, 410 U.S. at 153", "410 U.S. 113"),
    )

    entities = resolve_entities(mentions)

    assert [(e.key, e.canonical_name, e.aliases, e.mention_indexes) for e in entities] == [
        ("date:2023-01-05", "2023-01-05", ("01/05/2023", "January 5, 2023"), (0, 2)),
        ("money:2500000.00", "2500000.00", ("$2,500,000", "$2.5 million"), (1, 3)),
        (
            "case_citation:410 u.s. 113",
            "Roe v. Wade, 410 U.S. 113 (1973)",
            ("Roe v. Wade, 410 U.S. 113 (1973)", "Roe, 410 U.S. at 153"),
            (4, 5),
        ),
    ]


def test_mentions_of_different_types_never_merge():
    groups = _groups((PERSON, "Jordan"), (ORG, "Jordan"), (EntityType.COURT, "Jordan"))

    assert groups == [["Jordan"], ["Jordan"], ["Jordan"]]


def test_entities_come_in_order_of_first_mention_with_unique_bounded_keys():
    long_name = "Very " * 80 + "Long Holdings"
    mentions = _mentions(
        (EntityType.DATE, "March 1, 2023", "2023-03-01"),
        (ORG, long_name),
        (PERSON, "Jane Doe"),
        (EntityType.DATE, "2023-03-01", "2023-03-01"),
    )

    entities = resolve_entities(mentions)

    assert [e.mention_indexes[0] for e in entities] == [0, 1, 2]
    assert len(entities[1].key) <= 255
    assert entities[1].key.startswith("organization:very very")
    assert len({e.key for e in entities}) == 3
    assert resolve_entities(mentions) == entities


def test_no_mentions_give_no_entities():
    assert resolve_entities([]) == []
