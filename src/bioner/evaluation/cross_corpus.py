"""Scores on the held-out parts of corpora other than the home corpus's test set: does the tagger
hold up beyond its home corpus?

The parts and how each is reported come from the corpus catalogue (each corpus's `heldout`, each
part's `measure`). An `f1` part is scored only on the types its corpus annotates (NCBI disease:
Disease; NLM-Chem: Chemical), strictly and leniently, with the same counting as `scoring`. A
`confusion` part annotates one type the pipeline does not output (genes, variants, species): its
figure is the share of those mentions that a Chemical or Disease prediction overlaps, the
confusions users met most outside BC5CDR.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from ..corpora.catalogue import CORPORA as CATALOGUE
from ..corpora.catalogue import Catalogue, default_measure, kb_files
from ..document import Document, Mention, Passage
from ..multicorpus import OUTPUT_LABELS, CorpusPart, catalogue_part, mapped_documents, read_part
from ..tagging import tag_documents
from .concepts import format_concept_row, heldout_concept_scores
from .result import score
from .scoring import PRF, Scores


def heldout_parts(raw: Path, corpora: Catalogue | None = None) -> list[CorpusPart]:
    """The held-out parts `make evaluate` reports, beside the home corpus's test set (which
    `bioner evaluate` scores), from the catalogue (default `CORPORA`): the parts scored by F1
    first, then those measured by a confusion rate."""
    chosen = CATALOGUE if corpora is None else corpora
    parts = [catalogue_part(raw, corpus, part) for corpus in chosen.values() for part in corpus.heldout]
    return sorted(parts, key=lambda part: overlap_label(part) is not None)


def overlap_label(part: CorpusPart) -> str | None:
    """The label whose mentions give a confusion rate (Gene, Variant, Species) for a `confusion`
    part (its `measure`, else told from its one label not output); None for a part scored by F1."""
    measure = part.measure or default_measure(part.annotates)
    return part.annotates[0] if measure == "confusion" else None


def _plural(noun: str) -> str:
    return noun if noun.endswith("s") else noun + "s"


@dataclass
class CorpusScore:
    name: str
    documents: int
    labels: tuple[str, ...]
    strict: dict[str, PRF] = field(default_factory=dict)
    lenient: dict[str, PRF] = field(default_factory=dict)
    overlap_label: str | None = None
    """Gene, Variant or Species: the part is measured by how many of these mentions a Chemical or
    Disease prediction overlaps (`mentions`, `tagged`), not by F1."""
    mentions: int = 0
    tagged: int = 0
    tagged_as: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    """The names most often tagged, for the report."""
    concepts: Scores | None = None
    """Concept-level scores (distinct document, id) where the part's gold carries ids and its
    file does not feed the linker's knowledge base (NCBI disease dev)."""

    @property
    def rate(self) -> float:
        return self.tagged / self.mentions if self.mentions else 0.0

    # The gene parts' names, as the JSON and earlier callers know them.
    @property
    def gene_mentions(self) -> int:
        return self.mentions if self.overlap_label == "Gene" else 0

    @property
    def genes_tagged(self) -> int:
        return self.tagged if self.overlap_label == "Gene" else 0

    @property
    def genes_tagged_as(self) -> dict[str, int]:
        return self.tagged_as if self.overlap_label == "Gene" else {}

    @property
    def gene_rate(self) -> float:
        return self.rate if self.overlap_label == "Gene" else 0.0

    def to_json(self) -> dict:
        out: dict = {"documents": self.documents, "labels": list(self.labels)}
        if self.overlap_label is not None:
            # gene_mentions, genes_tagged, gene_rate, genes_tagged_as; variant_...; species_...
            noun = self.overlap_label.lower()
            out.update(
                {
                    f"{noun}_mentions": self.mentions,
                    f"{_plural(noun)}_tagged": self.tagged,
                    f"{noun}_rate": round(self.rate, 4),
                    f"{_plural(noun)}_tagged_as": self.tagged_as,
                    "examples": self.examples,
                }
            )
        else:
            out["strict"] = {label: prf.to_json() for label, prf in self.strict.items()}
            out["lenient"] = {label: prf.to_json() for label, prf in self.lenient.items()}
            if self.concepts is not None:
                out["concepts"] = {label: self.concepts.labels[label].to_json() for label in self.labels}
        return out


def _only(documents: Sequence[Document], labels: Sequence[str]) -> list[Document]:
    return [Document(d.id, list(d.passages), [m for m in d.mentions if m.label in labels]) for d in documents]


def gene_overlaps(gold: Sequence[Document], predicted: Sequence[Document]) -> tuple[int, Counter, Counter]:
    """How many gold mentions (genes, variants, species) a Chemical/Disease prediction overlaps,
    by label and by name."""
    by_id = {d.id: d for d in predicted}
    tagged = 0
    as_label: Counter = Counter()
    names: Counter = Counter()
    for document in gold:
        predictions = (
            [m for m in by_id[document.id].mentions if m.label in OUTPUT_LABELS] if document.id in by_id else []
        )
        for gene in document.mentions:
            hit: Mention | None = next((p for p in predictions if p.start < gene.end and gene.start < p.end), None)
            if hit is not None:
                tagged += 1
                as_label[hit.label] += 1
                names[gene.text] += 1
    return tagged, as_label, names


ARTICLE_BREAK = "\n\n"
"""Between the passages of an article tagged as one text: a paragraph break, where long texts are cut."""


def tag_articles(
    nlp: Language, passages: Sequence[Document], article_of: Callable[[str], str], *, batch_size: int = 64
) -> list[Document]:
    """`passages` (in their order) with the mentions the pipeline finds when each article is
    tagged as one text, its passages joined by blank lines: as a user tags a paper, whose
    abbreviations defined in one section hold in the others (`bioner.tagging.short_forms`)."""
    articles: dict[str, list[Document]] = {}
    for passage in passages:
        articles.setdefault(article_of(passage.id), []).append(passage)
    joined: list[Document] = []
    starts: list[list[int]] = []
    for article, members in articles.items():
        text, offsets = "", []
        for passage in members:
            text += ARTICLE_BREAK if text else ""
            offsets.append(len(text))
            text += passage.text
        joined.append(Document(article, [Passage(text)], []))
        starts.append(offsets)
    tagged: dict[str, Document] = {}
    for whole, offsets, members in zip(
        tag_documents(nlp, joined, batch_size=batch_size), starts, articles.values(), strict=True
    ):
        for passage, offset in zip(members, offsets, strict=True):
            end = offset + len(passage.text)
            mentions = [
                Mention(m.start - offset, m.end - offset, m.text, m.label, m.identifier)
                for m in whole.mentions
                if offset <= m.start and m.end <= end
            ]
            tagged[passage.id] = Document(passage.id, list(passage.passages), mentions)
    return [tagged[passage.id] for passage in passages]


def score_part(nlp: Language, part: CorpusPart, *, batch_size: int = 64) -> CorpusScore:
    gold = _only(mapped_documents(part, read_part(part)), part.annotates)
    if part.articles and part.holdout is not None:
        predicted = tag_articles(nlp, gold, part.holdout.key_of, batch_size=batch_size)
    else:
        predicted = list(tag_documents(nlp, gold, batch_size=batch_size))
    result = CorpusScore(part.name, len(gold), part.annotates)
    result.overlap_label = overlap_label(part)
    if result.overlap_label is not None:
        result.mentions = sum(len(d.mentions) for d in gold)
        result.tagged, as_label, names = gene_overlaps(gold, predicted)
        result.tagged_as = dict(as_label.most_common())
        result.examples = [f"{name} ({count})" for name, count in names.most_common(10)]
        return result
    evaluation = score(gold, _only(predicted, part.annotates), labels=list(part.annotates))
    result.strict = {label: evaluation.strict.labels[label] for label in part.annotates}
    result.lenient = {label: evaluation.lenient.labels[label] for label in part.annotates}
    if f"{part.path.parent.name}/{part.path.name}" not in kb_files():
        result.concepts = heldout_concept_scores(gold, _only(predicted, part.annotates), list(part.annotates))
    return result


def evaluate_parts(nlp: Language, parts: Sequence[CorpusPart], *, skip_missing: bool = True) -> list[CorpusScore]:
    """Score every part whose file is there (`make data` fetched it); others are skipped."""
    return [score_part(nlp, part) for part in parts if part.path.exists() or not skip_missing]


def format_cross_corpus(results: Sequence[CorpusScore]) -> str:
    rows = [
        "cross-corpus (held-out parts of other corpora; only the types each annotates)",
        f"{'corpus':<20}{'label':<10}{'P':>7}{'R':>7}{'F1':>7}{'lenient F1':>12}   mentions tagged C/D",
    ]
    for result in results:
        if result.overlap_label is not None:
            rows.append(
                f"{result.name:<20}{result.overlap_label:<10}{'':>7}{'':>7}{'':>7}{'':>12}   "
                f"{100 * result.rate:.1f}% of {result.mentions}"
            )
            continue
        for label in result.labels:
            s, lenient = result.strict[label], result.lenient[label]
            rows.append(
                f"{result.name:<20}{label:<10}{100 * s.precision:>7.2f}{100 * s.recall:>7.2f}"
                f"{100 * s.f1:>7.2f}{100 * lenient.f1:>12.2f}"
            )
        if result.concepts is not None:
            rows += [format_concept_row(result.name, result.concepts, label) for label in result.labels]
    return "\n".join(rows)
