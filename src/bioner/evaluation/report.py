"""Reports of an `Evaluation`: a table for the terminal and a self-contained HTML page."""

from __future__ import annotations

import html
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from spacy import displacy

from ..document import Document
from ..formats.html_view import LABEL_COLORS
from .analysis import FN, FP, KINDS, ErrorRecord, errors_by_kind, find_errors, format_related
from .bootstrap import Interval
from .relations import RelationEvaluation
from .result import Evaluation
from .scoring import MACRO, MICRO, PRF, Scores, mention_spans

MODES = (
    ("strict", "Strict: exact offsets and label (BioCreative V CDR)"),
    ("lenient", "Lenient: overlapping span, same label, each mention matched once"),
)
CONCEPTS = ("concepts", "Concepts: distinct (label, identifier) pairs per document (BioCreative V CDR normalisation)")
DEFAULT_SAMPLE = 60
DEFAULT_RELATION_ERRORS = 300
"""Relation errors listed in the HTML report per setting (the rest are counted)."""
HTML_CONTEXT = 120
ERROR_COLOR = "#ff8a80"


def _rows(scores: Scores) -> list[tuple[str, PRF]]:
    return [*scores.labels.items(), (MICRO, scores.micro), (MACRO, scores.macro)]


def _modes(evaluation: Evaluation) -> list[tuple[str, str]]:
    """Strict and lenient, then concepts when the evaluation has them."""
    return [*MODES, CONCEPTS] if evaluation.concepts is not None else list(MODES)


def _intervals(evaluation: Evaluation, mode: str):
    return getattr(evaluation.bootstrap, mode, None) if evaluation.bootstrap else None


def _percent(value: float) -> str:
    return f"{100 * value:6.2f}"


def scores_table(
    scores: Scores, intervals: Mapping[str, Interval] | None = None, *, style: str = "text", confidence: float = 0.95
) -> str:
    """One matching mode's table as aligned `text`, `markdown` or `html`: per label, then micro
    and macro, TP, FP, FN, precision, recall and F1 in percent, and the F1 interval if given."""
    header = ["label", "TP", "FP", "FN", "P%", "R%", "F1%"] + (
        [f"F1 {round(100 * confidence)}% CI"] if intervals else []
    )
    rows = []
    for name, prf in _rows(scores):
        cells = [name, str(prf.tp), str(prf.fp), str(prf.fn)] + [
            f"{100 * v:.2f}" for v in (prf.precision, prf.recall, prf.f1)
        ]
        if intervals:
            i = intervals.get(name)
            cells.append(f"[{_percent(i.low)}, {_percent(i.high)}]" if i else "")
        rows.append(cells)
    if style == "html":
        lines = ["<tr>" + "".join(f"<th>{_e(c)}</th>" for c in header) + "</tr>"]
        for r in rows:
            css = ' class="average"' if r[0] in (MICRO, MACRO) else ""
            lines.append(f"<tr{css}>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>")
        return "<table>" + "".join(lines) + "</table>"
    if style == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
        for r in rows:
            name = f"**{r[0]}**" if r[0] in (MICRO, MACRO) else r[0]
            lines.append("| " + " | ".join([name, *r[1:]]) + " |")
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "-" * len(line(header))
    lines = [line(header), rule]
    for r in rows:
        if r[0] == MICRO:
            lines.append(rule)
        lines.append(line(r))
    return "\n".join(lines)


def format_table(evaluation: Evaluation) -> str:
    """The per-label tables, strict and lenient (and concepts), as plain text (P, R and F1 in percent)."""
    lines: list[str] = []
    confidence = evaluation.bootstrap.confidence if evaluation.bootstrap else 0.95
    for mode, title in _modes(evaluation):
        lines += [
            title,
            scores_table(getattr(evaluation, mode), _intervals(evaluation, mode), confidence=confidence),
            "",
        ]
    if evaluation.linking is not None:
        lines.append(_linking_line(evaluation))
    lines += [f"note: {note}" for note in evaluation.notes]
    if evaluation.relations is not None:
        lines += [format_relations(evaluation.relations), ""]
    if evaluation.errors is not None:
        kinds = errors_by_kind(evaluation.errors)
        lines.append(
            "Errors (strict): "
            + "; ".join(
                f"{side.upper()} " + ", ".join(f"{kind} {n}" for kind, n in counts.items())
                for side, counts in kinds.items()
            )
        )
    lines.append(
        f"{evaluation.documents} documents; {sum(evaluation.gold_mentions.values())} gold and "
        f"{sum(evaluation.predicted_mentions.values())} predicted mentions (distinct; "
        f"{evaluation.duplicates.get('gold', 0)} gold and {evaluation.duplicates.get('predictions', 0)} "
        "predicted duplicates counted once). Precision, recall or F1 with a zero denominator is 0."
    )
    if evaluation.bootstrap:
        b = evaluation.bootstrap
        lines.append(f"Confidence intervals: {b.samples} bootstrap samples of documents, seed {b.seed}.")
    return "\n".join(lines)


def _relation_rows(relations: RelationEvaluation) -> list[tuple[str, PRF, Interval | None]]:
    """(name, scores, interval) per setting: overall, per type (when several), the sentence
    groups, and the co-occurrence baseline on the same mentions."""
    rows: list[tuple[str, PRF, Interval | None]] = []
    for name, scores in (("end to end", relations.end_to_end), ("gold mentions", relations.gold_mentions)):
        if scores is None:
            continue
        rows.append((name, scores.micro, scores.interval))
        if len(scores.per_type) > 1:
            rows += [(f"  {kind}", prf, None) for kind, prf in scores.per_type.items()]
        rows.append(("  within one sentence", scores.within_sentence, None))
        rows.append(("  across sentences", scores.across_sentences, None))
        if scores.cooccurrence is not None:
            rows.append(("  co-occurrence baseline", scores.cooccurrence.micro, scores.cooccurrence.interval))
    return rows


def relations_heading(relations: RelationEvaluation) -> str:
    gold = relations.gold_relations
    return (
        f"Relations ({', '.join(relations.types)}): distinct (document, type, ids), MESH: prefix ignored "
        f"(BioCreative V CDR); {gold['total']} gold, {gold['within_sentence']} within one sentence, "
        f"{gold['across_sentences']} across sentences"
    )


def format_relations(relations: RelationEvaluation) -> str:
    """The relation section of the terminal table."""
    with_ci = bool(relations.samples)
    header = ["setting", "TP", "FP", "FN", "P%", "R%", "F1%"] + (["F1 95% CI"] if with_ci else [])
    rows = []
    for name, prf, interval in _relation_rows(relations):
        cells = [name, str(prf.tp), str(prf.fp), str(prf.fn)] + [
            f"{100 * v:.2f}" for v in (prf.precision, prf.recall, prf.f1)
        ]
        if with_ci:
            cells.append(f"[{_percent(interval.low)}, {_percent(interval.high)}]" if interval else "")
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [relations_heading(relations), line(header), "-" * len(line(header)), *(line(r).rstrip() for r in rows)]
    lines += [f"note: {note}" for note in relations.notes]
    return "\n".join(lines)


def _relations_html(relations: RelationEvaluation, limit: int = DEFAULT_RELATION_ERRORS) -> str:
    """The relation table, then the false positive and false negative pairs with their sentences."""
    parts = [f"<h2>{_e(relations_heading(relations))}</h2>"]
    with_ci = bool(relations.samples)
    header = ["setting", "TP", "FP", "FN", "P%", "R%", "F1%"] + (["F1 95% CI"] if with_ci else [])
    rows = ["<tr>" + "".join(f"<th>{_e(c)}</th>" for c in header) + "</tr>"]
    for name, prf, interval in _relation_rows(relations):
        cells = [name.strip(), str(prf.tp), str(prf.fp), str(prf.fn)] + [
            f"{100 * v:.2f}" for v in (prf.precision, prf.recall, prf.f1)
        ]
        if with_ci:
            cells.append(f"[{_percent(interval.low)}, {_percent(interval.high)}]" if interval else "")
        css = "" if name.startswith(" ") else ' class="average"'
        rows.append(f"<tr{css}>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    parts.append("<table>" + "".join(rows) + "</table>")
    parts += [f'<p class="note">{_e(note)}</p>' for note in relations.notes]
    for name, scores in (("end to end", relations.end_to_end), ("gold mentions", relations.gold_mentions)):
        if scores is None or not scores.errors:
            continue
        # As many false positives as false negatives when there are more than `limit`, in document order.
        fps = [e for e in scores.errors if e.type == "FP"]
        fns = [e for e in scores.errors if e.type == "FN"]
        fp_share = max(limit // 2, limit - len(fns))
        chosen = {id(e) for e in fps[:fp_share] + fns[: limit - min(fp_share, len(fps))]}
        shown = [e for e in scores.errors if id(e) in chosen]
        parts.append(f"<h3>Relation errors, {_e(name)} ({len(shown)} of {len(scores.errors)})</h3>")
        parts.append(
            '<p class="note">FP: predicted, not in gold; FN: in gold, not predicted. Evidence: the sentences '
            "holding a mention of both arguments, else each argument's first sentence.</p>"
        )
        items = []
        for error in shown:
            arguments = ", ".join(
                f"{_e(a)} <code>{_e(n)}</code>" if n else _e(a)
                for a, n in zip(error.arguments, error.names, strict=False)
            )
            where = "within one sentence" if error.within_sentence else "across sentences"
            evidence = "".join(f"<li>{_e(sentence)}</li>" for sentence in error.evidence)
            items.append(
                f'<div class="sample"><h3>{_e(error.type)} · {_e(error.relation)} · document {_e(error.document)} '
                f"· {arguments} · {where}</h3><ul>{evidence}</ul></div>"
            )
        parts.append("".join(items))
    return "\n".join(parts)


def _linking_line(evaluation: Evaluation) -> str:
    linking = evaluation.linking
    assert linking is not None

    def bound(label: str | None) -> str:
        if linking.absent is None:
            return ""
        return f" (ids absent from the knowledge base: {_percent(linking.absent_share(label)).strip()}%)"

    per_label = ", ".join(
        f"{label} {_percent(linking.accuracy(label)).strip()}% of {n}{bound(label)}"
        for label, n in linking.total.items()
    )
    return (
        f"Linking accuracy on gold mentions (identifier set equal to gold's; -1 gold left out): "
        f"{per_label}; all {_percent(linking.accuracy()).strip()}%{bound(None)}"
    )


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, Segoe UI, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.average td { font-weight: bold; background: #f5f5f5; }
.sample { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; margin: 1em 0; }
.sample h3 { font-size: 1em; margin: 0 0 0.4em; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.sides h4 { margin: 0.2em 0; font-size: 0.9em; color: #555; }
.note { color: #666; font-size: 0.9em; }
code { background: #f3f3f3; padding: 0 0.2em; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _kinds_table(errors: Sequence[ErrorRecord]) -> str:
    kinds = errors_by_kind(errors)
    rows = []
    for side, counts in kinds.items():
        for kind, n in counts.items():
            rows.append(f"<tr><td>{_e(side.upper())}</td><td>{_e(kind)}</td><td>{n}</td></tr>")
    return "<table><tr><th>type</th><th>kind</th><th>errors</th></tr>" + "".join(rows) + "</table>"


def sample_errors(errors: Sequence[ErrorRecord], size: int, seed: int = 0) -> list[ErrorRecord]:
    """Up to `size` errors, spread evenly over (type, kind) groups, chosen with a seeded RNG."""
    groups: dict[tuple[str, str], list[ErrorRecord]] = defaultdict(list)
    for error in errors:
        groups[(error.type, error.kind)].append(error)
    order = [(t, k) for t in (FP, FN) for k in KINDS[t] if groups.get((t, k))]
    rng = random.Random(seed)
    chosen: dict[tuple[str, str], list[ErrorRecord]] = {key: [] for key in order}
    remaining = {key: list(groups[key]) for key in order}
    budget = size
    while budget > 0 and any(remaining.values()):  # round-robin so rare kinds are shown too
        for key in order:
            if budget and remaining[key]:
                chosen[key].append(remaining[key].pop(rng.randrange(len(remaining[key]))))
                budget -= 1
    position = {id(e): i for i, e in enumerate(errors)}
    return [e for key in order for e in sorted(chosen[key], key=lambda e: position[id(e)])]


def _window(document_text: str, spans: Sequence[tuple[int, int, str]], start: int, end: int) -> tuple[int, int]:
    """The context around [start, end), widened so no mention is cut at its edges."""
    left, right = max(0, start - HTML_CONTEXT), min(len(document_text), end + HTML_CONTEXT)
    while left > 0 and not document_text[left - 1].isspace():  # whole words at the edges
        left -= 1
    while right < len(document_text) and not document_text[right].isspace():
        right += 1
    for s, e, _ in spans:
        if s < left < e:
            left = s
        if s < right < e:
            right = e
    return left, right


def _displacy_side(
    text: str, spans: Sequence[tuple[int, int, str]], left: int, right: int, wrong: tuple[int, int, str] | None
) -> str:
    inside = [s for s in spans if s[0] >= left and s[1] <= right]
    # displaCy cannot draw overlapping spans: keep the wrong one, then longest-first without overlap
    inside.sort(key=lambda s: (s != wrong, s[0], -(s[1] - s[0]), s[2]))
    shown: list[tuple[int, int, str]] = []
    hidden: list[tuple[int, int, str]] = []
    for span in inside:
        if any(span[0] < o[1] and o[0] < span[1] for o in shown):
            hidden.append(span)
        else:
            shown.append(span)
    ents = []
    for s, e, label in sorted(shown):
        ent = {"start": s - left, "end": e - left, "label": _e(label)}
        if (s, e, label) == wrong:
            ent["params"] = {"bg": ERROR_COLOR}
        ents.append(ent)
    colors = {_e(label).upper(): color for label, color in LABEL_COLORS.items()}
    markup = displacy.render(
        {"text": text[left:right], "ents": ents, "title": None},
        style="ent",
        manual=True,
        page=False,
        jupyter=False,
        options={"colors": colors},
    )
    if hidden:
        markup += f'<p class="note">overlapping, not drawn: {_e(format_related(sorted(hidden)))}</p>'
    return markup


def _render_sample(error: ErrorRecord, gold: Document, predicted: Document) -> str:
    text = gold.text
    g = sorted(mention_spans(gold, "gold"))
    # A predicted span that is empty or past the text is scored (as the BioCreative scorer does)
    # but cannot be drawn.
    p = sorted(s for s in mention_spans(predicted) if 0 <= s[0] < s[1] <= len(text))
    related = f" — related: {_e(format_related(error.related))}" if error.related else ""
    heading = (
        f"{_e(error.type)} · {_e(error.kind)} · {_e(error.label)} · document {_e(error.document)} "
        f"· {error.start}–{error.end} <code>{_e(error.text)}</code>{related}"
    )
    if not 0 <= error.start < error.end <= len(text):
        note = f"offsets {error.start}–{error.end}: an empty span or one outside the text ({len(text)} characters)"
        return f'<div class="sample"><h3>{heading}</h3><p class="note">{_e(note)}</p></div>'
    left, right = _window(text, g + p, error.start, error.end)
    span = (error.start, error.end, error.label)
    gold_html = _displacy_side(text, g, left, right, span if error.type == FN else None)
    pred_html = _displacy_side(text, p, left, right, span if error.type == FP else None)
    return (
        f'<div class="sample"><h3>{heading}</h3><div class="sides">'
        f"<div><h4>gold</h4>{gold_html}</div><div><h4>predicted</h4>{pred_html}</div></div></div>"
    )


def render_html(
    evaluation: Evaluation, *, title: str = "bioner evaluation", sample: int = DEFAULT_SAMPLE, seed: int = 0
) -> str:
    """A self-contained page (no external resources): tables, error kinds, sample errors."""
    parts = [f"<h1>{_e(title)}</h1>"]
    parts.append(
        f"<p>{evaluation.documents} documents; {sum(evaluation.gold_mentions.values())} gold and "
        f"{sum(evaluation.predicted_mentions.values())} predicted mentions (distinct (document, start, end, "
        "label) tuples; a mention listed twice counts once). Precision, recall or F1 whose denominator is 0 "
        "is reported as 0. Macro scores are unweighted means over labels.</p>"
    )
    for mode, heading in _modes(evaluation):
        intervals = _intervals(evaluation, mode)
        parts.append(f"<h2>{_e(heading)}</h2>")
        parts.append(scores_table(getattr(evaluation, mode), intervals, style="html"))
    if evaluation.linking is not None:
        parts.append(f"<p>{_e(_linking_line(evaluation))}</p>")
    if evaluation.bootstrap:
        b = evaluation.bootstrap
        parts.append(
            f'<p class="note">Intervals: {b.samples} bootstrap samples of documents '
            f"(with replacement), seed {b.seed}, percentile method.</p>"
        )
    if evaluation.cross_corpus:
        parts.append(_cross_corpus_table(evaluation.cross_corpus))
    if evaluation.relations is not None:
        parts.append(_relations_html(evaluation.relations))
    parts.append("<h2>Errors by kind (strict)</h2>")
    parts.append(
        '<p class="note">boundary: overlaps a mention of the same label on the other side; '
        "label: same span, other label; spurious: predicted, nothing there in gold; "
        "missed: gold, nothing predicted there.</p>"
    )
    errors = evaluation.errors if evaluation.errors is not None else find_errors(evaluation.gold, evaluation.predicted)
    parts.append(_kinds_table(errors))
    chosen = sample_errors(errors, sample, seed)
    parts.append(f"<h2>Sample of errors ({len(chosen)} of {len(errors)})</h2>")
    parts.append(
        '<p class="note">The error itself is drawn in red: in gold for a false negative, in the '
        "predictions for a false positive.</p>"
    )
    by_id = {g.id: (g, p) for g, p in zip(evaluation.gold, evaluation.predicted, strict=True)}
    for error in chosen:
        gold, predicted = by_id[error.document]
        parts.append(_render_sample(error, gold, predicted))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>" + "\n".join(parts) + "</body></html>\n"
    )


def _cross_corpus_table(results: Sequence) -> str:
    rows = []
    for result in results:
        if result.overlap_label is not None:
            rows.append(
                f'<tr><td>{_e(result.name)}</td><td>{_e(result.overlap_label)}</td><td colspan="4">'
                f"{100 * result.rate:.1f}% of {result.mentions} {_e(result.overlap_label.lower())} mentions overlapped by a "
                f"Chemical or Disease prediction; most often: {_e(', '.join(result.examples[:5]))}</td></tr>"
            )
            continue
        for label in result.labels:
            s, lenient = result.strict[label], result.lenient[label]
            rows.append(
                f"<tr><td>{_e(result.name)}</td><td>{_e(label)}</td><td>{_percent(s.precision)}</td>"
                f"<td>{_percent(s.recall)}</td><td>{_percent(s.f1)}</td><td>{_percent(lenient.f1)}</td></tr>"
            )
    return (
        '<h2>Other corpora (held-out parts)</h2><p class="note">Each corpus is scored only on the types it '
        "annotates; for gene, variant and species corpora, the share of their mentions tagged Chemical or Disease.</p>"
        "<table><tr><th>corpus</th><th>label</th><th>P</th><th>R</th><th>F1 (strict)</th><th>F1 (lenient)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def write_html(evaluation: Evaluation, path: str | Path, **kwargs) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(evaluation, **kwargs), encoding="utf-8")
