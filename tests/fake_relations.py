"""A stand-in for the `bioner_relations` component, for tests of what reads its output.

It relates every Chemical to every Disease of a Doc (a piece of a document), as the real
component's contract says: `doc._.bioner_relations` is a list of plain dicts with the concept ids
(`ent.kb_id_`, else the lower-cased text, else an id from `IDS`), a score and the supporting
mention pairs. `CALLS` records the texts it ran on, so a test can tell that it did not run.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bioner.names import RELATIONS
from bioner.spacy_docs import ensure_relations_extension

FACTORY = "test_pair_relations"
IDS = {"aspirin": "D001241", "asthma": "D001249", "ulcer": "D014456", "ketamine": "D007649", "depression": "D003866"}
CALLS: list[str] = []


def concept(ent) -> str:
    return ent.kb_id_ or IDS.get(ent.text.lower(), ent.text.lower())


@Language.component(FACTORY)
def pair_relations(doc: Doc) -> Doc:
    """Every (Chemical, Disease) pair of concepts, scored the number of its mention pairs over ten."""
    CALLS.append(doc.text)
    ensure_relations_extension()
    by_pair: dict[tuple[str, str], list[list[int]]] = {}
    for chemical in (e for e in doc.ents if e.label_ == "Chemical"):
        for disease in (e for e in doc.ents if e.label_ == "Disease"):
            support = [chemical.start_char, chemical.end_char, disease.start_char, disease.end_char]
            by_pair.setdefault((concept(chemical), concept(disease)), []).append(support)
    doc._.bioner_relations = [
        {"type": "CID", "arguments": list(pair), "score": len(support) / 10, "support": support}
        for pair, support in by_pair.items()
    ]
    return doc


def add_relations(nlp: Language) -> Language:
    """Add the stand-in under the real component's name, `bioner_relations`."""
    nlp.add_pipe(FACTORY, name=RELATIONS)
    return nlp


def ruler_with_relations(chemicals: list[str], diseases: list[str]) -> Language:
    """The project's tokenizer, an entity ruler for the words given and the stand-in."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(
        [{"label": "Chemical", "pattern": p} for p in chemicals]
        + [{"label": "Disease", "pattern": p} for p in diseases]
    )
    return add_relations(nlp)
