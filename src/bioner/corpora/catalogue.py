"""The corpus catalogue: every corpus, text and vocabulary bioner uses, described once.

An annotated corpus (`Corpus`) says where it comes from (addresses, how each file is packed:
a zip, a plain file or a gzipped file, the environment variable naming a local copy), its files
and splits with their known counts, how its labels map to the model's, which parts train the
model and which are held out for the cross-corpus report (and how: F1 or a confusion rate; a
corpus without a test split holds out documents by a `HoldOut` rule), which splits are
evaluation sets (their documents are kept out of the vectors' text) and which feed the linker's
knowledge base, and its citation and licence (`Citation`). Unlabelled text and vocabularies are
`Resource`s.

Everything else is derived from here: `bioner data`'s choices, `bioner.multicorpus.default_parts`,
`bioner.evaluation.cross_corpus.heldout_parts`, the PMIDs left out of PubMed text
(`evaluation_files`), the label map of `bioner kb` (`linked_labels`), the model card's citations
(`bioner.model_card`), the Makefile's file names (`make_vars`, through `bioner corpora
--make-vars`) and the documentation's corpus tables (`bioner.corpora.tables`, through `bioner
corpora --markdown`). Adding a PubTator corpus is one `Corpus` entry below, plus its tests, plus
`python scripts/doc_tables.py` to rewrite the documentation's tables.

Every function that derives a list takes the catalogue (`corpora`, default `CORPORA`) so that a
caller or a test can pass another one; none keeps a copy at import time.

This module holds data only (no I/O; the PubMed baseline's address is its fetcher's): the
fetching code is `bioner.corpora.fetch` (annotated corpora), `bioner.corpora.text` and
`bioner.corpora.vocab`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..pubmed_baseline import PUBMED_BASELINE_URL, PUBMED_ENV


class Expected(NamedTuple):
    """Known size of one split; `None` where the count is not checked."""

    documents: int | None
    mentions: int | None = None


FETCH_KINDS = ("archive", "file", "gzip")
"""How a split is published: in a zip (`archive`), as the file itself (`file`), or gzipped (`gzip`)."""
OUTPUT_LABELS: tuple[str, ...] = ("Chemical", "Disease")
"""What the pipeline reports and links; other labels are learned as 'somewhere else to go' and dropped."""
MEASURES = ("f1", "confusion")
"""How a held-out part is reported: F1 on the labels it annotates, or the share of its mentions
(of one label the pipeline does not output) that a Chemical or Disease prediction overlaps."""


@dataclass(frozen=True)
class Split:
    name: str
    filename: str
    """Name of the file in the destination (and in a local copy)."""
    archive: str
    """What is downloaded: the zip the split is in (`fetch` "archive"), the file itself ("file"),
    or the gzipped file ("gzip", usually `filename` + ".gz")."""
    member: str
    """Path of the file inside that zip (for "file" and "gzip": `filename`)."""
    optional_locally: bool = False
    """A local copy may lack this split (it is then reported as not in place)."""
    evaluation: bool = False
    """An evaluation set: its documents (by PMID) are kept out of the vectors' PubMed text."""
    kb: bool = False
    """Its mentions' identifiers feed the linker's knowledge base (`make kb`)."""
    fetch: str = "archive"
    """One of `FETCH_KINDS`."""

    def __post_init__(self) -> None:
        if self.fetch not in FETCH_KINDS:
            raise ValueError(f"split {self.name}: fetch is one of {', '.join(FETCH_KINDS)}, not {self.fetch!r}")


WHOLE_ID = r"(.+)"
"""A `HoldOut` key that is the whole document id: every Nth document."""


@dataclass(frozen=True)
class HoldOut:
    """A held-out share of a corpus that has no test split of its own: every `every`-th group of
    documents, groups in sorted order of their key, is held out; the rest trains. The key is
    the first group of `key` matched at the start of a document id (NLM-Chem's passages `PMID-N`:
    the PMID, so that no article has passages on both sides); an id it does not match is its own
    key. Sorting and counting make the split the same on every machine, with no seed."""

    every: int
    key: str = WHOLE_ID
    """A regular expression with one group, matched at the start of each document id."""
    unit: str = "document (by id)"
    """What a group is, for the tables: `every fifth article (by PMID)`."""

    def __post_init__(self) -> None:
        if self.every < 2:
            raise ValueError(f"a held-out rule holds out every Nth group with N >= 2, not {self.every}")
        if re.compile(self.key).groups != 1:
            raise ValueError(f"a held-out rule's key pattern has exactly one group: {self.key!r}")

    def key_of(self, document_id: str) -> str:
        match = re.match(self.key, document_id)
        return match.group(1) if match else document_id

    def split(self, ids: Iterable[str]) -> tuple[set[str], set[str]]:
        """The keys that train and the keys held out."""
        keys = sorted({self.key_of(doc_id) for doc_id in ids})
        heldout = {key for i, key in enumerate(keys) if i % self.every == self.every - 1}
        return set(keys) - heldout, heldout

    def describe(self) -> str:
        """`every fifth article (by PMID)`, for the tables."""
        return f"every {_ordinal(self.every)} {self.unit}"


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth", 10: "tenth"}.get(n, f"{n}th")


@dataclass(frozen=True)
class Citation:
    """How a corpus (or its redistributor) is cited, and under which terms it is used."""

    name: str
    """Short name, as the model card, its description and the tables print it."""
    title: str
    author: str
    """Short author-year, as spaCy's meta.json `sources` holds it."""
    url: str
    what: str
    """One clause: the text and the annotation."""
    reference: str
    """The full reference."""
    licence: str = ""

    def to_meta(self) -> dict[str, str]:
        """spaCy's meta.json `sources` entry."""
        return {"name": self.title, "author": self.author, "url": self.url}


@dataclass(frozen=True)
class Part:
    """A role one split (or a share of its documents) plays: training, development or held out."""

    name: str
    """Name in reports and in `bioner multi-corpus --parts` (`bc5cdr-train`)."""
    split: str
    documents: str = "all"
    """`all`, or `train` / `heldout`: the two sides of the corpus's `holdout` rule (NLM-Chem)."""
    annotates: tuple[str, ...] | None = None
    """Model labels scored or learned from this part; default: the corpus's `annotates`. A held-out
    part may name fewer (tmVar3 test: the Variant mentions alone give the confusion rate)."""
    measure: str | None = None
    """A held-out part's role in the cross-corpus report, one of `MEASURES`; default: `confusion`
    for a part of one label the pipeline does not output, else `f1`."""


@dataclass(frozen=True)
class Corpus:
    """One annotated corpus in PubTator form: where it comes from, how it is checked and used."""

    name: str
    env: str
    """Environment variable naming a local copy (a folder of the files or the zip)."""
    splits: tuple[Split, ...]
    urls: tuple[str, ...]
    """Addresses of the archive, tried in order; with `per_archive`, base addresses to which each
    split's archive name is joined."""
    per_archive: bool = False
    expected: Mapping[str, Expected] = field(default_factory=dict)
    """Known counts per split; a split left out is only checked to parse."""
    lenient: bool = False
    """Read with `lenient=True`: a malformed mention line is skipped (and noted), not fatal."""
    repeats_allowed: bool = False
    """A document block repeated verbatim is tolerated (counted, parsed once)."""
    timeout: float = 60.0
    annotates: tuple[str, ...] = ()
    """Model labels this corpus annotates exhaustively; the others are masked where they occur
    (`bioner.multicorpus`). A source label that maps to a model label not listed here (tmVar3's
    Disease) is counted as filtered, not learned."""
    label_map: Mapping[str, str] = field(default_factory=dict)
    """Source label to model label; a label neither mapped nor a model label is filtered."""
    residue_chemicals: bool = False
    """Annotates amino-acid residues inside protein-variant names ("Gly" in "Gly104Cys") as
    Chemical, which BC5CDR and tmVar do not; training reads them as tmVar does
    (`bioner.variant_names`)."""
    training: tuple[Part, ...] = ()
    development: tuple[Part, ...] = ()
    heldout: tuple[Part, ...] = ()
    """Parts of the cross-corpus report (`make evaluate`)."""
    description: str = ""
    holdout: HoldOut | None = None
    """How parts with `documents` `train` / `heldout` divide the corpus (NLM-Chem: by article)."""
    articles: bool = False
    """Its documents are passages of longer articles (grouped by `holdout`'s key): a held-out part
    is tagged article by article, as a user tags a paper (NLM-Chem)."""
    source: Citation | None = None
    """Its citation and licence: the model card, the README's licence table."""
    pmid: str = r"(\d+)"
    """Where a document id holds its PMID: group 1 of this pattern matched at the id's start
    (`12345` and NLM-Chem's `12345-3`); the PMIDs of evaluation sets are kept out of the vectors'
    PubMed text. An id it does not match has no PMID."""
    via: Citation | None = None
    """Who redistributes the form fetched here, cited beside it (AIONER's PubTator copies)."""

    def urls_for(self, archive: str, urls: Sequence[str]) -> list[str]:
        """Addresses of one download: with `per_archive`, or for a plain or gzipped file, each
        base address joined with its name (an address already ending in it is kept)."""
        joined = self.per_archive or any(s.archive == archive and s.fetch != "archive" for s in self.splits)
        return [_join_url(base, archive) for base in urls] if joined else list(urls)

    def split(self, name: str) -> Split:
        return next(split for split in self.splits if split.name == name)

    def part_labels(self, part: Part) -> tuple[str, ...]:
        return self.annotates if part.annotates is None else part.annotates

    def part_measure(self, part: Part) -> str:
        return part.measure or default_measure(self.part_labels(part))

    def file_stems(self) -> tuple[str, ...]:
        """Lower-case stems of its files (`cdr_trainingset`): a converted file named after one
        comes from this corpus (the model card's sources)."""
        return tuple(split.filename.split(".")[0].lower() for split in self.splits)

    def __post_init__(self) -> None:
        parts = (*self.training, *self.development, *self.heldout)
        for part in parts:
            if part.split not in {split.name for split in self.splits}:
                raise ValueError(f"corpus {self.name}: part {part.name} names no split of it ({part.split})")
            if part.documents != "all" and self.holdout is None:
                raise ValueError(
                    f"corpus {self.name}: part {part.name} takes {part.documents!r} documents, but the corpus has no holdout rule"
                )
            if part.measure not in (None, *MEASURES):
                raise ValueError(f"corpus {self.name}: part {part.name}'s measure is one of {', '.join(MEASURES)}")
            if self.part_measure(part) == "confusion" and len(self.part_labels(part)) != 1:
                raise ValueError(f"corpus {self.name}: a confusion-rate part ({part.name}) annotates one label")


def default_measure(labels: Sequence[str]) -> str:
    """`confusion` for one label the pipeline does not output (Gene, Variant, Species), else `f1`."""
    return "confusion" if len(labels) == 1 and labels[0] not in OUTPUT_LABELS else "f1"


@dataclass(frozen=True)
class Resource:
    """Unlabelled text or a vocabulary: fetched by `bioner data`, not converted."""

    name: str
    env: str
    """Environment variable naming a local copy (a folder)."""
    urls: tuple[str, ...]
    files: tuple[str, ...]
    """Names (glob patterns) of the files it puts in place."""
    in_all: str
    """When `bioner data --corpus all` fetches it: `always`, `local` (only when `env` is set: a
    download too large to be the default) or `never`."""
    description: str = ""


def _join_url(base: str, name: str) -> str:
    return base if base.endswith(name) else base.rstrip("/") + "/" + name


def _splits(
    archive: str | None, folder: str, files: Sequence[tuple[str, str]], *, fetch: str = "archive", **flags: set[str]
) -> tuple[Split, ...]:
    """Splits of files in one zip (`archive`), or each in a zip of its own name (`archive` None);
    with `fetch` "file" or "gzip", each file is published as itself (or as itself + ".gz").
    `flags` names, per `Split` flag (`evaluation`, `kb`, `optional_locally`), the splits that have it."""

    def download_name(filename: str) -> str:
        if fetch == "file":
            return filename
        if fetch == "gzip":
            return filename + ".gz"
        return archive or filename.rsplit(".", 1)[0] + ".zip"

    return tuple(
        Split(
            split,
            filename,
            download_name(filename),
            filename if fetch != "archive" else folder + filename,
            fetch=fetch,
            **{flag: split in names for flag, names in flags.items()},
        )
        for split, filename in files
    )


BC5CDR_URLS: tuple[str, ...] = (
    "https://github.com/JHnlp/BioCreative-V-CDR-Corpus/raw/master/CDR_Data.zip",
    "https://biocreative.bioinformatics.udel.edu/media/store/files/2016/CDR_Data.zip",
)
NCBI_DISEASE_URLS: tuple[str, ...] = ("https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/",)
"""Base addresses: each split's zip (`NCBItrainset_corpus.zip`, ...) is fetched from under one."""
# AIONER (Luo et al. 2023) redistributes corpora that annotate some types only in PubTator form, in
# one zip holding every file (`bioner.multicorpus` masks the types they leave out). Their counts
# are not checked: copies differ in which documents overlapping other corpora's test sets they keep.
AIONER_URLS: tuple[str, ...] = ("https://ftp.ncbi.nlm.nih.gov/pub/lu/AIONER/AIONER.zip",)
_AIONER = "AIONER.zip"

AIONER = Citation(
    "AIONER",
    "AIONER's PubTator copies of corpora that annotate some types",
    "Luo et al. 2023",
    "https://ftp.ncbi.nlm.nih.gov/pub/lu/AIONER/",
    "the PubTator form of GNormPlus, NLM-Gene, NLM-Chem, tmVar 3 and S800 that `bioner data` fetches",
    "Luo L, Wei CH, Lai PT, Leaman R, Chen Q, Lu Z. AIONER: all-in-one scheme-based biomedical named entity "
    "recognition using deep learning. Bioinformatics. 2023;39(5):btad310. doi:10.1093/bioinformatics/btad310",
)
NCBI_PUBLIC = "public (NCBI)"

BC5CDR_ENV = "BC5CDR_DIR"
NCBI_DISEASE_ENV = "NCBI_DISEASE_DIR"

BC5CDR_EXPECTED: Mapping[str, Expected] = {
    "train": Expected(500, 9385),
    "development": Expected(500, 9591),
    "test": Expected(500, 9809),
}
NCBI_DISEASE_EXPECTED: Mapping[str, Expected] = {
    # Dogan et al. 2014: 593 / 100 / 100 abstracts. The training file repeats one abstract
    # (PMID 8528200) verbatim; the 593 counts it twice, as the corpus paper does.
    "train": Expected(593),
    "development": Expected(100),
    "test": Expected(100),
}

NCBI_LABEL_MAP: Mapping[str, str] = {
    "SpecificDisease": "Disease",
    "DiseaseClass": "Disease",
    "Modifier": "Disease",
    "CompositeMention": "Disease",
}
GENE_LABEL_MAP: Mapping[str, str] = {"Gene": "Gene", "FamilyName": "Gene", "DomainMotif": "Gene"}
VARIANT_LABEL_MAP: Mapping[str, str] = {
    # tmVar 3's sequence-variant types, all learned as one `Variant`; CellLine is not learned.
    "DNAMutation": "Variant",
    "ProteinMutation": "Variant",
    "SNP": "Variant",
    "DNAAllele": "Variant",
    "ProteinAllele": "Variant",
    "AcidChange": "Variant",
    "OtherMutation": "Variant",
}

HOME_CORPUS = "bc5cdr"
"""The corpus the model is named after: its train/development/test files are `make corpus`'s
`train.spacy` / `dev.spacy` / `test.spacy`, its test set `make evaluate`'s headline."""
HOME_SPLITS: Mapping[str, str] = {"train": "train", "dev": "development", "test": "test"}

CORPORA: dict[str, Corpus] = {
    corpus.name: corpus
    for corpus in (
        Corpus(
            "bc5cdr",
            BC5CDR_ENV,
            _splits(
                "CDR_Data.zip",
                "CDR_Data/CDR.Corpus.v010516/",
                [
                    ("train", "CDR_TrainingSet.PubTator.txt"),
                    ("development", "CDR_DevelopmentSet.PubTator.txt"),
                    ("test", "CDR_TestSet.PubTator.txt"),
                ],
                evaluation={"development", "test"},
                kb={"train", "development"},
            ),
            BC5CDR_URLS,
            expected=BC5CDR_EXPECTED,
            annotates=("Chemical", "Disease"),
            training=(Part("bc5cdr-train", "train"),),
            development=(Part("bc5cdr-dev", "development"),),
            description="BioCreative V CDR: Chemical, Disease",
            source=Citation(
                "BC5CDR",
                "BioCreative V CDR corpus (BC5CDR)",
                "Li et al. 2016",
                "https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/",
                "1,500 PubMed abstracts (training, development and test sets of 500 each) annotated with Chemical "
                "and Disease mentions and their MeSH identifiers",
                "Li J, Sun Y, Johnson RJ, Sciaky D, Wei CH, Leaman R, Davis AP, Mattingly CJ, Wiegers TC, Lu Z. "
                "BioCreative V CDR task corpus: a resource for chemical disease relation extraction. "
                "Database (Oxford). 2016;2016:baw068. doi:10.1093/database/baw068",
                "free for research use, so the trained model is for research use only",
            ),
        ),
        Corpus(
            "ncbi-disease",
            NCBI_DISEASE_ENV,
            _splits(
                None,
                "",
                [
                    ("train", "NCBItrainset_corpus.txt"),
                    ("development", "NCBIdevelopset_corpus.txt"),
                    ("test", "NCBItestset_corpus.txt"),
                ],
                optional_locally={"test"},
                evaluation={"development", "test"},
                # Its ids raise linking accuracy on BC5CDR dev (docs/linking.md). Not development:
                # the cross-corpus report scores the linker on it.
                kb={"train"},
            ),
            NCBI_DISEASE_URLS,
            per_archive=True,
            expected=NCBI_DISEASE_EXPECTED,
            lenient=True,
            repeats_allowed=True,
            annotates=("Disease",),
            label_map=NCBI_LABEL_MAP,
            training=(Part("ncbi-disease-train", "train"),),
            heldout=(Part("ncbi-disease-dev", "development", measure="f1"),),
            description="NCBI disease: Disease (four classes as one)",
            source=Citation(
                "NCBI disease",
                "NCBI disease corpus",
                "Doğan et al. 2014",
                "https://www.ncbi.nlm.nih.gov/CBBresearch/Dogan/DISEASE/",
                "793 PubMed abstracts annotated with disease mentions (its four classes learned as Disease)",
                "Doğan RI, Leaman R, Lu Z. NCBI disease corpus: a resource for disease name recognition and "
                "concept normalization. J Biomed Inform. 2014;47:1-10. doi:10.1016/j.jbi.2013.12.006",
                "public domain (a US Government work)",
            ),
        ),
        Corpus(
            "gnormplus",
            "GNORMPLUS_DIR",
            _splits(
                _AIONER,
                "",
                [("train", "GNormPlus_Train.PubTator"), ("test", "GNormPlus_Test.PubTator")],
                evaluation={"test"},
            ),
            AIONER_URLS,
            timeout=300.0,
            annotates=("Gene",),
            label_map=GENE_LABEL_MAP,
            training=(Part("gnormplus-train", "train"),),
            heldout=(Part("gnormplus-test", "test", measure="confusion"),),
            description="GNormPlus: Gene (negatives for Chemical/Disease)",
            source=Citation(
                "GNormPlus",
                "GNormPlus corpus",
                "Wei et al. 2015",
                "https://www.ncbi.nlm.nih.gov/research/bionlp/Tools/gnormplus/",
                "PubMed abstracts annotated with genes, gene families and protein domains (learned as Gene, which "
                "the pipeline does not output: it teaches what is not a chemical or disease)",
                "Wei CH, Kao HY, Lu Z. GNormPlus: an integrative approach for tagging genes, gene families, and "
                "protein domains. Biomed Res Int. 2015;2015:918710. doi:10.1155/2015/918710",
                NCBI_PUBLIC,
            ),
            via=AIONER,
        ),
        Corpus(
            "nlm-gene",
            "NLM_GENE_DIR",
            _splits(
                _AIONER,
                "",
                [("train", "NLMgene_Train.PubTator"), ("test", "NLMgene_Test.PubTator")],
                evaluation={"test"},
            ),
            AIONER_URLS,
            timeout=300.0,
            annotates=("Gene",),
            label_map=GENE_LABEL_MAP,
            training=(Part("nlm-gene-train", "train"),),
            heldout=(Part("nlm-gene-test", "test", measure="confusion"),),
            description="NLM-Gene: Gene (Cell, ChromosomeLocation not learned)",
            source=Citation(
                "NLM-Gene",
                "NLM-Gene corpus",
                "Islamaj et al. 2021",
                "https://www.ncbi.nlm.nih.gov/research/bionlp/",
                "PubMed abstracts annotated with genes (learned as Gene, not output)",
                "Islamaj R, Wei CH, Cissel D, et al. NLM-Gene, a richly annotated gold standard dataset for gene "
                "entities that addresses ambiguity and multi-species gene recognition. J Biomed Inform. "
                "2021;118:103779. doi:10.1016/j.jbi.2021.103779",
                NCBI_PUBLIC,
            ),
            via=AIONER,
        ),
        Corpus(
            "nlm-chem",
            "NLM_CHEM_DIR",
            _splits(
                _AIONER,
                "",
                [("passages", "NLMchem_Test.passages.PubTator")],
                evaluation={"passages"},
                kb={"passages"},
            ),
            AIONER_URLS,
            timeout=300.0,
            annotates=("Chemical",),
            residue_chemicals=True,
            training=(Part("nlm-chem-train", "passages", documents="train"),),
            heldout=(Part("nlm-chem-heldout", "passages", documents="heldout", measure="f1"),),
            description="NLM-Chem full-text passages: Chemical (four articles in five train)",
            holdout=HoldOut(5, key=r"([^-]+)", unit="article (by PMID, the id before `-` of its passages)"),
            articles=True,
            source=Citation(
                "NLM-Chem",
                "NLM-Chem corpus",
                "Islamaj et al. 2021",
                "https://www.ncbi.nlm.nih.gov/research/bionlp/",
                "passages of full-text PMC articles annotated with chemicals",
                "Islamaj R, Leaman R, Kim S, et al. NLM-Chem, a new resource for chemical entity recognition in "
                "PubMed full text literature. Sci Data. 2021;8(1):91. doi:10.1038/s41597-021-00875-1",
                NCBI_PUBLIC,
            ),
            via=AIONER,
        ),
        Corpus(
            "tmvar3",
            "TMVAR3_DIR",
            _splits(
                _AIONER,
                "",
                [("train", "tmVar3_Train.PubTator"), ("test", "tmVar3_Test.PubTator")],
                evaluation={"test"},
            ),
            AIONER_URLS,
            timeout=300.0,
            # Its Disease annotation is not taken as exhaustive (it is filtered, and diseases are
            # masked by lexicon and teacher as in the gene corpora); it has no Chemical label.
            annotates=("Gene", "Variant", "Species"),
            label_map=VARIANT_LABEL_MAP,
            training=(Part("tmvar3-train", "train"),),
            heldout=(Part("tmvar3-test", "test", annotates=("Variant",), measure="confusion"),),
            description="tmVar 3: variants, Gene, Species (negatives for Chemical)",
            source=Citation(
                "tmVar3",
                "tmVar 3 corpus",
                "Wei et al. 2022",
                "https://www.ncbi.nlm.nih.gov/research/bionlp/Tools/tmvar/",
                "PubMed abstracts annotated with sequence variants, genes, species and diseases",
                "Wei CH, Allot A, Riehle K, Milosavljevic A, Lu Z. tmVar 3.0: an improved variant concept "
                "recognition and normalization tool. Bioinformatics. 2022;38(18):4449-4451. "
                "doi:10.1093/bioinformatics/btac537",
                NCBI_PUBLIC,
            ),
            via=AIONER,
        ),
        Corpus(
            "species",
            "SPECIES_DIR",
            _splits(
                _AIONER,
                "",
                [("train", "SPECIES_Train.PubTator"), ("test", "SPECIES_Test.PubTator")],
                evaluation={"test"},
            ),
            AIONER_URLS,
            timeout=300.0,
            annotates=("Species",),
            training=(Part("species-train", "train"),),
            heldout=(Part("species-test", "test", measure="confusion"),),
            description="S800: Species (negatives for Chemical/Disease)",
            source=Citation(
                "S800",
                "S800 (SPECIES) corpus",
                "Pafilis et al. 2013",
                "https://species.jensenlab.org/",
                "PubMed abstracts annotated with species names",
                "Pafilis E, Frankild SP, Fanini L, et al. The SPECIES and ORGANISMS resources for fast and accurate "
                "identification of taxonomic names in text. PLoS One. 2013;8(6):e65762. "
                "doi:10.1371/journal.pone.0065762",
                "free to download from its authors (species.jensenlab.org); check its terms",
            ),
            via=AIONER,
        ),
    )
}
"""Every annotated corpus `bioner data` fetches, by its `--corpus` name."""

PRETRAIN_ENV = "PRETRAIN_DIR"
PUBMED_TEXT_ENV = "PUBMED_TEXT_DIR"
MESH_ENV = "MESH_DIR"
CTD_ENV = "CTD_DIR"
MESH_URL = "https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/xmlmesh/"
CTD_URL = "https://ctdbase.org/reports/"

RESOURCES: dict[str, Resource] = {
    resource.name: resource
    for resource in (
        Resource(
            "pretrain",
            PRETRAIN_ENV,
            (PUBMED_BASELINE_URL,),
            ("*.jsonl",),
            "always",
            "unlabelled text for the vectors: PRETRAIN_DIR, or PubMed abstracts",
        ),
        Resource(
            "pubmed-text",
            PUBMED_TEXT_ENV,
            (PUBMED_BASELINE_URL,),
            ("*.jsonl.gz",),
            "always",
            "more unlabelled text: PUBMED_TEXT_DIR, or the pretrain entry's PubMed abstracts",
        ),
        Resource(
            "mesh",
            MESH_ENV,
            (MESH_URL,),
            ("desc*.xml*", "supp*.xml*"),
            "local",
            "NLM's MeSH XML (~1 GB: in `all` only when MESH_DIR is set)",
        ),
        Resource(
            "ctd",
            CTD_ENV,
            (CTD_URL,),
            ("CTD_diseases.tsv.gz",),
            "always",
            "CTD's MEDIC disease vocabulary",
        ),
        Resource(
            "pubmed",
            PUBMED_ENV,
            (PUBMED_BASELINE_URL,),
            ("pubmed*.xml.gz",),
            "never",
            "the first --files PubMed baseline files, for `bioner tag-pubmed`",
        ),
    )
}
"""Unlabelled text and vocabularies `bioner data` fetches, by its `--corpus` name."""


# --- derived ------------------------------------------------------------------------------------
# Each takes the catalogue to read (`corpora`, default `CORPORA`), so another can be passed in.

Catalogue = Mapping[str, Corpus]


def _corpora(corpora: Catalogue | None) -> Catalogue:
    return CORPORA if corpora is None else corpora


def names(corpora: Catalogue | None = None) -> list[str]:
    """Every `bioner data --corpus` choice but `all`, annotated corpora first."""
    return [*_corpora(corpora), *RESOURCES]


def model_labels(corpora: Catalogue | None = None) -> tuple[str, ...]:
    """Every label some corpus annotates, in catalogue order: what the model learns."""
    labels: dict[str, None] = {}
    for corpus in _corpora(corpora).values():
        labels.update(dict.fromkeys(corpus.annotates))
    return tuple(labels)


def linked_labels(corpora: Catalogue | None = None) -> dict[str, str]:
    """Source label to the label the linker files it under, from every corpus's label map: the
    model's Chemical and Disease as themselves, and each source label mapped to one of them
    (NCBI disease's SpecificDisease... as Disease). What `bioner kb` and gold-mention linking read."""
    mapping = {label: label for label in OUTPUT_LABELS}
    for corpus in _corpora(corpora).values():
        mapping.update({source: label for source, label in corpus.label_map.items() if label in OUTPUT_LABELS})
    return mapping


def evaluation_files(corpora: Catalogue | None = None) -> dict[str, tuple[str, ...]]:
    """Per corpus folder under the data folder, the files of its evaluation sets."""
    files = {
        corpus.name: tuple(split.filename for split in corpus.splits if split.evaluation)
        for corpus in _corpora(corpora).values()
    }
    return {name: found for name, found in files.items() if found}


def kb_files(corpora: Catalogue | None = None) -> list[str]:
    """Files (`corpus/filename`, under the data folder) whose identifiers feed the knowledge base."""
    return [
        f"{corpus.name}/{split.filename}"
        for corpus in _corpora(corpora).values()
        for split in corpus.splits
        if split.kb
    ]


def home_corpus(corpora: Catalogue | None = None) -> Corpus:
    """The corpus the model is named after and every training set holds (`HOME_CORPUS`)."""
    return _corpora(corpora)[HOME_CORPUS]


def make_vars(corpora: Catalogue | None = None) -> str:
    """The Makefile's view of the catalogue (`bioner corpora --make-vars`, included by the Makefile)."""
    home = home_corpus(corpora)
    lines = [
        "# Made by `bioner corpora --make-vars` from src/bioner/corpora/catalogue.py: do not edit.",
        f"HOME_CORPUS := {HOME_CORPUS}",
        *(f"SPLIT_FILE_{key} := {home.split(split).filename}" for key, split in HOME_SPLITS.items()),
        f"CATALOGUE_KB_FILES := {' '.join(kb_files(corpora))}",
        f"CATALOGUE_CORPORA := {' '.join(_corpora(corpora))}",
    ]
    return "\n".join(lines) + "\n"
