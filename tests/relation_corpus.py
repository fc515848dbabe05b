"""A small synthetic corpus with CID relations for relation tests: in every document one chemical
induces one disease ("X-induced Y", "Y caused by X") and another chemical treats another disease."""

from __future__ import annotations

import random

from bioner.document import Document, Mention, Relation

CHEMICALS = {
    "cisplatin": "D002945",
    "haloperidol": "D006220",
    "ketamine": "D007649",
    "clozapine": "D003024",
    "magnesium": "D008274",
    "lithium": "D008094",
}
DISEASES = {
    "nephrotoxicity": "D007674",
    "tardive dyskinesia": "D000071057",
    "depression": "D003866",
    "schizophrenia": "D012559",
    "hypomagnesemia": "D008275",
    "seizures": "D012640",
}
CAUSES = ("{c}-induced {d} in rats.", "We report {d} caused by {c} in a patient.", "{d} developed after {c} exposure.")
TREATS = ("{c} reduced {d} in the same rats.", "{c} is used for the treatment of {d}.")


def relation_documents(count: int = 40, seed: int = 0) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for number in range(count):
        cause_c, treat_c = rng.sample(sorted(CHEMICALS), 2)
        cause_d, treat_d = rng.sample(sorted(DISEASES), 2)
        parts = [
            rng.choice(CAUSES).format(c=cause_c, d=cause_d),
            "Nothing else was seen.",
            rng.choice(TREATS).format(c=treat_c, d=treat_d),
        ]
        text = ""
        mentions = []
        for part in parts:
            base = len(text) + (1 if text else 0)
            sentence = part[0].upper() + part[1:]
            text = f"{text} {sentence}" if text else sentence
            for name, identifier, label in [
                *((c, CHEMICALS[c], "Chemical") for c in (cause_c, treat_c)),
                *((d, DISEASES[d], "Disease") for d in (cause_d, treat_d)),
            ]:
                at = sentence.lower().find(name)
                if at >= 0:
                    mentions.append(
                        Mention(
                            base + at, base + at + len(name), text[base + at : base + at + len(name)], label, identifier
                        )
                    )
        title = parts[0][0].upper() + parts[0][1:]
        document = Document.from_title_abstract(str(9000 + number), title, text[len(title) + 1 :])
        # Offsets are into title + " " + abstract, which is `text` itself.
        document.mentions = mentions
        document.relations = [Relation("CID", [CHEMICALS[cause_c], DISEASES[cause_d]])]
        documents.append(document)
    return documents
