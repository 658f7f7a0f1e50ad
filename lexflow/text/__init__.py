"""Pure text stages of the pipeline: no Temporal, no database, no I/O.

``build_document_text`` (``document_text``) joins OCR pages into one string with page spans;
``chunk_document`` (``chunking``) cuts it into overlapping chunks at natural boundaries;
``extract_entities`` (``entities``) finds legal entities with true offsets; ``resolve_entities``
(``canonical``) groups mentions into canonical entities; ``build_relationships``
(``relationships``) links document, chunks and entities. Each module is imported directly;
nothing is re-exported here so that importing one stage does not load eyecite for all.
"""
