"""The documentation's corpus tables, made from the catalogue (`bioner corpora --markdown`).

README.md, data/README.md, docs/commands.md and docs/design.md hold these between marker
comments (`bioner.doc_tables`); `scripts/doc_tables.py` rewrites them and a test fails when a file
no longer holds what the catalogue says. A new catalogue entry is then in every table at once.
"""

from __future__ import annotations

from urllib.parse import urlparse

from ..doc_tables import markdown_table
from .catalogue import CORPORA, HOME_CORPUS, HOME_SPLITS, RESOURCES, Catalogue, Corpus, Part, Resource


def _code(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _name(corpus: Corpus) -> str:
    return corpus.source.name if corpus.source else corpus.name


def _hosts(urls: tuple[str, ...]) -> str:
    return ", ".join(dict.fromkeys(urlparse(url).netloc for url in urls))


def _downloads(corpus: Corpus) -> list[str]:
    """What is downloaded, when it is not the files themselves: zips, gzipped files."""
    return list(dict.fromkeys(split.archive for split in corpus.splits if split.archive != split.filename))


def _annotates(corpus: Corpus) -> str:
    """Model labels, each with the source labels learned as it."""
    cells = []
    for label in corpus.annotates:
        sources = [source for source, target in corpus.label_map.items() if target == label and source != label]
        cells.append(f"{label} ({', '.join(sources)})" if sources else label)
    return "; ".join(cells)


def _documents(corpus: Corpus, part: Part) -> str:
    split = f"{part.split} split"
    if part.documents == "all" or corpus.holdout is None:
        return split
    rule = corpus.holdout.describe()
    return f"{split}, {rule}" if part.documents == "heldout" else f"{split}, all but {rule}"


def _measure(corpus: Corpus, part: Part) -> str:
    labels = corpus.part_labels(part)
    if corpus.part_measure(part) == "confusion":
        return f"share of its {labels[0]} mentions tagged Chemical or Disease"
    return f"F1 on {', '.join(labels)}"


def _in_all(resource: Resource) -> str:
    return {"always": "yes", "local": f"only when `{resource.env}` is set", "never": "no"}[resource.in_all]


def overview(corpora: Catalogue) -> str:
    """docs/design.md: what each corpus annotates, trains and holds out for the report."""
    rows = []
    for corpus in corpora.values():
        training = [f"`{part.name}`: {_documents(corpus, part)}" for part in corpus.training]
        training += [f"`{part.name}`: {_documents(corpus, part)} (model selection)" for part in corpus.development]
        heldout = [f"`{part.name}`: {_documents(corpus, part)}; {_measure(corpus, part)}" for part in corpus.heldout]
        if corpus.name == HOME_CORPUS:
            heldout.insert(0, f"{HOME_SPLITS['test']} split: the headline score (`bioner evaluate`)")
        rows.append(
            [
                _name(corpus),
                f"`{corpus.name}`",
                _annotates(corpus),
                "; ".join(training) or "-",
                "; ".join(heldout) or "-",
            ]
        )
    return markdown_table(
        ["corpus", "`--corpus`", "annotates (learned as; source labels)", "trains on", "held out for the report"],
        rows,
    )


def local_copies(corpora: Catalogue) -> str:
    """README.md: the variables naming local copies, and what their folders hold."""
    rows = []
    for corpus in corpora.values():
        held = _code([split.filename for split in corpus.splits])
        downloads = _downloads(corpus)
        rows.append([f"`{corpus.env}`", f"`{corpus.name}`", held + (f", or {_code(downloads)}" if downloads else "")])
    for resource in RESOURCES.values():
        rows.append([f"`{resource.env}`", f"`{resource.name}`", f"{_code(resource.files)}: {resource.description}"])
    return markdown_table(["variable", "entry", "a folder holding"], rows)


def data_folders(corpora: Catalogue) -> str:
    """data/README.md: what `bioner data` puts under data/raw/, from where."""
    rows = []
    for corpus in corpora.values():
        downloads = _downloads(corpus)
        packed = f"{_code(downloads)} from " if downloads else ""
        via = f" ({corpus.via.name}'s copy)" if corpus.via else ""
        rows.append(
            [
                f"`raw/{corpus.name}/`",
                _code([split.filename for split in corpus.splits]),
                f"{packed}{_hosts(corpus.urls)}{via}",
                f"`{corpus.env}`",
            ]
        )
    for resource in RESOURCES.values():
        rows.append([f"`raw/{resource.name}/`", _code(resource.files), _hosts(resource.urls), f"`{resource.env}`"])
    return markdown_table(["folder", "files", "from", "local copy"], rows)


def data_choices(corpora: Catalogue) -> str:
    """docs/commands.md: `bioner data --corpus` choices."""
    rows = [[f"`{corpus.name}`", corpus.description, f"`{corpus.env}`", "yes"] for corpus in corpora.values()]
    rows += [
        [f"`{resource.name}`", resource.description, f"`{resource.env}`", _in_all(resource)]
        for resource in RESOURCES.values()
    ]
    return markdown_table(["`--corpus`", "what", "local copy", "in `--corpus all`"], rows)


def licences(corpora: Catalogue) -> str:
    """README.md: each corpus's reference and licence, and who redistributes the form fetched."""
    rows = []
    for corpus in corpora.values():
        source = corpus.source
        via = f"{corpus.via.name}'s PubTator copy ({corpus.via.author})" if corpus.via else "its publishers' release"
        if source is None:
            rows.append([f"`{corpus.name}`", "no citation in the catalogue", "unknown", via])
        else:
            rows.append([source.name, source.reference, source.licence, via])
    return markdown_table(["corpus", "reference", "licence", "fetched as"], rows)


def markdown_tables(corpora: Catalogue | None = None) -> dict[str, str]:
    """Every corpus table of the documentation, by region name (`bioner.doc_tables`)."""
    chosen = CORPORA if corpora is None else corpora
    return {
        "corpora-table:overview": overview(chosen),
        "corpora-table:local-copies": local_copies(chosen),
        "corpora-table:data": data_folders(chosen),
        "corpora-table:choices": data_choices(chosen),
        "corpora-table:licences": licences(chosen),
    }
