"""One training set from corpora that each annotate only some entity types.

A corpus is silent about the types it does not annotate: an unannotated drug name in a gene
corpus is not evidence of "no entity", and training on it as if it were teaches the model to miss
drugs (AIONER's "naive merging" loss). spaCy's NER can learn from partial annotation: a token
whose entity tag is *missing* gives no gradient. So, for every type the model learns that a
corpus does not annotate, the spans that name a known entity of that type (a lexicon built from
the corpora that do annotate it) are set missing, and every other token stays "outside". Ordinary
words keep their negative evidence, which is what stops a BC5CDR-only model from calling
"someone" a chemical, while a drug name in a gene abstract is left alone.

Gene, variant and species corpora (GNormPlus, NLM-Gene, tmVar 3, S800) add `Gene`, `Variant` and
`Species` labels that the model learns and the `bioner_labels` component drops at output: a gene
symbol or "Arg" in "Arg72Pro" then has a better answer than Chemical. Which corpora, parts and
labels: the catalogue (`bioner.corpora.catalogue`), read by `default_parts`. Every mention of every corpus is accounted for by the converter's report
(`aligned + expanded + dropped + filtered == mentions`), and masked spans are counted per label.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .atomic import write_text
from .convert import ConversionReport, document_to_doc
from .corpora.catalogue import CORPORA as CATALOGUE
from .corpora.catalogue import OUTPUT_LABELS as PIPELINE_OUTPUT
from .corpora.catalogue import Catalogue, Corpus, HoldOut, Part, home_corpus, model_labels
from .document import Document
from .errors import BionerError
from .formats import read_documents
from .pipeline.tokenizer import make_tokenizer_pipeline
from .spacy_docs import write_docbin
from .variant_names import ResidueRewrites, residues_as_variants

MODEL_LABELS: tuple[str, ...] = model_labels()
"""Every label some corpus of the catalogue annotates: Chemical, Disease, Gene, Variant, Species
(as the catalogue stood at import; the conversion reads it again, `model_labels()`)."""
OUTPUT_LABELS: tuple[str, ...] = PIPELINE_OUTPUT
"""What the pipeline reports; other labels are learned as 'somewhere else to go' and dropped."""


@dataclass(frozen=True)
class CorpusPart:
    """One annotated file (or a share of one) and what its annotation covers."""

    name: str
    path: Path
    annotates: tuple[str, ...]
    """Model labels this corpus annotates exhaustively; the others are masked by lexicon."""
    label_map: Mapping[str, str] = field(default_factory=dict)
    """Source label to model label; a source label not in the map (and not a model label) is
    filtered (counted, not learned): NLM-Gene's Cell, NLM-Chem's OTHER."""
    documents: str = "all"
    """`all`, or `train` / `heldout`: a side of `holdout` (NLM-Chem's articles)."""
    holdout: HoldOut | None = None
    """The rule that divides the file into `train` and `heldout` documents."""
    measure: str | None = None
    """Held out: `f1` or `confusion` (`bioner.corpora.catalogue.MEASURES`); None: told from `annotates`."""
    repeat: int = 1
    """Copies of each document in the training set: weight for a corpus among larger ones."""
    residue_chemicals: bool = False
    """Its Chemical residues inside variant names are rewritten (`bioner.variant_names`)."""
    articles: bool = False
    """Its documents are passages of articles (`holdout`'s key): held out, they are tagged article by article."""

    def model_label(self, label: str) -> str | None:
        mapped = self.label_map.get(label, label)
        return mapped if mapped in self.annotates else None


def read_part(part: CorpusPart) -> list[Document]:
    """The part's documents: the whole file, or one side of its `holdout` rule."""
    if not part.path.exists():
        raise BionerError(f"{part.path}: no such file (corpus {part.name}); run `make data` first")
    documents = list(read_documents(part.path, "pubtator"))
    if part.documents == "all":
        return documents
    if part.holdout is None:
        raise BionerError(f"corpus part {part.name} takes {part.documents!r} documents but has no holdout rule")
    train, heldout = part.holdout.split(d.id for d in documents)
    keep = train if part.documents == "train" else heldout
    return [d for d in documents if part.holdout.key_of(d.id) in keep]


def mapped_documents(part: CorpusPart, documents: Iterable[Document]) -> list[Document]:
    """Documents whose mentions carry model labels; unlearned labels keep their name, to be filtered."""
    out = []
    for document in documents:
        mentions = []
        for mention in document.mentions:
            label = part.model_label(mention.label) or mention.label
            mentions.append(
                type(mention)(
                    mention.start,
                    mention.end,
                    mention.text,
                    label,
                    mention.identifier,
                    list(mention.parts),
                    mention.line,
                )
            )
        out.append(Document(document.id, list(document.passages), mentions, list(document.relations)))
    return out


@dataclass
class Lexicon:
    """Names of each model label, as the training corpora annotate them.

    Most names match in any case ("Morphine", "morphine"). Short names (three characters or
    fewer) and symbol-like names (a capital after the first character: "WAS", "SNP", "Ca2+")
    match only as written: lower-cased, the WAS gene masked "was" a thousand times in BC5CDR.
    """

    names: dict[str, set[str]] = field(default_factory=dict)
    """Lower-cased names matched in any case."""
    exact: dict[str, set[str]] = field(default_factory=dict)
    """Names matched only as written."""

    def add(self, label: str, text: str) -> None:
        text = " ".join(text.split())
        if len(text) < 2 or text.replace(".", "").isdigit():
            return
        if len(text) <= 3 or any(c.isupper() for c in text[1:]):
            self.exact.setdefault(label, set()).add(text)
        else:
            self.names.setdefault(label, set()).add(text.lower())

    def matcher(self, nlp: Language) -> LexiconMatcher:
        tokenizer = cast(Tokenizer, nlp.tokenizer)
        any_case = PhraseMatcher(nlp.vocab, attr="LOWER")
        as_written = PhraseMatcher(nlp.vocab, attr="ORTH")
        for matcher, table in ((any_case, self.names), (as_written, self.exact)):
            for label, names in sorted(table.items()):
                matcher.add(label, list(tokenizer.pipe(sorted(names))))
        return LexiconMatcher(any_case, as_written)

    def to_json(self) -> dict:
        labels = sorted({*self.names, *self.exact})
        return {label: len(self.names.get(label, ())) + len(self.exact.get(label, ())) for label in labels}


@dataclass(frozen=True)
class LexiconMatcher:
    """(label id, start, end) of every lexicon name in a Doc, as a PhraseMatcher gives them."""

    any_case: PhraseMatcher
    as_written: PhraseMatcher

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return [*self.any_case(doc), *self.as_written(doc)]


def build_lexicon(parts_and_documents: Sequence[tuple[CorpusPart, Sequence[Document]]]) -> Lexicon:
    lexicon = Lexicon()
    for part, documents in parts_and_documents:
        for document in documents:
            for mention in document.mentions:
                if mention.label in part.annotates:
                    lexicon.add(mention.label, mention.text)
    return lexicon


def mask_unannotated(
    doc: Doc,
    part: CorpusPart,
    matcher: LexiconMatcher,
    masked: dict[str, int],
    guesses: Sequence[tuple[int, int, str]] = (),
    learned: Collection[str] | None = None,
) -> Doc:
    """Set missing every lexicon match of a type `part` does not annotate, off its own entities,
    and every `guesses` span (a teacher model's (start, end, label) token spans) of such a type.
    `learned`: the labels the model learns (default: the catalogue's, read now)."""
    learned = model_labels() if learned is None else learned
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    found = [(start, end, doc.vocab.strings[match_id]) for match_id, start, end in matcher(doc)]
    candidates = []
    for start, end, label in [*found, *guesses]:
        if label in part.annotates or label not in learned or any(i in taken for i in range(start, end)):
            continue
        candidates.append(Span(doc, start, end, label=label))
    spans = filter_spans(candidates)
    for span in spans:
        masked[span.label_] = masked.get(span.label_, 0) + 1
    if spans:
        doc.set_ents(list(doc.ents), missing=spans, default="outside")
    return doc


@dataclass
class PartReport:
    part: str
    documents: int
    conversion: ConversionReport
    masked: dict[str, int]
    residues: ResidueRewrites | None = None
    """For a corpus that annotates residues of variant names as Chemical: what was rewritten."""

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "part": self.part,
            "documents": self.documents,
            "masked": dict(sorted(self.masked.items())),
            "conversion": self.conversion.to_json(),
        }
        if self.residues is not None:
            out["variant_residues"] = self.residues.to_json()
        return out


def teacher_guesses(teacher: Language, docs: Sequence[Doc], batch_size: int = 64) -> list[list[tuple[int, int, str]]]:
    """A first model's entities on each doc, as token spans of `docs`' own tokenisation."""
    guesses = []
    for doc, tagged in zip(docs, teacher.pipe((doc.text for doc in docs), batch_size=batch_size), strict=True):
        spans = [
            doc.char_span(ent.start_char, ent.end_char, label=ent.label_, alignment_mode="expand")
            for ent in tagged.ents
        ]
        guesses.append([(span.start, span.end, span.label_) for span in spans if span is not None and len(span)])
    return guesses


def convert_parts(
    parts: Sequence[CorpusPart],
    output: Path,
    *,
    lexicon_parts: Sequence[CorpusPart] | None = None,
    nlp: Language | None = None,
    seed: int = 0,
    teacher: Language | None = None,
) -> list[PartReport]:
    """Convert `parts` into one shuffled DocBin at `output`, masking unannotated types.

    The lexicon comes from `lexicon_parts` (default: `parts`): give the training parts only, so
    that held-out text never shapes the training data. With a `teacher` (a model trained on a
    corpus that annotates the types, such as BC5CDR), what it tags of a type a part does not
    annotate is masked too: names the lexicon has never seen are then not taught as "outside".
    """
    nlp = nlp or make_tokenizer_pipeline()
    loaded = [(part, mapped_documents(part, read_part(part))) for part in parts]
    lexicon_source = (
        loaded if lexicon_parts is None else [(part, mapped_documents(part, read_part(part))) for part in lexicon_parts]
    )
    matcher = build_lexicon(lexicon_source).matcher(nlp)
    # The catalogue's labels, read now, and any a part brings (a corpus of a catalogue passed in).
    learned = {*model_labels(), *(label for part, _ in [*loaded, *lexicon_source] for label in part.annotates)}
    docs: list[Doc] = []
    reports = []
    for part, documents in loaded:
        report = ConversionReport(part.name)
        masked: dict[str, int] = {}
        part_docs = [document_to_doc(nlp, document, report, labels=part.annotates) for document in documents]
        residues = ResidueRewrites() if part.residue_chemicals else None
        if residues is not None:
            part_docs = [residues_as_variants(doc, residues) for doc in part_docs]
        unannotated = learned - set(part.annotates)
        guesses = (
            teacher_guesses(teacher, part_docs) if teacher is not None and unannotated else [[] for _ in part_docs]
        )
        for doc, doc_guesses in zip(part_docs, guesses, strict=True):
            docs.extend([mask_unannotated(doc, part, matcher, masked, doc_guesses, learned)] * part.repeat)
        assert all(counts.is_balanced() for counts in report.labels.values()), "conversion lost a mention"
        reports.append(PartReport(part.name, len(documents), report, masked, residues))
    random.Random(seed).shuffle(docs)
    write_docbin(docs, output)
    return reports


def catalogue_part(raw: Path, corpus: Corpus, part: Part) -> CorpusPart:
    """A catalogue part as a `CorpusPart` of the files `bioner data` put under `raw`."""
    return CorpusPart(
        part.name,
        raw / corpus.name / corpus.split(part.split).filename,
        corpus.part_labels(part),
        corpus.label_map,
        documents=part.documents,
        residue_chemicals=corpus.residue_chemicals,
        holdout=corpus.holdout,
        measure=corpus.part_measure(part),
        articles=corpus.articles,
    )


def default_parts(raw: Path, corpora: Catalogue | None = None) -> dict[str, list[CorpusPart]]:
    """The corpora `make data` fetches, by role (from the catalogue, default `CORPORA`): `train`
    parts, `dev` (model selection: BC5CDR development)."""
    chosen = CATALOGUE if corpora is None else corpora
    return {
        "train": [catalogue_part(raw, corpus, part) for corpus in chosen.values() for part in corpus.training],
        "dev": [catalogue_part(raw, corpus, part) for corpus in chosen.values() for part in corpus.development],
    }


def present_training_parts(parts: Sequence[CorpusPart], corpora: Catalogue | None = None) -> list[CorpusPart]:
    """The parts whose files are there; an error unless the home corpus's training part is one of
    them (every bioner training set holds it: the model is named after it)."""
    present = [part for part in parts if part.path.exists()]
    home = home_corpus(CATALOGUE if corpora is None else corpora)
    wanted = {part.name for part in home.training}
    if not any(part.name in wanted for part in present):
        where = next((part.path for part in parts if part.name in wanted), None)
        raise BionerError(
            f"{where or ', '.join(sorted(wanted))}: the {home.source.name if home.source else home.name} training set "
            f"is not there (it is in every training set); run `bioner data` (make data) first"
        )
    return present


def select_parts(
    parts: Sequence[CorpusPart], *, only: Sequence[str] | None = None, repeat: Sequence[str] = ()
) -> list[CorpusPart]:
    """`parts` narrowed to the names in `only` and weighted by `repeat` items (`NAME=K`)."""
    known = {part.name for part in parts}
    chosen = list(parts)
    if only is not None:
        wanted = [name.strip() for name in only if name.strip()]
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise BionerError(f"unknown corpus part(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        chosen = [part for part in chosen if part.name in wanted]
    for item in repeat:
        name, _, count = item.partition("=")
        if name.strip() not in known or not count.strip().isdigit() or int(count) < 1:
            raise BionerError(f"a repeat is PART=K with a known part and K >= 1 (such as bc5cdr-train=2), got {item!r}")
        chosen = [replace(part, repeat=int(count)) if part.name == name.strip() else part for part in chosen]
    return chosen


def write_reports(reports: Sequence[PartReport], path: Path, lexicon_sizes: Mapping[str, int] | None = None) -> None:
    payload: dict[str, Any] = {"parts": [report.to_json() for report in reports]}
    if lexicon_sizes is not None:
        payload["lexicon"] = dict(lexicon_sizes)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(payload, indent=2) + "\n", "--report")
