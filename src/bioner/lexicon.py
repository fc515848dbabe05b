"""Building the lexicon of Chemical and Disease names that `bioner.LexiconHashEmbed.v1` marks in text.

Names come from MeSH and CTD MEDIC (read by `bioner.vocabularies`):
- Chemical: descriptors of the Chemicals and Drugs tree (D) with a tree number outside
  `EXCLUDED_BRANCHES` (enzymes, proteins, signalling peptides: BC5CDR does not annotate them as
  chemicals, and their names are gene names in GNormPlus), and chemical supplementary records
  (class 1) unless every descriptor they map to was excluded.
- Disease: descriptors of the Diseases tree (C) and of F03 (mental disorders), and CTD MEDIC.
Each name is tokenised by the pipeline's tokenizer and kept as a chain of lower-case token
hashes (`bioner.pipeline.lexicon_embed`); names a model should not trust are dropped (`keep_name`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import spacy

from . import vocabularies
from .atomic import atomic_path
from .errors import BionerError
from .pipeline.lexicon_embed import LABELS, name_keys, read_lexicon, write_lexicon
from .pipeline.tokenizer import TOKENIZER_NAME

EXCLUDED_BRANCHES = ("D08", "D12.776", "D23.529")
"""Chemicals-tree branches left out: enzymes (D08), proteins (D12.776), intercellular signalling
peptides and proteins (D23.529). A descriptor with any tree number in them is left out (insulin,
D06 and D12.644 and D12.776, too). Measured on the 10,550 BC5CDR train+dev Chemical and 5,302
GNormPlus train Gene mentions: MeSH Chemicals-tree and chemical supplementary names match 80.4%
of the chemicals and 19.0% of the genes; without these branches 78.9% and 1.1% (leaving out only
descriptors with no tree number outside them: 80.4% and 7.9%). Peptides (D12.644) as well: 77.6%
and 0.8%; drug classes (D27) as well: 1.3% of the chemicals lost ("estrogen", "oral
contraceptives", "statins" are BC5CDR chemicals), no gene."""
MIN_CHARACTERS = 3
MAX_ACRONYM = 5
MAX_TOKENS = 12
"""Longer names (IUPAC-like strings split at every bracket and comma) are seldom written in
abstracts as MeSH spells them; dropping them keeps the lexicon small."""
_STOP_TEXT = """
adrenergic; analgesic; analgesics; androgen; anesthetic; antibiotic; antibiotics; anticholinergic;
anticoagulant; anticonvulsant; anticonvulsants; antiepileptic drug; antiepileptic drugs; antigen;
antihypertensive; antioxidant; antipsychotic; antipsychotics; antithyroid drugs; antiviral; atrial natriuretic
factor; beta-adrenergic blocking agent; biological; body weight; caa; calcineurin inhibitor; calcineurin
inhibitors; carcinogen; carcinogens; cellulose; cholinergic; clinical course; convulsant; cox-2 inhibitors;
cyp3a4 inhibitors; disease progression; drug; drugs; emergency; endogenous antioxidants; free radical;
glucocorticoid; growth hormone; hormone; immunosuppressant; immunosuppressive agent; included; indicator;
lead; ligands; lipid; local anesthetic; mrna; mtdna; muscarinic; neuroleptic; neuroleptics; neuroprotective
effects; neurotransmitter; neurotransmitters; normal saline; opiate; opioid; prolactin; radionuclide;
recurrence; recurrences; relapse; retinal; ribosomal rna; serum marker; solitary kidney; solution; strain;
strains; sugar; sulfate; suspension; tablets; water
"""
STOP_NAMES = frozenset(" ".join(name.split()) for name in _STOP_TEXT.split(";"))
"""Lower-case names left out: every name the lexicon marked at least 3 times in BC5CDR train
text with under 20% of the marks on a gold mention of its label (drug classes as adjectives,
"drug", "lead", "water", "solution", "strain", "relapse", "prolactin"). Without them 94% of the
Chemical marks and 96% of the Disease marks in BC5CDR train touch a gold mention of their label
(81% and 92% with them); in BC5CDR development 92% and 95%."""
_NUMBERS = re.compile(r"^[\d\s.,:;/+\-()\[\]%]*$")


@dataclass
class LexiconSummary:
    path: Path
    names: dict[str, int] = field(default_factory=dict)
    """Distinct token sequences kept per label."""
    dropped: int = 0
    keys: int = 0
    seconds: float = 0.0
    sources: list[str] = field(default_factory=list)


def keep_name(name: str) -> bool:
    """Whether a name is worth marking: not 1-2 characters, not a bare number, not a short
    acronym (matching ignores case: CTD's "WAS", "ALL", "CAN" would mark "was", "all", "can"), not
    a stop name."""
    text = name.strip()
    if len(text) < MIN_CHARACTERS or _NUMBERS.match(text) or text.lower() in STOP_NAMES:
        return False
    return not (len(text) <= MAX_ACRONYM and not any(ch.islower() for ch in text))


def _in_branch(tree_number: str, branches: Iterable[str]) -> bool:
    return any(tree_number == b or tree_number.startswith(b + ".") for b in branches)


def descriptor_labels(tree_numbers: Iterable[str], excluded: Iterable[str] = EXCLUDED_BRANCHES) -> set[str]:
    """The labels a MeSH descriptor's names get from its tree numbers."""
    trees = list(tree_numbers)
    labels = set()
    if any(t.startswith("C") or t.startswith("F03") for t in trees):
        labels.add("Disease")
    chemical = [t for t in trees if t.startswith("D")]
    if chemical and not any(_in_branch(t, excluded) for t in chemical):
        labels.add("Chemical")
    return labels


def select_names(concepts: Iterable, excluded: Iterable[str] = EXCLUDED_BRANCHES) -> Iterator[tuple[str, str]]:
    """(label, name) of every name the lexicon takes, from `bioner.vocabularies.Concept`s.

    Supplementary records are judged by the descriptors they map to, so descriptors must come
    first (as `mesh_files` orders them: desc before supp)."""
    excluded = tuple(excluded)
    chemical_descriptors: dict[str, bool] = {}  # descriptor id -> kept as Chemical
    for concept in concepts:
        if concept.source == "mesh-descriptor":
            labels = descriptor_labels(concept.tree_numbers, excluded)
            if any(t.startswith("D") for t in concept.tree_numbers):
                chemical_descriptors[concept.identifier] = "Chemical" in labels
        elif concept.source == "mesh-supplementary":
            mapped = [chemical_descriptors[m] for m in concept.mapped_to if m in chemical_descriptors]
            labels = {"Chemical"} if concept.scr_class == "1" and (not mapped or any(mapped)) else set()
        elif concept.source == "ctd-disease":
            labels = {"Disease"}
        else:
            labels = set()
        for label in sorted(labels):
            for name in concept.names:
                yield label, name


def build_lexicon(
    mesh_dir: Path | None, ctd_dir: Path | None, output: Path, *, excluded: Iterable[str] = EXCLUDED_BRANCHES
) -> LexiconSummary:
    """Read MeSH and CTD, tokenise the selected names with the pipeline tokenizer, write `output`."""
    started = time.perf_counter()
    sources: list[Path] = []
    if mesh_dir is not None:
        sources += vocabularies.mesh_files(mesh_dir, required=True)
    if ctd_dir is not None:
        # MEDIC's diseases only: CTD's chemical vocabulary is MeSH's, read above.
        files = vocabularies.ctd_files(ctd_dir, required=("diseases",))
        sources += [p for p in files if p.name.startswith("CTD_diseases")]
    if not sources:
        raise BionerError("give --mesh, --ctd or both")
    readers = [vocabularies.read_ctd(p) if p.name.startswith("CTD_") else vocabularies.read_mesh(p) for p in sources]
    summary = write_names(select_names(chain.from_iterable(readers), excluded), output)
    summary.sources = [str(p) for p in sources]
    summary.seconds = time.perf_counter() - started
    return summary


def tokenizer_nlp():
    """A blank pipeline with the project's tokenizer: names must split as text does."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME}}})


def write_names(names: Iterable[tuple[str, str]], output: Path) -> LexiconSummary:
    """Tokenise (label, name) pairs, drop junk and over-long names, and write the lexicon file."""
    bits_by_text: dict[str, int] = {}
    dropped = 0
    for label, name in names:
        if not keep_name(name):
            dropped += 1
            continue
        bits_by_text[name] = bits_by_text.get(name, 0) | (1 << LABELS.index(label))
    nlp = tokenizer_nlp()
    sequences: dict[tuple[int, ...], int] = {}
    texts = list(bits_by_text)
    for text, doc in zip(texts, nlp.tokenizer.pipe(texts, batch_size=4096), strict=True):
        if len(doc) > MAX_TOKENS:
            dropped += 1
            continue
        key = tuple(token.lower for token in doc)
        sequences[key] = sequences.get(key, 0) | bits_by_text[text]
    if not sequences:
        raise BionerError("no names left to write: the vocabularies held no Chemical or Disease name")
    keys, flags = name_keys(list(sequences), list(sequences.values()))
    counts = {label: sum(1 for bits in sequences.values() if bits & (1 << i)) for i, label in enumerate(LABELS)}
    with atomic_path(output) as partial:
        write_lexicon(partial, keys, flags, {"names": counts, "keys": len(keys)})
    return LexiconSummary(Path(output), names=counts, dropped=dropped, keys=len(keys))


def check_lexicon_path(config: dict) -> None:
    """A config's `[paths] lexicon`, when set, must be a lexicon file: say how to make one before
    training starts, not as a traceback from inside spaCy's initialisation."""
    path = config.get("paths", {}).get("lexicon")
    if not path:
        return
    if not Path(path).is_file():
        raise BionerError(
            f"{path}: no such lexicon ([paths] lexicon); build it with `bioner lexicon --mesh DIR --ctd DIR "
            f"--output {path}` (`make lexicon`), or train without it: --paths.lexicon null"
        )
    try:
        read_lexicon(path)
    except ValueError as error:
        raise BionerError(str(error)) from None
