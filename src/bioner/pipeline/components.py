"""Post-processing components that run after the NER model, registered with spaCy.

Each is measured on the development set before a config keeps them. This module imports only
spaCy and scispaCy: it is copied into packaged models as is.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import filter_spans

LONG_FORMS = "bioner_long_forms"
"""Doc extension: short form text -> long form text, for the linker (`bioner_linker`)."""


@Language.factory(
    "bioner_abbreviations",
    default_config={
        "drop_orphans": True,
        "long_forms": ["Chemical"],
        "widen": False,
        "suffixes": True,
        "non_entities": "off",
        "repeat": False,
    },
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_abbreviation_propagator(
    nlp: Language,
    name: str,
    drop_orphans: bool,
    long_forms: list[str],
    widen: bool,
    suffixes: bool,
    non_entities: str,
    repeat: bool,
) -> AbbreviationPropagator:
    return AbbreviationPropagator(
        nlp,
        name,
        drop_orphans=drop_orphans,
        long_forms=long_forms,
        widen=widen,
        suffixes=suffixes,
        non_entities=non_entities,
        repeat=repeat,
    )


NON_ENTITIES = ("off", "short", "strict", "head", "word")
"""`non_entities` settings of `bioner_abbreviations`."""


class AbbreviationPropagator:
    """Give a defined abbreviation and its long form one label, throughout the document.

    "treatment-resistant depression (TRD)": when an entity ends where the long form ends, every
    "TRD" of the abstract becomes an entity of that label. When none does, the model may still
    have said what the pair is: if it tagged an occurrence of the short form with a label listed
    in `long_forms`, the long form and every short form take that label (Disease is not listed
    by default: gene symbols tagged Disease would spread, -0.9 on NCBI disease development); with `suffixes`, if it tagged the end of
    the long form elsewhere in the document ("depression"), they take that entity's label. With
    `widen`, an entity ending where the long form ends but starting inside it is stretched to the
    long form. With `drop_orphans`, a short form left without a labelled long form loses any label
    the model gave it. Definitions are found with scispaCy's Schwartz & Hearst detector, the long
    form without punctuation at its edges.

    `non_entities` reads a definition the other way: "single nucleotide polymorphism (SNP)" is a
    long form whose last word (its head) no entity holds, though the model tagged a word inside it
    ("nucleotide"): the phrase names no chemical, so neither do its words nor its short form.
    With "head", such a long form (not itself inside an entity) comes before the short form's
    votes: every entity inside each occurrence of it, and every occurrence of its short form, is
    dropped, as is an entity that is the short form in the other number ("SNP" for "SNPs");
    "word" does so only when every entity inside it is one word; "short" drops the short forms
    but leaves the entities inside (BC5CDR annotates "dobutamine" in "dobutamine stress
    echocardiography (DSE)"); "strict" does as "short" only when no entity holds the first word
    either ("prothrombin complex concentrate (PCC)" stays to the votes); "off" leaves it to the
    rules above. With `repeat`, a long form that got a label is one mention of that label
    wherever it occurs in the document, in any case ("Treatment-resistant Depression" in the
    title), replacing entities inside it but not one that reaches beyond it.
    Definitions are sought, as Schwartz & Hearst do, within min(|A| + 5, 2|A|) words before the
    bracket, not tokens ("von Hippel-Lindau tumor suppressor gene (VHL)" is found), and a long form
    starts where its first word does ("1-methyl-4-phenyl-...", not "methyl-4-phenyl-..."); in
    "(SJS; chondrodystrophic myotonia)" the short form is what comes before the semicolon.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "bioner_abbreviations",
        *,
        drop_orphans: bool = True,
        long_forms: Iterable[str] = ("Chemical",),
        widen: bool = False,
        suffixes: bool = True,
        non_entities: str = "off",
        repeat: bool = False,
    ) -> None:
        from scispacy.abbreviation import AbbreviationDetector

        if non_entities not in NON_ENTITIES:
            raise ValueError(f"non_entities is {non_entities!r}: use one of {', '.join(NON_ENTITIES)}")
        self.name = name
        self.drop_orphans = drop_orphans
        self.long_forms = set(long_forms)
        self.widen = widen
        self.suffixes = suffixes
        self.non_entities = non_entities
        self.repeat = repeat
        self.detector = AbbreviationDetector(nlp)
        if not Doc.has_extension(LONG_FORMS):
            Doc.set_extension(LONG_FORMS, default=None)

    def definitions(self, doc: Doc) -> list[tuple[Span, set[Span]]]:
        """(long form, occurrences of its short form) pairs, as scispaCy finds them."""
        from scispacy.abbreviation import filter_matches

        matches = self.detector.matcher(doc)
        inside_brackets = [_before_separator(doc, match_id, start + 1, end - 1) for match_id, start, end in matches]
        found_by_scispacy = filter_matches(inside_brackets, doc)
        candidates = [(_window_in_words(long, short), short) for long, short in found_by_scispacy]
        candidates += _split_short_forms(
            doc, inside_brackets, {(short.start, short.end) for _, short in found_by_scispacy}
        )
        if not candidates:
            return []
        with warnings.catch_warnings():
            # W036: scispaCy runs its matcher even when no candidate was a definition.
            warnings.filterwarnings("ignore", message=r"\[W036\]")
            found = self.detector.find_matches_for(candidates, doc)
        return [
            (long_form, shorts)
            for long_form, shorts in ((_trimmed(_from_word_start(lf)), s) for lf, s in found)
            if len(long_form)
        ]

    def _names_nothing(self, long_form: Span, ents: list[Span]) -> bool:
        """Whether the model tagged words inside `long_form` but not its head, nor a span around it."""
        if self.non_entities == "off":
            return False
        if any(_overlaps(e, long_form) and not _within(e, long_form) for e in ents):
            return False
        inside = [e for e in ents if _within(e, long_form)]
        if not inside or any(e.end == long_form.end for e in inside):
            return False
        if self.non_entities == "strict":
            return all(e.start > long_form.start for e in inside)
        return self.non_entities != "word" or all(len(e) == 1 for e in inside)

    def __call__(self, doc: Doc) -> Doc:
        definitions = self.definitions(doc)
        doc._.set(LONG_FORMS, {short.text: long_form.text for long_form, shorts in definitions for short in shorts})
        if not definitions:
            return doc
        ents = list(doc.ents)
        ends = {ent.end_char: ent for ent in ents}
        labels = {(ent.start, ent.end): ent.label_ for ent in ents}
        suffix_labels = {_lower(ent): ent.label_ for ent in ents}
        added: list[Span] = []
        orphans: set[tuple[int, int]] = set()
        named: dict[tuple[str, ...], str] = {}
        nothing: set[tuple[str, ...]] = set()
        plain: set[str] = set()
        for long_form, short_forms in definitions:
            entity = ends.get(long_form.end_char)
            label = entity.label_ if entity is not None else None
            if entity is not None and self.widen and entity.start > long_form.start:
                added.append(Span(doc, long_form.start, long_form.end, label=entity.label_))
            if label is None and self._names_nothing(long_form, ents):
                if self.non_entities in ("head", "word"):
                    nothing.add(_lower(long_form))
                orphans.update((s.start, s.end) for s in short_forms if not _inside_longer(s, ents))
                plain.update(_number_forms(next(iter(short_forms)).text) if short_forms else ())
                continue
            if label is None:
                votes: Counter[str] = Counter()
                if self.long_forms:
                    # The model tagged the short form but not its long form: both are that entity.
                    votes = Counter(labels[s.start, s.end] for s in short_forms if (s.start, s.end) in labels)
                    votes = Counter({key: n for key, n in votes.items() if key in self.long_forms})
                if not votes and self.suffixes:
                    # Nor that: the long form ends with the words of an entity tagged elsewhere.
                    suffixes = (_lower(long_form[i:]) for i in range(len(long_form)))
                    votes = Counter(suffix_labels[key] for key in suffixes if key in suffix_labels)
                if votes:
                    label = votes.most_common(1)[0][0]
                    added.append(Span(doc, long_form.start, long_form.end, label=label))
            whole = entity is None or entity.start == long_form.start or (self.widen and entity.start > long_form.start)
            if label is not None and whole:
                # The long form itself is a mention (as tagged, widened or voted for).
                named.setdefault(_lower(long_form), label)
            for short in short_forms:
                if label is not None and not _inside_longer(short, ents):
                    added.append(Span(doc, short.start, short.end, label=label))
                elif self.drop_orphans:
                    orphans.add((short.start, short.end))
        dropped = {(e.start, e.end) for span in _occurrences(doc, nothing) for e in ents if _within(e, span)}
        dropped.update((e.start, e.end) for e in ents if e.text in plain)
        if self.repeat:
            for span in _occurrences(doc, set(named)):
                if not any(_overlaps(e, span) and not _within(e, span) for e in ents):
                    added.append(Span(doc, span.start, span.end, label=named[_lower(span)]))
        taken = {i for span in added for i in range(span.start, span.end)}
        kept = [
            ent
            for ent in ents
            if (ent.start, ent.end) not in orphans | dropped and not any(i in taken for i in range(ent.start, ent.end))
        ]
        doc.ents = filter_spans(kept + added)
        return doc


@Language.factory(
    "bioner_consistency",
    default_config={"min_length": 3, "labels": ["Chemical", "Disease"]},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_consistency(nlp: Language, name: str, min_length: int, labels: list[str]) -> DocumentConsistency:
    return DocumentConsistency(name, min_length=min_length, labels=labels)


class DocumentConsistency:
    """Tag every occurrence of a string the model tagged somewhere else in the same document.

    An abstract names its chemicals and diseases several times; the model can miss one
    occurrence it found elsewhere. Untagged occurrences (same tokens, not overlapping another
    entity) get the label that string has most often in the document. Strings shorter than
    `min_length` characters are left alone, and so are strings whose label is not in `labels`.
    """

    def __init__(
        self, name: str = "bioner_consistency", *, min_length: int = 3, labels: Iterable[str] = ("Chemical", "Disease")
    ) -> None:
        self.name = name
        self.min_length = min_length
        self.labels = set(labels)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if not ents:
            return doc
        votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for ent in ents:
            if len(ent.text) >= self.min_length:
                votes[tuple(t.text for t in ent)][ent.label_] += 1
        if not votes:
            return doc
        labels = {key: counter.most_common(1)[0][0] for key, counter in votes.items()}
        labels = {key: label for key, label in labels.items() if label in self.labels}
        if not labels:
            return doc
        lengths = sorted({len(key) for key in labels}, reverse=True)
        taken = [False] * len(doc)
        for ent in ents:
            for i in range(ent.start, ent.end):
                taken[i] = True
        words = [t.text for t in doc]
        added: list[Span] = []
        for start in range(len(doc)):
            for length in lengths:
                end = start + length
                if end > len(doc) or any(taken[start:end]):
                    continue
                label = labels.get(tuple(words[start:end]))
                if label is None or (end < len(doc) and _PROTEIN_HEAD.fullmatch(words[end])):
                    # "potassium" of "potassium channel" is part of a protein's name in the gene corpora
                    continue
                added.append(Span(doc, start, end, label=label))
                for i in range(start, end):
                    taken[i] = True
                break
        if added:
            doc.ents = sorted(ents + added, key=lambda span: span.start)
        return doc


@Language.factory(
    "bioner_labels",
    default_config={"keep": ["Chemical", "Disease"], "sequence_changes": False, "protein_names": False, "taxa": False},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_label_filter(
    nlp: Language, name: str, keep: list[str], sequence_changes: bool, protein_names: bool, taxa: bool
) -> LabelFilter:
    return LabelFilter(name, keep=keep, sequence_changes=sequence_changes, protein_names=protein_names, taxa=taxa)


class LabelFilter:
    """Drop entities whose label is not in `keep`.

    A model trained with gene corpora learns a `Gene` label so that a gene symbol has somewhere
    to go other than Chemical; users asked for chemicals and diseases, so genes stop here.
    With `sequence_changes`, a Chemical that is a residue or base of a sequence change written
    out ("arginine to histidine at residue 139", "glycine at position 303", "His113", "TCA to TGA")
    is dropped too: the change is a variant, one mention of another type in every corpus that
    annotates variants, and BC5CDR annotates neither its residues nor it. So is "His" or "Met"
    before a lower-case word ("His pupils were dilated"): the English word, not the residue.
    With `protein_names`, a Chemical or Disease that is the name of a protein or gene is dropped:
    a mention of several words ending in a protein's head noun ("vitamin D receptor", "poly(ADP-
    ribose) polymerase", "X-linked ectodermal dysplasia receptor", "heme oxygenase-1"), and a short
    form defined by such a long form ("XEDAR", "PABP", "G6PD") or by a gene named for where it was
    lost ("DCC (deleted in colorectal cancer)"). A Disease naming a deficiency stays ("deficiency of
    hepatic phenylalanine hydroxylase"). No BC5CDR train or dev mention of either type ends
    in such a word. What a name holds stays when the model tags it alone: BC5CDR annotates
    "dopamine" of "dopamine receptor", NCBI disease "tumor" of "tumor suppressor" and
    "retinoblastoma" of "retinoblastoma gene".
    With `taxa`, a Chemical or Disease that a description of a new taxon marks as an organism
    ("Methanoregula boonei gen. nov., sp. nov.", "Methanoregula boonei 6A8(T)", the type strain)
    is dropped, with every mention of the document that starts with its genus: names of archaea
    and bacteria read like chemicals ("Methano-", "Thiobacillus"), and the species corpora
    annotate them as organisms.
    """

    def __init__(
        self,
        name: str = "bioner_labels",
        *,
        keep: list[str],
        sequence_changes: bool = False,
        protein_names: bool = False,
        taxa: bool = False,
    ) -> None:
        self.name = name
        self.keep = set(keep)
        self.sequence_changes = sequence_changes
        self.protein_names = protein_names
        self.taxa = taxa

    def __call__(self, doc: Doc) -> Doc:
        ents = [ent for ent in doc.ents if ent.label_ in self.keep]
        text = doc.text if self.sequence_changes or self.taxa else ""  # built from the tokens at each access
        if self.sequence_changes:
            ents = [ent for ent in ents if ent.label_ != "Chemical" or not in_sequence_change(text, ent)]
        if self.protein_names:
            long_forms = doc._.get(LONG_FORMS) if Doc.has_extension(LONG_FORMS) else None
            ents = [ent for ent in ents if not names_protein(ent, long_forms or {})]
        if self.taxa:
            genera = taxon_genera(text, ents)
            ents = [ent for ent in ents if not genera or ent.text.split()[0] not in genera]
        if len(ents) != len(doc.ents):
            doc.ents = ents
        return doc


_RESIDUE_CODES = "Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter"
"""`bioner.variant_names.RESIDUES` without the ambiguity codes Asx and Glx: this module is copied into
packaged models and imports no bioner module, so the list is written here too (a test keeps them equal)."""
_RESIDUE_NAMES = (
    "alanine|arginine|asparagine|aspartic acid|aspartate|cysteine|glutamine|glutamic acid|glutamate|glycine|"
    "histidine|isoleucine|leucine|lysine|methionine|phenylalanine|proline|serine|threonine|tryptophan|"
    "tyrosine|valine|selenocysteine|adenine|cytosine|guanine|thymine|uracil|nucleotides?"
)
_RESIDUE = rf"(?:(?i:{_RESIDUE_NAMES})|{_RESIDUE_CODES}|[ACGTU]{{1,3}})"
"""A residue or base as a sequence change writes it: a name, a three-letter code, or 1-3 bases."""
_RESIDUE_TEXT = re.compile(rf"(?:p\.)?{_RESIDUE}")
_NUMBERED = re.compile(
    rf"(?:p\.)?(?:{_RESIDUE_CODES})[ -]?\d+(?:[ -]?(?:{_RESIDUE_CODES}|fs|del|dup|ins))?"
    r"|(?:p\.)?[ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWY*X]|fs|delins|del|dup|ins)"
)
"""A residue with its position, and what it becomes: "His113", "Arg792Gly", "p.Arg412Ter", "L858R",
"D201ins". A one-letter code needs the change, so "T3", "A23187" and "U46619" stay chemicals."""
_ONE_LETTER = r"(?:\s*\(\d*[A-Z][a-z]{0,2}\))?"
"""A residue's code after its name: "phenylalanine (F)"."""
_CONNECTOR = r"(?:\s+residue)?\s*(?:\bto\b|\bby\b|\bfor\b|\bwith\b|\binto\b|-+>|→|>)\s*(?:\ban?\s+)?(?:codon\s+for\s+)?"
_CHANGE_AFTER = re.compile(
    rf"{_ONE_LETTER}(?:{_CONNECTOR}{_RESIDUE}\b"
    r"|(?:\s+(?:residue|substitution|mutation|insertion|deletion))?\s+(?:(?:at|in)\s+(?:the\s+)?)?"
    r"(?:amino[- ]acid|position|residue|codon|nucleotide)(?:\s+(?:position|residue))?\s*[-+]?\d"
    r"|\d)"
)
"""After a residue: another one it becomes, where it is ("at position 303"), or its number ("His113")."""
_CHANGE_BEFORE = re.compile(
    rf"(?:\b{_RESIDUE}{_ONE_LETTER}|\b(?:amino[- ]acid|position|residue|codon)\s*[-+]?\d+){_CONNECTOR}$|\d$"
)
"""Before a residue: the one it replaces ("arginine to", "at position 303 by"), or a number ("792Gly")."""
_WORD_RESIDUES = {"His", "Met"}
_WINDOW = 80


_PROTEIN_HEAD = re.compile(
    r"(?:receptor|protein|kinase|enzyme|factor|transporter|channel|domain|suppressor|gene|subunit|"
    r"polymerase|phosphatase|transferase|reductase|oxidase|dehydrogenase|dehydratase|synthase|synthetase|"
    r"ligase|lyase|isomerase|epimerase|hydrolase|esterase|lipase|protease|peptidase|oxygenase|mutase|"
    r"nuclease|helicase|transaminase|cyclase|deaminase|carboxylase|hydroxylase|desaturase|convertase|"
    r"\w{3,}idase|\w{3,}ylase)s?(?:-?\d+[a-z]?)?$"
    r"|virus(?:es)?$|virions?$",
    re.IGNORECASE,
)
"""The last word of a protein or gene name, or of a virus's: no annotated corpus here has a Chemical
or Disease mention ending in "virus", and the species corpora annotate "HBV" of "hepatitis B virus
(HBV)" as the organism."""


_DELETED_IN = re.compile(r"\bdeleted in\b", re.IGNORECASE)
"""Genes named for where they were lost: "DCC (deleted in colorectal cancer)", "LRP-DIT (... protein-deleted
in tumors)", "DMBT1 (deleted in malignant brain tumors 1)": their short forms name the gene, not the disease."""
_DEFICIENCY = re.compile(r"\b(?:deficien|defect|lack|loss)", re.IGNORECASE)
"""A Disease mention that names the want of a protein, not the protein."""


def names_protein(ent: Span, long_forms: dict[str, str]) -> bool:
    """Whether the entity names a protein or gene (see `LabelFilter`)."""
    if ent.label_ not in ("Chemical", "Disease"):
        return False
    words = ent.text.split()
    if len(words) > 1 and _PROTEIN_HEAD.search(words[-1]):
        # "deficiency of hepatic phenylalanine hydroxylase" is a disease (NCBI disease annotates it so)
        return not (ent.label_ == "Disease" and _DEFICIENCY.search(ent.text))
    long_form = long_forms.get(ent.text, "")
    long_words = long_form.split()
    if len(words) != 1 or len(long_words) < 2:
        return False
    return bool(_PROTEIN_HEAD.search(long_words[-1]) or _DELETED_IN.search(long_form))


_TAXON_MARK = re.compile(r"(?:\s+[a-z][a-z-]+){0,2}\s*(?:(?:gen|sp|subsp|comb|fam|ord)\.\s*nov\b|[\w-]+\(T\))")
"""What follows the genus of a new taxon, after its epithets if any ("boonei gen. nov.", "sp. nov."), or
of a type strain ("boonei 6A8(T)")."""
_GENUS = re.compile(r"[A-Z][a-z]{3,}")


def taxon_genera(text: str, ents: Iterable[Span]) -> set[str]:
    """Genera of the mentions that a description of a new taxon marks as organisms (see `LabelFilter`)."""
    genera = set()
    for ent in ents:
        words = ent.text.split()
        marked = _TAXON_MARK.match(text, ent.start_char + len(words[0]))
        if ent.label_ in ("Chemical", "Disease") and marked and _GENUS.fullmatch(words[0]):
            genera.add(words[0])
    return genera


def in_sequence_change(text: str, ent: Span) -> bool:
    """Whether the entity is a residue or base of a sequence change written out (see `LabelFilter`)."""
    if _NUMBERED.fullmatch(ent.text):
        return True
    if not _RESIDUE_TEXT.fullmatch(ent.text):
        return False
    after = text[ent.end_char : ent.end_char + _WINDOW]
    before = text[max(0, ent.start_char - _WINDOW) : ent.start_char]
    if ent.text in _WORD_RESIDUES and re.match(r"\s+[a-z]", after) and re.search(r"(?:^|[.!?])\s*$", before):
        return True  # "His pupils were dilated."
    if ent.text.lower().startswith("nucleotide") and re.match(r"\s*[-+]?\d", after):
        return True  # "A to G transition at nucleotide +79"
    if re.fullmatch(r"[ACGTU]{1,3}", ent.text) and re.search(r"[-+]?\d+\s*$", before):
        return True  # "+45 CC", "-352 GA"
    return bool(_CHANGE_AFTER.match(after) or _CHANGE_BEFORE.search(before))


def _lower(span: Span) -> tuple[str, ...]:
    return tuple(token.lower_ for token in span)


def _trimmed(span: Span) -> Span:
    """`span` without punctuation at its edges: "testosterone propionate [(TP)" has the long form
    "testosterone propionate [" by scispaCy, which no entity ends with."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_punct:
        start += 1
    while end > start and span.doc[end - 1].is_punct:
        end -= 1
    return span.doc[start:end]


_CLAUSE_END = {".", ";", ":", "(", ")", "[", "]"}


def _window_in_words(long_form: Span, short_form: Span) -> Span:
    """The long-form candidate before "(short form)" as Schwartz & Hearst bound it: min(|A| + 5,
    2|A|) words, whitespace-separated. scispaCy counts tokens, so a hyphenated name ("von Hippel-Lindau
    tumor suppressor gene (VHL)": "Hippel", "-", "Lindau") fell out of the window and its definition
    was missed. The match runs from the right, so a definition found before is found the same."""
    doc = short_form.doc
    if long_form.end != short_form.start - 1 or long_form.end == 0:
        return long_form  # the "short form (long form)" case, or none
    letters = sum(len(token) for token in short_form)
    max_words = min(letters + 5, letters * 2)
    start, words = long_form.end - 1, 1
    while start > 0 and doc[start - 1].text not in _CLAUSE_END:
        if doc[start - 1].whitespace_:
            words += 1
            if words > max_words:
                break
        start -= 1
    return doc[min(start, long_form.start) : long_form.end]


_SEPARATORS = {";", ",", ":"}


def _before_separator(doc: Doc, match_id: int, start: int, end: int) -> tuple[int, int, int]:
    """The bracket's words before its first ";", "," or ":" when there are one to three ("The Schwartz-Jampel
    syndrome (SJS; chondrodystrophic myotonia; McK 255800)"): Schwartz & Hearst take them as the short
    form, where scispaCy reads the whole bracket as a long form and finds nothing. Not "e.g.," or "i.e.,"."""
    for k in range(start + 1, min(start + 4, end)):
        if doc[k].text in _SEPARATORS:
            if all("." not in token.text for token in doc[start:k]):
                return match_id, start, k
            break
    return match_id, start, end


_BRACKETS_AND_SLASH = {"(", ")", "[", "]", "/"}


def _split_short_forms(
    doc: Doc, inside_brackets: list[tuple[int, int, int]], taken: set[tuple[int, int]]
) -> list[tuple[Span, Span]]:
    """Candidates scispaCy rejects because its tokens are short, though the written short form is not:
    "atelosteogenesis type 2 (AO2)" has the tokens "AO" and "2", and every token must have two to nine
    characters. Schwartz & Hearst ask that of the word."""
    out = []
    for _, start, end in inside_brackets:
        short = doc[start:end]
        if start <= 1 or end - start > 3 or (start, end) in taken or any(t.whitespace_ for t in short[:-1]):
            continue
        text = short.text
        if any(t.text in _BRACKETS_AND_SLASH for t in short):
            continue  # "CPA/EE" is two short forms; "M)" of "(M), or (T)" no short form
        if 2 <= len(text) < 10 and text[0].isalpha() and sum(c.isalpha() for c in text) / len(text) >= 0.5:
            out.append((_window_in_words(doc[max(start - 2, 0) : start - 1], short), short))
    return out


def _from_word_start(long_form: Span) -> Span:
    """The long form from the start of its first word, as Schwartz & Hearst cut it: scispaCy starts it
    at the token whose letter matched, so "1-methyl-4-phenyl-1,2,3,6-tetrahydropyridine (MPTP)" had
    the long form "methyl-4-phenyl-1,2,3,6-tetrahydropyridine"."""
    doc, start = long_form.doc, long_form.start
    while start > 0 and not doc[start - 1].whitespace_ and doc[start - 1].text not in _CLAUSE_END:
        start -= 1
    return doc[start : long_form.end]


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _occurrences(doc: Doc, phrases: set[tuple[str, ...]]) -> list[Span]:
    """Every span of `doc` whose lower-cased words are one of `phrases`, longest first where two overlap."""
    if not phrases:
        return []
    words = [t.lower_ for t in doc]
    lengths = sorted({len(p) for p in phrases}, reverse=True)
    found: list[Span] = []
    for start in range(len(doc)):
        for length in lengths:
            if tuple(words[start : start + length]) in phrases:
                found.append(doc[start : start + length])
                break
    return filter_spans(found)


def _number_forms(short: str) -> set[str]:
    """A short form in the singular and the plural: "SNPs (single nucleotide polymorphisms)" defines "SNP" too."""
    return {short, short[:-1] if short.endswith("s") and len(short) > 2 else short + "s"}


def _inside_longer(span: Span, ents: list[Span]) -> bool:
    """Whether an entity holds `span` and more ("G6PD" in "G6PD deficiency"): that entity stays."""
    return any(e.start <= span.start and span.end <= e.end and len(e) > len(span) for e in ents)


@Language.factory(
    "bioner_known_mentions",
    default_config={"labels": ["Chemical", "Disease"], "min_count": 2, "min_rate": 0.9, "min_chars": 4},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_known_mentions(
    nlp: Language, name: str, labels: list[str], min_count: int, min_rate: float, min_chars: int
) -> KnownMentions:
    return KnownMentions(nlp, name, labels=labels, min_count=min_count, min_rate=min_rate, min_chars=min_chars)


class KnownMentions:
    """Tag what the model left untagged where the training data tag it nearly wherever it occurs.

    A transition-based tagger misses a name it knows in an unusual context ("thrombocytopenia",
    "HBsAg", "end-stage renal disease" untagged in one abstract, tagged in every other). At
    initialisation the training examples give, for each name (lower-case words) annotated at least
    `min_count` times with a label, the share of its occurrences that are that label's mentions;
    an occurrence inside another entity, or on a word whose annotation is missing (a corpus that
    does not annotate the label), is not counted. Names annotated in at least `min_rate` of their
    occurrences are kept, and their occurrences that overlap no entity become entities, but for a
    word of a virus's name. Other corpora's silence counts: a name that gene corpora leave as "O"
    falls below the rate.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "bioner_known_mentions",
        *,
        labels: Iterable[str] = ("Chemical", "Disease"),
        min_count: int = 2,
        min_rate: float = 0.9,
        min_chars: int = 4,
    ) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.make_doc = nlp.make_doc
        self.labels = list(labels)
        self.min_count = min_count
        self.min_rate = min_rate
        self.min_chars = min_chars
        self.names: dict[str, str] = {}
        """lower-case name (its tokens' texts joined by spaces) -> label"""
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        annotated: Counter[tuple[str, str]] = Counter()
        for example in get_examples():  # read twice rather than held: a training corpus can be large
            for ent in example.reference.ents:
                if ent.label_ in self.labels and len(ent.text) >= self.min_chars:
                    annotated[(_key(ent), ent.label_)] += 1
        label_of: dict[str, str] = {}
        for (key, label), n in annotated.most_common():
            if n >= self.min_count:
                label_of.setdefault(key, label)
        matcher = self._matcher(label_of)
        occurrences: Counter[str] = Counter()
        strings = self.vocab.strings
        for example in get_examples():
            doc = example.reference
            entities = {(e.start, e.end) for e in doc.ents}
            for match_id, start, end in matcher(doc):
                if (start, end) in entities or all(token.ent_iob_ == "O" for token in doc[start:end]):
                    occurrences[strings[match_id]] += 1
        names = {
            key: label
            for key, label in label_of.items()
            if occurrences[key] and annotated[(key, label)] / occurrences[key] >= self.min_rate
        }
        self._set_names(names)

    def _set_names(self, names: dict[str, str]) -> None:
        self.names = dict(sorted(names.items()))
        self.matcher = self._matcher(self.names)

    def _matcher(self, keys: Iterable[str]) -> PhraseMatcher:
        """A case-insensitive matcher of the names, each match's id its key."""
        matcher = PhraseMatcher(self.vocab, attr="LOWER")
        for key in keys:
            matcher.add(key, [self.make_doc(key)])
        return matcher

    def __call__(self, doc: Doc) -> Doc:
        if not self.names:
            return doc
        ents = list(doc.ents)
        taken = {i for ent in ents for i in range(ent.start, ent.end)}
        strings = self.vocab.strings
        added = []
        for match_id, start, end in self.matcher(doc):
            if any(i in taken for i in range(start, end)) or _names_an_organism(doc, end):
                continue
            added.append(Span(doc, start, end, label=self.names[strings[match_id]]))
        if added:
            doc.ents = sorted(ents + filter_spans(added), key=lambda span: span.start)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "names.json").write_text(json.dumps(self.names, ensure_ascii=False, indent=0), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> KnownMentions:
        self._set_names(json.loads((Path(path) / "names.json").read_text(encoding="utf-8")))
        return self


def _key(span: Span) -> str:
    return " ".join(_lower(span))


def _names_an_organism(doc: Doc, end: int) -> bool:
    """Whether a disease word ending at token `end` is part of a virus's name ("duck hepatitis A
    virus", "Red clover necrotic mosaic virus"): "virus" within the next three words."""
    return any(token.lower_.startswith("virus") for token in doc[end : end + 3])
