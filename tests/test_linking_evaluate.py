"""`bioner evaluate --gold-mentions`: concept scores and linking accuracy of a pipeline with a linker."""

from __future__ import annotations

import json

import spacy
from typer.testing import CliRunner

from bioner.cli import _register, app
from bioner.errors import BionerError
from bioner.linking.linker import write_kb

TITLE = "Doxorubicin nephrotoxicity."
ABSTRACT = "Renal failure after doxorubicin (DOX); DOX again."
TEXT = TITLE + " " + ABSTRACT
SPANS = [
    ("Doxorubicin", "Chemical", "D004317"),
    ("nephrotoxicity", "Disease", "D007674"),
    ("Renal failure", "Disease", "D051437"),
    ("doxorubicin", "Chemical", "D004317"),
    ("DOX", "Chemical", "D004317"),
    ("DOX", "Chemical", "D004317"),
]


def gold_text() -> str:
    lines, at = [f"1|t|{TITLE}", f"1|a|{ABSTRACT}"], 0
    for text, label, identifier in SPANS:
        start = TEXT.index(text, at)
        at = start + len(text)
        lines.append(f"1\t{start}\t{at}\t{text}\t{label}\t{identifier}")
    return "\n".join(lines) + "\n\n"


GOLD = gold_text()


def make_model(tmp_path):
    kb = tmp_path / "kb.json.gz"
    # The KB knows doxorubicin and renal failure, not nephrotoxicity nor the short form DOX.
    write_kb([("Chemical", "doxorubicin", "D004317", 2), ("Disease", "renal failure", "D051437", 1)], kb)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    nlp.add_pipe("bioner_abbreviations")
    nlp.add_pipe("bioner_linker")
    nlp.initialize()
    nlp.get_pipe("bioner_linker").initialize(kb_path=str(kb))
    # NER stand-in: finds doxorubicin only (not DOX itself; abbreviation propagation adds it)
    ruler.add_patterns([{"label": "Chemical", "pattern": [{"LOWER": "doxorubicin"}]}])
    nlp.to_disk(tmp_path / "model")
    return tmp_path / "model"


def test_evaluate_reports_concepts_and_gold_mention_linking_accuracy(tmp_path):
    _register()
    gold = tmp_path / "gold.txt"
    gold.write_text(GOLD, encoding="utf-8")
    model = make_model(tmp_path)
    result = CliRunner().invoke(
        app,
        ["evaluate", "--gold", str(gold), "--model", str(model), "--gold-mentions", "--json", str(tmp_path / "e.json")],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads((tmp_path / "e.json").read_text())
    # concepts: gold {Chemical D004317, Disease D007674, Disease D051437}; predicted {Chemical D004317}
    assert payload["concepts"]["Chemical"]["tp"] == 1 and payload["concepts"]["Disease"]["fn"] == 2
    # gold mentions: 4 Chemical all linked (DOX through its long form); Disease 1 of 2
    assert payload["linking"]["Chemical"] == {
        "mentions": 4,
        "correct": 4,
        "accuracy": 1.0,
        "absent_from_kb": 0,
        "upper_bound": 1.0,
    }
    # nephrotoxicity's D007674 is not in the knowledge base: at most 1 of the 2 Disease mentions
    assert payload["linking"]["Disease"]["correct"] == 1
    assert payload["linking"]["Disease"]["absent_from_kb"] == 1 and payload["linking"]["Disease"]["upper_bound"] == 0.5
    assert "Linking accuracy on gold mentions" in result.output and "Concepts:" in result.output
    assert "Disease 50.00% of 2 (ids absent from the knowledge base: 50.00%)" in result.output


def test_gold_mentions_without_a_model_is_an_error(tmp_path):
    _register()
    gold = tmp_path / "gold.txt"
    gold.write_text(GOLD, encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--predictions", str(gold), "--gold-mentions"])
    assert isinstance(result.exception, BionerError)  # printed as one line by the CLI's main
    assert str(result.exception) == (
        "linking accuracy on gold mentions needs a model (--model) whose pipeline has a linker"
    )


def test_model_card_carries_the_concept_table_when_the_evaluation_has_one():
    from test_model_card import card_for, evaluation_json, table_row

    evaluation = evaluation_json()
    evaluation["concepts"] = {
        label: {"tp": 9, "fp": 1, "fn": 2, "precision": 0.9, "recall": 9 / 11, "f1": 0.857}
        for label in ("Chemical", "Disease", "micro", "macro")
    }
    cells = [cell.strip() for cell in table_row(card_for(evaluation), "**Concepts**", "Disease").strip("|").split("|")]
    assert cells[1:7] == ["9", "1", "2", "90.00", "81.82", "85.70"]
    assert "**Concepts**" not in card_for(evaluation_json())


def test_gold_mentions_with_a_model_without_linker_says_how_to_get_one(tmp_path):
    _register()
    gold = tmp_path / "gold.txt"
    gold.write_text(GOLD, encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler")
    nlp.to_disk(tmp_path / "plain")
    result = CliRunner().invoke(
        app, ["evaluate", "--gold", str(gold), "--model", str(tmp_path / "plain"), "--gold-mentions"]
    )
    assert isinstance(result.exception, BionerError)  # printed as one line by the CLI's main
    assert "has no bioner_linker component" in str(result.exception)
    assert "tagging" not in result.output  # failed before the tagging run
