"""A self-contained HTML page of tagged documents: displaCy's entity view, one section each.

The page is written as the documents come (header, one `<section>` per document, footer), so a
large input does not have to be held in memory. Text, ids and labels are escaped; the page
needs no script, stylesheet or font from the network.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from spacy import displacy

from ..document import Document, Relation
from ._io import open_destination

LABEL_COLORS = {
    "CHEMICAL": "#8ef",
    "DISEASE": "#fc7",
}
"""Colours of the BC5CDR labels; other labels get displaCy's own (or its default grey)."""

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-size: 16px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; padding: 2rem; max-width: 60rem; margin: auto; }}
section.document {{ margin-bottom: 4rem; }}
section.document h2 {{ font-size: 1.1rem; margin: 0 0 0.5rem 0; }}
section.document p.counts {{ color: #555; font-size: 0.9rem; margin: 0.5rem 0; }}
table.relations {{ border-collapse: collapse; margin-top: 1rem; font-size: 0.9rem; }}
table.relations caption {{ text-align: left; font-weight: bold; margin-bottom: 0.3rem; }}
table.relations th, table.relations td {{ border-bottom: 1px solid #ddd; padding: 0.25rem 0.75rem 0.25rem 0; text-align: left; }}
table.relations td.score {{ text-align: right; font-variant-numeric: tabular-nums; }}
table.relations .id {{ color: #555; font-size: 0.85em; }}
footer {{ color: #555; border-top: 1px solid #ccc; padding-top: 1rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
"""

_FOOT = """<footer>{summary}</footer>
</body>
</html>
"""


def render_document(document: Document, *, colors: dict[str, str] | None = None) -> str:
    """One document as an HTML `<section>`: its id, the entity counts, displaCy's entity view and,
    below it, a table of the document's relations.

    A document read from an HTML page is shown in the page's own text (menus and all), each
    entity placed where it stands in the page; text input notes what was left untagged.
    """
    text, placed = _placed_mentions(document)
    spans = []
    identifiers: list[str] = []
    end_so_far = 0
    for start, end, mention in placed:
        if start < end_so_far or not (0 <= start < end <= len(text)):
            continue  # displaCy cannot show overlapping spans; predictions never overlap
        spans.append({"start": start, "end": end, "label": html.escape(mention.label)})
        identifiers.append(mention.identifier)
        end_so_far = end
    markup = displacy.render(
        {"text": text, "ents": spans},
        style="ent",
        manual=True,
        page=False,
        jupyter=False,
        options={"colors": {**LABEL_COLORS, **(colors or {})}},
    )
    markup = _with_titles(markup, identifiers)
    identifier = html.escape(document.id)
    return (
        f'<section class="document" id="doc-{html.escape(document.id, quote=True)}">\n'
        f"<h2>{identifier}</h2>\n"
        f'<p class="counts">entities: {html.escape(_count_phrase(Counter(m.label for m in document.mentions)))}'
        f"{html.escape(_skipped_phrase(document))}</p>\n"
        f"{markup}\n{render_relations(document)}</section>\n"
    )


def render_relations(document: Document) -> str:
    """The relations as a table (type, each argument's name and id, score); "" when there are none.

    An argument's name is the text of its first supporting mention, else of a mention carrying its
    id, else only the id is shown."""
    if not document.relations:
        return ""
    text = document.text
    arity = max(len(r.arguments) for r in document.relations)
    rows = []
    for relation in sorted(document.relations, key=lambda r: (-(r.score or 0.0), r.type, r.arguments)):
        cells = [f"<td>{html.escape(relation.type)}</td>"]
        for position in range(arity):
            if position >= len(relation.arguments):
                cells.append("<td></td>")
                continue
            argument = relation.arguments[position]
            name = _argument_name(document, text, relation, position, argument)
            shown = f"{html.escape(name)} " if name else ""
            cells.append(f'<td>{shown}<span class="id">{html.escape(argument)}</span></td>')
        score = "" if relation.score is None else f"{relation.score:.2f}"
        cells.append(f'<td class="score">{score}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    noun = "relation" if len(rows) == 1 else "relations"
    heads = "".join(f"<th>argument {n}</th>" for n in range(1, arity + 1))
    return (
        f'<table class="relations">\n<caption>{len(rows)} {noun}</caption>\n'
        f"<thead><tr><th>type</th>{heads}<th>score</th></tr></thead>\n"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )


def _argument_name(document: Document, text: str, relation: Relation, position: int, argument: str) -> str:
    for pair in relation.support if position < 2 else []:
        start, end = pair[2 * position], pair[2 * position + 1]
        if 0 <= start < end <= len(text):
            return text[start:end]
    bare = argument.split(":", 1)[-1]
    for mention in document.sorted_mentions():
        if argument in mention.identifiers or bare in (i.split(":", 1)[-1] for i in mention.identifiers):
            return mention.text
    return ""


def _placed_mentions(document: Document) -> tuple[str, list]:
    """The text to show and (start, end, mention) in it: the page's text for an HTML page."""
    source = document.content.source if document.content is not None else None
    mentions = document.sorted_mentions()
    if source is None:
        return document.text, [(m.start, m.end, m) for m in mentions]
    placed = []
    for mention in mentions:
        located = source.locate(mention.start, mention.end)
        if located is not None:
            placed.append((*located, mention))
    return source.text, placed


def _skipped_phrase(document: Document) -> str:
    if document.content is None:
        return ""
    reasons = Counter(s.reason for s in document.content.skipped if not s.inline)
    if document.content.source is not None:
        return "; shown in the page's text, only the article tagged" + (
            f" (not tagged in it: {_count_phrase(reasons)})" if reasons else ""
        )
    return f"; not tagged: {_count_phrase(reasons)}" if reasons else ""


def _with_titles(markup: str, identifiers: list[str]) -> str:
    """Each entity's identifier as its hover text (displaCy draws the marks in span order)."""
    pieces = markup.split('<mark class="entity"')
    for i, identifier in enumerate(identifiers, start=1):
        if i < len(pieces) and identifier:
            pieces[i] = f' title="{html.escape(identifier, quote=True)}"' + pieces[i]
    return '<mark class="entity"'.join(pieces)


def _count_phrase(counts: Counter[str]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))


def write_html(
    documents: Iterable[Document],
    destination: str | Path | TextIO,
    *,
    title: str = "Tagged documents",
) -> int:
    """Write the documents as one HTML page; returns how many were written. `-` is stdout; a file
    is written whole or not at all (`bioner.atomic`), as every other format."""
    with open_destination(destination) as handle:
        return _write(documents, handle, title)


def _write(documents: Iterable[Document], handle: TextIO, title: str) -> int:
    handle.write(_HEAD.format(title=html.escape(title)))
    count = 0
    entities: Counter[str] = Counter()
    relations = 0
    for document in documents:
        handle.write(render_document(document))
        entities.update(m.label for m in document.mentions)
        relations += len(document.relations)
        count += 1
    if count == 0:
        handle.write('<p class="empty">No documents: the input was empty.</p>\n')
    noun = "document" if count == 1 else "documents"
    summary = f"{count} {noun}; entities: {_count_phrase(entities)}" + (
        f"; relations: {relations}" if relations else ""
    )
    handle.write(_FOOT.format(summary=html.escape(summary)))
    return count
