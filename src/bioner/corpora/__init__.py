"""Every corpus, text and vocabulary bioner uses: described once (`catalogue`), fetched here.

`fetch_entry(name, folder)` puts one catalogue entry in place, verified (`bioner data --corpus NAME`);
`names_for_all()` is what `bioner data --corpus all` fetches (what `make train` uses). The
fetchers: `fetch` (annotated PubTator corpora), `text` (unlabelled text), `vocab` (MeSH, CTD) and
`bioner.pubmed_baseline` (PubMed baseline files); `bioner.download` holds what they share.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..download import CorpusInfo
from ..errors import BionerError
from ..pubmed_baseline import fetch_pubmed_baseline
from .catalogue import CORPORA, RESOURCES, Catalogue, Corpus, Expected, Part, Resource, Split
from .fetch import fetch_catalogue_corpus, fetch_corpus
from .text import fetch_pretrain_text, fetch_pubmed_text
from .vocab import fetch_ctd, fetch_mesh

__all__ = [
    "CORPORA",
    "RESOURCES",
    "Corpus",
    "CorpusInfo",
    "Expected",
    "Part",
    "Resource",
    "Split",
    "fetch_catalogue_corpus",
    "fetch_entry",
    "fetch_corpus",
    "fetch_pretrain_text",
    "fetch_pubmed_text",
    "names_for_all",
]


def fetch_entry(
    name: str, destination: Path, *, files: int | None = None, corpora: Catalogue | None = None
) -> CorpusInfo:
    """Put catalogue entry `name` (of `corpora`, default `CORPORA`, or a text or vocabulary) in
    `destination`, verified. `files`: PubMed baseline files (for `pubmed`, default 1, and for the
    PubMed abstracts that stand in for unlabelled text)."""
    destination = Path(destination)
    corpora = CORPORA if corpora is None else corpora
    if name in corpora:
        return fetch_catalogue_corpus(corpora[name], destination)
    if name == "pretrain":
        return fetch_pretrain_text(destination, files=files)
    if name == "pubmed-text":
        return fetch_pubmed_text(destination, files=files)
    if name == "mesh":
        return fetch_mesh(destination)
    if name == "ctd":
        return fetch_ctd(destination)
    if name == "pubmed":
        return fetch_pubmed_baseline(destination, files=files or 1)
    raise BionerError(f"no corpus {name!r}; known: {', '.join([*corpora, *RESOURCES])}")


def names_for_all(corpora: Catalogue | None = None) -> list[str]:
    """The entries `bioner data --corpus all` fetches: every annotated corpus (of `corpora`,
    default `CORPORA`), and each text or vocabulary whose `in_all` allows it (`local`: only when
    its local-copy variable is set). Corpora come first: the texts leave their PMIDs out."""
    chosen = list(CORPORA if corpora is None else corpora)
    for resource in RESOURCES.values():
        if resource.in_all == "always" or (resource.in_all == "local" and os.environ.get(resource.env, "").strip()):
            chosen.append(resource.name)
    return chosen
