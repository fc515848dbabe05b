"""What a model package says about itself: its meta.json and its README.md (the model card).

The test figures come from the evaluator's JSON (`bioner evaluate --json`), never typed in;
without one, the card says the model was not evaluated. The trained pipeline's own
`performance` (development scores; for a `--final` model, scores on training data) is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import BionerError

if TYPE_CHECKING:
    from .evaluation.result import Evaluation

PACKAGE_NAME = "en_bioner_bc5cdr"
"""The model package's name: what `spacy.load()` takes."""
CODE_MODULES = ("tokenizer", "components", "spans", "linker")
"""Modules of `bioner.pipeline` copied into the package, in import order."""
DESCRIPTION = "Chemical and Disease named-entity tagger for PubMed titles and abstracts, trained on BC5CDR"
LICENSE = "Research use only (trained on the BC5CDR corpus); the packaged code is MIT"
SCISPACY_USERS = {"bioner_abbreviations"}
LINKER = "bioner_linker"
"""The factory whose code needs scikit-learn (TF-IDF nearest neighbours)."""
BC5CDR_SOURCE = {
    "name": "BioCreative V CDR corpus (BC5CDR)",
    "author": "Li et al. 2016",
    "url": "https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/",
}
BC5CDR_CITATION = (
    "Li J, Sun Y, Johnson RJ, Sciaky D, Wei CH, Leaman R, Davis AP, Mattingly CJ, Wiegers TC, Lu Z. "
    "BioCreative V CDR task corpus: a resource for chemical disease relation extraction. "
    "Database (Oxford). 2016;2016:baw068. doi:10.1093/database/baw068"
)
LABEL_DESCRIPTIONS = {
    "Chemical": "chemicals and drugs (BC5CDR's MeSH Chemicals and Drugs branch)",
    "Disease": "diseases, disorders, symptoms and adverse effects (BC5CDR's MeSH Diseases branch)",
}
NOT_EVALUATED = "not evaluated"


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
    from .pipeline.tokenizer import TOKENIZER_NAME

    tokenizer = config.get("nlp", {}).get("tokenizer", {}).get("@tokenizers")
    return tokenizer == TOKENIZER_NAME or bool(_factories(config) & SCISPACY_USERS)


def package_requirements(
    model_meta: Mapping[str, Any], config: Mapping[str, Any], *, scispacy_version: str | None = None
) -> list[str]:
    """spaCy in the range the pipeline was trained with; scispaCy (the installed minor range) and
    scikit-learn when the pipeline uses them; whatever else its meta asks for, except bioner."""
    from importlib.metadata import PackageNotFoundError, version

    from spacy import about
    from spacy.util import get_minor_version_range, split_requirement

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
) -> dict[str, Any]:
    """The package's meta.json from the trained pipeline's. Its `performance` (development scores,
    which for a `--final` model are scores on training data) gives way to the test evaluation's."""
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
        "description": DESCRIPTION,
        "author": "bioner",
        "license": LICENSE,
        "sources": [dict(BC5CDR_SOURCE)],
        "performance": performance,
        "requirements": package_requirements(model_meta, config, scispacy_version=scispacy_version),
        "bioner": {
            "bioner_version": __version__,
            "code": [f"{module}.py" for module in CODE_MODULES],
            "evaluation": record,
            "benchmark": dict(benchmark) if benchmark is not None else None,
            "size_mb": round(size_mb, 1) if size_mb is not None else None,
        },
    }


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
    from .evaluation.report import scores_table

    package, version = f"{meta['lang']}_{meta['name']}", meta["version"]
    from thinc.api import Config

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
        "## Training data",
        "",
        "The BioCreative V Chemical Disease Relation corpus (BC5CDR): 1,500 PubMed "
        "abstracts (training, development and test sets of 500 each) annotated with Chemical and Disease mentions.",
        "",
        f"> {BC5CDR_CITATION}",
        "",
    ]
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
        "therefore offered for research use only; check the corpus terms before any other use.",
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
