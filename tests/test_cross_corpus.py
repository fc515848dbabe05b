"""Cross-corpus scores: only the types a corpus annotates are scored; gene corpora give a confusion rate."""

from pathlib import Path

import pytest
import spacy

from bioner.corpora.catalogue import GENE_LABEL_MAP, NCBI_LABEL_MAP, HoldOut
from bioner.document import Document, Mention
from bioner.evaluation.cross_corpus import evaluate_parts, format_cross_corpus, gene_overlaps, score_part, tag_articles
from bioner.multicorpus import CorpusPart
from bioner.tagging import tag_documents

DISEASE_CORPUS = """\
5|t|Naloxone and cancer.
5|a|Breast cancer patients got morphine.
5\t13\t19\tcancer\tSpecificDisease\t-
5\t21\t34\tBreast cancer\tSpecificDisease\t-

"""

GENE_CORPUS = """\
8|t|BRCA1 and insulin were measured.
8|a|TP53 too.
8\t0\t5\tBRCA1\tGene\t672
8\t10\t17\tinsulin\tGene\t3630
8\t33\t37\tTP53\tGene\t7157

"""


@pytest.fixture
def nlp():
    pipeline = spacy.blank("en")
    ruler = pipeline.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "Chemical", "pattern": "naloxone"},
            {"label": "Chemical", "pattern": "Naloxone"},
            {"label": "Chemical", "pattern": "insulin"},
            {"label": "Disease", "pattern": "cancer"},
            {"label": "Gene", "pattern": "TP53"},
        ]
    )
    return pipeline


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_only_the_annotated_type_is_scored(tmp_path, nlp):
    part = CorpusPart("ncbi", write(tmp_path, "ncbi.txt", DISEASE_CORPUS), ("Disease",), NCBI_LABEL_MAP)
    result = score_part(nlp, part)
    disease = result.strict["Disease"]
    # "cancer" found twice: once exactly (title), once inside "Breast cancer" (a boundary error).
    assert (disease.tp, disease.fp, disease.fn) == (1, 1, 1)
    assert result.lenient["Disease"].tp == 2
    # The Chemical predictions (naloxone) are neither right nor wrong here: the corpus has no chemicals.
    assert list(result.strict) == ["Disease"]


def test_gene_rate_counts_gene_mentions_overlapped_by_chemical_or_disease(tmp_path, nlp):
    part = CorpusPart("genes", write(tmp_path, "genes.pubtator", GENE_CORPUS), ("Gene",), GENE_LABEL_MAP)
    result = score_part(nlp, part)
    # insulin tagged Chemical; TP53 tagged Gene, which is not a confusion; BRCA1 untouched.
    assert (result.gene_mentions, result.genes_tagged) == (3, 1)
    assert result.genes_tagged_as == {"Chemical": 1}
    assert result.examples == ["insulin (1)"]
    assert result.to_json()["gene_rate"] == pytest.approx(1 / 3, abs=1e-4)


def test_gene_overlap_is_by_characters_not_exact_span():
    text = "anti-BRCA1 antibody"
    gold = [Document.from_text("1", text, mentions=[Mention(5, 10, "BRCA1", "Gene")])]
    predicted = [Document.from_text("1", text, mentions=[Mention(0, 10, "anti-BRCA1", "Disease")])]
    tagged, as_label, names = gene_overlaps(gold, predicted)
    assert tagged == 1 and as_label == {"Disease": 1}


def test_missing_corpora_are_skipped_and_the_table_names_each_part(tmp_path, nlp):
    present = CorpusPart("ncbi", write(tmp_path, "ncbi.txt", DISEASE_CORPUS), ("Disease",), NCBI_LABEL_MAP)
    genes = CorpusPart("genes", write(tmp_path, "genes.pubtator", GENE_CORPUS), ("Gene",), GENE_LABEL_MAP)
    absent = CorpusPart("absent", tmp_path / "nope.txt", ("Chemical",))
    results = evaluate_parts(nlp, [present, absent, genes])
    assert [r.name for r in results] == ["ncbi", "genes"]
    table = format_cross_corpus(results)
    assert "ncbi" in table and "33.3% of 3" in table


VARIANT_CORPUS = """\
9|t|Arg72Pro and cisplatin in mice.
9|a|The rs1042522 SNP.
9\t0\t8\tArg72Pro\tProteinMutation\t-
9\t13\t22\tcisplatin\tChemical\t-
9\t26\t30\tmice\tSpecies\t10090
9\t36\t45\trs1042522\tSNP\t-

"""


def test_variant_and_species_rates_count_only_their_own_mentions(tmp_path):
    from bioner.corpora.catalogue import VARIANT_LABEL_MAP

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "Chemical", "pattern": "Arg72Pro"}, {"label": "Disease", "pattern": "mice"}]
    )
    path = write(tmp_path, "tmvar.pubtator", VARIANT_CORPUS)
    variants = score_part(nlp, CorpusPart("tmvar3-test", path, ("Variant",), VARIANT_LABEL_MAP))
    species = score_part(nlp, CorpusPart("species-test", path, ("Species",)))
    # Arg72Pro tagged Chemical: one variant of two; the chemical mention is not a variant at all.
    assert (variants.overlap_label, variants.mentions, variants.tagged) == ("Variant", 2, 1)
    assert (species.mentions, species.tagged, species.tagged_as) == (1, 1, {"Disease": 1})
    assert variants.to_json()["variant_rate"] == 0.5 and variants.to_json()["variants_tagged_as"] == {"Chemical": 1}
    assert species.to_json()["species_rate"] == 1.0 and "gene_rate" not in species.to_json()
    table = format_cross_corpus([variants, species])
    assert "tmvar3-test" in table and "Variant" in table and "50.0% of 2" in table and "100.0% of 1" in table


def test_a_part_with_gold_ids_gets_a_concept_row_unless_its_file_feeds_the_knowledge_base(tmp_path, nlp):
    with_ids = DISEASE_CORPUS.replace("SpecificDisease\t-", "SpecificDisease\tD009369")
    part = CorpusPart("ncbi-dev", write(tmp_path, "ncbi.txt", with_ids), ("Disease",), NCBI_LABEL_MAP)
    result = score_part(nlp, part)
    assert result.concepts is not None
    # The ruler gives no ids: the one gold concept of the document is missed.
    disease = result.concepts.labels["Disease"]
    assert (disease.tp, disease.fn) == (0, 1)
    assert "concepts: distinct (document, id)" in format_cross_corpus([result])
    assert "concepts" in result.to_json()

    kb_folder = tmp_path / "ncbi-disease"
    kb_folder.mkdir()
    in_kb = CorpusPart(
        "ncbi-train", write(kb_folder, "NCBItrainset_corpus.txt", with_ids), ("Disease",), NCBI_LABEL_MAP
    )
    assert score_part(nlp, in_kb).concepts is None


def test_passages_are_tagged_article_by_article_so_a_definition_holds_in_the_later_passages():
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "Chemical", "pattern": [{"LOWER": "conjugated"}, {"LOWER": "linoleic"}, {"LOWER": "acid"}]}]
    )
    nlp.add_pipe("bioner_abbreviations")
    passages = [
        Document.from_text("7-1", "Conjugated linoleic acid (CLA) was fed."),
        Document.from_text("8-1", "CLA is not defined in this article."),
        Document.from_text("7-2", "Pigs fed CLA lost fat."),
    ]
    tagged = tag_articles(nlp, passages, lambda passage_id: passage_id.split("-")[0])
    assert [d.id for d in tagged] == ["7-1", "8-1", "7-2"]
    assert [(m.start, m.end, m.text) for m in tagged[2].mentions] == [(9, 12, "CLA")]  # offsets in its passage
    assert tagged[1].mentions == []
    separately = {d.id: d for d in tag_documents(nlp, passages)}
    assert separately["7-2"].mentions == []  # a passage alone does not know the definition


ARTICLE_CORPUS = """\
7-1|t|Conjugated linoleic acid (CLA) was fed.
7-1|a|
7-1\t0\t24\tConjugated linoleic acid\tChemical\t-
7-1\t26\t29\tCLA\tChemical\t-

7-2|t|Pigs fed CLA lost fat.
7-2|a|
7-2\t9\t12\tCLA\tChemical\t-

"""


@pytest.mark.parametrize("articles", [True, False])
def test_a_part_of_article_passages_is_scored_as_tagged_article_by_article(tmp_path, articles):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "Chemical", "pattern": [{"LOWER": "conjugated"}, {"LOWER": "linoleic"}, {"LOWER": "acid"}]}]
    )
    nlp.add_pipe("bioner_abbreviations")
    path = write(tmp_path, "passages.txt", ARTICLE_CORPUS)
    part = CorpusPart("chem", path, ("Chemical",), holdout=HoldOut(2, key=r"([^-]+)"), articles=articles)
    chemical = score_part(nlp, part).strict["Chemical"]
    assert (chemical.tp, chemical.fn) == ((3, 0) if articles else (2, 1))
