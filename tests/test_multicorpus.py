"""Partial annotation across corpora: a corpus never teaches "no entity" for a type it does not annotate."""

from pathlib import Path

import pytest
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from bioner.corpora.catalogue import CORPORA, GENE_LABEL_MAP, HoldOut
from bioner.errors import BionerError
from bioner.multicorpus import (
    CorpusPart,
    Lexicon,
    build_lexicon,
    convert_parts,
    mapped_documents,
    read_part,
)
from bioner.pipeline.tokenizer import make_tokenizer_pipeline

CHEMICAL_CORPUS = """\
1|t|Naloxone reverses morphine toxicity.
1|a|Morphine overdose was treated with naloxone.
1\t0\t8\tNaloxone\tChemical\tD009270
1\t18\t26\tmorphine\tChemical\tD009020
1\t27\t35\ttoxicity\tDisease\tD064420
1\t37\t45\tMorphine\tChemical\tD009020
1\t46\t54\toverdose\tDisease\tD062787
1\t72\t80\tnaloxone\tChemical\tD009270

"""

GENE_CORPUS = """\
7|t|BRCA1 binds naloxone in cells.
7|a|The BRCA1 protein and HeLa cells were studied with morphine.
7\t0\t5\tBRCA1\tGene\t672
7\t35\t40\tBRCA1\tGene\t672
7\t53\t57\tHeLa\tCell\t-

"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def parts(tmp_path):
    chemical = CorpusPart("chem", write(tmp_path, "chem.pubtator", CHEMICAL_CORPUS), ("Chemical", "Disease"))
    gene = CorpusPart("gene", write(tmp_path, "gene.pubtator", GENE_CORPUS), ("Gene",), GENE_LABEL_MAP)
    return chemical, gene


def read_docs(path: Path):
    return list(DocBin(store_user_data=True).from_disk(path).get_docs(Vocab()))


def token_tags(doc) -> dict[str, str]:
    return {token.text: token.ent_iob_ + ("-" + token.ent_type_ if token.ent_type_ else "") for token in doc}


def test_known_chemical_in_a_gene_corpus_is_missing_not_outside(parts, tmp_path):
    reports = convert_parts(parts, tmp_path / "train.spacy")
    gene_doc = next(doc for doc in read_docs(tmp_path / "train.spacy") if doc.user_data["id"] == "7")
    tags = token_tags(gene_doc)
    # naloxone and morphine are Chemical names the chemical corpus annotates: no evidence either way here.
    assert tags["naloxone"] == "" and tags["morphine"] == ""
    # Ordinary words keep their negative evidence, and genes are learned as Gene.
    assert tags["binds"] == "O" and tags["studied"] == "O"
    assert (tags["BRCA"], tags["1"]) == ("B-Gene", "I-Gene")  # the tokenizer splits BRCA|1
    assert reports[1].masked == {"Chemical": 2}


def test_a_gene_name_in_a_chemical_corpus_is_masked_when_a_gene_corpus_names_it(tmp_path, parts):
    chemical, gene = parts
    extra = CorpusPart(
        "chem2",
        write(tmp_path, "chem2.pubtator", "2|t|BRCA1 and naloxone.\n2|a|\n2\t10\t18\tnaloxone\tChemical\t-\n\n"),
        ("Chemical", "Disease"),
    )
    convert_parts([chemical, gene, extra], tmp_path / "train.spacy")
    doc = next(doc for doc in read_docs(tmp_path / "train.spacy") if doc.user_data["id"] == "2")
    tags = token_tags(doc)
    assert tags["BRCA"] == tags["1"] == "" and tags["naloxone"] == "B-Chemical" and tags["and"] == "O"


def test_labels_a_part_does_not_learn_are_counted_as_filtered(parts, tmp_path):
    reports = convert_parts(parts, tmp_path / "train.spacy")
    gene_report = reports[1].conversion
    assert gene_report.labels["Cell"].filtered == 1
    assert gene_report.labels["Gene"].aligned == 2
    assert all(counts.is_balanced() for counts in gene_report.labels.values())
    doc = next(doc for doc in read_docs(tmp_path / "train.spacy") if doc.user_data["id"] == "7")
    assert token_tags(doc)["HeLa"] == "O"


def test_lexicon_comes_only_from_the_given_parts(parts, tmp_path):
    chemical, gene = parts
    convert_parts([gene], tmp_path / "gene-only.spacy", lexicon_parts=[gene])
    doc = read_docs(tmp_path / "gene-only.spacy")[0]
    # Without the chemical corpus in the lexicon, nothing is known about naloxone: it stays outside.
    assert token_tags(doc)["naloxone"] == "O"


def test_lexicon_skips_single_characters_and_numbers(parts):
    chemical, _ = parts
    documents = mapped_documents(chemical, read_part(chemical))
    documents[0].mentions[0].text = "5"
    lexicon = build_lexicon([(chemical, documents)])
    assert "5" not in lexicon.names["Chemical"]
    assert "morphine" in lexicon.names["Chemical"]


def test_nlm_chem_holdout_keeps_each_article_on_one_side():
    ids = [f"{pmid}-{n}" for pmid in range(100, 120) for n in range(1, 4)]
    rule = CORPORA["nlm-chem"].holdout
    assert rule is not None
    train, heldout = rule.split(ids)
    assert len(heldout) == 4 and len(train) == 16
    assert not train & heldout
    assert heldout == {"104", "109", "114", "119"}  # every fifth article in sorted PMID order


def test_a_holdout_rule_without_a_key_pattern_holds_out_every_nth_document_by_id():
    train, heldout = HoldOut(3).split(["doc-c", "doc-a", "doc-b", "doc-f", "doc-e", "doc-d"])
    assert heldout == {"doc-c", "doc-f"} and train == {"doc-a", "doc-b", "doc-d", "doc-e"}


def test_a_holdout_rule_groups_documents_by_a_configurable_id_pattern():
    rule = HoldOut(2, key=r"PMC(\d+)_")
    train, heldout = rule.split(["PMC2_intro", "PMC1_intro", "PMC1_methods", "PMC2_results"])
    assert (train, heldout) == ({"1"}, {"2"})
    assert rule.key_of("no-match") == "no-match"


def test_a_holdout_part_reads_only_its_side(tmp_path):
    lines = []
    for pmid in range(10, 20):
        lines += [f"{pmid}-1|t|Passage of article {pmid} about glucose", f"{pmid}-1|a|", ""]
    path = write(tmp_path, "nlmchem.pubtator", "\n".join(lines) + "\n")
    rule = CORPORA["nlm-chem"].holdout
    train = read_part(CorpusPart("t", path, ("Chemical",), documents="train", holdout=rule))
    heldout = read_part(CorpusPart("h", path, ("Chemical",), documents="heldout", holdout=rule))
    assert {d.id for d in train}.isdisjoint({d.id for d in heldout})
    assert len(train) + len(heldout) == 10 and len(heldout) == 2


def test_a_part_that_takes_a_side_without_a_rule_is_refused(tmp_path):
    path = write(tmp_path, "x.pubtator", "1|t|Glucose.\n1|a|\n\n")
    with pytest.raises(BionerError, match="no holdout rule"):
        read_part(CorpusPart("x", path, ("Chemical",), documents="train"))


def test_a_teachers_guess_of_an_unannotated_type_is_masked_too(parts, tmp_path):
    import spacy

    chemical, gene = parts
    teacher = spacy.blank("en")
    teacher.add_pipe("entity_ruler").add_patterns(
        [{"label": "Chemical", "pattern": "cells"}, {"label": "Gene", "pattern": "protein"}]
    )
    reports = convert_parts([gene], tmp_path / "train.spacy", lexicon_parts=[gene], teacher=teacher)
    tags = token_tags(read_docs(tmp_path / "train.spacy")[0])
    # "cells" guessed Chemical, a type the gene corpus does not annotate: no evidence either way.
    assert tags["cells"] == ""
    # A guess of the type the corpus does annotate changes nothing: its silence there means "no gene".
    assert tags["protein"] == "O"
    assert reports[0].masked == {"Chemical": 2}


@pytest.mark.slow
def test_tiny_multi_corpus_training_learns_gene_and_reports_only_chemical_and_disease(parts, tmp_path):
    import spacy

    from bioner.convert import ConversionReport, convert_documents, make_tokenizer_pipeline
    from bioner.formats.pubtator import read_pubtator
    from bioner.spacy_docs import write_docbin
    from bioner.training import train
    from bioner.vectors import FloretSettings, build_vectors

    root = Path(__file__).parent.parent
    tiny = Path(__file__).parent / "fixtures" / "tiny.pubtator"
    chemical, gene = parts
    bc5cdr_like = CorpusPart("tiny", tiny, ("Chemical", "Disease"))
    convert_parts([bc5cdr_like, gene, chemical], tmp_path / "train.spacy")
    write_docbin(
        convert_documents(make_tokenizer_pipeline(), read_pubtator(tiny)[:2], ConversionReport("dev")),
        tmp_path / "dev.spacy",
    )
    build_vectors(
        [tiny, gene.path],
        tmp_path / "vectors",
        settings=FloretSettings(dim=16, bucket=2000, epoch=2, min_count=1),
        threads=1,
    )
    overrides = {
        "paths.train": str(tmp_path / "train.spacy"),
        "paths.dev": str(tmp_path / "dev.spacy"),
        "paths.vectors": str(tmp_path / "vectors"),
        "training.max_steps": 40,
        "training.eval_frequency": 20,
        "training.batcher.size.start": 2000,
        "training.optimizer.learn_rate": 0.005,
    }
    model = train(root / "configs" / "multi.cfg", tmp_path / "run", overrides=overrides)

    nlp = spacy.load(model)
    assert set(nlp.get_pipe("ner").labels) == {"Chemical", "Disease", "Gene"}
    assert nlp.pipe_names[-3:] == ["bioner_labels", "bioner_linker", "bioner_relations"]
    doc = nlp("BRCA1 and ketamine in treatment-resistant depression. The BRCA1 protein binds naloxone.")
    assert {ent.label_ for ent in doc.ents} <= {"Chemical", "Disease"}


def test_repeat_puts_each_document_of_a_part_that_many_times(parts, tmp_path):
    from dataclasses import replace

    chemical, gene = parts
    reports = convert_parts([replace(chemical, repeat=3), gene], tmp_path / "train.spacy")
    ids = sorted(doc.user_data["id"] for doc in read_docs(tmp_path / "train.spacy"))
    assert ids == ["1", "1", "1", "7"]
    # The accounting counts each source mention once, however often its document is repeated.
    assert reports[0].conversion.labels["Chemical"].mentions == 4


def test_select_parts_narrows_and_weighs_by_name(parts):
    from bioner.multicorpus import select_parts

    chemical, gene = parts
    chosen = select_parts([chemical, gene], only=["gene"], repeat=["gene=3"])
    assert [(p.name, p.repeat) for p in chosen] == [("gene", 3)]
    assert [p.repeat for p in select_parts([chemical, gene], repeat=["chem=2"])] == [2, 1]
    with pytest.raises(BionerError, match="unknown corpus part"):
        select_parts([chemical, gene], only=["nope"])
    with pytest.raises(BionerError, match="PART=K"):
        select_parts([chemical, gene], repeat=["chem=0"])


def pubtator_block(doc_id: str, title: str, abstract: str, mentions: list[tuple[str, str]]) -> str:
    """A PubTator document whose mentions are (text, label), at each text's first occurrence."""
    text = f"{title} {abstract}"
    lines = [f"{doc_id}|t|{title}", f"{doc_id}|a|{abstract}"]
    for mention, label in mentions:
        start = text.index(mention)
        lines.append(f"{doc_id}\t{start}\t{start + len(mention)}\t{mention}\t{label}\t-")
    return "\n".join(lines) + "\n\n"


def test_a_variant_corpus_teaches_variants_genes_species_and_masks_its_diseases_and_chemicals(tmp_path):
    tmvar3 = CORPORA["tmvar3"]
    variants = CorpusPart(
        "tmvar3",
        write(
            tmp_path,
            "tmvar3.pubtator",
            pubtator_block(
                "20",
                "The Arg72Pro variant of TP53 in breast cancer patients.",
                "A single nucleotide polymorphism, rs1042522, and cisplatin.",
                [
                    ("Arg72Pro", "ProteinMutation"),
                    ("TP53", "Gene"),
                    ("breast cancer", "Disease"),
                    ("patients", "Species"),
                    ("rs1042522", "SNP"),
                    ("single", "CellLine"),
                ],
            ),
        ),
        tmvar3.annotates,
        tmvar3.label_map,
    )
    chemical = CorpusPart(
        "chem",
        write(
            tmp_path,
            "chem.pubtator",
            pubtator_block(
                "3", "Cisplatin and breast cancer.", "", [("Cisplatin", "Chemical"), ("breast cancer", "Disease")]
            ),
        ),
        ("Chemical", "Disease"),
    )

    reports = convert_parts([chemical, variants], tmp_path / "train.spacy")

    conversion = reports[1].conversion
    assert conversion.labels["Variant"].aligned == 2  # ProteinMutation and SNP, learned as one label
    assert (conversion.labels["Gene"].aligned, conversion.labels["Species"].aligned) == (1, 1)
    assert conversion.labels["Disease"].filtered == 1 and conversion.labels["CellLine"].filtered == 1
    assert all(counts.is_balanced() for counts in conversion.labels.values())
    assert reports[1].masked == {"Chemical": 1, "Disease": 1}
    doc = next(doc for doc in read_docs(tmp_path / "train.spacy") if doc.user_data["id"] == "20")
    assert {ent.text: ent.label_ for ent in doc.ents} == {
        "Arg72Pro": "Variant",
        "TP53": "Gene",
        "patients": "Species",
        "rs1042522": "Variant",
    }
    tags = token_tags(doc)
    # its diseases and chemicals: no evidence either way; ordinary words, "nucleotide" too: outside
    assert tags["breast"] == tags["cancer"] == tags["cisplatin"] == ""
    assert tags["nucleotide"] == tags["polymorphism"] == tags["single"] == "O"


def test_default_parts_train_on_tmvar3_and_species_from_the_catalogue(tmp_path):
    from bioner.multicorpus import default_parts

    parts = {part.name: part for part in default_parts(tmp_path)["train"]}
    assert parts["tmvar3-train"].path == tmp_path / "tmvar3" / "tmVar3_Train.PubTator"
    assert parts["tmvar3-train"].annotates == ("Gene", "Variant", "Species")
    assert parts["species-train"].annotates == ("Species",)
    assert list(parts)[0] == "bc5cdr-train"


def test_lexicon_matches_short_and_symbol_like_names_only_as_written():
    lexicon = Lexicon()
    lexicon.add("Gene", "WAS")
    lexicon.add("Chemical", "Be")
    lexicon.add("Chemical", "Morphine")
    nlp = make_tokenizer_pipeline()
    matcher = lexicon.matcher(nlp)
    doc = nlp.make_doc("It was WAS that MORPHINE and morphine could be Be.")
    found = sorted((doc[start:end].text, nlp.vocab.strings[label]) for label, start, end in matcher(doc))
    assert found == [("Be", "Chemical"), ("MORPHINE", "Chemical"), ("WAS", "Gene"), ("morphine", "Chemical")]


def test_nlm_chem_residues_of_variant_names_are_learned_as_variants_and_reported(tmp_path):
    from bioner.multicorpus import default_parts

    assert default_parts(tmp_path)["train"] and {
        part.name for part in default_parts(tmp_path)["train"] if part.residue_chemicals
    } == {"nlm-chem-train"}
    block = pubtator_block(
        "30",
        "The Gly104Cys mutant and cocaine.",
        "Phosphorylation at Tyr705.",
        [("Gly", "Chemical"), ("Cys", "Chemical"), ("cocaine", "Chemical"), ("Tyr", "Chemical")],
    )
    chemical = CorpusPart(
        "nlm-chem-like", write(tmp_path, "chem.pubtator", block), ("Chemical",), residue_chemicals=True
    )

    reports = convert_parts([chemical], tmp_path / "train.spacy")

    assert reports[0].conversion.labels["Chemical"].aligned == 4  # every mention still accounted for
    assert reports[0].to_json()["variant_residues"] == {"residues": 3, "variants": 1, "positions": 1}
    doc = read_docs(tmp_path / "train.spacy")[0]
    assert {ent.text: ent.label_ for ent in doc.ents} == {"Gly104Cys": "Variant", "cocaine": "Chemical"}
    assert token_tags(doc)["Tyr"] == ""  # a bare position: unknown, neither Chemical nor outside
