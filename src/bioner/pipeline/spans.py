"""Entity boundaries the NER model may not cross, enforced by letting the model decode again.

A transition-based NER model can keep an entity open long past its end: "traumatic events in
childhood, having a serious health condition such as cancer or heart disease" came out as one
Disease. Some words never occur inside a mention of the training corpora (none of 14,500 BC5CDR
and NCBI disease training mentions holds "such", "as", "including", "which", "that", "having",
"being", "is", "are" or "were"), and no mention continues from a comma into a gerund (", having").
When an entity crosses such a boundary, this component asks the same NER component to decode the
document again with the boundaries marked: spaCy's NER never continues an entity into a token
that starts a sentence, so the boundaries are marked as sentence starts while it decodes (and
unmarked after). The model itself then decides where the entities on each side end ("cancer",
"heart disease"), rather than a rule cutting its span into pieces. A span that still crosses a
boundary (no NER to ask, or no `doc.tensor` for its listener) is dropped.

`max_words` (0: no limit) drops entities of more words than that, as a last guard.

This module imports only spaCy: it is copied into packaged models as is.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.pipeline.tok2vec import Tok2VecListener
from spacy.tokens import Doc, Span, Token

BREAK_WORDS = ("such", "as", "including", "which", "that", "having", "being", "is", "are", "were")
"""Words no entity contains (matched case-sensitively, so "As" the element is not one)."""


@Language.factory(
    "bioner_boundaries",
    default_config={"ner": "ner", "break_words": list(BREAK_WORDS), "max_words": 0},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_boundaries(nlp: Language, name: str, ner: str, break_words: list[str], max_words: int) -> EntityBoundaries:
    return EntityBoundaries(nlp, name, ner=ner, break_words=break_words, max_words=max_words)


class EntityBoundaries:
    """Keep entities from running on past a clause boundary (see the module docstring)."""

    def __init__(
        self,
        nlp: Language | None,
        name: str = "bioner_boundaries",
        *,
        ner: str = "ner",
        break_words: Iterable[str] = BREAK_WORDS,
        max_words: int = 0,
    ) -> None:
        self.name = name
        self.nlp = nlp
        self.ner = ner
        self.break_words = set(break_words)
        self.max_words = max_words

    def boundaries(self, doc: Doc) -> list[int]:
        """Token indices no entity may continue into from the token before.

        A break word is a boundary on both sides (no entity holds it); a gerund after a comma
        only on its left (", vomiting" may start an entity).
        """
        marks: set[int] = set()
        for token in doc:
            if token.text in self.break_words:
                marks.add(token.i)
                if token.i + 1 < len(doc):
                    marks.add(token.i + 1)
            elif token.i > 0 and doc[token.i - 1].text == "," and _is_gerund(token):
                marks.add(token.i)
        return sorted(marks)

    def __call__(self, doc: Doc) -> Doc:
        marks = self.boundaries(doc)
        if marks and _crossing(doc.ents, marks) and self._can_decode(doc):
            self._decode_within(doc, marks)
        kept = [ent for ent in doc.ents if self._acceptable(ent, marks)]
        if len(kept) < len(doc.ents):
            doc.ents = kept
        return doc

    def _acceptable(self, ent: Span, marks: list[int]) -> bool:
        if _crossing([ent], marks) or any(token.text in self.break_words for token in ent):
            return False
        return self.max_words <= 0 or len(ent.text.split()) <= self.max_words

    def _can_decode(self, doc: Doc) -> bool:
        if self.nlp is None or self.ner not in self.nlp.pipe_names or doc.has_annotation("DEP"):
            return False

        model = getattr(self.nlp.get_pipe(self.ner), "model", None)
        listens = model is not None and any(isinstance(node, Tok2VecListener) for node in model.walk())
        # A listener reads the shared tok2vec's output from doc.tensor; without it, it reads zeros.
        return not listens or doc.tensor.size > 0

    def _decode_within(self, doc: Doc, marks: list[int]) -> None:
        """Run the NER again on `doc`, no entity continuing into a marked token."""
        saved: list[tuple[Token, bool | None]] = [(doc[i], doc[i].is_sent_start) for i in marks]
        try:
            for token, _ in saved:
                token.is_sent_start = True
            doc.set_ents([], default="missing")
            self.nlp.get_pipe(self.ner)(doc)  # type: ignore[union-attr]
        finally:
            for token, value in saved:
                token.is_sent_start = value


def _crossing(ents: Iterable[Span], marks: list[int]) -> bool:
    """Whether any entity continues into a marked token (starts before it and contains it)."""
    return any(ent.start < i < ent.end for ent in ents for i in marks)


def _is_gerund(token: Token) -> bool:
    text = token.text
    return len(text) >= 5 and text.endswith("ing") and text.isalpha() and text.islower()
