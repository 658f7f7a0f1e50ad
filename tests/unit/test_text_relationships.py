from pathlib import Path

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.canonical import resolve_entities
from lexflow.text.chunking import Chunk, chunk_document
from lexflow.text.document_text import build_document_text
from lexflow.text.entities import Mention, extract_entities
from lexflow.text.relationships import Relationship, RelationshipType, build_relationships

FIXTURES = Path(__file__).parent.parent / "fixtures" / "text"


def _pipeline(*pages: str, size: int = 400, overlap: int = 80):
    text = build_document_text(
        [
            OcrPage(number=n, lines=[OcrLine(text=t, confidence=99.0) for t in page.split("\n")])
            for n, page in enumerate(pages, start=1)
        ]
    )
    chunks = chunk_document(text, size, overlap)
    mentions = extract_entities(text, chunks)
    entities = resolve_entities(mentions)
    return chunks, mentions, build_relationships(chunks, mentions, entities)


def _complaint() -> tuple[list[Chunk], list[Mention], list[Relationship]]:
    raw = (FIXTURES / "complaint_acme_v_smith.txt").read_text()
    return _pipeline(*(page.strip("\n") for page in raw.split("\f")), size=300, overlap=60)


def _of_type(relationships: list[Relationship], kind: RelationshipType) -> list[Relationship]:
    return [r for r in relationships if r.relationship_type is kind]


def test_the_document_contains_every_chunk_as_a_document_level_fact():
    chunks, _, relationships = _complaint()

    contains = _of_type(relationships, RelationshipType.CONTAINS)

    assert [(r.source_kind, r.source_key, r.target_kind, r.target_key) for r in contains] == [
        ("document", "document", "chunk", str(c.index)) for c in chunks
    ]
    assert all(r.evidence_chunk_index is None and r.identity[5] == -1 for r in contains)
    assert contains[0].properties == {"page_start": 1, "page_end": 1}


def test_each_chunk_mentions_each_entity_once_with_a_count():
    _, _, relationships = _pipeline(
        "Acme Corporation paid Mr. Smith $500. Acme Corporation then sued Mr. Smith."
    )

    mentions = _of_type(relationships, RelationshipType.MENTIONS)

    assert [(r.source_key, r.target_key, r.properties["mention_count"]) for r in mentions] == [
        ("0", "money:500.00", 1),
        ("0", "organization:acme corporation", 2),
        ("0", "person:smith", 2),
    ]
    assert all(r.evidence_chunk_index == 0 for r in mentions)


def test_a_mention_in_the_overlap_is_evidence_for_both_chunks():
    chunks, mentions, relationships = _pipeline(
        "Intro text here. Acme Corporation signed. More words follow after it.", size=45, overlap=30
    )
    acme = next(m for m in mentions if m.text == "Acme Corporation")
    holders = [
        c.index for c in chunks if c.char_start <= acme.char_start and acme.char_end <= c.char_end
    ]

    mentioned_in = [
        r.evidence_chunk_index
        for r in _of_type(relationships, RelationshipType.MENTIONS)
        if r.target_key == "organization:acme corporation"
    ]

    assert len(holders) == 2
    assert mentioned_in == holders


def test_co_occurrence_is_one_edge_per_unordered_pair_per_chunk_ordered_by_key():
    _, _, relationships = _pipeline(
        "On January 5, 2023, Mr. Smith paid $500 to Acme Corporation and Mr. Smith paid again."
    )

    pairs = [
        (r.source_key, r.target_key, r.evidence_chunk_index)
        for r in _of_type(relationships, RelationshipType.CO_OCCURS)
    ]

    assert pairs == [
        ("date:2023-01-05", "organization:acme corporation", 0),
        ("date:2023-01-05", "person:smith", 0),
        ("money:500.00", "organization:acme corporation", 0),
        ("money:500.00", "person:smith", 0),
        ("organization:acme corporation", "person:smith", 0),
    ]


def test_caption_parties_oppose_each_other_plaintiff_side_first():
    _, _, relationships = _complaint()

    opposing = _of_type(relationships, RelationshipType.OPPOSING_PARTY)

    assert [
        (r.source_kind, r.source_key, r.target_kind, r.target_key, r.properties["form"])
        for r in opposing
    ] == [
        ("entity", "organization:acme corporation", "entity", "person:john smith", "caption"),
        ("party", "party:brown", "party", "party:board of education", "citation"),
    ]
    assert opposing[0].evidence_chunk_index == 0
    assert opposing[1].properties["citation"] == "case_citation:347 u.s. 483"


def test_every_party_on_each_side_of_a_multi_party_caption_is_opposed():
    _, _, relationships = _pipeline(
        "JOHN DOE and JANE ROE, individually,\nPlaintiffs,\nvs.\n"
        "WIDGET HOLDINGS, LLC, a Delaware limited liability company,\nDefendant."
    )

    opposing = _of_type(relationships, RelationshipType.OPPOSING_PARTY)

    assert sorted((r.source_key, r.target_key) for r in opposing) == [
        ("person:jane roe", "organization:widget holdings, llc"),
        ("person:john doe", "organization:widget holdings, llc"),
    ]


def test_a_cited_party_that_is_also_a_party_here_links_to_its_entity():
    _, _, relationships = _pipeline(
        "Plaintiff Acme Corporation relies on Acme Corp. v. Widget Co., 123 F. Supp. 3d 456 "
        "(S.D.N.Y. 2015)."
    )

    [cited] = _of_type(relationships, RelationshipType.OPPOSING_PARTY)

    assert (cited.source_kind, cited.source_key) == ("entity", "organization:acme corporation")
    assert (cited.target_kind, cited.target_key) == ("party", "party:widget co.")


def test_identities_are_unique_and_the_output_is_deterministic():
    chunks, mentions, relationships = _complaint()

    identities = [r.identity for r in relationships]

    assert len(identities) == len(set(identities))
    assert build_relationships(chunks, mentions, resolve_entities(mentions)) == relationships
    assert all(0 <= r.confidence <= 1 for r in relationships)
