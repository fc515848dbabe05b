"""`bioner evaluate`: score predictions or a model against gold annotations."""

from __future__ import annotations

from pathlib import Path

import typer

from ..atomic import atomic_path, check_distinct, check_output
from ..corpora.catalogue import CORPORA
from . import app

_HELD_OUT = "; ".join(
    f"{part.name} ({'F1' if corpus.part_measure(part) == 'f1' else 'share tagged Chemical or Disease'})"
    for corpus in CORPORA.values()
    for part in corpus.heldout
)


@app.command("evaluate")
def evaluate_command(
    gold: Path = typer.Option(
        ..., "--gold", "-g", help="Gold annotations: PubTator, BioC (XML/JSON) or DocBin (.spacy).", show_default=False
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Trained pipeline directory or installed model package, run over the gold documents' text.",
        show_default=False,
    ),
    predictions: Path | None = typer.Option(
        None,
        "--predictions",
        "-p",
        help="Predicted annotations on the same documents: PubTator, BioC or DocBin.",
        show_default=False,
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Write the scores as JSON here.", show_default=False),
    html_path: Path | None = typer.Option(
        None,
        "--html",
        help="Write a self-contained HTML report here (tables, error kinds, sample errors drawn with displaCy).",
        show_default=False,
    ),
    errors_path: Path | None = typer.Option(
        None, "--errors", help="Write every false positive and false negative as TSV here.", show_default=False
    ),
    bootstrap: int = typer.Option(
        0,
        "--bootstrap",
        min=0,
        help="Add 95% confidence intervals for micro and per-label F1 from N bootstrap samples of documents (0: off; 1000 is usual).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap resampling and of the HTML error sample."),
    cross_corpus: Path | None = typer.Option(
        None,
        "--cross-corpus",
        help=f'With --model: also score the held-out parts of the other corpora under this folder (as `bioner data` lays them out; the corpus catalogue names them, `bioner corpora`): F1 on the types a corpus annotates, or the share of its gene, variant or species mentions tagged Chemical or Disease: {_HELD_OUT}. Added to the table, the JSON ("cross_corpus") and the HTML report.',
        show_default=False,
    ),
    gold_mentions: bool = typer.Option(
        False,
        "--gold-mentions",
        help="Also run the model's linker on the gold mentions and report linking accuracy per label (the linker apart from NER; needs --model); when the gold has relations, also score the pipeline's bioner_relations component alone on the gold mentions.",
    ),
) -> None:
    """Score predicted Chemical/Disease mentions against gold annotations.

    Give exactly one of --model (tags the gold documents' text with its own tokenizer) or
    --predictions (a file of predictions; a gold document missing from it predicts nothing).
    As the BioCreative V CDR scorer, a prediction file is scored by offsets only: a text that
    differs from the gold, an empty span, offsets past the text or a document the gold lacks are
    counted (as false positives where they do not match) and named in one warning line.

    Strict matching is the BioCreative V CDR rule: a mention counts when (document, start, end,
    label) equal a gold mention's, character offsets, each distinct tuple once. Lenient matching
    counts a prediction overlapping a gold mention of the same label, each mention matched at most
    once. Precision, recall and F1 with a zero denominator are 0; macro is the mean over labels.

    One difference from the BioCreative V CDR jar: the jar ignores predictions of a type in a
    document that has no gold mention of that type; bioner counts them as false positives. On
    BC5CDR the scores are the same (every document has gold mentions of both types).

    When the gold carries identifiers, concept-level scores follow (BioCreative V CDR
    normalisation): per document, the set of (label, id) pairs, composite ids split on |, -1
    ignored; MESH: prefixes are dropped on both sides.

    When the gold has relation lines (BC5CDR's CID), relations are scored as the jar's relation
    mode: distinct (document, type, id, id), MESH: prefixes dropped; within one sentence and
    across sentences apart, beside a co-occurrence baseline (every chemical-disease id pair).
    """
    from ..evaluation import evaluate_files, format_table, write_errors_tsv, write_html, write_json
    from ..evaluation.checks import check_comparable, check_predictions_file

    if (model is None) == (predictions is None):
        raise typer.BadParameter(
            "give exactly one of --model and --predictions", param_hint="'--model' / '--predictions'"
        )
    outputs = [("--json", json_path), ("--html", html_path), ("--errors", errors_path)]
    for option, path in outputs:
        if path is not None:
            check_output(path, option)
    check_distinct([gold] + ([predictions] if predictions else []), outputs)
    if predictions is not None:
        check_predictions_file(predictions)
    evaluation = evaluate_files(
        gold,
        predictions_path=predictions,
        model=model,
        bootstrap=bootstrap,
        seed=seed,
        progress=model is not None,
        gold_mentions=gold_mentions,
    )
    for warning in check_comparable(evaluation, predictions=str(predictions) if predictions else None):
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    if cross_corpus is not None:
        if model is None:
            raise typer.BadParameter(
                "needs --model: the other corpora are tagged by the model", param_hint="'--cross-corpus'"
            )
        from ..evaluation.cross_corpus import evaluate_parts, heldout_parts
        from ..tagging import load_pipeline

        evaluation.cross_corpus = evaluate_parts(load_pipeline(model), heldout_parts(cross_corpus))
    typer.echo(format_table(evaluation))
    if evaluation.cross_corpus:
        from ..evaluation.cross_corpus import format_cross_corpus

        typer.echo("\n" + format_cross_corpus(evaluation.cross_corpus))
    written = []
    # Each output through a temporary file renamed into place: a stopped run leaves none half-written.
    if json_path:
        with atomic_path(json_path, "--json") as temporary:
            write_json(evaluation, temporary)
        written.append(str(json_path))
    if html_path:
        source = f"{model}" if model is not None else f"{predictions}"
        with atomic_path(html_path, "--html") as temporary:
            write_html(evaluation, temporary, title=f"bioner evaluation: {source} against {gold}", seed=seed)
        written.append(str(html_path))
    if errors_path:
        with atomic_path(errors_path, "--errors") as temporary:
            write_errors_tsv(evaluation.errors or [], temporary)
        written.append(str(errors_path))
    if written:
        typer.echo(f"wrote {', '.join(written)}", err=True)
