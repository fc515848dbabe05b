"""Building the linker's knowledge base: name -> MeSH id pairs, with counts.

Sources. The training corpora: every BC5CDR mention carries its MeSH id (a composite's parts,
BC5CDR's 7th column, give one name per id), NCBI disease its MeSH or OMIM id; the count of a
(label, name, id) is how often annotators chose it, which settles names shared by concepts.
MeSH (NLM's yearly `desc20XX.xml(.gz)`, `supp20XX.xml(.gz)`): every entry term of a descriptor in
the Diseases (C, F03) or Chemicals and Drugs (D) tree, and of a supplementary record mapped to
one (else of class 1 chemical or 3 disease). CTD's vocabularies (`CTD_diseases.tsv.gz`, MEDIC:
the names BC5CDR's disease annotators used, with OMIM diseases for NCBI disease). Vocabulary
names are flagged as listed (count 0 unless annotators used them). All are read through
`bioner.vocabularies`. The file (gzip-compressed JSON, `linker.read_kb`) also holds each
concept's kind and label, the ranker trained on the corpora's gold mentions (`learn`), and the
other names: those of MeSH descriptors outside the Chemical and Disease trees (organisms,
phenomena, anatomy, procedures: "Heredity", "Cacao", "Hepatitis B virus") that no concept of the
knowledge base is called, so the linker can tell a name that MeSH files elsewhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import vocabularies
from ..errors import BionerError
from ..formats import read_documents
from ..vocabularies import Concept, descriptor_label, read_ctd, read_mesh
from . import learn
from .gold import LABELS, corpus_entries, mention_ids  # noqa: F401  (re-exported)
from .linker import KB_FORMAT, KnowledgeBase, normalise, read_kb, write_kb  # noqa: F401  (re-exported)

SCR_CLASSES = {"1": "Chemical", "3": "Disease"}

Entry = tuple[str, str, str]
"""(label, name, identifier)"""


@dataclass
class KnowledgeBaseSummary:
    path: Path
    names: int
    concepts: dict[str, int]
    sources: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    """vocabulary id -> the corpora's id for the same concept (`corpus_aliases`)"""


def read_mesh_xml(path: str | Path) -> Iterator[Entry]:
    """(label, name, id) of every entry term of a Chemical or Disease record in a MeSH file
    (plain or gzipped): descriptors labelled by tree, supplementary records as in `mesh_concepts`."""
    for concept, label in mesh_concepts([path]):
        for name in concept.names:
            yield (label, name, concept.identifier)


def mesh_concepts(paths: Sequence[str | Path], others: set[str] | None = None) -> Iterator[tuple[Concept, str]]:
    """(concept, label) of every Chemical or Disease record of MeSH files.

    Descriptors are labelled by their trees (C, F03: Disease; D: Chemical); a supplementary
    record by the descriptors it is mapped to, else by its class (1 chemical, 3 disease).
    Descriptors come first in `mesh_files` order, so mapped-to labels are known when needed.
    The names of descriptors in other trees are added to `others` when it is given.
    """
    labels: dict[str, str] = {}
    for path in paths:
        for concept in read_mesh(path):
            if concept.source == "mesh-descriptor":
                label = descriptor_label(concept.tree_numbers)
                if label:
                    labels[concept.identifier] = label
                elif others is not None and concept.tree_numbers:
                    others.update(concept.names)
            else:
                mapped = [labels[d] for d in concept.mapped_to if d in labels]
                label = mapped[0] if mapped else SCR_CLASSES.get(concept.scr_class or "")
            if label:
                yield concept, label


def ctd_concepts(paths: Sequence[str | Path]) -> Iterator[tuple[Concept, str]]:
    for path in paths:
        for concept in read_ctd(path):
            yield concept, "Chemical" if concept.source == "ctd-chemical" else "Disease"


def _namespace(identifier: str) -> str:
    return identifier.split(":", 1)[0] if ":" in identifier else "MESH"


def corpus_aliases(
    counts: Mapping[Entry, int], listed: set[Entry], key: Callable[[str], str] = normalise
) -> dict[str, str]:
    """Vocabulary id -> the id the annotated corpora give the same concept, where theirs is not in the vocabulary.

    BC5CDR was annotated with MeSH 2015; MeSH has since made drugs such as olanzapine (C076029)
    descriptors with new ids (D000077152) and kept no trace of the old ones, so a linker answering
    in today's ids is scored wrong on every such mention. It should answer in the convention of
    the corpora it learned from: a corpus id that no vocabulary has takes over the vocabulary
    concept under which most of its mentions' names are listed. Not where the corpora also use
    that concept's own id (two conventions: NLM-Chem's atorvastatin is D000069059, BC5CDR's
    C065179), nor for names listed under several concepts; of two corpus ids claiming one
    concept, the one with more mentions; an id of another namespace (NCBI disease's OMIM ids) is
    not a renamed MeSH id. `key`: a name's exact-match key (`normalise`, or a table of its results).
    """
    vocabulary_ids = {identifier for _, _, identifier in listed}
    corpus_ids = {part for _, _, identifier in counts for part in identifier.split("|")}
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for label, name, identifier in listed:
        if identifier not in corpus_ids:
            by_name[(label, key(name))].add(identifier)
    votes: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for (label, name, identifier), n in counts.items():
        if identifier in vocabulary_ids or "|" in identifier or identifier == "-1":
            continue
        totals[identifier] += n
        matches = by_name.get((label, key(name)), set())
        if len(matches) == 1:
            votes[identifier][next(iter(matches))] += n
    claims: dict[str, tuple[int, str]] = {}
    for identifier, vote in sorted(votes.items()):
        target, n = vote.most_common(1)[0]
        if (
            _namespace(target) == _namespace(identifier)
            and 2 * n > totals[identifier]
            and n > claims.get(target, (0, ""))[0]
        ):
            claims[target] = (n, identifier)
    return {target: identifier for target, (_, identifier) in sorted(claims.items())}


KINDS = {"mesh-descriptor": "descriptor", "mesh-supplementary": "supplementary"}


def build_kb(
    corpora: Sequence[str | Path],
    output: str | Path,
    *,
    mesh_dir: str | Path | None = None,
    ctd_dir: str | Path | None = None,
    labels: Mapping[str, str] | None = None,
    train_ranker: bool = True,
) -> KnowledgeBaseSummary:
    """Read the annotated corpora (PubTator, BioC...), MeSH XML and CTD TSV; write the knowledge base.

    Corpus names carry how often annotators chose each id; vocabulary names are flagged as listed.
    Vocabulary concepts the corpora know by an id the vocabulary lacks take the corpora's id
    (`corpus_aliases`). With `train_ranker`, the linker's ranker is trained on the corpora's gold mentions (each
    document's own annotations left out of the counts it sees) and stored in the file.
    """
    counts: Counter = Counter()
    listed: set[Entry] = set()
    concepts: dict[str, tuple[str, str | None]] = {}
    sources: list[str] = []
    documents = []
    for corpus in corpora:
        docs = list(read_documents(corpus))
        counts.update(corpus_entries(docs, labels))
        documents.append(docs)
        sources.append(str(corpus))
    vocabulary: list[Iterator[tuple[Concept, str]]] = []
    others: set[str] = set()
    if mesh_dir is not None:
        files = vocabularies.mesh_files(mesh_dir, required=True)
        vocabulary.append(mesh_concepts(files, others))
        sources.extend(str(p) for p in files)
    if ctd_dir is not None:
        files = vocabularies.ctd_files(ctd_dir, required=("any",))
        vocabulary.append(ctd_concepts(files))
        sources.extend(str(p) for p in files)
    for concept, label in (pair for source in vocabulary for pair in source):
        kind = KINDS.get(concept.source, "ctd")
        previous = concepts.get(concept.identifier)
        if previous is None or (previous[0] == "ctd" and kind != "ctd"):
            concepts[concept.identifier] = (kind, label)
        for name in concept.names:
            listed.add((label, name, concept.identifier))
    if not counts and not listed:
        raise BionerError(
            "the knowledge base would be empty: give corpora whose mentions carry identifiers, MeSH XML or CTD TSV"
        )
    # Every name's exact-match key once (700k names: seconds per pass), for the aliases and the other names.
    keys = {name: normalise(name) for name in {n for _, n, _ in listed} | {n for _, n, _ in counts}}
    aliases = corpus_aliases(counts, listed, keys.__getitem__)
    for target, identifier in aliases.items():
        concepts[identifier] = concepts.pop(target)
    rows = {key: [n, 0] for key, n in counts.items()}
    for label, name, identifier in listed:
        rows.setdefault((label, name, aliases.get(identifier, identifier)), [0, 0])[1] = 1
    entries = [(label, name, identifier, n, flag) for (label, name, identifier), (n, flag) in rows.items()]
    named = {keys[name] for _, name, _, _, _ in entries}
    other_names = sorted({normalise(name) for name in others} - named - {""})
    kb = KnowledgeBase(entries, concepts, sources=sources, other_names=other_names)
    if train_ranker and documents:
        kb.ranker = learn.train_ranker(kb, [d for docs in documents for d in docs], labels=labels)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_kb(kb.entries, output, concepts=kb.concepts, ranker=kb.ranker, sources=sources, other_names=other_names)
    per_label: dict[str, set[str]] = {}
    for label, _, identifier, _, _ in entries:
        per_label.setdefault(label, set()).add(identifier)
    return KnowledgeBaseSummary(
        output, len(entries), {k: len(v) for k, v in sorted(per_label.items())}, sources, aliases
    )
