"""Building the linker's knowledge base: name -> MeSH id pairs, with counts.

Two sources. The training corpora: every BC5CDR mention carries its MeSH id (a composite's parts,
BC5CDR's 7th column, give one name per id), NCBI disease its MeSH or OMIM id; the count of a
(label, name, id) is how often annotators chose it, which settles names shared by concepts. And
MeSH itself, for users with NLM's yearly XML files (`desc20XX.xml`, `supp20XX.xml`): every entry
term of a descriptor in the Diseases (C, F03) or Chemicals and Drugs (D) tree, and of a
supplementary concept record of class 1 (chemical) or 3 (disease), with count 1. The file is
gzip-compressed JSON read by `bioner.linking.linker.read_kb`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document
from ..errors import BionerError
from .linker import KB_FORMAT, read_kb, write_kb  # noqa: F401  (re-exported)

NCBI_LABELS = {
    "SpecificDisease": "Disease",
    "DiseaseClass": "Disease",
    "Modifier": "Disease",
    "CompositeMention": "Disease",
}
"""NCBI disease's labels, all diseases; BC5CDR's Chemical and Disease map to themselves."""
LABELS = ("Chemical", "Disease")
MESH_COUNT = 1
"""Count given to a MeSH entry term: below any name annotators used twice."""
SCR_CLASSES = {"1": "Chemical", "3": "Disease"}

Entry = tuple[str, str, str]
"""(label, name, identifier)"""


@dataclass
class KnowledgeBaseSummary:
    path: Path
    names: int
    concepts: dict[str, int]
    sources: list[str] = field(default_factory=list)


def _identifier(raw: str) -> str:
    raw = raw.strip()
    return raw[5:] if raw.upper().startswith("MESH:") else raw


def corpus_entries(documents: Iterable[Document], labels: Mapping[str, str] | None = None) -> Counter:
    """Counts of (label, name, id) over annotated documents; mentions without an id are skipped.

    A composite mention gives its whole text with the joined ids and, when its parts are listed
    (one per id), each part with its own id.
    """
    mapping = {**NCBI_LABELS, **{label: label for label in LABELS}, **(labels or {})}
    counts: Counter = Counter()
    for document in documents:
        for mention in document.mentions:
            label = mapping.get(mention.label)
            # NLM-Chem joins several ids with commas where BC5CDR uses `|`.
            ids = [_identifier(i) for raw in mention.identifiers for i in raw.split(",") if i.strip()]
            if label is None or not ids:
                continue
            counts[(label, mention.text, "|".join(ids))] += 1
            if len(ids) > 1 and len(mention.parts) == len(ids):
                for part, identifier in zip(mention.parts, ids, strict=True):
                    counts[(label, part, identifier)] += 1
    return counts


def _descriptor_label(tree_numbers: Sequence[str]) -> str | None:
    if any(t.startswith("C") or t.startswith("F03") for t in tree_numbers):
        return "Disease"
    if any(t.startswith("D") for t in tree_numbers):
        return "Chemical"
    return None


def _terms(record) -> list[str]:
    return [term.findtext("String", "").strip() for term in record.iter("Term") if term.findtext("String")]


def read_mesh_xml(path: str | Path) -> Iterator[Entry]:
    """(label, name, id) of every entry term in a MeSH descriptor or supplementary-record file.

    Streams with `iterparse` (the descriptor file is ~300 MB). Descriptors are labelled by their
    tree numbers, supplementary records by their class; records of neither label are skipped.
    """
    from xml.etree.ElementTree import ParseError, iterparse

    path = Path(path)
    try:
        for _, element in iterparse(path, events=("end",)):
            if element.tag == "DescriptorRecord":
                label = _descriptor_label([t.text or "" for t in element.iter("TreeNumber")])
                ui = element.findtext("DescriptorUI", "").strip()
            elif element.tag == "SupplementalRecord":
                label = SCR_CLASSES.get(element.get("SCRClass", ""))
                ui = element.findtext("SupplementalRecordUI", "").strip()
            else:
                continue
            if label and ui:
                for name in dict.fromkeys(_terms(element)):
                    yield (label, name, ui)
            element.clear()
    except ParseError as error:
        raise BionerError(f"{path}: not well-formed MeSH XML ({error})") from None
    except OSError as error:
        raise BionerError(f"{path}: cannot read ({error.strerror})") from None


MESH_FILES = re.compile(r"^(desc|supp)\d{4}\.xml(\.gz)?$")


def mesh_files(folder: str | Path) -> list[Path]:
    """The descriptor and supplementary files in a folder (newest year of each kind)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BionerError(f"{folder}: no such folder of MeSH XML files (desc20XX.xml, supp20XX.xml)")
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        match = MESH_FILES.match(path.name)
        if match:
            found[match.group(1)] = path  # sorted: the newest year wins
    if not found:
        raise BionerError(
            f"{folder}: holds no desc20XX.xml or supp20XX.xml (fetch them with `bioner data --corpus mesh`)"
        )
    return [found[kind] for kind in sorted(found)]


def _open_mesh(path: Path):
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return path


def build_kb(
    corpora: Sequence[str | Path],
    output: str | Path,
    *,
    mesh_dir: str | Path | None = None,
    labels: Mapping[str, str] | None = None,
) -> KnowledgeBaseSummary:
    """Read the annotated corpora (PubTator, BioC...) and MeSH XML, write the knowledge base file."""
    from ..evaluation import read_input

    counts: Counter = Counter()
    sources: list[str] = []
    for corpus in corpora:
        counts.update(corpus_entries(read_input(corpus), labels))
        sources.append(str(corpus))
    if mesh_dir is not None:
        for path in mesh_files(mesh_dir):
            for entry in read_mesh_xml(_open_mesh(path)):
                counts[entry] += MESH_COUNT
            sources.append(str(path))
    if not counts:
        raise BionerError(
            "the knowledge base would be empty: give corpora whose mentions carry identifiers, or MeSH XML"
        )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    write_kb(
        ((label, name, identifier, n) for (label, name, identifier), n in counts.items()), partial, sources=sources
    )
    partial.replace(output)
    concepts: dict[str, set[str]] = {}
    for label, _, identifier in counts:
        concepts.setdefault(label, set()).add(identifier)
    return KnowledgeBaseSummary(output, len(counts), {k: len(v) for k, v in sorted(concepts.items())}, sources)
