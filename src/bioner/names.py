"""Names other modules agree on, spelled once: the model package and the pipeline components.

The component modules copied into packaged models (`pipeline.components`, `linking.linker`)
cannot import bioner, so they register their factories under these strings themselves;
`tests/test_names.py` checks that the registered names are these.
"""

from __future__ import annotations

PACKAGE_NAME = "en_bioner_bc5cdr"
"""The model package's name: what `spacy.load()` takes."""
LINKER = "bioner_linker"
"""The MeSH linker component (`linking.linker`)."""
ABBREVIATIONS = "bioner_abbreviations"
"""The abbreviation propagator (`pipeline.components`), which gives the linker long forms."""
RELATIONS = "bioner_relations"
"""The relation component (`pipeline.relations`), which predicts BC5CDR-style CID relations."""
RELATIONS_EXTENSION = "bioner_relations"
"""The Doc extension holding a document's relations as plain dicts (`doc._.bioner_relations`):
`{"type", "arguments", "score", "support": [[s1, e1, s2, e2], ...]}`, so that DocBin keeps them."""
