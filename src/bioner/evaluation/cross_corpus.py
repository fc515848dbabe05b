"""Scores on corpora other than BC5CDR test: does the tagger hold up beyond its home corpus?

Each held-out set is scored only on the types its corpus annotates (NCBI disease: Disease;
NLM-Chem: Chemical), strictly and leniently, with the same counting as `scoring`. Gene corpora
annotate no chemical or disease, so for them the figure is the share of gene mentions that a
Chemical or Disease prediction overlaps: the confusion users met most outside BC5CDR.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from ..document import Document, Mention
from ..multicorpus import GENE_LABEL_MAP, NCBI_LABEL_MAP, OUTPUT_LABELS, CorpusPart, mapped_documents, read_part
from .result import score
from .scoring import PRF


def heldout_parts(raw: Path) -> list[CorpusPart]:
    """The held-out parts `make evaluate` reports, beside BC5CDR test (which `bioner evaluate` scores)."""
    gene = ("Gene",)
    return [
        CorpusPart(
            "ncbi-disease-dev", raw / "ncbi-disease" / "NCBIdevelopset_corpus.txt", ("Disease",), NCBI_LABEL_MAP
        ),
        CorpusPart(
            "nlm-chem-heldout", raw / "nlm-chem" / "NLMchem_Test.passages.PubTator", ("Chemical",), documents="heldout"
        ),
        CorpusPart("gnormplus-test", raw / "gnormplus" / "GNormPlus_Test.PubTator", gene, GENE_LABEL_MAP),
        CorpusPart("nlm-gene-test", raw / "nlm-gene" / "NLMgene_Test.PubTator", gene, GENE_LABEL_MAP),
    ]


@dataclass
class CorpusScore:
    name: str
    documents: int
    labels: tuple[str, ...]
    strict: dict[str, PRF] = field(default_factory=dict)
    lenient: dict[str, PRF] = field(default_factory=dict)
    gene_mentions: int = 0
    genes_tagged: int = 0
    """Gene mentions overlapped by a Chemical or Disease prediction."""
    genes_tagged_as: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    """The gene names most often tagged, for the report."""

    @property
    def gene_rate(self) -> float:
        return self.genes_tagged / self.gene_mentions if self.gene_mentions else 0.0

    def to_json(self) -> dict:
        out: dict = {"documents": self.documents, "labels": list(self.labels)}
        if self.gene_mentions:
            out.update(
                gene_mentions=self.gene_mentions,
                genes_tagged=self.genes_tagged,
                gene_rate=round(self.gene_rate, 4),
                genes_tagged_as=self.genes_tagged_as,
                examples=self.examples,
            )
        else:
            out["strict"] = {label: prf.to_json() for label, prf in self.strict.items()}
            out["lenient"] = {label: prf.to_json() for label, prf in self.lenient.items()}
        return out


def _only(documents: Sequence[Document], labels: Sequence[str]) -> list[Document]:
    return [Document(d.id, list(d.passages), [m for m in d.mentions if m.label in labels]) for d in documents]


def gene_overlaps(gold: Sequence[Document], predicted: Sequence[Document]) -> tuple[int, Counter, Counter]:
    """How many gene mentions a Chemical/Disease prediction overlaps, by label and by name."""
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


def score_part(nlp: Language, part: CorpusPart, *, batch_size: int = 64) -> CorpusScore:
    from ..tagging import tag_documents

    gold = _only(mapped_documents(part, read_part(part)), part.annotates)
    predicted = list(tag_documents(nlp, gold, batch_size=batch_size))
    result = CorpusScore(part.name, len(gold), part.annotates)
    if part.annotates == ("Gene",):
        result.gene_mentions = sum(len(d.mentions) for d in gold)
        result.genes_tagged, as_label, names = gene_overlaps(gold, predicted)
        result.genes_tagged_as = dict(as_label.most_common())
        result.examples = [f"{name} ({count})" for name, count in names.most_common(10)]
        return result
    evaluation = score(gold, _only(predicted, part.annotates), labels=list(part.annotates))
    result.strict = {label: evaluation.strict.labels[label] for label in part.annotates}
    result.lenient = {label: evaluation.lenient.labels[label] for label in part.annotates}
    return result


def evaluate_parts(nlp: Language, parts: Sequence[CorpusPart], *, skip_missing: bool = True) -> list[CorpusScore]:
    """Score every part whose file is there (`make data` fetched it); others are skipped."""
    return [score_part(nlp, part) for part in parts if part.path.exists() or not skip_missing]


def format_cross_corpus(results: Sequence[CorpusScore]) -> str:
    rows = [
        "cross-corpus (held-out parts of other corpora; only the types each annotates)",
        f"{'corpus':<20}{'label':<10}{'P':>7}{'R':>7}{'F1':>7}{'lenient F1':>12}   genes tagged C/D",
    ]
    for result in results:
        if result.gene_mentions:
            rows.append(
                f"{result.name:<20}{'Gene':<10}{'':>7}{'':>7}{'':>7}{'':>12}   "
                f"{100 * result.gene_rate:.1f}% of {result.gene_mentions}"
            )
            continue
        for label in result.labels:
            s, lenient = result.strict[label], result.lenient[label]
            rows.append(
                f"{result.name:<20}{label:<10}{100 * s.precision:>7.2f}{100 * s.recall:>7.2f}"
                f"{100 * s.f1:>7.2f}{100 * lenient.f1:>12.2f}"
            )
    return "\n".join(rows)
