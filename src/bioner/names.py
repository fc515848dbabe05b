"""Names other modules agree on, spelled once: the model package and the pipeline components.

The component modules copied into packaged models (`pipeline.components`, `pipeline.spans`,
`linking.linker`) cannot import bioner, so they register their factories under these strings
themselves; `tests/test_names.py` checks that the registered names, pyproject.toml's
`spacy_factories` entry points and the factories the configs use are these.
"""

from __future__ import annotations

PACKAGE_NAME = "en_bioner_bc5cdr"
"""The model package's name: what `spacy.load()` takes."""
LINKER = "bioner_linker"
"""The MeSH linker component (`linking.linker`)."""
ABBREVIATIONS = "bioner_abbreviations"
"""The abbreviation propagator (`pipeline.components`), which gives the linker long forms."""
BOUNDARIES = "bioner_boundaries"
"""Entity boundaries the NER may not cross (`pipeline.spans`): it decodes again with them marked."""
CONSISTENCY = "bioner_consistency"
"""Document consistency (`pipeline.components`): tags every occurrence of a string tagged once."""
KNOWN_MENTIONS = "bioner_known_mentions"
"""Known mentions (`pipeline.components`): tags names the training data tag nearly wherever they occur."""
LABELS = "bioner_labels"
"""The label filter (`pipeline.components`): drops the labels a model learns but does not output."""
RELATIONS = "bioner_relations"
"""The relation component (`pipeline.relations`), after the linker."""
RELATIONS_EXTENSION = "bioner_relations"
"""The Doc extension holding a document's relations as plain dicts (`doc._.bioner_relations`):
`{"type", "arguments", "score", "support": [[s1, e1, s2, e2], ...]}`, so that DocBin keeps them."""
COMPONENTS = (ABBREVIATIONS, BOUNDARIES, CONSISTENCY, KNOWN_MENTIONS, LABELS, LINKER, RELATIONS)
"""Every pipeline component bioner registers with spaCy."""
