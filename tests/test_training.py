"""End to end: train a tiny pipeline from configs/cnn.cfg, load it in a fresh process, tag text."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bioner.convert import ConversionReport, convert_documents
from bioner.errors import BionerError
from bioner.formats.pubtator import read_pubtator
from bioner.pipeline.tokenizer import make_tokenizer_pipeline
from bioner.spacy_docs import write_docbin
from bioner.training import (
    LOG_NAME,
    SUMMARY_NAME,
    count_tokens,
    merge_docbins,
    read_best_step,
    train,
    training_corpora,
)
from bioner.vectors import FloretSettings, build_vectors

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "tiny.pubtator"
TINY_STEPS = 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    documents = read_pubtator(FIXTURE)
    nlp = make_tokenizer_pipeline()
    write_docbin(convert_documents(nlp, documents, ConversionReport("train")), folder / "train.spacy")
    write_docbin(convert_documents(nlp, documents[:2], ConversionReport("dev")), folder / "dev.spacy")
    # The report `bioner multi-corpus` writes beside its DocBin: the parts the model card lists.
    (folder / "train.report.json").write_text(json.dumps({"parts": [{"part": "bc5cdr-train", "documents": 6}]}))
    build_vectors(
        [FIXTURE], folder / "vectors", settings=FloretSettings(dim=16, bucket=2000, epoch=2, min_count=1), threads=1
    )
    return folder


def tiny_overrides(corpus: Path) -> dict:
    return {
        "paths.train": str(corpus / "train.spacy"),
        "paths.dev": str(corpus / "dev.spacy"),
        "paths.vectors": str(corpus / "vectors"),
        "training.max_steps": TINY_STEPS,
        "training.eval_frequency": 20,
        "training.batcher.size.start": 2000,
        "training.optimizer.learn_rate": 0.005,
    }


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    output = tmp_path_factory.mktemp("run")
    train(ROOT / "configs" / "cnn.cfg", output / "dev", overrides=tiny_overrides(corpus))
    train(ROOT / "configs" / "cnn.cfg", output, overrides=tiny_overrides(corpus), final=True)
    return output


TAG_SCRIPT = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"pipes": nlp.pipe_names, "ents": [[e.start_char, e.end_char, e.label_] for e in doc.ents]}))
"""


def tag_in_fresh_process(model: Path, text: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", TAG_SCRIPT, str(model), text], capture_output=True, text=True, check=True, cwd="/"
    )
    return json.loads(result.stdout)


@pytest.mark.slow
def test_development_run_records_its_best_step(trained):
    log = [json.loads(line) for line in (trained / "dev" / LOG_NAME).read_text().splitlines()]
    assert [record["step"] for record in log] == [0, 20, 40, 60]
    summary = json.loads((trained / "dev" / SUMMARY_NAME).read_text())
    assert summary["best_step"] == read_best_step(trained / "dev").step
    assert summary["best_step"] in {20, 40, 60}  # the model learned something


@pytest.mark.slow
def test_final_run_trains_the_dev_runs_step_count_scaled_to_the_data_and_keeps_the_last_model(trained, corpus):
    summary = json.loads((trained / SUMMARY_NAME).read_text())
    assert summary["final"] is True
    best = read_best_step(trained / "dev").step
    scale = count_tokens(trained / "train+dev.spacy") / count_tokens(corpus / "train.spacy")
    assert scale > 1.2  # the dev fixture adds two documents to six
    assert summary["dev_best_step"] == best
    assert summary["steps"] == round(best * scale)
    assert summary["corpora"] == ["bc5cdr-train"]  # from the report beside train.spacy; dev.spacy has none
    assert (trained / "model-best" / "meta.json").read_bytes() == (trained / "model-last" / "meta.json").read_bytes()


@pytest.mark.slow
def test_trained_pipeline_loads_in_a_fresh_process_and_tags_with_post_processing(trained, corpus):
    import spacy

    model = trained / "dev" / "model-best"
    text = "Patients with treatment-resistant depression (TRD) received ketamine. Ketamine relieved TRD."
    result = tag_in_fresh_process(model, text)
    assert result["pipes"] == ["tok2vec", "ner", "bioner_abbreviations", "bioner_linker", "bioner_relations"]
    in_process = spacy.load(model)(text)
    assert result["ents"] == [[e.start_char, e.end_char, e.label_] for e in in_process.ents]
    # Overfitted on the fixture, the model finds its drugs.
    found = {text[s:e].lower() for s, e, label in result["ents"] if label == "Chemical"}
    assert "ketamine" in found


def test_best_step_needs_a_development_log(tmp_path):
    with pytest.raises(BionerError, match="development run"):
        read_best_step(tmp_path)


def test_best_step_is_the_highest_scoring_evaluation(tmp_path):
    lines = [
        {"step": 0, "score": 0.1},
        {"step": 200, "score": 0.8},
        {"step": 400, "score": 0.8},
        {"step": 600, "score": 0.5},
    ]
    (tmp_path / LOG_NAME).write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert read_best_step(tmp_path).step == 200  # ties go to the earlier step


def test_training_corpora_are_the_parts_of_the_multi_corpus_reports_beside_the_docbins(tmp_path):
    (tmp_path / "multi").mkdir()
    parts = [{"part": "bc5cdr-train"}, {"part": "nlm-chem-train"}]
    (tmp_path / "multi" / "train.report.json").write_text(json.dumps({"parts": parts, "lexicon": {}}))
    (tmp_path / "dev.report.json").write_text(json.dumps({"splits": {"dev": {}}}))  # bioner convert's: no parts
    (tmp_path / "other.report.json").write_text("not json")
    paths = [tmp_path / "multi" / "train.spacy", tmp_path / "dev.spacy", tmp_path / "other.spacy", tmp_path / "x.spacy"]
    assert training_corpora(paths) == ["bc5cdr-train", "nlm-chem-train"]
    assert training_corpora([Path(""), tmp_path / "dev.spacy"]) == []


def test_merge_docbins_concatenates_documents(tmp_path):
    documents = read_pubtator(FIXTURE)
    nlp = make_tokenizer_pipeline()
    write_docbin(convert_documents(nlp, documents[:2], ConversionReport("a")), tmp_path / "a.spacy")
    write_docbin(convert_documents(nlp, documents[2:], ConversionReport("b")), tmp_path / "b.spacy")
    merged = merge_docbins([tmp_path / "a.spacy", tmp_path / "b.spacy"], tmp_path / "ab.spacy")
    from bioner.spacy_docs import doc_id, read_docbin

    assert [doc_id(doc) for doc in read_docbin(merged)] == [d.id for d in documents]
    with pytest.raises(BionerError, match="make corpus"):
        merge_docbins([tmp_path / "missing.spacy"], tmp_path / "x.spacy")


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "configs").glob("*.cfg")))
def test_every_shipped_config_initialises_with_the_project_tokenizer_and_components(name, corpus, tmp_path):
    from spacy.training.initialize import init_nlp
    from spacy.util import load_config

    from bioner.linking.linker import write_kb

    write_kb([("Chemical", "ketamine", "D007649", 1)], tmp_path / "kb.json.gz")
    overrides = {**tiny_overrides(corpus), "paths.kb": str(tmp_path / "kb.json.gz")}
    config = load_config(ROOT / "configs" / name, overrides=overrides, interpolate=False)
    nlp = init_nlp(config)
    assert nlp.get_pipe("bioner_linker").linker.link_document([("Ketamine", "Chemical")]) == ["D007649"]
    assert {"tok2vec", "ner", "bioner_abbreviations"} <= set(nlp.pipe_names)
    # Post-processing follows the model: abbreviations see every label, the label filter drops
    # what users did not ask for, the linker comes after propagation, and relations read its ids.
    assert nlp.pipe_names.index("bioner_abbreviations") > nlp.pipe_names.index("ner")
    assert nlp.pipe_names[-2:] == ["bioner_linker", "bioner_relations"]
    if "bioner_labels" in nlp.pipe_names:
        assert nlp.pipe_names[-3] == "bioner_labels"
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "bioner.BiomedicalTokenizer.v1"
    assert [t.text for t in nlp.make_doc("DOX-induced")] == ["DOX", "-", "induced"]


def test_vectors_learn_from_jsonl_text_and_annotated_files(tmp_path):
    texts = tmp_path / "raw.jsonl"
    texts.write_text('{"text": "Zolpidem caused amnesia."}\n{"text": "Zolpidem again."}\n')
    info = build_vectors(
        [FIXTURE, texts],
        tmp_path / "vectors",
        settings=FloretSettings(dim=8, bucket=500, epoch=1, min_count=1),
        threads=1,
    )
    words_in_fixture = sum(len(make_tokenizer_pipeline().make_doc(d.text)) for d in read_pubtator(FIXTURE))
    assert info["tokens"] == words_in_fixture + 7  # "zolpidem caused amnesia ." and "zolpidem again ."
    import spacy

    vectors = spacy.load(tmp_path / "vectors").vocab.vectors
    assert vectors.mode == "floret" and vectors.shape == (500, 8)


RELATION_SCRIPT = """
import json, sys, spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"ents": [[e.text, e.label_, e.kb_id_] for e in doc.ents], "relations": doc._.bioner_relations}))
"""


@pytest.mark.slow
def test_tiny_pipeline_trained_with_a_relation_model_predicts_the_relation_in_a_fresh_process(corpus, tmp_path):
    from bioner.linking.linker import write_kb
    from bioner.relation_learning import train_relations
    from relation_corpus import CHEMICALS, DISEASES, relation_documents

    names = [("Chemical", name, identifier, 1) for name, identifier in CHEMICALS.items()]
    names += [("Disease", name, identifier, 1) for name, identifier in DISEASES.items()]
    write_kb(names, tmp_path / "kb.json.gz")
    model, _ = train_relations(relation_documents(60), folds=3)
    model.save(tmp_path / "relations.json")
    overrides = {
        **tiny_overrides(corpus),
        "paths.kb": str(tmp_path / "kb.json.gz"),
        "paths.relations": str(tmp_path / "relations.json"),
    }
    pipeline = train(ROOT / "configs" / "cnn.cfg", tmp_path / "run", overrides=overrides)

    # The fixture's own title, which the overfitted tagger finds: linked, then related.
    text = "Cisplatin-induced nephrotoxicity in rats."
    result = subprocess.run(
        [sys.executable, "-c", RELATION_SCRIPT, str(pipeline), text],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    found = json.loads(result.stdout)
    assert ["Cisplatin", "Chemical", CHEMICALS["cisplatin"]] in found["ents"], found
    assert ["nephrotoxicity", "Disease", DISEASES["nephrotoxicity"]] in found["ents"], found
    assert [(r["type"], r["arguments"]) for r in found["relations"]] == [
        ("CID", [CHEMICALS["cisplatin"], DISEASES["nephrotoxicity"]])
    ]
