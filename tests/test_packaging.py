"""The model package built by spaCy from the staged pipeline, and loading it by name without bioner."""

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

import bioner.pipeline
from bioner import __version__
from bioner.errors import BionerError
from bioner.lexicon import write_names
from bioner.linking.linker import write_kb
from bioner.model_card import NOT_EVALUATED
from bioner.packaging import knowledge_base_vocabularies, package_model, stage_package
from test_model_card import evaluation_json, table_row

NAME = "en_bioner_bc5cdr"
TEXT = "Ketamine relieved treatment-resistant depression (TRD). Later, TRD and delirium returned after ketamine and Ca2+ blockers."


# --- staging (spaCy's package layout, not built) -------------------------------------------


LINKER_KB = [("Chemical", "ketamine", "D007649", 2), ("Disease", "treatment-resistant depression", "D061218", 1)]
LEXICON = [("Chemical", "ketamine"), ("Chemical", "haloperidol"), ("Disease", "treatment-resistant depression")]
"""Names the NER's embedding marks (bioner.LexiconHashEmbed.v1): stored in the model, not read again."""


def ner_config(lexicon):
    """spaCy's default NER model, its tok2vec embedding the lexicon marks."""
    width = 32
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": 32,
            "maxout_pieces": 2,
            "use_upper": True,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "bioner.LexiconHashEmbed.v1",
                    "width": width,
                    "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                    "rows": [1000, 500, 500, 500],
                    "include_static_vectors": False,
                    "lexicon": lexicon,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": width,
                    "depth": 2,
                    "window_size": 1,
                    "maxout_pieces": 3,
                },
            },
        }
    }


def lexicon_marks(nlp, text):
    layer = next(node for node in nlp.get_pipe("ner").model.walk() if node.name == "lexicon_marks")
    return layer.predict([nlp.make_doc(text)])[0].tolist()


def project_pipeline(ner_examples=None, steps=80, relations=False):
    """A pipeline with the project's tokenizer, an `ner` whose embedding marks a three-name lexicon,
    both post-processing components and the linker with a two-name knowledge base; with `relations`,
    the relation component with a model trained on a small synthetic corpus."""
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    with tempfile.TemporaryDirectory() as folder:  # the model keeps its own copy of the lexicon
        write_names(LEXICON, Path(folder) / "lexicon.npz")
        ner = nlp.add_pipe("ner", config=ner_config(str(Path(folder) / "lexicon.npz")))
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
    if relations:
        from bioner.relation_learning import train_relations
        from relation_corpus import relation_documents

        model, _ = train_relations(relation_documents(60), folds=3)
        nlp.add_pipe("bioner_relations").set_model(model)
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
    assert meta["performance"]["ents_f"] == pytest.approx(evaluation["strict"]["micro"]["f1"], abs=1e-9)
    card = (source / "README.md").read_text()
    assert f"| {100 * evaluation['strict']['Disease']['f1']:.2f} |" in table_row(card, "**Strict**", "Disease")
    assert (source / NAME / f"{NAME}-{__version__}" / "README.md").read_text() == card  # spaCy's copy in the data
    for module in ("tokenizer", "components", "candidates", "ranker", "linker", "lexicon_embed"):
        ours = (source / NAME / f"{NAME}-{__version__}" / "code" / f"{module}.py").read_text()
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


def test_staged_package_names_the_corpora_the_training_summary_recorded(untrained_model, tmp_path):
    summary = untrained_model.parent / "training-summary.json"
    corpora = ["bc5cdr-train", "ncbi-disease-train", "nlm-chem-train"]
    summary.write_text(json.dumps({"config": "configs/multi.cfg", "final": True, "steps": 10, "corpora": corpora}))
    try:
        source = stage_package(untrained_model, tmp_path)
    finally:
        summary.unlink()
    meta = json.loads((source / "meta.json").read_text())
    assert meta["description"].endswith("with MeSH identifiers, trained on BC5CDR, NCBI disease and NLM-Chem")
    assert meta["bioner"]["corpora"] == corpora
    assert meta["bioner"]["vocabularies"] is None  # the config names no knowledge base file
    card = (source / "README.md").read_text()
    assert "- **NLM-Chem**: " in card and "No MeSH or CTD release was recorded" in card


def test_knowledge_base_vocabularies_are_read_from_the_kb_file_the_config_names(tmp_path):
    kb = tmp_path / "kb.json.gz"
    write_kb(LINKER_KB, kb, sources=["data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt", "mesh/desc2024.xml.gz"])
    assert knowledge_base_vocabularies(f'[paths]\nkb = "{kb}"\n') == {"MeSH": "2024"}
    assert knowledge_base_vocabularies(f'[paths]\nkb = "{tmp_path / "gone.json.gz"}"\n') == {}
    assert knowledge_base_vocabularies("[paths]\nkb = null\n") == {}


def test_staged_package_reads_a_benchmark_given_on_the_command_line(untrained_model, tmp_path):
    (tmp_path / "bench.json").write_text(json.dumps({"words_per_second": 9876, "peak_memory_mb": 321}))
    source = stage_package(untrained_model, tmp_path / "stage", benchmark=tmp_path / "bench.json")
    assert "- Speed: 9,876 words per second" in (source / "README.md").read_text()
    assert json.loads((source / "meta.json").read_text())["performance"]["speed"] == 9876


def test_cli_refuses_to_package_without_evaluation_when_required(untrained_model, tmp_path):
    # `import bioner.cli.package` adds the command, as bioner.cli._register does once wired.
    script = "import bioner.cli.package; from bioner.cli import main; main()"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "package",
            str(untrained_model),
            "--output",
            str(tmp_path / "dist"),
            "--require-evaluation",
        ],
        capture_output=True,
        text=True,
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


def importable(source):
    """The staged (unbuilt) package, with meta.json where setup.py copies it at build time."""
    for folder in (source / NAME, source / NAME / f"{NAME}-{__version__}"):
        (folder / "meta.json").write_text((source / "meta.json").read_text())
    return source


@pytest.mark.parametrize("first", ["bioner", "package"])
def test_package_loads_beside_an_installed_bioner_in_either_import_order(untrained_model, tmp_path, first):
    source = importable(stage_package(untrained_model, tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", BOTH_ORDERS.format(name=NAME), first],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(source)),
    )
    assert result.returncode == 0, result.stderr
    assert "bioner_abbreviations" in result.stdout


def test_package_warns_when_the_installed_bioner_code_differs_from_its_copy(untrained_model, tmp_path):
    source = importable(stage_package(untrained_model, tmp_path))
    copy = source / NAME / f"{NAME}-{__version__}" / "code" / "components.py"
    copy.write_text(copy.read_text() + "\n# changed since\n")
    script = f"import warnings; warnings.simplefilter('always'); import {NAME}"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(source)),
    )
    assert result.returncode == 0, result.stderr
    assert "components module differs" in result.stderr


# --- the built wheel in a fresh virtual environment ------------------------------------------

TRAIN = [
    (
        "Ketamine relieved treatment-resistant depression (TRD) in adults.",
        ["Ketamine", "treatment-resistant depression"],
    ),
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
layer = next(node for node in nlp.get_pipe("ner").model.walk() if node.name == "lexicon_marks")
print(json.dumps({"pipes": nlp.pipe_names, "tokens": [t.text for t in doc],
                  "marks": layer.predict([nlp.make_doc(sys.argv[2])])[0].tolist(),
                  "ents": [[e.start_char, e.end_char, e.label_, e.kb_id_] for e in doc.ents],
                  "relations": doc._.bioner_relations if doc.has_extension("bioner_relations") else None}))
"""


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    started = time.perf_counter()
    folder = tmp_path_factory.mktemp("training")
    nlp = project_pipeline(training_examples(), relations=True)
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
    data = f"{NAME}/{NAME}-{__version__}"
    assert {
        f"{NAME}/bioner_code.py",
        f"{data}/code/tokenizer.py",
        f"{data}/code/components.py",
        f"{data}/code/lexicon_embed.py",
        f"{data}/code/relations.py",
        f"{data}/code/sentences.py",
        f"{data}/bioner_relations/relations.json",
        f"{data}/ner/model",
        f"{data}/meta.json",
        f"{NAME}/meta.json",
    } <= names
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
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(paths[1])], capture_output=True, text=True, env=env
    )
    assert install.returncode == 0, install.stdout + install.stderr
    result = subprocess.run(
        [str(python), "-c", TAG_SCRIPT, NAME, TEXT], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    packaged_output = json.loads(result.stdout)
    no_bioner = subprocess.run(
        [str(python), "-c", "import bioner"], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert no_bioner.returncode != 0 and "No module named 'bioner'" in no_bioner.stderr

    source = spacy.load(model)
    doc = source(TEXT)
    assert (
        packaged_output["pipes"]
        == ["ner", "bioner_abbreviations", "bioner_consistency", "bioner_linker", "bioner_relations"]
        == source.pipe_names
    )
    assert packaged_output["tokens"] == [t.text for t in doc]
    assert "Ca" in packaged_output["tokens"] and "+" in packaged_output["tokens"]  # the project tokenizer's split
    # The lexicon travelled inside the model: ketamine (Chemical, one token: 4 * 5) is marked.
    assert packaged_output["marks"] == lexicon_marks(source, TEXT)
    assert packaged_output["marks"][0] == 20 and packaged_output["marks"].count(20) == 2
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
    # Relations come from the packaged relation model, without bioner: the same as from the folder.
    assert packaged_output["relations"] == json.loads(json.dumps(doc._.bioner_relations))
    assert [r["arguments"] for r in packaged_output["relations"]] == [["D007649", "D061218"]]
    print(f"\npackaging: {build_seconds:.1f}s; fresh venv, install and load: {time.perf_counter() - started:.1f}s")
