"""The model package: meta.json and model card from the evaluation, and loading by name without bioner."""

import json
import os
import subprocess
import tempfile
import sys
import time
import zipfile
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

import bioner.pipeline
from bioner import __version__
from bioner.errors import BionerError
from bioner.linking.linker import write_kb
from bioner.packaging import (
    NOT_EVALUATED,
    build_meta,
    package_model,
    package_requirements,
    read_benchmark,
    read_evaluation,
    render_model_card,
    stage_package,
    uses_scispacy,
)

NAME = "en_bioner_bc5cdr"
TEXT = "Ketamine relieved treatment-resistant depression (TRD). Later, TRD and delirium returned after ketamine and Ca2+ blockers."


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def evaluation_json():
    chemical, disease, micro = prf(4900, 300, 485), prf(3800, 700, 624), prf(8700, 1000, 1109)
    macro = {"tp": 8700, "fp": 1000, "fn": 1109, "precision": 0.9, "recall": 0.875, "f1": 0.8875}
    lenient = {"Chemical": prf(5000, 200, 385), "Disease": prf(4100, 400, 324), "micro": prf(9100, 600, 709), "macro": macro}
    return {"strict": {"Chemical": chemical, "Disease": disease, "micro": micro, "macro": macro},
            "lenient": lenient, "documents": 500}


def config_for(pipeline, tokenizer="bioner.BiomedicalTokenizer.v1"):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": tokenizer}}})
    for pipe in pipeline:
        nlp.add_pipe(pipe)
    return nlp.config


MODEL_META = {"lang": "en", "name": "pipeline", "version": "0.0.0", "spacy_version": ">=3.8.2,<3.9.0",
              "labels": {"ner": ["Chemical", "Disease"]}, "pipeline": ["ner", "bioner_abbreviations", "bioner_consistency"],
              "performance": {"ents_f": 0.99, "ents_p": 0.99, "ents_r": 0.99}, "requirements": []}


# --- meta.json -------------------------------------------------------------------------------


def test_requirements_are_spacy_in_the_trained_range_and_scispacy_never_bioner():
    config = config_for(["ner", "bioner_abbreviations", "bioner_consistency"])
    meta = dict(MODEL_META, requirements=["bioner>=0.1.0,<0.2.0", "spacy-lookups-data>=1.0.0,<1.1.0"])
    assert package_requirements(meta, config, scispacy_version="0.6.2") == [
        "spacy>=3.8.2,<3.9.0",
        "scispacy>=0.6.2,<0.7.0",
        "spacy-lookups-data>=1.0.0,<1.1.0",
    ]


def test_a_pipeline_without_scispacy_code_does_not_require_scispacy():
    config = config_for(["ner"], tokenizer="spacy.Tokenizer.v1")
    assert not uses_scispacy(config)
    assert package_requirements(MODEL_META, config, scispacy_version="0.6.2") == ["spacy>=3.8.2,<3.9.0"]
    assert uses_scispacy(config_for(["bioner_abbreviations"], tokenizer="spacy.Tokenizer.v1"))
    assert uses_scispacy(config_for([]))  # the project tokenizer reads scispaCy's abbreviations


def test_meta_performance_is_the_test_evaluation_not_the_training_scores():
    evaluation = evaluation_json()
    meta = build_meta(MODEL_META, config_for(["ner"]), evaluation=evaluation, evaluation_source="evaluation.json",
                      benchmark={"words_per_second": 12345.0, "peak_memory_mb": 400}, scispacy_version="0.6.2")
    assert meta["name"] == "bioner_bc5cdr" and meta["lang"] == "en"  # spaCy's setup.py joins them
    assert meta["version"] == __version__
    assert meta["performance"]["ents_f"] == evaluation["strict"]["micro"]["f1"] != 0.99
    assert meta["performance"]["ents_per_type"]["Disease"] == {
        "p": evaluation["strict"]["Disease"]["precision"], "r": evaluation["strict"]["Disease"]["recall"],
        "f": evaluation["strict"]["Disease"]["f1"]}
    assert meta["performance"]["speed"] == 12345.0
    assert meta["bioner"]["evaluation"]["strict"] == evaluation["strict"]
    assert meta["sources"][0]["author"] == "Li et al. 2016"


def test_meta_without_evaluation_says_not_evaluated_and_reports_no_scores():
    meta = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2")
    assert meta["performance"] == {}
    assert meta["bioner"]["evaluation"] == NOT_EVALUATED


def test_package_name_must_start_with_the_language():
    with pytest.raises(BionerError, match="en_"):
        build_meta(MODEL_META, config_for(["ner"]), name="bioner_bc5cdr", scispacy_version="0.6.2")


# --- model card ------------------------------------------------------------------------------


def card_for(evaluation, benchmark=None):
    meta = build_meta(MODEL_META, config_for(["ner"]), evaluation=evaluation, evaluation_source="evaluation.json",
                      benchmark=benchmark, size_mb=12.34, scispacy_version="0.6.2")
    return render_model_card(meta, config_for(["ner"]).to_str(), evaluation=evaluation, benchmark=benchmark)


def table_row(card, heading, key):
    section = card[card.index(heading):]
    return next(line for line in section.splitlines() if line.startswith(f"| {key} |") or line.startswith(f"| **{key}** |"))


def test_model_card_writes_per_label_and_micro_figures_from_the_evaluation():
    evaluation = evaluation_json()
    card = card_for(evaluation)
    for key in ("Chemical", "Disease", "micro"):
        scores = evaluation["strict"][key]
        cells = [cell.strip() for cell in table_row(card, "**Strict**", key).strip("|").split("|")]
        assert cells[1:4] == [f"{100 * scores[m]:.2f}" for m in ("precision", "recall", "f1")]
        assert cells[4:7] == [str(scores["tp"]), str(scores["fp"]), str(scores["fn"])]
    lenient = [cell.strip() for cell in table_row(card, "**Lenient**", "micro").strip("|").split("|")]
    assert lenient[3] == f"{100 * evaluation['lenient']['micro']['f1']:.2f}"
    assert "on 500 test documents" in card
    assert "Not evaluated" not in card


def test_model_card_follows_the_evaluation_it_is_given():
    evaluation = evaluation_json()
    evaluation["strict"]["Chemical"] = prf(10, 10, 30)
    cells = [cell.strip() for cell in table_row(card_for(evaluation), "**Strict**", "Chemical").strip("|").split("|")]
    assert cells[1:4] == ["50.00", "25.00", "33.33"]


def test_model_card_without_evaluation_says_not_evaluated():
    card = card_for(None)
    assert "**Not evaluated.**" in card
    assert "| **micro** |" not in card


def test_model_card_has_what_it_tags_data_citation_licence_config_speed_and_size():
    card = card_for(evaluation_json(), {"words_per_second": 23456.7, "peak_memory_mb": 512.4})
    assert "- `Chemical`:" in card and "- `Disease`:" in card
    assert "Database (Oxford). 2016;2016:baw068" in card and "Li J, Sun Y" in card
    assert "free for research use" in card
    assert '[components.ner]\nfactory = "ner"' in card  # the full config
    assert "- Tokenizer: `bioner.BiomedicalTokenizer.v1`" in card
    assert "- Speed: 23,457 words per second" in card
    assert "- Peak memory while tagging: 512 MB" in card
    assert "- Pipeline data: 12.3 MB" in card
    assert "- Speed: not measured" in card_for(None)


def test_evaluation_json_with_percentages_or_without_strict_scores_is_refused(tmp_path):
    bad = evaluation_json()
    bad["strict"]["micro"]["f1"] = 87.5
    (tmp_path / "percent.json").write_text(json.dumps(bad))
    with pytest.raises(BionerError, match=r"strict\.micro\.f1 must be a fraction"):
        read_evaluation(tmp_path / "percent.json")
    (tmp_path / "other.json").write_text(json.dumps({"ents_f": 0.8}))
    with pytest.raises(BionerError, match="no \"strict\" scores"):
        read_evaluation(tmp_path / "other.json")
    (tmp_path / "bench.json").write_text(json.dumps({"words_per_second": "fast"}))
    with pytest.raises(BionerError, match="words_per_second"):
        read_benchmark(tmp_path / "bench.json")


# --- staging (spaCy's package layout, not built) -------------------------------------------


LINKER_KB = [("Chemical", "ketamine", "D007649", 2), ("Disease", "treatment-resistant depression", "D061218", 1)]


def project_pipeline(ner_examples=None, steps=80):
    """A pipeline with the project's tokenizer, an `ner`, both post-processing components and the
    linker with a two-name knowledge base."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    ner = nlp.add_pipe("ner")
    if ner_examples is None:
        for label in ("Chemical", "Disease"):
            ner.add_label(label)
        nlp.initialize()
    else:
        examples = [Example.from_dict(nlp.make_doc(text), {"entities": spans}) for text, spans in ner_examples]
        optimizer = nlp.initialize(lambda: examples)
        for _ in range(steps):
            nlp.update(examples, sgd=optimizer, drop=0.0)
    nlp.add_pipe("bioner_abbreviations")
    nlp.add_pipe("bioner_consistency")
    with tempfile.TemporaryDirectory() as folder:  # the pipeline keeps its own copy of the KB
        write_kb(LINKER_KB, Path(folder) / "kb.json.gz")
        nlp.add_pipe("bioner_linker").initialize(kb_path=str(Path(folder) / "kb.json.gz"))
    return nlp


@pytest.fixture(scope="module")
def untrained_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("training")
    project_pipeline().to_disk(folder / "model-best")
    return folder / "model-best"


def test_staged_package_reads_the_evaluation_beside_the_model_and_drops_bioner(untrained_model, tmp_path):
    evaluation = evaluation_json()
    (untrained_model.parent / "evaluation.json").write_text(json.dumps(evaluation))
    try:
        source = stage_package(untrained_model, tmp_path)
    finally:
        (untrained_model.parent / "evaluation.json").unlink()
    meta = json.loads((source / "meta.json").read_text())
    assert [r.split(">")[0] for r in meta["requirements"]] == ["spacy", "scispacy", "scikit-learn"]
    assert meta["performance"]["ents_f"] == evaluation["strict"]["micro"]["f1"]
    card = (source / "README.md").read_text()
    assert f"| {100 * evaluation['strict']['Disease']['f1']:.2f} |" in table_row(card, "**Strict**", "Disease")
    assert (source / NAME / f"{NAME}-{__version__}" / "README.md").read_text() == card  # spaCy's copy in the data
    for module in ("tokenizer", "components", "linker"):
        ours = (source / NAME / f"{module}.py").read_text()
        assert ours == Path(getattr(bioner.pipeline, module).__file__).read_text()


def test_staged_package_without_evaluation_says_so_or_fails_when_required(untrained_model, tmp_path):
    source = stage_package(untrained_model, tmp_path / "a")
    assert "**Not evaluated.**" in (source / "README.md").read_text()
    assert json.loads((source / "meta.json").read_text())["bioner"]["evaluation"] == NOT_EVALUATED
    with pytest.raises(BionerError, match="make evaluate"):
        stage_package(untrained_model, tmp_path / "b", require_evaluation=True)
    with pytest.raises(BionerError, match="no such evaluation JSON"):
        stage_package(untrained_model, tmp_path / "c", evaluation=tmp_path / "missing.json")


def test_model_card_says_a_final_model_was_trained_on_train_and_development(untrained_model, tmp_path):
    summary = untrained_model.parent / "training-summary.json"
    summary.write_text(json.dumps({"config": "configs/cnn.cfg", "final": True, "seconds": 1.0, "steps": 4200}))
    try:
        card = (stage_package(untrained_model, tmp_path) / "README.md").read_text()
    finally:
        summary.unlink()
    assert "trained on the training and development sets together, for 4200 steps" in card


def test_staged_package_reads_a_benchmark_given_on_the_command_line(untrained_model, tmp_path):
    (tmp_path / "bench.json").write_text(json.dumps({"words_per_second": 9876, "peak_memory_mb": 321}))
    source = stage_package(untrained_model, tmp_path / "stage", benchmark=tmp_path / "bench.json")
    assert "- Speed: 9,876 words per second" in (source / "README.md").read_text()
    assert json.loads((source / "meta.json").read_text())["performance"]["speed"] == 9876


def test_cli_refuses_to_package_without_evaluation_when_required(untrained_model, tmp_path):
    # `import bioner.cli.package` adds the command, as bioner.cli._register does once wired.
    script = "import bioner.cli.package; from bioner.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", script, "package", str(untrained_model), "--output", str(tmp_path / "dist"),
         "--require-evaluation"],
        capture_output=True, text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "no evaluation of the model" in result.stderr
    assert not (tmp_path / "dist").exists()


BOTH_ORDERS = """
import sys, warnings
warnings.simplefilter("error")
first = sys.argv[1]
if first == "bioner":
    import bioner.pipeline
import {name}
nlp = {name}.load()
import {name}.components, {name}.tokenizer  # the copies: no second registration either
import bioner.pipeline
doc = nlp("Patients with treatment-resistant depression (TRD) improved.")
print(nlp.pipe_names)
"""


@pytest.mark.parametrize("first", ["bioner", "package"])
def test_package_loads_beside_an_installed_bioner_in_either_import_order(untrained_model, tmp_path, first):
    source = stage_package(untrained_model, tmp_path)
    result = subprocess.run([sys.executable, "-c", BOTH_ORDERS.format(name=NAME), first], capture_output=True,
                            text=True, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(source)))
    assert result.returncode == 0, result.stderr
    assert "bioner_abbreviations" in result.stdout


def test_package_warns_when_the_installed_bioner_code_differs_from_its_copy(untrained_model, tmp_path):
    source = stage_package(untrained_model, tmp_path)
    copy = source / NAME / "components.py"
    copy.write_text(copy.read_text() + "\n# changed since\n")
    script = f"import warnings; warnings.simplefilter('always'); import {NAME}"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env=dict(os.environ, PYTHONPATH=str(source)))
    assert result.returncode == 0, result.stderr
    assert "components module differs" in result.stderr


# --- the built wheel in a fresh virtual environment ------------------------------------------

TRAIN = [
    ("Ketamine relieved treatment-resistant depression (TRD) in adults.", ["Ketamine", "treatment-resistant depression"]),
    ("Famotidine-associated delirium was reported.", ["Famotidine", "delirium"]),
    ("Cisplatin causes nephrotoxicity and hearing loss.", ["Cisplatin", "nephrotoxicity", "hearing loss"]),
    ("Patients given haloperidol developed akathisia after Ca2+ blockers.", ["haloperidol", "akathisia", "Ca2+"]),
]
DISEASES = {"treatment-resistant depression", "delirium", "nephrotoxicity", "hearing loss", "akathisia"}


def training_examples():
    examples = []
    for text, mentions in TRAIN:
        spans = [(text.index(m), text.index(m) + len(m), "Disease" if m in DISEASES else "Chemical") for m in mentions]
        examples.append((text, spans))
    return examples


TAG_SCRIPT = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"pipes": nlp.pipe_names, "tokens": [t.text for t in doc],
                  "ents": [[e.start_char, e.end_char, e.label_, e.kb_id_] for e in doc.ents]}))
"""


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    started = time.perf_counter()
    folder = tmp_path_factory.mktemp("training")
    nlp = project_pipeline(training_examples())
    nlp.to_disk(folder / "model-best")
    (folder / "evaluation.json").write_text(json.dumps(evaluation_json()))
    paths = package_model(folder / "model-best", folder / "dist")
    return folder / "model-best", paths, time.perf_counter() - started


@pytest.mark.slow
def test_package_builds_a_wheel_and_an_sdist_carrying_code_card_and_requirements(packaged):
    model, paths, _ = packaged
    assert [p.name for p in paths] == [f"{NAME}-{__version__}.tar.gz", f"{NAME}-{__version__}-py3-none-any.whl"]
    with zipfile.ZipFile(paths[1]) as wheel:
        names = set(wheel.namelist())
        metadata = wheel.read(f"{NAME}-{__version__}.dist-info/METADATA").decode()
    assert {f"{NAME}/tokenizer.py", f"{NAME}/components.py", f"{NAME}/{NAME}-{__version__}/ner/model"} <= names
    requires = sorted(line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist:"))
    assert [r.split("<")[0].split(">")[0] for r in requires] == ["scikit-learn", "scispacy", "spacy"]
    assert "bioner" not in " ".join(requires)
    micro_f1 = f"{100 * evaluation_json()['strict']['micro']['f1']:.2f}"
    assert micro_f1 in metadata  # the card is the package's long description


@pytest.mark.slow
def test_installed_wheel_loads_by_name_without_bioner_and_tags_like_the_training_directory(packaged, tmp_path):
    model, paths, build_seconds = packaged
    started = time.perf_counter()
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(paths[1])],
                             capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    result = subprocess.run([str(python), "-c", TAG_SCRIPT, NAME, TEXT], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    packaged_output = json.loads(result.stdout)
    no_bioner = subprocess.run([str(python), "-c", "import bioner"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert no_bioner.returncode != 0 and "No module named 'bioner'" in no_bioner.stderr

    source = spacy.load(model)
    doc = source(TEXT)
    assert packaged_output["pipes"] == ["ner", "bioner_abbreviations", "bioner_consistency", "bioner_linker"] == source.pipe_names
    assert packaged_output["tokens"] == [t.text for t in doc]
    assert "Ca" in packaged_output["tokens"] and "+" in packaged_output["tokens"]  # the project tokenizer's split
    assert packaged_output["ents"] == [[e.start_char, e.end_char, e.label_, e.kb_id_] for e in doc.ents]
    tagged = {(TEXT[s:e], label) for s, e, label, _ in packaged_output["ents"]}
    # The package links without bioner or network: ketamine by name, TRD through its long form.
    linked = {(TEXT[s:e], kb_id) for s, e, _, kb_id in packaged_output["ents"]}
    assert ("Ketamine", "D007649") in linked and ("TRD", "D061218") in linked
    assert ("Ketamine", "Chemical") in tagged
    # "TRD" was never a training mention: its label comes from the abbreviation component.
    with source.select_pipes(disable=["bioner_abbreviations", "bioner_consistency"]):
        assert "TRD" not in {e.text for e in source(TEXT).ents}
    assert ("TRD", "Disease") in tagged
    print(f"\npackaging: {build_seconds:.1f}s; fresh venv, install and load: {time.perf_counter() - started:.1f}s")


def test_card_says_how_the_final_step_count_was_chosen():
    meta = build_meta(MODEL_META, config_for(["ner"]), evaluation=None, evaluation_source=None,
                      benchmark=None, size_mb=1.0, scispacy_version="0.6.2")
    summary = {"final": True, "steps": 8763, "dev_best_step": 4400, "step_scale": 1.992}
    card = render_model_card(meta, config_for(["ner"]).to_str(), evaluation=None, training_summary=summary)
    assert "for 8763 steps (the development run's best step, 4400, scaled by 1.992" in card
