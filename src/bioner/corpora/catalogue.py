"""The corpus catalogue: every corpus, text and vocabulary bioner uses, described once.

An annotated corpus (`Corpus`) says where it comes from (addresses, archive, the environment
variable naming a local copy), its files and splits with their known counts, how its labels map
to the model's, which parts train the model and which are held out for the cross-corpus report,
which splits are evaluation sets (their documents are kept out of the vectors' text) and which
feed the linker's knowledge base. Unlabelled text and vocabularies are `Resource`s. Everything
else is derived from here: `bioner data`'s choices, `bioner.multicorpus.default_parts`,
`bioner.evaluation.cross_corpus.heldout_parts`, the PMIDs left out of PubMed text
(`evaluation_files`), and the Makefile's file names (`make_vars`, through `bioner corpora
--make-vars`). Adding a PubTator corpus is one `Corpus` entry below, plus its tests.

This module holds data only (no I/O; the PubMed baseline's address is its fetcher's): the fetching code is `bioner.corpora.fetch` (annotated
corpora), `bioner.corpora.text` and `bioner.corpora.vocab`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..pubmed_baseline import PUBMED_BASELINE_URL, PUBMED_ENV


class Expected(NamedTuple):
    """Known size of one split; `None` where the count is not checked."""

    documents: int | None
    mentions: int | None = None


@dataclass(frozen=True)
class Split:
    name: str
    filename: str
    """Name of the file in the destination (and in a local copy)."""
    archive: str
    """Zip the split is distributed in."""
    member: str
    """Path of the file inside that zip."""
    optional_locally: bool = False
    """A local copy may lack this split (it is then reported as not in place)."""
    evaluation: bool = False
    """An evaluation set: its documents (by PMID) are kept out of the vectors' PubMed text."""
    kb: bool = False
    """Its mentions' identifiers feed the linker's knowledge base (`make kb`)."""


@dataclass(frozen=True)
class Part:
    """A role one split (or a share of its documents) plays: training, development or held out."""

    name: str
    """Name in reports and in `bioner multi-corpus --parts` (`bc5cdr-train`)."""
    split: str
    documents: str = "all"
    """`all`, or `train` / `heldout` for a corpus split here by article (NLM-Chem)."""
    annotates: tuple[str, ...] | None = None
    """Model labels scored or learned from this part; default: the corpus's `annotates`. A held-out
    part may name fewer (tmVar3 test: the Variant mentions alone give the confusion rate)."""


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

    def urls_for(self, archive: str, urls: Sequence[str]) -> list[str]:
        return [_join_url(base, archive) for base in urls] if self.per_archive else list(urls)

    def split(self, name: str) -> Split:
        return next(split for split in self.splits if split.name == name)

    def part_labels(self, part: Part) -> tuple[str, ...]:
        return self.annotates if part.annotates is None else part.annotates


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


def _splits(archive: str | None, folder: str, files: Sequence[tuple[str, str]], **flags: set[str]) -> tuple[Split, ...]:
    """Splits of files in one zip (`archive`), or each in a zip of its own name (`archive` None);
    `flags` names, per `Split` flag (`evaluation`, `kb`, `optional_locally`), the splits that have it."""
    return tuple(
        Split(
            split,
            filename,
            archive or filename.rsplit(".", 1)[0] + ".zip",
            folder + filename,
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
                # NLM-Chem's and NCBI disease's ids add 2.2 (Chemical) and 2.6 (Disease) points of
                # linking accuracy on BC5CDR dev gold mentions (docs/linking.md). Not development:
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
            heldout=(Part("ncbi-disease-dev", "development"),),
            description="NCBI disease: Disease (four classes as one)",
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
            heldout=(Part("gnormplus-test", "test"),),
            description="GNormPlus: Gene (negatives for Chemical/Disease)",
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
            heldout=(Part("nlm-gene-test", "test"),),
            description="NLM-Gene: Gene (Cell, ChromosomeLocation not learned)",
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
            heldout=(Part("nlm-chem-heldout", "passages", documents="heldout"),),
            description="NLM-Chem full-text passages: Chemical (four articles in five train)",
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
            heldout=(Part("tmvar3-test", "test", annotates=("Variant",)),),
            description="tmVar 3: variants, Gene, Species (negatives for Chemical)",
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
            heldout=(Part("species-test", "test"),),
            description="S800: Species (negatives for Chemical/Disease)",
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
            "more unlabelled text (*.jsonl.gz): PUBMED_TEXT_DIR, or the pretrain entry's PubMed abstracts",
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


def names() -> list[str]:
    """Every `bioner data --corpus` choice but `all`, annotated corpora first."""
    return [*CORPORA, *RESOURCES]


def model_labels() -> tuple[str, ...]:
    """Every label some corpus annotates, in catalogue order: what the model learns."""
    labels: dict[str, None] = {}
    for corpus in CORPORA.values():
        labels.update(dict.fromkeys(corpus.annotates))
    return tuple(labels)


def evaluation_files() -> dict[str, tuple[str, ...]]:
    """Per corpus folder under the data folder, the files of its evaluation sets."""
    files = {
        corpus.name: tuple(split.filename for split in corpus.splits if split.evaluation) for corpus in CORPORA.values()
    }
    return {name: found for name, found in files.items() if found}


def kb_files() -> list[str]:
    """Files (`corpus/filename`, under the data folder) whose identifiers feed the knowledge base."""
    return [f"{corpus.name}/{split.filename}" for corpus in CORPORA.values() for split in corpus.splits if split.kb]


def make_vars() -> str:
    """The Makefile's view of the catalogue (`bioner corpora --make-vars`, included by the Makefile)."""
    home = CORPORA[HOME_CORPUS]
    lines = [
        "# Made by `bioner corpora --make-vars` from src/bioner/corpora/catalogue.py: do not edit.",
        f"HOME_CORPUS := {HOME_CORPUS}",
        *(f"SPLIT_FILE_{key} := {home.split(split).filename}" for key, split in HOME_SPLITS.items()),
        f"CATALOGUE_KB_FILES := {' '.join(kb_files())}",
        f"CATALOGUE_CORPORA := {' '.join(CORPORA)}",
    ]
    return "\n".join(lines) + "\n"
