"""Annotated documents to spaCy training docs, accounting for every mention.

Each mention ends up in exactly one bucket: `aligned` (on token boundaries), `expanded` (snapped
out to the enclosing tokens), `dropped` (overlaps a mention already placed) or `filtered` (its
label is not among those kept). Mentions a lenient reader had to skip are listed as `invalid`
problems. So `aligned + expanded + dropped + filtered == mentions`, per label and in total.

Relations (BC5CDR's CID lines, BioC and JSONL relations) go on the doc as
`doc._.bioner_relations`, supported by every pair of placed mentions carrying their arguments'
ids; each is `kept` or listed as dropped with its reason, so `kept + dropped == read`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from tqdm import tqdm

from .atomic import check_distinct, check_output, real_path, write_text
from .document import Document, Mention, Relation
from .errors import BionerError, InputProblem
from .formats import SNIFF_BYTES, check_format, detect_format, read_documents
from .formats._io import open_input
from .pipeline.tokenizer import make_tokenizer_pipeline
from .spacy_docs import ID_KEY, set_doc_relations, write_docbin

OUTCOMES = ("aligned", "expanded", "dropped", "filtered")


@dataclass
class LabelCounts:
    mentions: int = 0
    aligned: int = 0
    expanded: int = 0
    dropped: int = 0
    filtered: int = 0

    def add(self, other: LabelCounts) -> None:
        for name in ("mentions", *OUTCOMES):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def aligned_fraction(self) -> float:
        placed = self.mentions - self.filtered
        return self.aligned / placed if placed else 1.0

    def is_balanced(self) -> bool:
        return self.aligned + self.expanded + self.dropped + self.filtered == self.mentions


@dataclass
class MentionRecord:
    """A mention that did not go in as annotated, and why."""

    document_id: str
    start: int
    end: int
    text: str
    label: str
    outcome: str
    reason: str
    placed_start: int | None = None
    placed_end: int | None = None


@dataclass
class RelationRecord:
    """A relation that did not go into the output, and why."""

    document: str
    line: int | None
    type: str
    arguments: list[str]
    reason: str


@dataclass
class RelationCounts:
    read: int = 0
    kept: int = 0
    dropped: list[RelationRecord] = field(default_factory=list)

    def is_balanced(self) -> bool:
        return self.kept + len(self.dropped) == self.read

    def to_json(self) -> dict:
        return {"read": self.read, "kept": self.kept, "dropped": [asdict(record) for record in self.dropped]}


@dataclass
class ConversionReport:
    split: str
    documents: int = 0
    labels: dict[str, LabelCounts] = field(default_factory=dict)
    records: list[MentionRecord] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    relations: RelationCounts = field(default_factory=RelationCounts)

    @property
    def total(self) -> LabelCounts:
        total = LabelCounts()
        for counts in self.labels.values():
            total.add(counts)
        return total

    def count(self, label: str, outcome: str) -> None:
        counts = self.labels.setdefault(label, LabelCounts())
        counts.mentions += 1
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def to_json(self) -> dict:
        return {
            "split": self.split,
            "documents": self.documents,
            "labels": {label: asdict(counts) for label, counts in sorted(self.labels.items())},
            "total": asdict(self.total),
            "invalid": len(self.problems),
            "mentions_not_aligned": [asdict(record) for record in self.records],
            "problems": [problem.to_dict() for problem in self.problems],
            "relations": self.relations.to_json(),
        }


def parse_label_map(items: Sequence[str]) -> dict[str, str]:
    """`["SpecificDisease=Disease", ...]` to a dict, with a clear error for a malformed item."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise BionerError(f"--map expects SOURCE=TARGET (such as SpecificDisease=Disease), got {item!r}")
        mapping[source.strip()] = target.strip()
    return mapping


def document_to_doc(
    nlp: Language,
    document: Document,
    report: ConversionReport,
    *,
    label_map: Mapping[str, str] | None = None,
    labels: Iterable[str] | None = None,
) -> Doc:
    """Tokenise a document and set its mentions as entities, recording each mention's outcome."""
    label_map = label_map or {}
    keep = set(labels) if labels else None
    doc = nlp.make_doc(document.text)
    doc.user_data[ID_KEY] = document.id
    occupied = [False] * len(doc)
    spans: list[Span] = []
    placed: list[tuple[Mention, Span]] = []
    filtered: list[tuple[Mention, str]] = []
    # Longer mentions first at the same start, so a nested shorter one is the one dropped.
    for mention in sorted(document.mentions, key=lambda m: (m.start, -m.end, m.label)):
        label = label_map.get(mention.label, mention.label)
        if keep is not None and label not in keep:
            filtered.append((mention, label))
            report.count(label, "filtered")
            report.records.append(
                _record(document, mention, label, "filtered", f"label {label!r} not kept by --labels")
            )
            continue
        span = doc.char_span(mention.start, mention.end, label=label)
        outcome = "aligned"
        if span is None:
            span = doc.char_span(mention.start, mention.end, label=label, alignment_mode="expand")
            outcome = "expanded"
            if span is None or len(span) == 0:
                report.count(label, "dropped")
                report.records.append(_record(document, mention, label, "dropped", "covers no token (whitespace only)"))
                continue
        if any(occupied[span.start : span.end]):
            report.count(label, "dropped")
            report.records.append(
                _record(document, mention, label, "dropped", "overlaps a mention already placed", span)
            )
            continue
        for i in range(span.start, span.end):
            occupied[i] = True
        spans.append(span)
        placed.append((mention, span))
        report.count(label, outcome)
        if outcome == "expanded":
            report.records.append(
                _record(
                    document,
                    mention,
                    label,
                    "expanded",
                    "not on token boundaries; snapped to the enclosing tokens",
                    span,
                )
            )
    doc.set_ents(sorted(spans, key=lambda s: s.start))
    set_doc_relations(doc, _relations(document, placed, filtered, report))
    report.documents += 1
    return doc


def _relations(
    document: Document,
    placed: list[tuple[Mention, Span]],
    filtered: list[tuple[Mention, str]],
    report: ConversionReport,
) -> list[Relation]:
    """The document's relations that the doc can hold, supported by every pair of placed mentions
    carrying their arguments' ids (at the entities' offsets); the others listed with the reason."""
    kept = []
    for relation in document.relations:
        report.relations.read += 1
        reason, support = _support(relation, document.mentions, placed, filtered)
        if reason:
            report.relations.dropped.append(
                RelationRecord(document.id, relation.line, relation.type, list(relation.arguments), reason)
            )
            continue
        kept.append(Relation(relation.type, list(relation.arguments), relation.score, support, relation.line))
        report.relations.kept += 1
    return kept


def _support(
    relation: Relation,
    mentions: list[Mention],
    placed: list[tuple[Mention, Span]],
    filtered: list[tuple[Mention, str]],
) -> tuple[str, list[tuple[int, int, int, int]]]:
    """(reason it cannot be kept, "" when it can; the supporting pairs)."""
    if len(relation.arguments) != 2:
        return f"has {len(relation.arguments)} argument(s); a relation links two concept ids", []
    carriers: list[list[Span]] = []
    for argument in relation.arguments:
        spans = [span for mention, span in placed if argument in mention.identifiers]
        if not spans:
            labels = sorted({label for m, label in filtered if argument in m.identifiers})
            if labels:
                return (
                    f"argument {argument!r}: its mentions are labelled {', '.join(labels)}, "
                    "a label outside the output labels (--labels)"
                ), []
            if any(argument in m.identifiers for m in mentions):
                return f"argument {argument!r}: every mention carrying it was dropped (see mentions_not_aligned)", []
            return f"argument {argument!r}: no mention of the document carries this id", []
        carriers.append(spans)
    first, second = carriers
    return "", [(a.start_char, a.end_char, b.start_char, b.end_char) for a in first for b in second]


def _record(
    document: Document, mention: Mention, label: str, outcome: str, reason: str, span: Span | None = None
) -> MentionRecord:
    return MentionRecord(
        document.id,
        mention.start,
        mention.end,
        mention.text,
        label,
        outcome,
        reason,
        span.start_char if span is not None else None,
        span.end_char if span is not None else None,
    )


def convert_documents(
    nlp: Language,
    documents: Iterable[Document],
    report: ConversionReport,
    *,
    label_map: Mapping[str, str] | None = None,
    labels: Iterable[str] | None = None,
) -> Iterator[Doc]:
    labels = list(labels) if labels else None
    for document in documents:
        yield document_to_doc(nlp, document, report, label_map=label_map, labels=labels)


def split_documents(
    documents: Sequence[Document], dev_fraction: float, seed: int
) -> tuple[list[Document], list[Document]]:
    """A seeded document-level train/development split, for corpora that ship without one."""
    from sklearn.model_selection import train_test_split

    if not 0 < dev_fraction < 1:
        raise BionerError(f"--dev-fraction must be between 0 and 1, got {dev_fraction}")
    if len(documents) < 2:
        raise BionerError(f"cannot split {len(documents)} document(s) into train and development sets")
    # scikit-learn's rule: ceil(fraction x n) go to development; both sides need a document.
    n_dev = math.ceil(dev_fraction * len(documents))
    if not 1 <= n_dev <= len(documents) - 1:
        raise BionerError(
            f"--dev-fraction {dev_fraction} of {len(documents)} documents leaves "
            f"{len(documents) - n_dev} for training and {n_dev} for development; both need at least one"
        )
    train, dev = train_test_split(list(documents), test_size=n_dev, random_state=seed, shuffle=True)
    return list(train), list(dev)


def format_report_table(report: ConversionReport) -> str:
    header = f"{'label':<18}{'mentions':>9}{'aligned':>9}{'expanded':>9}{'dropped':>9}{'filtered':>9}{'aligned %':>10}"
    rows = [f"{report.split}: {report.documents} documents", header]
    for label, counts in [*sorted(report.labels.items()), ("total", report.total)]:
        rows.append(
            f"{label:<18}{counts.mentions:>9}{counts.aligned:>9}{counts.expanded:>9}{counts.dropped:>9}"
            f"{counts.filtered:>9}{100 * counts.aligned_fraction:>9.2f}%"
        )
    relations = report.relations
    if relations.read:
        rows.append(
            f"relations: {relations.read} read, {relations.kept} kept, {len(relations.dropped)} dropped"
            + (" (listed in the report)" if relations.dropped else "")
        )
    if report.problems:
        rows.append(f"{len(report.problems)} input problem(s) skipped: listed below and in the report")
    return "\n".join(rows)


def convert_files(
    inputs: Sequence[str],
    output: str,
    *,
    format: str | None = None,
    label_map: Mapping[str, str] | None = None,
    labels: Sequence[str] | None = None,
    lenient: bool = False,
    dev_output: str | None = None,
    dev_fraction: float = 0.1,
    seed: int = 0,
    progress: bool = False,
    report_path: str | None = None,
) -> list[ConversionReport]:
    """Convert annotated files to DocBin(s); returns one report per split written.

    With `dev_output`, a seeded fraction of the documents goes to a development DocBin instead.
    With `report_path`, the reports are written there as JSON. Every output is checked before
    anything is read (writable, not an input, not another output) and written atomically.
    Nothing is written when the input holds no document, a document id repeats across inputs,
    or `labels` keep no mention (such as `chemical` for a corpus's `Chemical`).
    """
    outputs = [("--output", output), ("--dev-output", dev_output), ("--report", report_path)]
    for option, path in outputs:
        if path is not None:
            check_output(path, option)
    _check_inputs(inputs)
    check_distinct(inputs, outputs)
    if labels is not None and not labels:
        raise BionerError("--labels names no label; give them comma-separated, such as Chemical,Disease")
    problems: list[InputProblem] = []
    documents = _unique_documents(_read_annotated(inputs, format, lenient, problems))
    splits: list[tuple[str, Iterable[Document]]]
    if dev_output:
        train, dev = split_documents(list(documents), dev_fraction, seed)
        splits = [(output, train), (dev_output, dev)]
    else:
        splits = [(output, documents)]
    nlp = make_tokenizer_pipeline()
    reports = []
    for (path, split_documents_), option in zip(splits, ("--output", "--dev-output")[: len(splits)], strict=True):
        report = ConversionReport(Path(path).stem)
        docs = convert_documents(nlp, split_documents_, report, label_map=label_map, labels=labels)
        docs = tqdm(docs, desc=f"converting {report.split}", unit="doc", disable=not progress, leave=False)
        reports.append(report)
        # The checks below raise inside the write, so that nothing is written.
        write_docbin(_checked(docs, reports, inputs, labels), path, option=option)
    # Problems are found while reading, before any split: they belong to the whole input.
    reports[0].problems.extend(problems)
    for report in reports:
        assert all(counts.is_balanced() for counts in report.labels.values()), "conversion lost a mention"
        assert report.relations.is_balanced(), "conversion lost a relation"
    if report_path:
        payload = {"splits": {report.split: report.to_json() for report in reports}}
        write_text(report_path, json.dumps(payload, indent=2) + "\n", "--report")
    return reports


def _check_inputs(inputs: Sequence[str]) -> None:
    seen: dict[Path, str] = {}
    for source in inputs:
        if str(source) == "-":
            continue
        key = real_path(source)
        if key in seen:
            raise BionerError(
                f"{source}: given twice as input (also as {seen[key]}); its documents would be converted twice"
            )
        seen[key] = str(source)


def _read_annotated(
    inputs: Sequence[str], format: str | None, lenient: bool, problems: list[InputProblem]
) -> Iterator[tuple[str, Document]]:
    """Documents of every input; a file that reads as plain text is refused: convert needs annotations."""
    for source in inputs:
        fmt = check_format(format) if format else detect_format(source)
        if fmt == "text" and str(source) != "-" and _is_blank(source):
            raise BionerError(f"{source}: is empty; no documents to convert")
        if fmt == "text":
            raise BionerError(
                f"{source}: reads as plain text, not as annotated documents: no line looks like PubTator "
                "('ID|t|title'), CoNLL/IOB ('token<TAB>tag'), BioC or JSONL. Convert needs annotations; "
                "name the format with --format to see what is wrong, or tag text with ner-predict"
            )
        for document in read_documents(source, fmt, lenient=lenient, problems=problems):
            yield str(source), document


def _is_blank(source: str) -> bool:
    with open_input(source) as handle:
        return not handle.read(SNIFF_BYTES).strip()


def _unique_documents(documents: Iterable[tuple[str, Document]]) -> Iterator[Document]:
    """Refuse a document id seen before (in another input, or repeated in a JSONL/IOB file)."""
    seen: dict[str, str] = {}
    for source, document in documents:
        if document.id in seen:
            raise BionerError(
                f"{source}: document id {document.id!r} appears again (first in {seen[document.id]}); "
                "each document must be converted once"
            )
        seen[document.id] = source
        yield document


def _checked(
    docs: Iterable[Doc], reports: list[ConversionReport], inputs: Sequence[str], labels: Sequence[str] | None
) -> Iterator[Doc]:
    """The docs, then the checks on the reports so far (run before the DocBin is renamed into place)."""
    yield from docs
    documents = sum(report.documents for report in reports)
    if documents == 0:
        raise BionerError(f"{', '.join(inputs)}: no documents in the input; nothing was written")
    if labels:
        totals = ConversionReport("all")
        for report in reports:
            for label, counts in report.labels.items():
                totals.labels.setdefault(label, LabelCounts()).add(counts)
        seen = sorted(totals.labels)
        folded = {label.casefold(): label for label in seen}
        case = [
            f"{wanted!r} is {folded[wanted.casefold()]!r}"
            for wanted in labels
            if wanted not in totals.labels and wanted.casefold() in folded
        ]
        if case:
            raise BionerError(
                f"--labels {','.join(labels)}: labels are case-sensitive and in the input "
                f"{', '.join(case)}; nothing was written"
            )
        if totals.total.mentions and totals.total.filtered == totals.total.mentions:
            raise BionerError(
                f"--labels {','.join(labels)} keeps none of the {totals.total.mentions} mentions; "
                f"the input's labels are {', '.join(seen)}. Nothing was written"
            )
