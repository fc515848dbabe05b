"""`ner-predict`: tag Chemical and Disease mentions in text files, PubTator, BioC or JSONL.

A console script of its own (`ner-predict = "bioner.cli.predict:main"`), a thin layer over
`bioner.predict`. Output goes to stdout or -o; messages, the progress bar and the summary go to
stderr, so stdout stays clean output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..errors import InputProblem
from ..formats import FORMATS, OUTPUT_FORMATS
from ..formats.registry import describe
from . import format_choice, run_app

HELP = """Tag Chemical and Disease mentions with a trained pipeline.

\b
Examples:
  ner-predict abstract.txt                   # one text file, JSONL to stdout
  ner-predict abstracts/ -o tagged.pubtator  # every .txt file in a folder
  cat abstract.txt | ner-predict -           # stdin
  ner-predict CDR_TestSet.PubTator.txt -f pubtator -o pred.pubtator
  ner-predict docs.jsonl -f jsonl            # {"id": ..., "text": ...} a line
  ner-predict paper.xml --input-format bioc --output-format bioc
  ner-predict abstract.txt --output-format html -o view.html  # to look at
  ner-predict abstracts/ -o train.iob        # IOB to train another tagger on
  ner-predict saved-page.html -o view.html   # a web page: its article, tagged

Input: a file, a folder (each .txt file in it is one document, id = file name
without .txt), or - for stdin. The format (text, html, pubtator, pubmed (MEDLINE
XML, .xml or .xml.gz), bioc, bioc-json, jsonl, iob) is detected from the extension
and content; --input-format overrides. For whole PubMed baseline files on
several cores or machines, use `bioner tag-pubmed`.
A text file is one document, or one per non-empty line with --lines. PubTator
title and abstract are tagged as one text, title + " " + abstract, the offsets the
BioCreative scorer and `bioner evaluate` count in. Annotations already in the input
(mentions, relations) are replaced by the model's, not merged.

Text as people bring it: in text input only the content is tagged. A saved PubMed
page keeps its title, abstract and keywords (not the banner, authors, affiliations,
"Similar articles", references or "LinkOut"); in any text, reference lists, DOI and
URL lines, author lists, affiliations, citation lines, menus, share buttons, footers
and disclaimers are skipped, and no entity is reported in a URL, DOI or (Author, 2020)
citation inside a sentence. Offsets stay those of the whole file; the summary counts
the skipped parts and JSONL lists them ("skipped": [{"start", "end", "reason"}]).
--keep-boilerplate tags everything. An HTML page (.html, .htm, or detected) is its
article text, extracted with trafilatura; offsets count in that text, and the html
output shows the entities in the page's own text (--keep-boilerplate: all visible
text). Long documents (full-text papers) are tagged paragraph by paragraph, in
bounded memory, with the entities their paragraphs get one by one.

PDF is not read: convert it to text first (pdftotext -layout paper.pdf paper.txt,
from poppler-utils; or GROBID for a paper's structure) and tag the .txt.

Output: pubtator (the default for PubTator input; the BioCreative V CDR scorer
reads it as is), jsonl (the default otherwise: {"id", "text", "entities": [{"start",
"end", "label", "text"}]} a line), bioc (BioC XML), bioc-json, html (a
self-contained displaCy page, one section per document) or iob (token TAB BIO tag,
a -DOCSTART- line before each document, to train other taggers on). With -o and
no --output-format, the extension chooses (.pubtator .jsonl .xml .json .html .iob).
A file given with -o appears only when the run succeeds (Ctrl-C or SIGTERM leave
nothing half-written); it must not be the input. A symlink is written through.

Relations: a model with the bioner_relations component also predicts which
chemical induces which disease (CID), written as PubTator relation lines
(ID CID chemical-id disease-id), BioC relations (nodes at the supporting
annotations), JSONL "relations" and a table in the html view. --no-relations
skips them (and the time they take); --relations with a model without the
component is an error.

Model: --model is a pipeline folder or an installed model package. Without it:
training/model-best under the current folder (or the newest training/*/model-best),
else the installed package en_bioner_bc5cdr.

Empty input (no document with any text) is not an error: a note goes to stderr,
the output is empty and the exit status is 0. Text is UTF-8, or UTF-16 with its
byte order mark (Windows editors' "Unicode"). Bad input (another encoding,
malformed PubTator, BioC or JSONL) stops with one line naming the file and line,
and exit status 1. Documents of any length are tagged.
"""

app = typer.Typer(
    name="ner-predict",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: keeps the example lines as written
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


@app.command(help=HELP, no_args_is_help=True)
def predict_command(
    input: str = typer.Argument(
        ..., metavar="INPUT", help="A file, a folder of .txt files, or - for stdin.", show_default=False
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write; stdout when omitted.", show_default=False
    ),
    model: str | None = typer.Option(
        None,
        "--model",
        "-m",
        help="Pipeline folder or installed model package (default: training/model-best, else en_bioner_bc5cdr).",
        show_default=False,
    ),
    input_format: str | None = typer.Option(
        None,
        "--input-format",
        "-i",
        help=f"{describe(FORMATS)}; detected when omitted.",
        show_default=False,
    ),
    output_format: str | None = typer.Option(
        None,
        "--output-format",
        "-f",
        help=f"{describe(OUTPUT_FORMATS)} (default: from the -o extension, else pubtator for PubTator input, else jsonl).",
        show_default=False,
    ),
    lines: bool = typer.Option(
        False, "--lines", help="Plain text: one document per non-empty line (ids FILE:LINE) instead of one per file."
    ),
    batch_size: int = typer.Option(64, "--batch-size", help="Documents per nlp.pipe batch."),
    n_process: int = typer.Option(1, "--n-process", "-n", help="Processes to tag with (-1: one per core)."),
    lenient: bool = typer.Option(
        False,
        "--lenient",
        help="Skip a malformed annotation in the input with a warning instead of failing (input annotations are replaced by the model's anyway).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary on stderr; errors only."),
    keep_boilerplate: bool = typer.Option(
        False,
        "--keep-boilerplate",
        help="Text input: tag everything, banners, menus and reference lists included (default: the content only).",
    ),
    id_prefix: str = typer.Option(
        "",
        "--id-prefix",
        help="Put this before each MeSH id the linker gives: `MESH:` writes D008094 as MESH:D008094, as PubTator3 does (default: bare, as BC5CDR).",
        show_default=False,
    ),
    relations: bool | None = typer.Option(
        None,
        "--relations/--no-relations",
        help="Predict chemical-induced-disease (CID) relations with the model's bioner_relations component (default: when the model has one); --no-relations skips it.",
        show_default=False,
    ),
) -> None:
    from ..predict import predict

    input_format = format_choice(input_format, FORMATS, "--input-format")
    output_format = format_choice(output_format, OUTPUT_FORMATS, "--output-format")

    def announce(name: str) -> None:
        if not quiet:
            typer.echo(f"model: {name}", err=True)

    if input == "-" and sys.stdin.isatty() and not quiet:
        typer.echo("reading text from stdin; end it with Ctrl-D (or give a file)", err=True)
    problems: list[InputProblem] = []
    summary = predict(
        input,
        output,
        model=model,
        input_format=input_format,
        output_format=output_format,
        lines=lines,
        lenient=lenient,
        problems=problems,
        batch_size=batch_size,
        n_process=n_process,
        progress=not quiet and sys.stderr.isatty(),
        on_model=announce,
        id_prefix=id_prefix,
        keep_boilerplate=keep_boilerplate,
        relations=relations,
    )
    for problem in problems:
        typer.secho(f"warning: {problem}", fg=typer.colors.YELLOW, err=True)
    if summary.empty_input:
        name = "stdin" if input == "-" else input
        typer.secho(
            f"note: {name}: empty input, no document with text; nothing was tagged and the output is empty",
            fg=typer.colors.YELLOW,
            err=True,
        )
        return
    if not quiet:
        typer.echo(summary.format(), err=True)
        if output is not None and str(output) != "-":
            typer.echo(f"wrote {output} ({summary.output_format})", err=True)


def main() -> None:
    # `ner-predict big.txt | head` stops quietly with status 1: click handles the broken pipe.
    run_app(app, "ner-predict")


if __name__ == "__main__":
    main()
