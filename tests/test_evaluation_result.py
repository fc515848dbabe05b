"""The evaluation JSON read back: `Evaluation.from_json` and `read_evaluation`."""

from __future__ import annotations

import json

import pytest

from bioner.document import Document, Mention
from bioner.errors import BionerError
from bioner.evaluation import evaluate_documents, read_evaluation, write_json

TEXT = "Aspirin caused headache after ibuprofen."  # Aspirin 0-7, headache 15-23, ibuprofen 30-39


def doc(doc_id, spans, identifier="D001241"):
    document = Document.from_text(doc_id, TEXT)
    document.mentions = [Mention(s, e, TEXT[s:e], label, identifier) for s, e, label in spans]
    return document


def evaluation():
    gold = [doc(f"d{i}", [(0, 7, "Chemical"), (15, 23, "Disease"), (30, 39, "Chemical")]) for i in range(6)]
    predicted = [
        doc(f"d{i}", [(0, 7, "Chemical"), (15, 22, "Disease")] if i % 2 else [(0, 7, "Disease")]) for i in range(6)
    ]
    return evaluate_documents(gold, predicted, bootstrap=50, seed=3)


def test_json_read_back_gives_the_same_scores_intervals_and_counts(tmp_path):
    original = evaluation()
    write_json(original, tmp_path / "evaluation.json")
    restored = read_evaluation(tmp_path / "evaluation.json")
    expected = original.to_json()
    del expected["errors_by_kind"]  # error records are not restored
    assert restored.to_json() == expected
    assert restored.strict.labels["Chemical"].tp == original.strict.labels["Chemical"].tp > 0
    assert restored.bootstrap.strict["micro"].low == original.bootstrap.strict["micro"].low


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["strict"]["micro"].update(f1=87.5), r"strict\.micro\.f1 must be a fraction"),
        (lambda d: d["lenient"]["Chemical"].update(tp=-1), r"lenient\.Chemical\.tp must be a count"),
        (lambda d: d.pop("lenient"), 'no "lenient" scores'),
        (lambda d: d["bootstrap"]["strict"]["micro"].update(low="x"), r"bootstrap\.strict\.micro must hold"),
        (lambda d: d.clear(), 'no "strict" scores'),
    ],
)
def test_a_changed_or_foreign_json_is_refused_naming_file_and_key(tmp_path, change, message):
    data = evaluation().to_json()
    change(data)
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(data))
    with pytest.raises(BionerError, match=message) as error:
        read_evaluation(path)
    assert str(error.value).startswith(str(path))


def test_evaluation_modules_import_each_other_without_a_circle():
    """scoring is a leaf; Evaluation lives in result, which the others need not import back."""
    import ast
    from pathlib import Path

    import bioner.evaluation

    folder = Path(bioner.evaluation.__file__).parent
    imports = {}
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports[path.stem] = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
        }
    assert imports["scoring"] == set()

    def reaches(start, target, seen=()):
        return any(m == target or (m not in seen and reaches(m, target, (*seen, m))) for m in imports.get(start, ()))

    assert not [m for m in imports if m != "__init__" and reaches(m, m)]
