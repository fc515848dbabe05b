"""The evaluator: every accuracy figure the project states comes from here.

`evaluate_files` reads gold and predictions (PubTator, BioC or DocBin), or runs a model over the
gold documents' text, and returns an `Evaluation` with strict (BioCreative V CDR) and lenient
scores, every error with its kind, and, if asked, bootstrap confidence intervals. Predictions
are scored by their offsets, as the official scorer scores them: what it counts although it looks
wrong (an empty span, offsets past the text, a text that differs from the gold, a document the
gold lacks) is counted (`Evaluation.oddities`) and warned about, not refused. See `scoring` for
the exact counting rules.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from tqdm import tqdm

from ..corpora.catalogue import linked_labels
from ..document import Document
from ..errors import BionerError, InputProblem
from ..formats import detect_format, read_documents
from ..linking.gold import LINKER, link_gold_mentions, pipeline_linker
from ..linking.linker import EntityLinker
from ..names import RELATIONS
from ..tagging.core import DEFAULT_BATCH_SIZE, load_pipeline, tag_documents
from .analysis import DEFAULT_WINDOW, ErrorRecord, errors_by_kind, find_errors, write_errors_tsv
from .bootstrap import DEFAULT_SEED, BootstrapResult, bootstrap_evaluation
from .concepts import linking_accuracy
from .oddities import TEXT_MISMATCHES, Oddities, find_oddities
from .relations import evaluate_relations
from .report import format_table, render_html, write_html
from .result import Evaluation, read_evaluation, score
from .scoring import PRF, Counts, Scores

__all__ = [
    "Counts",
    "PRF",
    "Scores",
    "Evaluation",
    "ErrorRecord",
    "BootstrapResult",
    "score",
    "evaluate_documents",
    "evaluate_files",
    "read_input",
    "predict_documents",
    "find_errors",
    "errors_by_kind",
    "write_errors_tsv",
    "format_table",
    "render_html",
    "write_html",
    "write_json",
    "read_evaluation",
]


def evaluate_documents(
    gold: Sequence[Document],
    predicted: Sequence[Document],
    *,
    labels: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    window: int = DEFAULT_WINDOW,
    nlp: Language | None = None,
) -> Evaluation:
    """`score` plus the error list and, with `bootstrap` > 0, confidence intervals.

    When the gold has relations, relation scores too (`relations.evaluate_relations`): the
    predicted documents' own relations, and, with the pipeline `nlp`, those its relation
    component finds between the gold mentions.
    """
    if bootstrap < 0:
        raise BionerError(f"--bootstrap must be 0 (off) or a number of samples, not {bootstrap}")
    evaluation = score(gold, predicted, labels=labels)
    evaluation.errors = find_errors(evaluation.gold, evaluation.predicted, window=window, labels=evaluation.labels)
    if bootstrap:
        evaluation.bootstrap = bootstrap_evaluation(
            evaluation.gold,
            evaluation.predicted,
            evaluation.labels,
            {"strict": evaluation.strict, "lenient": evaluation.lenient},
            samples=bootstrap,
            seed=seed,
        )
    if any(document.relations for document in gold):
        evaluation.relations = evaluate_relations(
            evaluation.gold, evaluation.predicted, nlp=nlp, bootstrap=bootstrap, seed=seed
        )
    return evaluation


def read_input(
    path: str | Path, format: str | None = None, *, text_mismatches: list[InputProblem] | None = None
) -> list[Document]:
    """Documents from a PubTator, BioC or DocBin file (format detected when not given).

    With `text_mismatches` (a list), a mention whose text column differs from the text at its
    offsets is read by its offsets and noted there (for predictions: the scorer counts offsets).
    """
    format = format or detect_format(path)
    if format == "text":
        raise BionerError(
            f"{path}: not an annotated file (it reads as plain text); give PubTator, BioC or DocBin annotations"
        )
    return list(read_documents(path, format, text_mismatches=text_mismatches))


def predict_documents(
    model: str | Path | Language, gold: Sequence[Document], *, progress: bool = False, batch_size: int | None = None
) -> list[Document]:
    """Run a pipeline (a loaded one, or its folder or package name) over the gold documents' text
    (its own tokenisation, never the gold's)."""
    nlp = model if isinstance(model, Language) else load_pipeline(model)
    tagged = tag_documents(nlp, gold, batch_size=batch_size or DEFAULT_BATCH_SIZE)
    if progress:
        tagged = tqdm(tagged, total=len(gold), desc="tagging", unit="doc", file=sys.stderr)
    return list(tagged)


def evaluate_files(
    gold_path: str | Path,
    *,
    predictions_path: str | Path | None = None,
    model: str | Path | None = None,
    gold_format: str | None = None,
    predictions_format: str | None = None,
    labels: Sequence[str] | None = None,
    bootstrap: int = 0,
    seed: int = DEFAULT_SEED,
    window: int = DEFAULT_WINDOW,
    progress: bool = False,
    batch_size: int | None = None,
    gold_mentions: bool = False,
) -> Evaluation:
    """Score predictions from a file, or from `model` run over the gold text, against gold.

    Exactly one of `predictions_path` and `model` (a pipeline directory or installed package).
    With `gold_mentions`, the pipeline's components after NER are also scored on the gold
    mentions: its linker (linking accuracy, the linker apart from NER) and, when the gold has
    relations, its relation component (`relations.relations_on_gold_mentions`). A pipeline with
    neither is an error; one without one of them has a note saying so.
    """
    if gold_mentions and model is None:
        raise BionerError("linking accuracy on gold mentions needs a model (--model) whose pipeline has a linker")
    if (predictions_path is None) == (model is None):
        raise BionerError("give exactly one of predictions (a file) and model (a pipeline) to evaluate")
    gold = read_input(gold_path, gold_format)
    nlp = load_pipeline(model) if model is not None else None
    linking = None
    notes: list[str] = []
    if gold_mentions and nlp is not None:
        # First, so that a pipeline without a linker fails before the tagging run.
        relations_only = any(d.relations for d in gold) and RELATIONS in nlp.pipe_names
        if relations_only and not any(isinstance(pipe, EntityLinker) for _, pipe in nlp.pipeline):
            notes.append(f"linking accuracy on gold mentions: not scored (the pipeline has no {LINKER} component)")
        else:
            linking = gold_mention_accuracy(nlp, gold)
    mismatches: list[InputProblem] = []
    if nlp is not None:
        predicted = predict_documents(nlp, gold, progress=progress, batch_size=batch_size)
    else:
        assert predictions_path is not None  # exactly one of the two, checked above
        predicted = read_input(predictions_path, predictions_format, text_mismatches=mismatches)
    evaluation = evaluate_documents(
        gold,
        predicted,
        labels=labels,
        bootstrap=bootstrap,
        seed=seed,
        window=window,
        nlp=nlp if gold_mentions else None,
    )
    evaluation.linking = linking
    evaluation.notes = notes
    # A model's predictions are never odd; the zeros say so in the JSON all the same.
    evaluation.oddities = (
        find_oddities(gold, predicted, str(predictions_path), mismatches)
        if predictions_path is not None
        else Oddities()
    )
    evaluation.text_mismatches = evaluation.oddities.counts[TEXT_MISMATCHES]
    return evaluation


def gold_mention_accuracy(model: str | Path | Language, gold: Sequence[Document]):
    """Linking accuracy of the model's linker (`names.LINKER`) on the gold mentions (see `concepts`)."""
    nlp = model if isinstance(model, Language) else load_pipeline(model)
    known = set(pipeline_linker(nlp).concepts.identifiers)
    return linking_accuracy(gold, list(link_gold_mentions(nlp, gold, labels=linked_labels())), known)


def write_json(evaluation: Evaluation, path: str | Path, *, include_errors: bool = False) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(evaluation.to_json(include_errors=include_errors), indent=2) + "\n", encoding="utf-8")
