"""What a model package says about itself: its meta.json and its README.md (the model card).

The test figures come from the evaluator's JSON (`bioner evaluate --json`), never typed in;
without one, the card says the model was not evaluated. What the model was trained on comes from
the corpus parts the training summary recorded (`bioner.training.training_corpora`), cited as the
corpus catalogue cites them (`bioner.corpora.catalogue`, each entry's `source` and `via`), and the MeSH/CTD releases from the knowledge base's files (`vocabulary_versions`). The trained pipeline's own
`performance` (development scores; for a `--final` model, scores on training data) is dropped.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy import about
from spacy.util import get_minor_version_range, split_requirement
from thinc.api import Config

from . import __version__
from .corpora.catalogue import CORPORA, Catalogue, Citation, Corpus, home_corpus
from .errors import BionerError
from .evaluation.relations import RelationEvaluation
from .evaluation.report import scores_table
from .names import ABBREVIATIONS, LINKER, PACKAGE_NAME
from .pipeline.tokenizer import TOKENIZER_NAME

if TYPE_CHECKING:
    from .evaluation.result import Evaluation

CODE_MODULES = (
    "tokenizer",
    "components",
    "spans",
    "candidates",
    "ranker",
    "linker",
    "sentences",
    "relations",
    "lexicon_embed",
)
"""Modules of `bioner.pipeline` copied into the package, in import order."""
DESCRIPTION = "Chemical and Disease named-entity tagger for PubMed titles and abstracts"
"""What the model does; `describe` adds what it was trained on."""
LICENSE = "Research use only (derived from the BC5CDR corpus, free for research use); the packaged code is MIT"
SCISPACY_USERS = {ABBREVIATIONS}
"""The factories whose code needs scispaCy; `LINKER`'s needs numpy and scipy (which scikit-learn, required by scispaCy, brings)."""


CorpusSource = Citation
"""An annotated corpus a model can be trained on, as the card cites it: the catalogue's `Citation`."""


VOCABULARY_SOURCES = {
    "MeSH": {"name": "Medical Subject Headings (MeSH)", "author": "NLM", "url": "https://www.nlm.nih.gov/mesh/"},
    "CTD": {
        "name": "Comparative Toxicogenomics Database (CTD)",
        "author": "Davis et al.",
        "url": "https://ctdbase.org/",
    },
}
"""Vocabularies whose names a knowledge base or lexicon can hold (`bioner kb --mesh`)."""
LABEL_DESCRIPTIONS = {
    "Chemical": "chemicals and drugs (BC5CDR's MeSH Chemicals and Drugs branch)",
    "Disease": "diseases, disorders, symptoms and adverse effects (BC5CDR's MeSH Diseases branch)",
}
NOT_EVALUATED = "not evaluated"


def _named(corpus: Corpus) -> Citation:
    return corpus.source or Citation(corpus.name, corpus.name, "", "", corpus.description, "")


def training_sources(parts: Iterable[str], corpora: Catalogue | None = None) -> list[Citation]:
    """The corpora that corpus part names or file stems come from (`bc5cdr-train`, `CDR_DevelopmentSet.PubTator`),
    each once, in catalogue order (default `CORPORA`), cited as the catalogue cites them; a name
    that matches no corpus is kept as a source of its own name."""
    catalogue = CORPORA if corpora is None else corpora
    found: list[Corpus] = []
    unknown: list[Citation] = []
    for part in parts:
        name = part.lower()
        corpus = next(
            (c for c in catalogue.values() if name.startswith((c.name, *c.file_stems()))),
            None,
        )
        if corpus is None:
            if all(other.name != part for other in unknown):
                unknown.append(Citation(part, part, "", "", "", ""))
        elif corpus not in found:
            found.append(corpus)
    order = list(catalogue.values())
    return [_named(corpus) for corpus in sorted(found, key=order.index)] + unknown


def _redistributors(sources: Sequence[Citation], corpora: Catalogue | None = None) -> dict[Citation, list[str]]:
    """Who redistributes the form of each cited corpus that bioner fetches (AIONER), with the names."""
    catalogue = CORPORA if corpora is None else corpora
    via: dict[Citation, list[str]] = {}
    for corpus in catalogue.values():
        if corpus.via is not None and corpus.source is not None and corpus.source in sources:
            via.setdefault(corpus.via, []).append(corpus.source.name)
    return via


def _sources_of(corpora: Sequence[str] | None) -> list[Citation]:
    """What the card lists when the training data was not recorded: the home corpus (BC5CDR),
    which every bioner training set holds (`bioner multi-corpus` requires it; the teacher and
    cnn.cfg train on it alone)."""
    return training_sources(corpora) if corpora else [_named(home_corpus())]


def describe(corpora: Sequence[str] | None, *, linked: bool = False) -> str:
    """The package's one-line description: what it tags and what it was trained on."""
    names = [source.name for source in _sources_of(corpora)]
    trained_on = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{DESCRIPTION}{' with MeSH identifiers' if linked else ''}, trained on {trained_on}"


_MESH_FILE = re.compile(r"^(?:desc|supp)(\d{4})\.xml(?:\.gz)?$")
_CTD_FILE = re.compile(r"^CTD_\w+\.tsv(?:\.gz)?$")
_CTD_CREATED = re.compile(r"^#\s*Report created:\s*\w+ (\w{3}) (\d{1,2}) [\d:]+ \w+ (\d{4})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ctd_report_date(path: Path) -> str | None:
    """The date in a CTD file's `# Report created:` header; None when the file cannot be read."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    return None
                match = _CTD_CREATED.match(line)
                if match and match.group(1) in _MONTHS:
                    month, day, year = _MONTHS.index(match.group(1)) + 1, int(match.group(2)), match.group(3)
                    return f"{year}-{month:02d}-{day:02d}"
    except (OSError, UnicodeDecodeError, EOFError):
        return None
    return None


def vocabulary_versions(paths: Iterable[str | Path]) -> dict[str, str]:
    """Which MeSH and CTD releases a knowledge base or lexicon was built from, by the files it read:
    `desc2024.xml.gz` gives {"MeSH": "2024"}; a CTD file the date of its report (its header), or its
    file name when it cannot be read here. Other files (annotated corpora) add nothing."""
    found: dict[str, list[str]] = {}
    for path in map(Path, paths):
        if match := _MESH_FILE.match(path.name):
            version = match.group(1)
            vocabulary = "MeSH"
        elif _CTD_FILE.match(path.name):
            date = _ctd_report_date(path)
            version = f"{path.name}, report of {date}" if date else path.name
            vocabulary = "CTD"
        else:
            continue
        if version not in found.setdefault(vocabulary, []):
            found[vocabulary].append(version)
    return {vocabulary: "; ".join(versions) for vocabulary, versions in found.items()}


def read_benchmark(path: Path) -> dict[str, Any]:
    """The benchmark JSON: {"words_per_second": ..., "peak_memory_mb": ...} (either may be absent)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BionerError(f"{path}: cannot read the benchmark JSON: {error}") from None
    if not isinstance(data, dict):
        raise BionerError(f"{path}: the benchmark JSON must be an object")
    for key in ("words_per_second", "peak_memory_mb"):
        value = data.get(key)
        if value is not None and (not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0):
            raise BionerError(f"{path}: {key} must be a non-negative number")
    return data


def _factories(config: Mapping[str, Any]) -> set[str]:
    return {component.get("factory") for component in config.get("components", {}).values()}


def uses_scispacy(config: Mapping[str, Any]) -> bool:
    """Whether the pipeline's tokenizer or one of its components imports scispaCy."""
    tokenizer = config.get("nlp", {}).get("tokenizer", {}).get("@tokenizers")
    return tokenizer == TOKENIZER_NAME or bool(_factories(config) & SCISPACY_USERS)


def package_requirements(
    model_meta: Mapping[str, Any], config: Mapping[str, Any], *, scispacy_version: str | None = None
) -> list[str]:
    """spaCy in the range the pipeline was trained with; scispaCy (the installed minor range) and
    scikit-learn when the pipeline uses them; whatever else its meta asks for, except bioner."""
    requirements = [f"spacy{model_meta.get('spacy_version') or get_minor_version_range(about.__version__)}"]
    if uses_scispacy(config):
        try:
            requirements.append(f"scispacy{get_minor_version_range(scispacy_version or version('scispacy'))}")
        except PackageNotFoundError:
            raise BionerError("the pipeline uses scispaCy, which is not installed here: pip install scispacy") from None
    if LINKER in _factories(config):
        requirements.append("scikit-learn>=1.3")
    taken = {"bioner"}
    for requirement in requirements + list(model_meta.get("requirements", [])):
        name = split_requirement(requirement)[0].lower().replace("_", "-")
        if name not in taken:
            taken.add(name)
            if requirement not in requirements:
                requirements.append(requirement)
    return requirements


def build_meta(
    model_meta: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    name: str = PACKAGE_NAME,
    version: str = __version__,
    evaluation: Evaluation | None = None,
    evaluation_source: str | None = None,
    benchmark: Mapping[str, Any] | None = None,
    size_mb: float | None = None,
    scispacy_version: str | None = None,
    corpora: Sequence[str] | None = None,
    vocabularies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The package's meta.json from the trained pipeline's. Its `performance` (development scores,
    which for a `--final` model are scores on training data) gives way to the test evaluation's.

    `corpora`: the corpus parts the model was trained on (`training_corpora` in bioner.training);
    the description and `sources` list their corpora. `vocabularies`: the MeSH and CTD releases of
    the knowledge base or lexicon the pipeline holds, such as {"MeSH": "2024"}; optional, `null`
    in meta.json when not given."""
    lang = model_meta.get("lang", "en")
    if not name.startswith(f"{lang}_") or not name[len(lang) + 1 :].isidentifier():
        raise BionerError(f"package name {name!r} must start with the language ({lang}_) and be a Python identifier")
    performance: dict[str, Any] = {}
    record: Any = NOT_EVALUATED
    if evaluation is not None:
        micro, scores = evaluation.strict.micro, evaluation.to_json()
        performance.update(
            ents_p=micro.precision,
            ents_r=micro.recall,
            ents_f=micro.f1,
            ents_per_type={
                label: {"p": prf.precision, "r": prf.recall, "f": prf.f1}
                for label, prf in evaluation.strict.labels.items()
            },
        )
        record = {
            "source": evaluation_source,
            "documents": evaluation.documents,
            **{key: scores[key] for key in ("strict", "lenient", "concepts") if key in scores},
        }
    if benchmark and benchmark.get("words_per_second") is not None:
        performance["speed"] = benchmark["words_per_second"]
    return {
        **{key: value for key, value in model_meta.items() if key != "performance"},
        "lang": lang,
        "name": name[len(lang) + 1 :],  # spaCy names the package lang + "_" + name
        "version": version,
        "description": describe(corpora, linked=LINKER in _factories(config)),
        "author": "bioner",
        "license": LICENSE,
        "sources": [source.to_meta() for source in _sources_of(corpora)]
        + [
            {**VOCABULARY_SOURCES.get(vocabulary, {"name": vocabulary}), "version": version}
            for vocabulary, version in (vocabularies or {}).items()
        ],
        "performance": performance,
        "requirements": package_requirements(model_meta, config, scispacy_version=scispacy_version),
        "bioner": {
            "bioner_version": __version__,
            "corpora": list(corpora) if corpora else None,
            "vocabularies": dict(vocabularies) if vocabularies else None,
            "code": [f"{module}.py" for module in CODE_MODULES],
            "evaluation": record,
            "benchmark": dict(benchmark) if benchmark is not None else None,
            "size_mb": round(size_mb, 1) if size_mb is not None else None,
        },
    }


def _training_data(meta: Mapping[str, Any]) -> list[str]:
    """The card's "Training data" section: each corpus with what it holds and its citation, and the
    vocabularies of the knowledge base (or a line saying none was recorded)."""
    record = meta.get("bioner", {})
    corpora, vocabularies = record.get("corpora"), record.get("vocabularies")
    sources = _sources_of(corpora)
    out = ["## Training data", ""]
    if not corpora:
        out += [
            "The corpora were not recorded with this model (no `corpora` in its training-summary.json); "
            "every bioner training set holds BC5CDR.",
            "",
        ]
    elif len(sources) > 1:
        out += [
            f"{len(sources)} corpora, merged by `bioner multi-corpus`. Where a corpus is "
            "silent about a type, spans of that type are left unlabelled (no gradient), not taught as "
            '"no entity".',
            "",
        ]
    out += [f"- **{s.name}**: {s.what} ({s.author})" if s.what else f"- **{s.name}**" for s in sources]
    out += [""] + [f"> {s.name}: {s.reference}\n>" for s in sources if s.reference]
    for via, names in _redistributors(sources).items():
        out += [f"> {', '.join(names)} in the PubTator form {via.name} redistributes: {via.reference}\n>"]
    if out[-1].endswith("\n>"):
        out[-1] = out[-1][: -len("\n>")]
    out += [""]
    if vocabularies:
        named = ", ".join(f"{name} ({version})" for name, version in vocabularies.items())
        out += [f"Vocabularies in the pipeline's knowledge base or lexicon: {named}.", ""]
    elif LINKER in meta.get("pipeline", []):
        out += ["No MeSH or CTD release was recorded for the linker's knowledge base.", ""]
    return out


def relation_rows(relations: RelationEvaluation) -> list[str]:
    """The card's relation table: end to end and on gold mentions, with the co-occurrence baseline."""
    out = [
        "**Relations** (" + ", ".join(relations.types) + "; the BioCreative V CDR kit's rule: distinct "
        "(document, type, first id, second id)):",
        "",
        "| setting | P | R | F1 | within one sentence F1 | across sentences F1 | co-occurrence baseline F1 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    settings = [
        ("end to end (own mentions and ids)", relations.end_to_end),
        ("gold mentions and ids", relations.gold_mentions),
    ]
    for name, scores in settings:
        if scores is None:
            continue
        base = f"{100 * scores.cooccurrence.micro.f1:.2f}" if scores.cooccurrence is not None else "-"
        out.append(
            f"| {name} | {100 * scores.micro.precision:.2f} | {100 * scores.micro.recall:.2f} | "
            f"{100 * scores.micro.f1:.2f} | {100 * scores.within_sentence.f1:.2f} | "
            f"{100 * scores.across_sentences.f1:.2f} | {base} |"
        )
    return [*out, ""]


def render_model_card(
    meta: Mapping[str, Any],
    config_text: str,
    *,
    evaluation: Evaluation | None,
    benchmark: Mapping[str, Any] | None = None,
    evaluation_note: str | None = None,
    training_summary: Mapping[str, Any] | None = None,
) -> str:
    """The package's README.md: what it tags, data and citation, config, test figures, speed and size."""
    package, version = f"{meta['lang']}_{meta['name']}", meta["version"]

    config = Config().from_str(config_text, interpolate=False)
    keep = config.get("components", {}).get("bioner_labels", {}).get("keep")  # the label filter's output
    labels = [label for label in meta.get("labels", {}).get("ner", []) if keep is None or label in keep]
    summary = training_summary or {}
    out = [
        f"# {package} {version}",
        "",
        f"{meta.get('description', DESCRIPTION)}.",
        "",
        f"- Pipeline: {', '.join(f'`{p}`' for p in meta.get('pipeline', []))}",
        f"- Tokenizer: `{config.get('nlp', {}).get('tokenizer', {}).get('@tokenizers', '')}`",
        f"- Requirements: {', '.join(f'`{r}`' for r in meta.get('requirements', []))}",
        f"- Licence: {meta.get('license', '')}; built with bioner {__version__}",
        "",
        "## What it tags",
        "",
        "Mentions in biomedical text (PubMed titles and abstracts) as `doc.ents`:",
        "",
    ]
    out += [f"- `{label}`: {LABEL_DESCRIPTIONS.get(label, 'as annotated in the training data')}" for label in labels]
    out += [
        "",
        "## Usage",
        "",
        "```python",
        "import spacy",
        "",
        f'nlp = spacy.load("{package}")',
        'doc = nlp("Famotidine-associated delirium in a patient with renal failure.")',
        "print([(ent.text, ent.label_, ent.kb_id_) for ent in doc.ents])",
        "```",
        "",
        "The package carries the code of its tokenizer and components; bioner is not needed. If bioner is "
        "installed too, its own registrations are used (spaCy allows one per name), with a warning if they differ.",
        "",
    ]
    out += _training_data(meta)
    if summary.get("final"):
        how = (
            f"the development run's best step, {summary['dev_best_step']}, scaled by {summary.get('step_scale')} "
            "for the larger data"
            if "dev_best_step" in summary
            else "a step count given with --steps"
        )
        out += [
            f"This model was trained on the training and development sets together, for {summary.get('steps')} "
            f"steps ({how}): `bioner train --final`.",
            "",
        ]
    elif "best_step" in summary:
        out += [
            f"This model was trained on the training set; it is the checkpoint of step {summary['best_step']}, "
            "best on the development set.",
            "",
        ]
    out += [
        "**Licence note:** the BC5CDR corpus is free for research use. This model is derived from it and is "
        "therefore offered for research use only; check the terms of every corpus above before any other use.",
        "",
        "## Evaluation: BC5CDR test set",
        "",
    ]
    if evaluation is None:
        out += [
            f"**Not evaluated.** {evaluation_note or 'No evaluation was given when this package was built.'} "
            "The scores logged during training are not test scores (for a model trained on train + development "
            "they are scores on training data).",
            "",
        ]
    else:
        source = meta.get("bioner", {}).get("evaluation", {}).get("source") or "evaluation.json"
        out += [
            f"Scores of `bioner evaluate` on {evaluation.documents} test documents, copied from `{source}`; "
            "in %. Micro averages pool the mentions of all labels, macro averages are the mean over labels.",
            "",
        ]
        modes = [
            ("Strict** (the BioCreative V CDR rule: same start, end and label)", evaluation.strict, "strict"),
            ("Lenient** (overlapping a gold mention of the same label)", evaluation.lenient, "lenient"),
        ]
        if evaluation.concepts is not None:
            modes.append(("Concepts** (MeSH ids: per document, distinct (label, id) pairs)", evaluation.concepts, ""))
        for title, scores, mode in modes:
            intervals = getattr(evaluation.bootstrap, mode, None) if evaluation.bootstrap and mode else None
            out += [f"**{title}:", "", scores_table(scores, intervals, style="markdown"), ""]
        if evaluation.relations is not None:
            out += relation_rows(evaluation.relations)
    speed = (benchmark or {}).get("words_per_second")
    memory = (benchmark or {}).get("peak_memory_mb")
    size = meta.get("bioner", {}).get("size_mb")
    out += [
        "## Speed and size",
        "",
        f"- Speed: {f'{speed:,.0f} words per second' if speed is not None else 'not measured'}",
    ]
    out += [f"- Peak memory while tagging: {memory:,.0f} MB"] if memory is not None else []
    out += [f"- Pipeline data: {size:.1f} MB"] if size is not None else []
    out += ["", "## Config", "", "```ini", config_text.strip(), "```", ""]
    return "\n".join(out)
