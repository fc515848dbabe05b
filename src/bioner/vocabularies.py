"""Readers of the controlled vocabularies: NLM's MeSH XML and CTD's vocabulary TSV files.

One reader for everything that needs concept names: the linker's knowledge base (`linking.kb`)
and the tagger's lexicon feature. Both formats come plain or gzip-compressed (NLM and CTD
distribute `.gz`), are streamed (NLM's supplementary file is ~600 MB unpacked), and yield the same
`Concept` records, so a caller never cares which file a name came from. A file that is not what
it claims to be is a `BionerError` naming it (and, for TSV, the line): never a parser traceback.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from .errors import BionerError

MESH_FILE = re.compile(r"^(desc|supp)(\d{4})\.xml(\.gz)?$")
RECORD_TAGS = ("DescriptorRecord", "SupplementalRecord")
CTD_FILE = re.compile(r"^CTD_(diseases|chemicals)\.tsv(\.gz)?$")
CTD_COLUMNS = {
    "diseases": ("DiseaseName", "DiseaseID", "AltDiseaseIDs", "TreeNumbers", "Synonyms"),
    "chemicals": ("ChemicalName", "ChemicalID", "", "TreeNumbers", "Synonyms"),
}
"""Per CTD file kind: the name, id, alternative-id, tree-number and synonym columns ("" = none)."""
CTD_LAYOUT = {
    "diseases": [
        "DiseaseName",
        "DiseaseID",
        "AltDiseaseIDs",
        "Definition",
        "ParentIDs",
        "TreeNumbers",
        "ParentTreeNumbers",
        "Synonyms",
    ],
    "chemicals": [
        "ChemicalName",
        "ChemicalID",
        "CasRN",
        "Definition",
        "ParentIDs",
        "TreeNumbers",
        "ParentTreeNumbers",
        "Synonyms",
    ],
}
"""CTD's column order, used when a file lacks its `# Fields:` header."""


@dataclass(frozen=True)
class Concept:
    """One vocabulary record: an identifier and every name it is known by."""

    identifier: str
    """MeSH `D008094` / `C076029` (no `MESH:` prefix), or another vocabulary's id (`OMIM:608089`)."""
    name: str
    synonyms: tuple[str, ...]
    source: str
    """`mesh-descriptor`, `mesh-supplementary`, `ctd-disease` or `ctd-chemical`."""
    tree_numbers: tuple[str, ...] = ()
    mapped_to: tuple[str, ...] = ()
    """Supplementary record: the descriptors it is mapped to; CTD: the alternative ids."""
    scr_class: str | None = None
    """Supplementary record class: "1" chemical, "2" protocol, "3" disease, "4" organism."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


def descriptor_label(tree_numbers: Iterable[str]) -> str | None:
    """The entity type of a MeSH tree position: Diseases (C) and mental disorders (F03), Chemicals (D)."""
    trees = list(tree_numbers)
    if any(t.startswith("C") or t.startswith("F03") for t in trees):
        return "Disease"
    if any(t.startswith("D") for t in trees):
        return "Chemical"
    return None


def strip_mesh_prefix(identifier: str) -> str:
    identifier = identifier.strip()
    return identifier[5:] if identifier.upper().startswith("MESH:") else identifier


def _open_binary(path: Path) -> IO[bytes]:
    """The file's bytes, gunzipped when it is gzip (by its magic number, whatever its name)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  (returned to the caller, closed there)
    except OSError as error:
        raise BionerError(f"{path}: cannot read ({error.strerror})") from None
    if handle.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def _unique(names: Iterable[str], skip: str = "") -> tuple[str, ...]:
    seen = {skip} if skip else set()
    result = []
    for name in names:
        name = name.strip()
        if name and name not in seen:
            seen.add(name)
            result.append(name)
    return tuple(result)


def _terms(record: etree._Element) -> list[str]:
    return [term.text or "" for term in record.iterfind(".//Term/String")]


def _mesh_concept(element: etree._Element) -> Concept | None:
    if element.tag == "DescriptorRecord":
        identifier = element.findtext("DescriptorUI", "").strip()
        name = (element.findtext("DescriptorName/String") or "").strip()
        trees = tuple(
            t.text.strip() for t in element.iterfind("TreeNumberList/TreeNumber") if t.text and t.text.strip()
        )
        source, mapped, scr_class = "mesh-descriptor", (), None
    else:
        identifier = element.findtext("SupplementalRecordUI", "").strip()
        name = (element.findtext("SupplementalRecordName/String") or "").strip()
        trees = ()
        mapped = tuple(
            ui.text.strip().lstrip("*")
            for ui in element.iterfind("HeadingMappedToList/HeadingMappedTo/DescriptorReferredTo/DescriptorUI")
            if ui.text and ui.text.strip()
        )
        source, scr_class = "mesh-supplementary", element.get("SCRClass")
    if not identifier:
        return None
    names = _unique([name, *_terms(element)])
    if not names:
        return None
    return Concept(identifier, names[0], names[1:], source, trees, mapped, scr_class)


def read_mesh(path: str | Path) -> Iterator[Concept]:
    """Every descriptor or supplementary record of a MeSH XML file (`desc2024.xml[.gz]`, `supp2024...`).

    Streamed with lxml's `iterparse` (six times faster than the standard library's here), each
    record and its finished siblings dropped once read, so memory stays flat.
    """
    path = Path(path)
    handle = _open_binary(path)
    records = 0
    try:
        with handle:
            for _, element in etree.iterparse(handle, events=("end",), tag=RECORD_TAGS, resolve_entities=False):
                concept = _mesh_concept(element)
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if concept is not None:
                    records += 1
                    yield concept
    except etree.XMLSyntaxError as error:
        raise BionerError(f"{path}: not well-formed MeSH XML ({error})") from None
    except (OSError, EOFError, zlib.error) as error:
        raise BionerError(f"{path}: cannot read (truncated or corrupt file: {error})") from None
    if records == 0:
        raise BionerError(f"{path}: holds no MeSH DescriptorRecord or SupplementalRecord (is it MeSH XML?)")


def _ctd_kind(path: Path, header: list[str] | None) -> str:
    if header:
        for kind, columns in CTD_COLUMNS.items():
            if header[:2] == list(columns[:2]):
                return kind
    match = CTD_FILE.match(path.name)
    if match:
        return match.group(1)
    raise BionerError(
        f"{path}: not a CTD vocabulary file (expected the columns DiseaseName, DiseaseID, ... or "
        "ChemicalName, ChemicalID, ... as in CTD_diseases.tsv.gz / CTD_chemicals.tsv.gz)"
    )


def _columns(fields: list[str], positions: dict[str, int]):
    def column(name: str) -> str:
        index = positions.get(name, len(fields))
        return fields[index].strip() if index < len(fields) else ""

    return column


def read_ctd(path: str | Path) -> Iterator[Concept]:
    """Every row of a CTD vocabulary (`CTD_diseases.tsv[.gz]`, `CTD_chemicals.tsv[.gz]`).

    CTD heads the file with `#` comment lines, one of which (after `# Fields:`) names the columns;
    without it the file name tells the layout. Ids keep CTD's `MESH:` prefix off; `OMIM:` stays.
    """
    path = Path(path)
    handle = _open_binary(path)
    rows = 0
    try:
        with handle, io.TextIOWrapper(handle, encoding="utf-8", newline="") as text:
            header: list[str] | None = None
            expect_header = False
            kind: str | None = None
            for number, line in enumerate(text, start=1):
                line = line.rstrip("\r\n")
                if line.startswith("#"):
                    body = line[1:].strip()
                    if expect_header and body:
                        header = body.split("\t")
                        expect_header = False
                    elif body == "Fields:":
                        expect_header = True
                    continue
                if not line.strip():
                    continue
                if kind is None:
                    kind = _ctd_kind(path, header)
                    columns = CTD_COLUMNS[kind]
                    layout = header if header and columns[0] in header else CTD_LAYOUT[kind]
                    positions = {c: layout.index(c) for c in columns if c in layout}
                fields = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
                needed = max(positions[columns[0]], positions[columns[1]]) + 1
                if len(fields) < needed:
                    raise BionerError(
                        f"{path}:{number}: {len(fields)} tab-separated field(s), expected at least {needed} "
                        f"({columns[0]}, {columns[1]}, ...)"
                    )
                column = _columns(fields, positions)
                identifier = strip_mesh_prefix(column(columns[1]))
                name = column(columns[0])
                if not identifier or not name:
                    raise BionerError(f"{path}:{number}: empty {columns[0] if not name else columns[1]}")
                synonyms = _unique(column(columns[4]).split("|"), skip=name)
                trees = tuple(t for t in column(columns[3]).split("|") if t)
                alternatives = tuple(strip_mesh_prefix(a) for a in column(columns[2]).split("|") if a.strip())
                rows += 1
                yield Concept(identifier, name, synonyms, f"ctd-{kind[:-1]}", trees, alternatives)
    except UnicodeDecodeError as error:
        raise BionerError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except (OSError, EOFError, zlib.error) as error:
        raise BionerError(f"{path}: cannot read (truncated or corrupt file: {error})") from None
    if rows == 0:
        raise BionerError(f"{path}: holds no CTD vocabulary row")


def mesh_files(folder: str | Path, *, required: bool = False) -> list[Path]:
    """The newest descriptor and supplementary file of a folder (plain or .gz); with `required`,
    a folder without any is an error that says how to fetch them."""
    folder = _folder(folder)
    found: dict[str, tuple[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        match = MESH_FILE.match(path.name)
        if match and (match.group(1) not in found or match.group(2) >= found[match.group(1)][0]):
            found[match.group(1)] = (match.group(2), path)
    if required and not found:
        raise BionerError(
            f"{folder}: holds no desc20XX.xml[.gz] or supp20XX.xml[.gz] (fetch them with `bioner data --corpus mesh`)"
        )
    return [found[kind][1] for kind in sorted(found)]


def ctd_files(folder: str | Path, *, required: Sequence[str] = ()) -> list[Path]:
    """The CTD vocabulary files of a folder (`CTD_diseases.tsv[.gz]`, `CTD_chemicals.tsv[.gz]`);
    `required` kinds ("diseases", "chemicals") missing from it are an error, and so is an empty
    folder when `required` is `("any",)`."""
    folder = _folder(folder)
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        match = CTD_FILE.match(path.name)
        if match:
            found.setdefault(match.group(1), path)
    missing = [kind for kind in required if kind != "any" and kind not in found]
    if missing or ("any" in required and not found):
        names = " or ".join(f"CTD_{kind}.tsv[.gz]" for kind in (missing or ("diseases", "chemicals")))
        raise BionerError(f"{folder}: holds no {names} (fetch them with `bioner data --corpus ctd`)")
    return [found[kind] for kind in sorted(found)]


def _folder(folder: str | Path) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise BionerError(f"{folder}: no such folder of vocabulary files")
    return folder


def read_vocabulary_folder(folder: str | Path) -> Iterator[Concept]:
    """Every concept of every MeSH XML and CTD TSV file a folder holds."""
    paths = [*mesh_files(folder), *ctd_files(folder)]
    if not paths:
        raise BionerError(
            f"{folder}: holds no desc20XX.xml[.gz], supp20XX.xml[.gz] or CTD_*.tsv[.gz] "
            "(fetch them with `bioner data --corpus mesh` / `--corpus ctd`)"
        )
    for path in paths:
        if MESH_FILE.match(path.name):
            yield from read_mesh(path)
        else:
            yield from read_ctd(path)
