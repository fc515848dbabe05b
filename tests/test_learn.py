"""Training the linker's ranker on gold mentions (tiny corpus made here)."""

from __future__ import annotations

import pytest

from bioner.document import Document, Mention, Passage
from bioner.linking.kb import corpus_entries
from bioner.linking.learn import choose_threshold, train_ranker, training_rows
from bioner.linking.linker import KnowledgeBase, Linker
from bioner.linking.ranker import Ranker


def document(number: int, names: list[tuple[str, str, str]]) -> Document:
    text = ". ".join(name for name, _, _ in names) + "."
    mentions, at = [], 0
    for name, label, identifier in names:
        start = text.index(name, at)
        at = start + len(name)
        mentions.append(Mention(start, at, name, label, identifier))
    return Document(str(number), [Passage(text, 0, "abstract")], mentions)


DOCUMENTS = [
    document(i, [("cisplatin", "Chemical", "D002945"), ("renal failure", "Disease", "D051437")]) for i in range(4)
] + [document(9, [("cisplatin", "Chemical", "D002945"), ("zorbid syndrome", "Disease", "D999999")])]
MANY = [
    document(i, [("cisplatin", "Chemical", "D002945"), ("renal failure", "Disease", "D051437")]) for i in range(120)
]


def knowledge_base(documents=DOCUMENTS) -> KnowledgeBase:
    counts = corpus_entries(documents)
    entries = [(label, name, identifier, n, 0) for (label, name, identifier), n in counts.items()]
    entries.append(("Disease", "kidney failure", "D051437", 0, 1))
    entries.append(("Disease", "renal failure", "D000777", 0, 1))  # a vocabulary's other reading: never right
    return KnowledgeBase(entries, {"D051437": ("descriptor", "Disease"), "D002945": ("descriptor", "Chemical")})


def test_a_document_does_not_see_its_own_annotations_when_training():
    linker = Linker.build(knowledge_base())
    labels = {"Chemical": "Chemical", "Disease": "Disease"}
    _, targets, mentions = training_rows(linker, DOCUMENTS, labels)
    by_gold = {(document_number, answer): ids for _, answer, ids, document_number in mentions}
    # "zorbid syndrome" was only ever annotated in document 9: there it has no candidate at all.
    assert by_gold[(4, "D999999")] == []
    # "cisplatin" is annotated in the four other documents too: it stays a candidate.
    assert by_gold[(4, "D002945")] == ["D002945"]
    assert targets.sum() == 9  # every mention but the zorbid one finds its gold id


@pytest.mark.parametrize(("documents", "model"), [(DOCUMENTS, "logistic regression"), (MANY, "gradient-boosted trees")])
def test_trained_ranker_is_stored_as_json_and_links_the_corpus_names(documents, model):
    kb = knowledge_base(documents)
    ranker = train_ranker(kb, documents)
    assert ranker is not None and ranker["info"]["trained"] and ranker["info"]["mentions"] == 2 * len(documents)
    assert ranker["info"]["model"] == model
    assert 0.0 < Ranker.from_json(ranker).threshold < 1.0
    kb.ranker = ranker
    linker = Linker.build(kb)
    # "renal failure" is also a vocabulary name of D000777, which annotators never chose.
    assert linker.link_document([("Cisplatin", "Chemical"), ("renal failure", "Disease")]) == ["D002945", "D051437"]


def test_threshold_is_chosen_on_concept_f1():
    # Two mentions: one right at probability 0.9, one wrong at 0.3 (its gold is another id).
    probabilities = [0.9, 0.3]
    mentions = [(0, "D1", ["D1"], 0), (1, "D2", ["D3"], 0)]
    import numpy as np

    threshold = choose_threshold(np.array(probabilities), mentions)
    assert 0.3 < threshold <= 0.9  # linking D3 would only cost precision
