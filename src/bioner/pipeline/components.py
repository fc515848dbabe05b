"""Post-processing components that run after the NER model, registered with spaCy.

Both are measured on the development set before a config keeps them. This module imports only
spaCy and scispaCy: it is copied into packaged models as is.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

LONG_FORMS = "bioner_long_forms"
"""Doc extension: short form text -> long form text, for the linker (`bioner_linker`)."""


@Language.factory(
    "bioner_abbreviations",
    default_config={"drop_orphans": True},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_abbreviation_propagator(nlp: Language, name: str, drop_orphans: bool) -> AbbreviationPropagator:
    return AbbreviationPropagator(nlp, name, drop_orphans=drop_orphans)


class AbbreviationPropagator:
    """Give every short form the label of its long form, throughout the document.

    "treatment-resistant depression (TRD)": when an entity ends where the long form ends, every
    "TRD" of the abstract becomes an entity of that label. With `drop_orphans`, a short form whose
    long form is not an entity loses any label the model gave it. Definitions are found with
    scispaCy's Schwartz & Hearst detector.
    """

    def __init__(self, nlp: Language, name: str = "bioner_abbreviations", *, drop_orphans: bool = True) -> None:
        from scispacy.abbreviation import AbbreviationDetector

        self.name = name
        self.drop_orphans = drop_orphans
        self.detector = AbbreviationDetector(nlp)
        if not Doc.has_extension(LONG_FORMS):
            Doc.set_extension(LONG_FORMS, default=None)

    def definitions(self, doc: Doc) -> list[tuple[Span, set[Span]]]:
        """(long form, occurrences of its short form) pairs, as scispaCy finds them."""
        from scispacy.abbreviation import filter_matches

        matches = self.detector.matcher(doc)
        inside_brackets = [(match_id, start + 1, end - 1) for match_id, start, end in matches]
        candidates = filter_matches(inside_brackets, doc)
        if not candidates:
            return []
        with warnings.catch_warnings():
            # W036: scispaCy runs its matcher even when no candidate was a definition.
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            return self.detector.find_matches_for(candidates, doc)

    def __call__(self, doc: Doc) -> Doc:
        definitions = self.definitions(doc)
        doc._.set(LONG_FORMS, {short.text: long_form.text for long_form, shorts in definitions for short in shorts})
        if not definitions:
            return doc
        ents = list(doc.ents)
        ends = {ent.end_char: ent.label_ for ent in ents}
        added: list[Span] = []
        orphans: set[tuple[int, int]] = set()
        for long_form, short_forms in definitions:
            label = ends.get(long_form.end_char)
            for short in short_forms:
                if label is not None:
                    added.append(Span(doc, short.start, short.end, label=label))
                elif self.drop_orphans:
                    orphans.add((short.start, short.end))
        taken = {i for span in added for i in range(span.start, span.end)}
        kept = [
            ent
            for ent in ents
            if (ent.start, ent.end) not in orphans and not any(i in taken for i in range(ent.start, ent.end))
        ]
        doc.ents = filter_spans(kept + added)
        return doc


@Language.factory(
    "bioner_consistency",
    default_config={"min_length": 3},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_consistency(nlp: Language, name: str, min_length: int) -> DocumentConsistency:
    return DocumentConsistency(name, min_length=min_length)


class DocumentConsistency:
    """Tag every occurrence of a string the model tagged somewhere else in the same document.

    An abstract names its chemicals and diseases several times; the model can miss one
    occurrence it found elsewhere. Untagged occurrences (same tokens, not overlapping another
    entity) get the label that string has most often in the document. Strings shorter than
    `min_length` characters are left alone.
    """

    def __init__(self, name: str = "bioner_consistency", *, min_length: int = 3) -> None:
        self.name = name
        self.min_length = min_length

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for ent in ents:
            if len(ent.text) >= self.min_length:
                votes[tuple(t.text for t in ent)][ent.label_] += 1
        if not votes:
            return doc
        labels = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
        lengths = sorted({len(key) for key in labels}, reverse=True)
        taken = [False] * len(doc)
        for ent in ents:
            for i in range(ent.start, ent.end):
                taken[i] = True
        words = [t.text for t in doc]
        added: list[Span] = []
        for start in range(len(doc)):
            for length in lengths:
                end = start + length
                if end > len(doc) or any(taken[start:end]):
                    continue
                label = labels.get(tuple(words[start:end]))
                if label is None:
                    continue
                added.append(Span(doc, start, end, label=label))
                for i in range(start, end):
                    taken[i] = True
                break
        if added:
            doc.ents = sorted(ents + added, key=lambda span: span.start)
        return doc


@Language.factory(
    "bioner_labels",
    default_config={"keep": ["Chemical", "Disease"]},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_label_filter(nlp: Language, name: str, keep: list[str]) -> LabelFilter:
    return LabelFilter(name, keep=keep)


class LabelFilter:
    """Drop entities whose label is not in `keep`.

    A model trained with gene corpora learns a `Gene` label so that a gene symbol has somewhere
    to go other than Chemical; users asked for chemicals and diseases, so genes stop here.
    """

    def __init__(self, name: str = "bioner_labels", *, keep: list[str]) -> None:
        self.name = name
        self.keep = set(keep)

    def __call__(self, doc: Doc) -> Doc:
        if any(ent.label_ not in self.keep for ent in doc.ents):
            doc.ents = [ent for ent in doc.ents if ent.label_ in self.keep]
        return doc
