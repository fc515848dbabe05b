"""A trained pipeline as a pip-installable model package (`en_bioner_bc5cdr`).

Built with spaCy's own packaging (`spacy.cli.package`): the package holds the pipeline data, a
meta.json and a model card (README.md), and carries copies of `bioner.pipeline.tokenizer` and
`bioner.pipeline.components`, so that `spacy.load("en_bioner_bc5cdr")` works where bioner is not
installed. It declares spaCy (the range the pipeline was trained with) and scispaCy (which the
components use) as its dependencies, never bioner.

When bioner *is* installed as well, spaCy would refuse the package's copies of the factories
(error E004: a factory of the same name from another file), in whichever order the two are
imported. The package's `__init__` therefore registers through `bioner.pipeline` when bioner can
be imported, and through its own copies otherwise; it warns when the installed bioner's modules
differ from the copies it carries.

The model card's test figures are read from the evaluator's JSON (`bioner evaluate --json`),
never typed in; without one, the card says the model was not evaluated.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BionerError

DEFAULT_NAME = "en_bioner_bc5cdr"
DESCRIPTION = "Chemical and Disease named-entity tagger for PubMed titles and abstracts, trained on BC5CDR"
AUTHOR = "bioner"
LICENSE = "Research use only (trained on the BC5CDR corpus); the packaged code is MIT"
CODE_MODULES = ("tokenizer", "components", "linker")
"""Modules of `bioner.pipeline` copied into the package, in import order (`linker` is
`bioner.linking.linker`, which `bioner.pipeline` exposes)."""
SCISPACY_USERS = {"bioner_abbreviations"}
"""Factories whose code imports scispaCy at run time."""
BIONER_TOKENIZER = "bioner.BiomedicalTokenizer.v1"
LINKER = "bioner_linker"
"""Factory whose code needs scikit-learn (TF-IDF nearest neighbours)."""

BC5CDR_SOURCE = {
    "name": "BioCreative V CDR corpus (BC5CDR)",
    "url": "https://biocreative.bioinformatics.udel.edu/tasks/biocreative-v/track-3-cdr/",
    "author": "Li et al. 2016",
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

INIT_TEMPLATE = '''"""{name} {version}: a spaCy pipeline packaged by `bioner package`. See README.md."""

import sys
import warnings
from pathlib import Path

from spacy.util import get_model_meta, load_model_from_init_py

_HERE = Path(__file__).parent
_MODULES = {modules!r}


def _register():
    """Register the tokenizer and pipeline components this pipeline needs.

    Without bioner, this package's copies of its modules register them. With bioner installed,
    bioner's own modules must: spaCy refuses a second factory of the same name defined in another
    file (error E004), whichever of the two is imported first. bioner's modules then also stand
    in for this package's copies, so that importing those is no second registration either.
    """
    try:
        import bioner.pipeline as installed
    except ImportError:
        from . import {imports}  # noqa: F401
        return
    for module in _MODULES:
        sys.modules[__name__ + "." + module] = globals()[module] = getattr(installed, module)
        theirs = Path(getattr(installed, module).__file__).read_text(encoding="utf-8")
        ours = (_HERE / (module + ".py")).read_text(encoding="utf-8")
        if theirs != ours:
            warnings.warn(
                "{name}: the installed bioner's " + module + " module differs from the one this "
                "package was built with ({bioner_version}); spaCy uses bioner's, and output may differ "
                "from the packaged model's. Install a matching bioner or use a virtual environment without it.",
                stacklevel=2,
            )


_register()

__version__ = get_model_meta(_HERE)["version"]


def load(**overrides):
    return load_model_from_init_py(__file__, **overrides)
'''


# --- inputs -----------------------------------------------------------------------------------


def _is_fraction(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= value <= 1.0


def read_evaluation(path: Path) -> dict[str, Any]:
    """The evaluator's JSON (`bioner evaluate --json`), checked for what the model card uses."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BionerError(f"{path}: cannot read the evaluation JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("strict"), dict):
        raise BionerError(f"{path}: not an evaluation written by `bioner evaluate --json` (no \"strict\" scores)")
    for mode in ("strict", "lenient"):
        scores = data.get(mode)
        if scores is None:
            continue
        if not isinstance(scores, dict) or "micro" not in scores:
            raise BionerError(f"{path}: \"{mode}\" has no micro-averaged scores")
        for key, prf in scores.items():
            for measure in ("precision", "recall", "f1"):
                if not isinstance(prf, dict) or not _is_fraction(prf.get(measure)):
                    raise BionerError(f"{path}: {mode}.{key}.{measure} must be a fraction in [0, 1]")
    return data


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


def directory_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1_000_000


# --- meta.json --------------------------------------------------------------------------------


def _requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def uses_scispacy(config: Mapping[str, Any]) -> bool:
    """Whether the pipeline's tokenizer or one of its components imports scispaCy."""
    tokenizer = config.get("nlp", {}).get("tokenizer", {}).get("@tokenizers")
    factories = {component.get("factory") for component in config.get("components", {}).values()}
    return tokenizer == BIONER_TOKENIZER or bool(factories & SCISPACY_USERS)


def package_requirements(
    model_meta: Mapping[str, Any], config: Mapping[str, Any], *, scispacy_version: str | None = None
) -> list[str]:
    """What the package must install: spaCy in the range the pipeline was trained with, and
    scispaCy (in the minor range of the installed version) when the pipeline uses it. bioner is
    never a requirement: the package carries its code."""
    from spacy import about
    from spacy.util import get_minor_version_range

    spacy_range = model_meta.get("spacy_version") or get_minor_version_range(about.__version__)
    requirements = [f"spacy{spacy_range}"]
    if uses_scispacy(config):
        if scispacy_version is None:
            from importlib.metadata import PackageNotFoundError, version

            try:
                scispacy_version = version("scispacy")
            except PackageNotFoundError:
                raise BionerError("the pipeline uses scispaCy, which is not installed here: pip install scispacy") from None
        requirements.append(f"scispacy{get_minor_version_range(scispacy_version)}")
    factories = {component.get("factory") for component in config.get("components", {}).values()}
    if LINKER in factories:
        requirements.append("scikit-learn>=1.3")
    # Anything else the pipeline's meta already asks for, except bioner itself.
    taken = {_requirement_name(r) for r in requirements} | {"bioner"}
    for requirement in model_meta.get("requirements", []):
        if _requirement_name(requirement) not in taken:
            requirements.append(requirement)
            taken.add(_requirement_name(requirement))
    return requirements


def performance_from_evaluation(evaluation: Mapping[str, Any] | None, benchmark: Mapping[str, Any] | None) -> dict[str, Any]:
    """spaCy's meta `performance` block (fractions) from the test evaluation, strict matching."""
    performance: dict[str, Any] = {}
    if evaluation is not None:
        strict = evaluation["strict"]
        micro = strict["micro"]
        performance.update(ents_p=micro["precision"], ents_r=micro["recall"], ents_f=micro["f1"])
        performance["ents_per_type"] = {
            label: {"p": prf["precision"], "r": prf["recall"], "f": prf["f1"]}
            for label, prf in strict.items()
            if label not in ("micro", "macro")
        }
    if benchmark is not None and benchmark.get("words_per_second") is not None:
        performance["speed"] = benchmark["words_per_second"]
    return performance


def build_meta(
    model_meta: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    name: str = DEFAULT_NAME,
    version: str = __version__,
    evaluation: Mapping[str, Any] | None = None,
    evaluation_source: str | None = None,
    benchmark: Mapping[str, Any] | None = None,
    size_mb: float | None = None,
    scispacy_version: str | None = None,
) -> dict[str, Any]:
    """The package's meta.json, from the trained pipeline's.

    The trained pipeline's `performance` is dropped: it holds development scores, which for a
    `--final` model (trained on train + development) are scores on training data. In its place
    go the test figures of the evaluation, or none.
    """
    lang = model_meta.get("lang", "en")
    if not name.startswith(f"{lang}_") or not name[len(lang) + 1:].isidentifier():
        raise BionerError(f"package name {name!r} must start with the language ({lang}_) and be a Python identifier")
    meta = {key: value for key, value in model_meta.items() if key != "performance"}
    meta.update(
        lang=lang,
        # spaCy's setup.py names the package lang + "_" + name.
        name=name[len(lang) + 1:],
        version=version,
        description=DESCRIPTION,
        author=AUTHOR,
        license=LICENSE,
        sources=[dict(BC5CDR_SOURCE)],
        requirements=package_requirements(model_meta, config, scispacy_version=scispacy_version),
        performance=performance_from_evaluation(evaluation, benchmark),
    )
    meta["bioner"] = {
        "bioner_version": __version__,
        "code": [f"{module}.py" for module in CODE_MODULES],
        "evaluation": (
            {"source": evaluation_source, "documents": evaluation.get("documents"),
             "strict": evaluation["strict"], "lenient": evaluation.get("lenient"),
             **({"concepts": evaluation["concepts"]} if evaluation.get("concepts") else {})}
            if evaluation is not None else NOT_EVALUATED
        ),
        "benchmark": dict(benchmark) if benchmark is not None else None,
        "size_mb": round(size_mb, 1) if size_mb is not None else None,
    }
    return meta


# --- model card -------------------------------------------------------------------------------


def _percent(value: Any) -> str:
    return f"{100 * value:.2f}" if isinstance(value, (int, float)) else "–"


def _count(value: Any) -> str:
    return str(value) if isinstance(value, int) else "–"


def _scores_table(scores: Mapping[str, Any], intervals: Mapping[str, Any] | None = None) -> list[str]:
    with_ci = bool(intervals)
    header = "| | Precision | Recall | F1 |" + (" F1 95% CI |" if with_ci else "") + " TP | FP | FN |"
    lines = [header, "|---|---:|---:|---:|" + ("---:|" if with_ci else "") + "---:|---:|---:|"]
    labels = sorted(key for key in scores if key not in ("micro", "macro"))
    for key in labels + [k for k in ("micro", "macro") if k in scores]:
        prf = scores[key]
        row = f"| {'**' + key + '**' if key in ('micro', 'macro') else key} | {_percent(prf.get('precision'))} | {_percent(prf.get('recall'))} | {_percent(prf.get('f1'))} |"
        if with_ci:
            ci = intervals.get(key)
            row += f" {_percent(ci['low'])}–{_percent(ci['high'])} |" if ci else " – |"
        if key == "macro":  # counts of a macro average are the micro counts: not repeated
            row += " | | |"
        else:
            row += f" {_count(prf.get('tp'))} | {_count(prf.get('fp'))} | {_count(prf.get('fn'))} |"
        lines.append(row)
    return lines


def _config_summary(config: Mapping[str, Any]) -> list[str]:
    nlp = config.get("nlp", {})
    components = config.get("components", {})
    lines = [f"- Pipeline: {', '.join(f'`{p}`' for p in nlp.get('pipeline', []))}",
             f"- Tokenizer: `{nlp.get('tokenizer', {}).get('@tokenizers', 'spaCy default')}`"]
    for pipe in nlp.get("pipeline", []):
        component = components.get(pipe, {})
        model = component.get("model", {})
        details = [f"factory `{component.get('factory', pipe)}`"]
        if "@architectures" in model:
            details.append(f"model `{model['@architectures']}`")
        for key in ("width", "depth", "hidden_width"):
            if key in model:
                details.append(f"{key} {model[key]}")
        encode = model.get("encode", {})
        if "@architectures" in encode:
            details.append(f"encoder `{encode['@architectures']}` (width {encode.get('width')}, depth {encode.get('depth')})")
        embed = model.get("embed", {})
        if "attrs" in embed:
            details.append(f"features {', '.join(embed['attrs'])}" + (" + static vectors" if embed.get("include_static_vectors") else ""))
        settings = {k: v for k, v in component.items() if k not in ("factory", "model", "scorer") and not isinstance(v, dict)}
        details += [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
        lines.append(f"- `{pipe}`: " + "; ".join(details))
    training = config.get("training", {})
    if training:
        optimizer = training.get("optimizer", {})
        lines.append(
            f"- Training: max_steps {training.get('max_steps')}, dropout {training.get('dropout')}, "
            f"optimizer `{optimizer.get('@optimizers')}` (learn_rate {optimizer.get('learn_rate')}), seed {training.get('seed')}"
        )
    return lines


def render_model_card(
    meta: Mapping[str, Any],
    config_text: str,
    *,
    evaluation: Mapping[str, Any] | None,
    benchmark: Mapping[str, Any] | None = None,
    evaluation_note: str | None = None,
    training_summary: Mapping[str, Any] | None = None,
) -> str:
    """The package's README.md: what it tags, data and citation, config, test figures, speed and size."""
    from thinc.api import Config

    try:
        config = Config().from_str(config_text, interpolate=True)
    except Exception:  # a reference that does not resolve: show the settings as written
        config = Config().from_str(config_text, interpolate=False)
    package = f"{meta['lang']}_{meta['name']}"
    version = meta["version"]
    labels = meta.get("labels", {}).get("ner", [])
    vectors = meta.get("vectors", {})
    size = meta.get("bioner", {}).get("size_mb")
    out: list[str] = [f"# {package} {version}", "", f"{meta.get('description', DESCRIPTION)}.", ""]

    out += ["| | |", "|---|---|",
            f"| Package | `{package}` {version} |",
            f"| spaCy | `{meta.get('spacy_version', '')}` |",
            f"| Requirements | {', '.join(f'`{r}`' for r in meta.get('requirements', []))} |",
            f"| Pipeline | {', '.join(f'`{p}`' for p in meta.get('pipeline', []))} |",
            f"| Labels | {', '.join(f'`{label}`' for label in labels)} |",
            "| Vectors | " + (f"{vectors.get('vectors', 0)} vectors of {vectors.get('width')} dimensions"
                              + (f", {vectors['keys']} keys" if vectors.get("keys") else "")
                              if vectors.get("width") else "none") + " |",
            f"| Training data | BC5CDR ({BC5CDR_SOURCE['author']}) |",
            f"| Licence | {meta.get('license', '')} |",
            f"| Built with | bioner {meta.get('bioner', {}).get('bioner_version', __version__)} |", ""]

    out += ["## What it tags", "",
            "Mentions of chemicals and diseases in biomedical text (PubMed titles and abstracts), as spaCy entities (`doc.ents`):", ""]
    out += [f"- `{label}`: {LABEL_DESCRIPTIONS.get(label, 'as annotated in the training data')}" for label in labels]
    out += ["", "Entities are character spans with a label; the pipeline does not link them to MeSH identifiers.", ""]

    out += ["## Usage", "", "```bash", f"pip install {package}-{version}-py3-none-any.whl", "```", "", "```python",
            "import spacy", "", f'nlp = spacy.load("{package}")',
            'doc = nlp("Famotidine-associated delirium in a patient with renal failure.")',
            "print([(ent.text, ent.label_) for ent in doc.ents])", "```", "",
            "The package carries the code of its tokenizer (`bioner.BiomedicalTokenizer.v1`) and of its "
            "post-processing components (`bioner_abbreviations`, `bioner_consistency`); bioner itself is not "
            "needed. If bioner is installed too, its own registrations of the same names are used (spaCy allows "
            "only one), and the package warns if they differ from the code it carries.", ""]

    out += ["## Training data", "",
            "The BioCreative V Chemical Disease Relation corpus (BC5CDR): 1,500 PubMed abstracts "
            "(training, development and test sets of 500 each) annotated with Chemical and Disease mentions.", "",
            f"> {BC5CDR_CITATION}", ""]
    if training_summary and training_summary.get("final"):
        if "dev_best_step" in training_summary:
            how = (f"the development run's best step, {training_summary['dev_best_step']}, scaled by "
                   f"{training_summary.get('step_scale')} for the larger data")
        else:
            how = "a step count given with --steps"
        out += [f"This model was trained on the training and development sets together, for "
                f"{training_summary.get('steps')} steps ({how}): `bioner train --final`.", ""]
    elif training_summary and "best_step" in training_summary:
        out += [f"This model was trained on the training set; it is the checkpoint of step "
                f"{training_summary['best_step']}, best on the development set.", ""]
    out += [
            "**Licence note:** the BC5CDR corpus is free for research use. This model is derived from it and "
            "is therefore offered for research use only; check the corpus terms before any other use.", ""]

    out += ["## Config", ""] + _config_summary(config) + ["",
            "<details>", "<summary>Full training config (config.cfg)</summary>", "", "```ini", config_text.strip(), "```", "", "</details>", ""]

    out += ["## Evaluation: BC5CDR test set", ""]
    if evaluation is None:
        out += [f"**Not evaluated.** {evaluation_note or 'No evaluation was given when this package was built.'} "
                "No test figures are reported; the scores logged during training are not test scores "
                "(for a model trained on train + development they are scores on training data).", ""]
    else:
        documents = evaluation.get("documents")
        source = meta.get("bioner", {}).get("evaluation", {})
        source_name = source.get("source") if isinstance(source, dict) else None
        out += [f"Scores of `bioner evaluate` on {documents if documents is not None else 'the'} test documents, copied from "
                f"`{source_name or 'evaluation.json'}` when the package was built. Precision, recall and F1 in %; "
                "micro averages pool the mentions of all labels, macro averages are the mean over labels.", ""]
        bootstrap = evaluation.get("bootstrap") or {}
        out += ["**Strict** (the BioCreative V CDR rule: same start, end and label):", ""]
        out += _scores_table(evaluation["strict"], bootstrap.get("strict"))
        if evaluation.get("lenient"):
            out += ["", "**Lenient** (a prediction overlapping a gold mention of the same label):", ""]
            out += _scores_table(evaluation["lenient"], bootstrap.get("lenient"))
        if evaluation.get("concepts"):
            out += ["", "**Concepts** (the linker's MeSH ids: per document, distinct (label, id) pairs, as the "
                    "BioCreative V CDR normalisation task scored them):", ""]
            out += _scores_table(evaluation["concepts"], None)
        out += [""]

    out += ["## Speed and size", ""]
    if benchmark and benchmark.get("words_per_second") is not None:
        out.append(f"- Speed: {benchmark['words_per_second']:,.0f} words per second")
    else:
        out.append("- Speed: not measured")
    if benchmark and benchmark.get("peak_memory_mb") is not None:
        out.append(f"- Peak memory while tagging: {benchmark['peak_memory_mb']:,.0f} MB")
    if benchmark:
        extra = {k: v for k, v in benchmark.items() if k not in ("words_per_second", "peak_memory_mb") and isinstance(v, (str, int, float))}
        out += [f"- {k.replace('_', ' ')}: {v}" for k, v in extra.items()]
    if size is not None:
        out.append(f"- Pipeline data: {size:.1f} MB")
    out.append("")
    return "\n".join(out)


# --- building ---------------------------------------------------------------------------------


def _code_files() -> list[Path]:
    from . import pipeline

    return [Path(getattr(pipeline, module).__file__) for module in CODE_MODULES]


def write_init(package_dir: Path, *, name: str, version: str) -> None:
    text = INIT_TEMPLATE.format(
        name=name, version=version, modules=CODE_MODULES, imports=", ".join(CODE_MODULES), bioner_version=f"bioner {__version__}"
    )
    (package_dir / "__init__.py").write_text(text, encoding="utf-8")


def stage_package(
    model_dir: Path,
    staging_dir: Path,
    *,
    name: str = DEFAULT_NAME,
    version: str = __version__,
    evaluation: Path | None = None,
    benchmark: Path | None = None,
    require_evaluation: bool = False,
) -> Path:
    """Lay out the package's source (setup.py, meta.json, README.md, code, data) with spaCy's
    packaging, without building it; returns its folder.

    `evaluation` and `benchmark` default to evaluation.json and benchmark.json beside MODEL_DIR
    (where `make evaluate` writes them). A missing default evaluation makes a card that says
    "not evaluated" (an error with `require_evaluation`); a path given but missing is an error.
    """
    from spacy.cli.package import package as spacy_package
    from spacy.schemas import ModelMetaSchema, validate
    from thinc.api import Config

    import bioner.pipeline  # noqa: F401  (registers the tokenizer and components to load the model)

    model_dir = Path(model_dir)
    if not (model_dir / "meta.json").is_file() or not (model_dir / "config.cfg").is_file():
        raise BionerError(f"{model_dir}: not a trained pipeline (no meta.json and config.cfg); train one with `bioner train`")
    parent = model_dir.resolve().parent
    evaluation_data = None
    evaluation_note = None
    if evaluation is None and not (parent / "evaluation.json").exists():
        evaluation_note = f"No evaluation JSON was found beside the pipeline ({parent / 'evaluation.json'})."
        if require_evaluation:
            raise BionerError(
                f"{parent / 'evaluation.json'}: no evaluation of the model; run `make evaluate` "
                "(bioner evaluate --json) first, or give --evaluation PATH"
            )
    else:
        evaluation = Path(evaluation) if evaluation is not None else parent / "evaluation.json"
        if not evaluation.exists():
            raise BionerError(f"{evaluation}: no such evaluation JSON (written by `bioner evaluate --json`)")
        evaluation_data = read_evaluation(evaluation)
    benchmark_data = None
    if benchmark is not None:
        if not Path(benchmark).exists():
            raise BionerError(f"{benchmark}: no such benchmark JSON")
        benchmark_data = read_benchmark(Path(benchmark))
    elif (parent / "benchmark.json").exists():
        benchmark_data = read_benchmark(parent / "benchmark.json")

    config_text = (model_dir / "config.cfg").read_text(encoding="utf-8")
    config = Config().from_str(config_text, interpolate=False)
    model_meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    meta = build_meta(
        model_meta,
        config,
        name=name,
        version=version,
        evaluation=evaluation_data,
        evaluation_source=evaluation.name if evaluation_data is not None else None,
        benchmark=benchmark_data,
        size_mb=directory_size_mb(model_dir),
    )
    staging_dir = Path(staging_dir)
    staging_dir.mkdir(parents=True, exist_ok=True)
    meta_path = staging_dir / "meta.input.json"
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    try:
        # No --code: spaCy would import the copies here, next to bioner's registrations (E004).
        spacy_package(model_dir, staging_dir, meta_path=meta_path, code_paths=[], name=meta["name"], version=version,
                      create_sdist=False, create_wheel=False, require_parent=False, force=True, silent=True)
    except SystemExit:
        raise BionerError(f"spaCy could not package {model_dir}; run `python -m spacy package {model_dir} /tmp` to see why") from None
    source_dir = staging_dir / f"{name}-{version}"
    package_dir = source_dir / name
    # spaCy adds the packages its config's functions come from: bioner, which the package replaces.
    written = json.loads((source_dir / "meta.json").read_text(encoding="utf-8"))
    written["requirements"] = [r for r in written.get("requirements", []) if _requirement_name(r) != "bioner"]
    # spaCy's JSON writer rounds floats to 9 digits: the figures are the evaluation's, exactly.
    meta = dict(written, performance=meta["performance"], bioner=meta["bioner"])
    errors = validate(ModelMetaSchema, meta)
    if errors:
        raise BionerError("invalid package meta.json: " + "; ".join(errors))
    # setup.py copies meta.json into the package and its data at build time; so does this, to
    # leave a staged folder that is importable as it is.
    for folder in (source_dir, package_dir, package_dir / f"{name}-{version}"):
        (folder / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    summary_path = parent / "training-summary.json"  # written by bioner.training
    training_summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else None
    card = render_model_card(meta, config_text, evaluation=evaluation_data, benchmark=benchmark_data,
                             evaluation_note=evaluation_note, training_summary=training_summary)
    (source_dir / "README.md").write_text(card, encoding="utf-8")
    (package_dir / f"{name}-{version}" / "README.md").write_text(card, encoding="utf-8")
    for code in _code_files():
        shutil.copy(code, package_dir / code.name)
    write_init(package_dir, name=name, version=version)
    return source_dir


def build_distributions(source_dir: Path, output_dir: Path) -> list[Path]:
    """Build an sdist, then a wheel from it, with `python -m build`; returns [sdist, wheel]."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        version("build")
    except PackageNotFoundError:
        raise BionerError("building the package needs the `build` package: pip install build") from None
    with tempfile.TemporaryDirectory(prefix="bioner-dist-") as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "build", "--outdir", scratch, str(source_dir)],
            capture_output=True, text=True, env=os.environ.copy(),
        )
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise BionerError(f"`python -m build` failed for {source_dir}:\n{tail}")
        built = sorted(Path(scratch).iterdir(), key=lambda p: (not p.name.endswith(".tar.gz"), p.name))
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for path in built:
            target = output_dir / path.name
            target.unlink(missing_ok=True)
            shutil.move(str(path), target)
            paths.append(target)
    return paths


def package_model(
    model_dir: Path,
    output_dir: Path,
    *,
    name: str = DEFAULT_NAME,
    version: str = __version__,
    evaluation: Path | None = None,
    benchmark: Path | None = None,
    require_evaluation: bool = False,
    keep_source: Path | None = None,
) -> list[Path]:
    """Build the wheel and sdist of a trained pipeline into `output_dir`; returns [sdist, wheel].

    See `stage_package` for `evaluation`, `benchmark` and `require_evaluation`. With
    `keep_source`, the package's source folder is left there (to read its card and meta).
    """
    with tempfile.TemporaryDirectory(prefix="bioner-package-") as scratch:
        staging = Path(keep_source) if keep_source is not None else Path(scratch)
        source_dir = stage_package(model_dir, staging, name=name, version=version, evaluation=evaluation,
                                   benchmark=benchmark, require_evaluation=require_evaluation)
        return build_distributions(source_dir, output_dir)
