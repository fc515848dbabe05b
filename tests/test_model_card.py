"""The model package's meta.json and model card (README.md), from the pipeline's meta and the evaluation."""

import gzip
import json

import pytest
import spacy

from bioner import __version__
from bioner.errors import BionerError
from bioner.evaluation import Evaluation, read_evaluation
from bioner.model_card import (
    NOT_EVALUATED,
    build_meta,
    package_requirements,
    read_benchmark,
    render_model_card,
    training_sources,
    uses_scispacy,
    vocabulary_versions,
)


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def evaluation_json():
    chemical, disease, micro = prf(4900, 300, 485), prf(3800, 700, 624), prf(8700, 1000, 1109)
    macro = {"tp": 8700, "fp": 1000, "fn": 1109, "precision": 0.9, "recall": 0.875, "f1": 0.8875}
    lenient = {
        "Chemical": prf(5000, 200, 385),
        "Disease": prf(4100, 400, 324),
        "micro": prf(9100, 600, 709),
        "macro": macro,
    }
    return {
        "strict": {"Chemical": chemical, "Disease": disease, "micro": micro, "macro": macro},
        "lenient": lenient,
        "documents": 500,
    }


def config_for(pipeline, tokenizer="bioner.BiomedicalTokenizer.v1"):
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": tokenizer}}})
    for pipe in pipeline:
        nlp.add_pipe(pipe)
    return nlp.config


MODEL_META = {
    "lang": "en",
    "name": "pipeline",
    "version": "0.0.0",
    "spacy_version": ">=3.8.2,<3.9.0",
    "labels": {"ner": ["Chemical", "Disease"]},
    "pipeline": ["ner", "bioner_abbreviations", "bioner_consistency"],
    "performance": {"ents_f": 0.99, "ents_p": 0.99, "ents_r": 0.99},
    "requirements": [],
}


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
    meta = build_meta(
        MODEL_META,
        config_for(["ner"]),
        evaluation=Evaluation.from_json(evaluation),
        evaluation_source="evaluation.json",
        benchmark={"words_per_second": 12345.0, "peak_memory_mb": 400},
        scispacy_version="0.6.2",
    )
    assert meta["name"] == "bioner_bc5cdr" and meta["lang"] == "en"  # spaCy's setup.py joins them
    assert meta["version"] == __version__
    assert meta["performance"]["ents_f"] == evaluation["strict"]["micro"]["f1"] != 0.99
    assert meta["performance"]["ents_per_type"]["Disease"] == {
        "p": evaluation["strict"]["Disease"]["precision"],
        "r": evaluation["strict"]["Disease"]["recall"],
        "f": evaluation["strict"]["Disease"]["f1"],
    }
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
    evaluation = Evaluation.from_json(evaluation) if evaluation is not None else None
    meta = build_meta(
        MODEL_META,
        config_for(["ner"]),
        evaluation=evaluation,
        evaluation_source="evaluation.json",
        benchmark=benchmark,
        size_mb=12.34,
        scispacy_version="0.6.2",
    )
    return render_model_card(meta, config_for(["ner"]).to_str(), evaluation=evaluation, benchmark=benchmark)


def table_row(card, heading, key):
    section = card[card.index(heading) :]
    return next(
        line for line in section.splitlines() if line.startswith(f"| {key} |") or line.startswith(f"| **{key}** |")
    )


def test_model_card_writes_per_label_and_micro_figures_from_the_evaluation():
    evaluation = evaluation_json()
    card = card_for(evaluation)
    for key in ("Chemical", "Disease", "micro"):
        scores = evaluation["strict"][key]
        cells = [cell.strip() for cell in table_row(card, "**Strict**", key).strip("|").split("|")]
        assert cells[1:4] == [str(scores["tp"]), str(scores["fp"]), str(scores["fn"])]
        assert cells[4:7] == [f"{100 * scores[m]:.2f}" for m in ("precision", "recall", "f1")]
    lenient = [cell.strip() for cell in table_row(card, "**Lenient**", "micro").strip("|").split("|")]
    assert lenient[6] == f"{100 * evaluation['lenient']['micro']['f1']:.2f}"
    assert "on 500 test documents" in card
    assert "Not evaluated" not in card


def test_model_card_follows_the_evaluation_it_is_given():
    evaluation = evaluation_json()
    evaluation["strict"]["Chemical"] = prf(10, 10, 30)
    cells = [cell.strip() for cell in table_row(card_for(evaluation), "**Strict**", "Chemical").strip("|").split("|")]
    assert cells[1:7] == ["10", "10", "30", "50.00", "25.00", "33.33"]


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


def test_evaluation_json_in_the_test_shape_reads_back_and_a_bad_benchmark_is_refused(tmp_path):
    (tmp_path / "evaluation.json").write_text(json.dumps(evaluation_json()))
    assert read_evaluation(tmp_path / "evaluation.json").strict.micro.tp == 8700  # the shape `bioner evaluate` writes
    (tmp_path / "bench.json").write_text(json.dumps({"words_per_second": "fast"}))
    with pytest.raises(BionerError, match="words_per_second"):
        read_benchmark(tmp_path / "bench.json")


def test_card_says_how_the_final_step_count_was_chosen():
    meta = build_meta(
        MODEL_META,
        config_for(["ner"]),
        evaluation=None,
        evaluation_source=None,
        benchmark=None,
        size_mb=1.0,
        scispacy_version="0.6.2",
    )
    summary = {"final": True, "steps": 8763, "dev_best_step": 4400, "step_scale": 1.992}
    card = render_model_card(meta, config_for(["ner"]).to_str(), evaluation=None, training_summary=summary)
    assert "for 8763 steps (the development run's best step, 4400, scaled by 1.992" in card


def test_card_lists_only_the_labels_the_label_filter_lets_out():
    config = config_for(["ner", "bioner_labels"])  # keeps Chemical and Disease by default
    meta = build_meta(
        dict(MODEL_META, labels={"ner": ["Chemical", "Disease", "Gene"]}), config, scispacy_version="0.6.2"
    )
    card = render_model_card(meta, config.to_str(), evaluation=None)
    assert "- `Chemical`:" in card and "- `Gene`:" not in card
    card = render_model_card(meta, config_for(["ner"]).to_str(), evaluation=None)
    assert "- `Gene`:" in card  # no filter: every label the tagger learned comes out


# --- what the model was trained on ------------------------------------------------------------

FIVE_CORPORA = ["bc5cdr-train", "ncbi-disease-train", "gnormplus-train", "nlm-gene-train", "nlm-chem-train"]


def test_description_and_sources_name_every_corpus_of_the_training_data():
    meta = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2", corpora=FIVE_CORPORA + ["bc5cdr-dev"])
    assert meta["description"].endswith("trained on BC5CDR, NCBI disease, GNormPlus, NLM-Gene and NLM-Chem")
    assert [source["author"] for source in meta["sources"]] == [
        "Li et al. 2016",
        "Doğan et al. 2014",
        "Wei et al. 2015",
        "Islamaj et al. 2021",
        "Islamaj et al. 2021",
    ]
    assert meta["bioner"]["corpora"] == FIVE_CORPORA + ["bc5cdr-dev"]
    one = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2", corpora=["bc5cdr-train", "bc5cdr-dev"])
    assert one["description"].endswith("trained on BC5CDR") and len(one["sources"]) == 1


def test_sources_follow_the_parts_so_a_new_corpus_needs_no_card_change():
    sources = training_sources(["species-train", "bc5cdr-train", "tmvar3-train", "my-clinic-notes", "my-clinic-notes"])
    assert [source.name for source in sources] == ["BC5CDR", "tmVar3", "S800", "my-clinic-notes"]
    meta = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2", corpora=["my-clinic-notes"])
    assert meta["description"].endswith("trained on my-clinic-notes")
    assert meta["sources"] == [{"name": "my-clinic-notes", "author": "", "url": ""}]


def test_card_lists_each_corpus_with_its_citation_and_aioner_for_the_pubtator_copies():
    meta = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2", corpora=FIVE_CORPORA)
    card = render_model_card(meta, config_for(["ner"]).to_str(), evaluation=None)
    data = card[card.index("## Training data") : card.index("## Evaluation")]
    assert "5 corpora, merged by `bioner multi-corpus`" in data
    for name in ("BC5CDR", "NCBI disease", "GNormPlus", "NLM-Gene", "NLM-Chem"):
        assert f"- **{name}**: " in data and f"> {name}: " in data
    assert "> GNormPlus, NLM-Gene, NLM-Chem in the PubTator form AIONER redistributes: Luo L" in data
    assert "not recorded" not in data


def test_card_without_recorded_corpora_says_so_and_lists_bc5cdr_alone():
    meta = build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2")
    card = render_model_card(meta, config_for(["ner"]).to_str(), evaluation=None)
    assert meta["bioner"]["corpora"] is None and meta["description"].endswith("trained on BC5CDR")
    assert "The corpora were not recorded with this model" in card
    assert "NCBI disease" not in card and "AIONER" not in card


def test_a_pipeline_with_the_linker_says_it_gives_mesh_identifiers():
    meta = build_meta(MODEL_META, config_for(["ner", "bioner_linker"]), scispacy_version="0.6.2", corpora=FIVE_CORPORA)
    assert meta["description"].startswith(
        "Chemical and Disease named-entity tagger for PubMed titles and abstracts with MeSH identifiers, trained on"
    )
    assert (
        "MeSH identifiers" not in build_meta(MODEL_META, config_for(["ner"]), scispacy_version="0.6.2")["description"]
    )


def test_vocabulary_versions_come_from_mesh_file_names_and_the_ctd_report_header(tmp_path):
    ctd = tmp_path / "CTD_diseases.tsv.gz"
    with gzip.open(ctd, "wt", encoding="utf-8") as f:
        f.write("# The Comparative Toxicogenomics Database (CTD)\n# Report created: Tue Jun 06 11:31:46 EDT 2017\n")
        f.write("# Fields:\nCholera\tMESH:D002771\n")
    paths = ["data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt", "mesh/desc2024.xml.gz", "mesh/supp2024.xml", str(ctd)]
    assert vocabulary_versions(paths) == {"MeSH": "2024", "CTD": "CTD_diseases.tsv.gz, report of 2017-06-06"}
    assert vocabulary_versions(["gone/CTD_chemicals.tsv"]) == {"CTD": "CTD_chemicals.tsv"}  # not readable here
    assert vocabulary_versions(["data/raw/bc5cdr/CDR_TrainingSet.PubTator.txt"]) == {}


def test_meta_and_card_carry_vocabulary_versions_only_when_given():
    config = config_for(["ner", "bioner_linker"])
    meta = build_meta(MODEL_META, config, scispacy_version="0.6.2", vocabularies={"MeSH": "2024"})
    assert meta["bioner"]["vocabularies"] == {"MeSH": "2024"}
    assert meta["sources"][-1] == {
        "name": "Medical Subject Headings (MeSH)",
        "author": "NLM",
        "url": "https://www.nlm.nih.gov/mesh/",
        "version": "2024",
    }
    meta_pipeline = dict(meta, pipeline=["ner", "bioner_linker"])
    card = render_model_card(meta_pipeline, config.to_str(), evaluation=None)
    assert "knowledge base or lexicon: MeSH (2024)." in card
    plain = dict(build_meta(MODEL_META, config, scispacy_version="0.6.2"), pipeline=["ner", "bioner_linker"])
    assert plain["bioner"]["vocabularies"] is None
    assert "No MeSH or CTD release was recorded" in render_model_card(plain, config.to_str(), evaluation=None)


def relation_scores(tp, fp, fn, cooccurrence=None):
    scores = {
        **prf(tp, fp, fn),
        "interval": None,
        "within_sentence": prf(tp - 100, fp - 50, fn - 100),
        "across_sentences": prf(100, 50, 100),
        "per_type": {"CID": prf(tp, fp, fn)},
    }
    if cooccurrence is not None:
        scores["cooccurrence"] = cooccurrence
    return scores


def test_card_reports_relation_scores_end_to_end_and_on_gold_mentions_with_the_baseline():
    evaluation = evaluation_json()
    baseline = relation_scores(800, 3200, 266)
    evaluation["relations"] = {
        "types": ["CID"],
        "gold": {"total": 1066},
        "end_to_end": relation_scores(650, 400, 416, baseline),
        "gold_mentions": relation_scores(700, 350, 366, baseline),
        "bootstrap": None,
        "notes": [],
    }
    card = card_for(evaluation)
    end_to_end = [
        c.strip() for c in table_row(card, "**Relations**", "end to end (own mentions and ids)").strip("|").split("|")
    ]
    assert end_to_end[1:4] == [f"{100 * v:.2f}" for v in (650 / 1050, 650 / 1066, prf(650, 400, 416)["f1"])]
    assert end_to_end[6] == f"{100 * prf(800, 3200, 266)['f1']:.2f}"
    gold = table_row(card, "**Relations**", "gold mentions and ids")
    assert f"{100 * prf(700, 350, 366)['f1']:.2f}" in gold
    # Read back from the JSON the evaluator writes, and nothing when it has no relations.
    assert Evaluation.from_json(evaluation).relations.end_to_end.micro.tp == 650
    assert "**Relations**" not in card_for(evaluation_json())
