"""`bioner.content`: the detectors that find the parts of a text worth tagging."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from bioner.content import find_content
from bioner.regions import Content, whole_text

EXAMPLES = Path(__file__).parent / "fixtures" / "examples"

ABSTRACT = (
    "Ketamine produces rapid antidepressant effects in treatment-resistant depression (TRD). "
    "We review how blocking NMDA receptors raises glutamate release and BDNF signalling."
)

PUBMED_PAGE = f"""Skip to main page content
An official website of the United States government

Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation
Randomized Controlled Trial
Biol Psychiatry. 2000 Feb 15;47(4):351-4.
doi: 10.1016/s0006-3223(99)00230-9.

Ketamine for depression: a trial

Robert M Berman 1, Angela Cappiello, Amit Anand, Dan A Oren
Affiliations

    1 Department of Psychiatry, Yale University School of Medicine, New Haven, CT 06508, USA.

Abstract

{ABSTRACT}

Keywords: Ketamine; Glutamate; Depression.

PubMed Disclaimer

Similar articles

Ketamine and cocaine abuse in rats.
Smith J, et al. Neuron. 2019.

MeSH terms

Cocaine
Depressive Disorder, Major / drug therapy*

LinkOut - more resources
"""

PAPER = f"""Ketamine in depression

{ABSTRACT}

Riluzole lowers glutamate (Zarate et al., 2004) and its trial is registered at https://clinicaltrials.gov/NCT001 (doi: 10.1001/archpsyc.63.8.856).

References

1. Berman RM, Cappiello A, Anand A, et al. Antidepressant effects of ketamine in depressed patients. Biol Psychiatry. 2000;47(4):351-354.
2. Zarate, C. A., Singh, J. B., & Carlson, P. J. (2006). A randomized trial of an N-methyl-D-aspartate antagonist in treatment-resistant major depression. Archives of General Psychiatry, 63(8), 856–864.
3. Kavalali ET, Monteggia LM (2012) Synaptic mechanisms underlying rapid antidepressant action of ketamine. Am J Psychiatry 169:1150–1156 - DOI - PubMed
"""

WEB_PAGE = f"""Skip to content
Home
Health
Topics
Menu
Home > Mental health > Depression

Ketamine and the glutamate hypothesis

Share on Facebook
Tweet
Email

{ABSTRACT}

Advertisement

Schizophrenia and bipolar disorder have also been linked to glutamate, and trials of riluzole are under way.

Is This an Emergency?

If you are experiencing serious medical symptoms, seek emergency treatment immediately.

© 2024 Example Health Media. All rights reserved.
Privacy Policy
Terms of Use
"""


def region_texts(text: str, content: Content) -> list[str]:
    return [text[r.start : r.end] for r in content.regions]


def skipped_texts(text: str, content: Content, reason: str, inline: bool = False) -> list[str]:
    return [text[s.start : s.end] for s in content.skipped if s.reason == reason and s.inline == inline]


def assert_partition(text: str, content: Content) -> None:
    """Regions and line-level skips do not overlap, and every non-blank line is in one of them."""
    spans = sorted(
        [(r.start, r.end) for r in content.regions] + [(s.start, s.end) for s in content.skipped if not s.inline]
    )
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start
    covered = [False] * len(text)
    for start, end in spans:
        for i in range(start, end):
            covered[i] = True
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace() and ch != "|")


# --- a saved PubMed page ----------------------------------------------------------------------


def test_pubmed_page_keeps_title_abstract_and_keywords_only():
    content = find_content(PUBMED_PAGE)
    assert content.page == "pubmed-page"
    assert region_texts(PUBMED_PAGE, content) == [
        "Ketamine for depression: a trial",
        ABSTRACT,
        "Keywords: Ketamine; Glutamate; Depression.",
    ]
    assert [r.kind for r in content.regions] == ["title", "abstract", "keywords"]
    assert_partition(PUBMED_PAGE, content)


def test_pubmed_page_skips_banner_authors_affiliations_and_every_section_after_the_abstract():
    content = find_content(PUBMED_PAGE)
    reasons = {s.reason for s in content.skipped}
    assert {
        "banner",
        "publication-type",
        "citation",
        "authors",
        "affiliations",
        "disclaimer",
        "similar-articles",
        "mesh-terms",
        "linkout",
    } <= reasons
    assert any("Cocaine" in t for t in skipped_texts(PUBMED_PAGE, content, "mesh-terms"))
    assert any("rats" in t for t in skipped_texts(PUBMED_PAGE, content, "similar-articles"))
    assert any("Yale" in t for t in skipped_texts(PUBMED_PAGE, content, "affiliations"))


def test_saved_pubmed_example_keeps_the_abstract_and_skips_the_references():
    text = (EXAMPLES / "pubmed-page-kavalali-2024.txt").read_text(encoding="utf-8")
    content = find_content(text)
    kept = region_texts(text, content)
    assert kept[0] == "Synaptic basis of rapid antidepressant action"
    assert kept[1].startswith("The discovery of ketamine's rapid antidepressant action")
    assert kept[1].endswith("in the last decade.")
    assert kept[2].startswith("Keywords: BDNF;")
    assert len(kept) == 3
    references = "".join(skipped_texts(text, content, "references"))
    assert "Monteggia LM (2020)" in references and "1150–1156 - DOI" in references
    assert "https://" in "".join(skipped_texts(text, content, "banner"))


# --- reference lists, identifiers, authors in any text -------------------------------------------


def test_reference_section_is_skipped_in_vancouver_apa_and_pubmed_styles():
    content = find_content(PAPER)
    references = skipped_texts(PAPER, content, "references")
    assert len(references) == 1
    for needle in ("Biol Psychiatry. 2000;47(4):351-354.", "63(8), 856–864.", "- DOI - PubMed"):
        assert needle in references[0]
    assert region_texts(PAPER, content)[-1].endswith("(doi: 10.1001/archpsyc.63.8.856).")
    assert_partition(PAPER, content)


def test_reference_lines_without_a_heading_are_skipped():
    text = (
        ABSTRACT + "\n" + "Berman RM, Cappiello A, Anand A (2000) Antidepressant effects of ketamine. "
        "Biol Psychiatry 47:351–354\n"
    )
    content = find_content(text)
    assert region_texts(text, content) == [ABSTRACT]
    assert skipped_texts(text, content, "references")[0].startswith("Berman RM")


def test_urls_dois_and_author_year_citations_inside_prose_are_skipped_spans():
    content = find_content(PAPER)
    assert skipped_texts(PAPER, content, "url", inline=True) == ["https://clinicaltrials.gov/NCT001"]
    assert skipped_texts(PAPER, content, "doi", inline=True) == ["doi: 10.1001/archpsyc.63.8.856"]
    assert skipped_texts(PAPER, content, "citation", inline=True) == ["(Zarate et al., 2004)"]
    start = PAPER.index("Zarate et al.")
    assert not content.keeps(start, start + len("Zarate"))
    riluzole = PAPER.index("Riluzole")
    assert content.keeps(riluzole, riluzole + len("Riluzole"))


@pytest.mark.parametrize(
    "line, reason",
    [
        ("doi: 10.1007/s00406-024-01898-6. Online ahead of print.", "identifier"),
        ("https://pubmed.ncbi.nlm.nih.gov/39343851/", "identifier"),
        ("Ege T Kavalali, Lisa M Monteggia, Anita E Autry", "authors"),
        ("Kavalali ET, Monteggia LM, Autry AE, Nosyreva E", "authors"),
        ("Department of Pharmacology, Vanderbilt University, Nashville, TN, USA", "affiliations"),
        ("Kavalali ET et al. Eur Arch Psychiatry Clin Neurosci. 2024 Sep 29.", "citation"),
        ("Paper ID : 1198-IGA", "metadata"),
        ("Received: 12 March 2024", "metadata"),
    ],
)
def test_a_line_of_each_kind_is_skipped_with_its_reason(line, reason):
    text = f"{ABSTRACT}\n\n{line}\n"
    content = find_content(text)
    assert region_texts(text, content) == [ABSTRACT]
    assert skipped_texts(text, content, reason) == [line]


@pytest.mark.parametrize(
    "prose",
    [
        "Researchers at the University of Texas, Austin, found that ketamine relieves depression, and more.",
        "Glutamate, serotonin and norepinephrin are neurotransmitters.",
        "In an article in the December 1, 2007, issue of Biological Psychiatry, researchers report "
        "elevated levels of glutamate in the brains of patients with bipolar depression.",
        "Fluoxetine, Sertraline, Paroxetine",
    ],
)
def test_prose_and_lists_of_drugs_are_kept(prose):
    text = f"{prose}\n"
    assert region_texts(text, find_content(text)) == [prose]


# --- a web article -----------------------------------------------------------------------------


def test_web_article_keeps_the_body_without_menus_share_buttons_ads_disclaimer_or_footer():
    content = find_content(WEB_PAGE)
    kept = "\n".join(region_texts(WEB_PAGE, content))
    assert ABSTRACT in kept and "trials of riluzole are under way." in kept
    for chrome in (
        "Skip to content",
        "Menu",
        "Home > Mental",
        "Share on Facebook",
        "Tweet",
        "Advertisement",
        "Is This an Emergency?",
        "seek emergency treatment",
        "All rights reserved",
        "Privacy Policy",
        "Terms of Use",
    ):
        assert chrome not in kept, chrome
    reasons = {s.reason for s in content.skipped}
    assert {"navigation", "share", "advertisement", "disclaimer", "footer"} <= reasons
    assert_partition(WEB_PAGE, content)


def test_form_fields_separated_by_bars_are_regions_without_the_bars():
    text = (EXAMPLES / "conference-abstract-ketamine.txt").read_text(encoding="utf-8")
    content = find_content(text)
    kept = region_texts(text, content)
    assert kept[0] == "Antidepressant Effects of Ketamine: A Review of Mechanisms, Efficacy, and Clinical Applications"
    assert not any("|" in k for k in kept)
    assert any(k.startswith("Abstract Background and Aim:") for k in kept)
    skipped = " ".join(text[s.start : s.end] for s in content.skipped)
    assert "Paper ID" in skipped and "Paris Lodron University" in skipped and "Status: Accepted" in skipped


# --- plain text stays whole ------------------------------------------------------------------


def test_a_plain_abstract_is_one_region_covering_the_text():
    text = f"Ketamine for depression\n{ABSTRACT}\n\n{ABSTRACT}"
    content = find_content(text)
    assert [(r.start, r.end) for r in content.regions] == [(0, len(text))]
    assert content.skipped == []


def test_whole_text_keeps_everything():
    content = whole_text(PUBMED_PAGE)
    assert [(r.start, r.end) for r in content.regions] == [(0, len(PUBMED_PAGE))]
    assert whole_text("  \n").regions == []


# --- ner-predict tags the content only ----------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_nlp():
    from tiny_ner import train_tiny_ner

    return train_tiny_ner()


@pytest.fixture(scope="module")
def ruler_nlp():
    import spacy

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "bioner.BiomedicalTokenizer.v1"}}})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(
        [{"label": "Chemical", "pattern": p} for p in ("ketamine", "DOI")]
        + [{"label": "Disease", "pattern": p} for p in ("depression", "mood disorders", "Monteggia")]
    )
    return nlp


def tag_jsonl(nlp, path: Path, tmp_path: Path, **options) -> dict:
    import json

    from bioner.predict import predict

    output = tmp_path / f"{path.stem}.jsonl"
    predict(path, output, nlp=nlp, **options)
    (record,) = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return record


def test_abstract_in_the_saved_pubmed_page_gets_the_entities_it_gets_on_its_own(tiny_nlp, tmp_path):
    page = EXAMPLES / "pubmed-page-kavalali-2024.txt"
    text = page.read_text(encoding="utf-8")
    region = find_content(text).regions[1]
    alone = tmp_path / "abstract.txt"
    alone.write_text(text[region.start : region.end], encoding="utf-8")

    in_page = tag_jsonl(tiny_nlp, page, tmp_path)
    on_its_own = tag_jsonl(tiny_nlp, alone, tmp_path)

    from_page = [
        (e["start"] - region.start, e["end"] - region.start, e["label"])
        for e in in_page["entities"]
        if region.start <= e["start"] < region.end
    ]
    assert on_its_own["entities"]  # the model finds something in the abstract
    assert from_page == [(e["start"], e["end"], e["label"]) for e in on_its_own["entities"]]


def test_predict_reports_no_entity_in_skipped_parts_and_offsets_into_the_original_file(ruler_nlp, tmp_path):
    page = EXAMPLES / "pubmed-page-kavalali-2024.txt"
    text = page.read_text(encoding="utf-8")
    record = tag_jsonl(ruler_nlp, page, tmp_path)
    content = find_content(text)
    assert record["text"] == text.rstrip("\n")
    assert record["entities"]
    for entity in record["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert content.keeps(entity["start"], entity["end"])
    assert {"references", "banner", "linkout"} <= {s["reason"] for s in record["skipped"]}
    assert not any(e["text"] in ("DOI", "Monteggia") for e in record["entities"])


def test_keep_boilerplate_tags_the_whole_text(ruler_nlp, tmp_path):
    page = EXAMPLES / "pubmed-page-kavalali-2024.txt"
    record = tag_jsonl(ruler_nlp, page, tmp_path, keep_boilerplate=True)
    assert "skipped" not in record
    assert {"DOI", "Monteggia"} <= {e["text"] for e in record["entities"]}


def test_content_regions_are_not_applied_to_annotated_formats(ruler_nlp, tmp_path):
    pubtator = tmp_path / "doc.pubtator"
    pubtator.write_text(
        "1|t|Berman RM, Cappiello A (2000) Ketamine. Biol Psychiatry 47:351–354 - DOI - PubMed\n"
        "1|a|Ketamine for depression.\n\n",
        encoding="utf-8",
    )
    from bioner.predict import predict

    output = tmp_path / "out.jsonl"
    predict(pubtator, output, nlp=ruler_nlp, output_format="jsonl")
    import json

    record = json.loads(output.read_text(encoding="utf-8"))
    assert "DOI" in {e["text"] for e in record["entities"]}  # PubTator text is scored whole
    assert "skipped" not in record


def test_summary_counts_the_skipped_parts(ruler_nlp, tmp_path):
    from bioner.predict import predict

    summary = predict(EXAMPLES / "pubmed-page-kavalali-2024.txt", tmp_path / "out.jsonl", nlp=ruler_nlp)
    assert summary.skipped["references"] == 1 and summary.skipped["banner"] >= 1
    assert "--keep-boilerplate" in summary.format()
    assert summary.to_dict()["skipped"]["references"] == 1


def test_ner_predict_keep_boilerplate_flag_and_skipped_summary_on_stderr(ruler_nlp, tmp_path):
    import json

    from typer.testing import CliRunner

    from bioner.cli.predict import app

    model = tmp_path / "model"
    ruler_nlp.to_disk(model)
    page = str(EXAMPLES / "pubmed-page-kavalali-2024.txt")
    runner = CliRunner()
    default = runner.invoke(app, [page, "-m", str(model)])
    everything = runner.invoke(app, [page, "-m", str(model), "--keep-boilerplate"])
    assert default.exit_code == 0 and everything.exit_code == 0
    assert "skipped (not tagged)" in default.stderr and "references 1" in default.stderr
    assert "skipped" not in everything.stderr
    texts = {e["text"] for e in json.loads(default.stdout)["entities"]}
    all_texts = {e["text"] for e in json.loads(everything.stdout)["entities"]}
    assert "Monteggia" not in texts and "Monteggia" in all_texts


def test_a_pdf_is_refused_with_what_to_use_instead(ruler_nlp, tmp_path):
    from bioner.errors import BionerError
    from bioner.predict import predict

    pdf = tmp_path / "paper.txt"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    with pytest.raises(BionerError, match="pdftotext"):
        predict(pdf, tmp_path / "out.jsonl", nlp=ruler_nlp)


def test_a_journal_named_in_a_sentence_is_a_skipped_span():
    text = (
        'In an article in the April 6, 2007, issue of "CNS and Neurological Disorders Drug Targets," '
        "researchers state that glutamate receptor blockers relieve depression."
    )
    content = find_content(text)
    assert skipped_texts(text, content, "journal", inline=True) == ['"CNS and Neurological Disorders Drug Targets,"']
    assert region_texts(text, content) == [text]


def test_a_numbered_finding_with_a_year_and_a_colon_is_not_a_reference():
    text = "1. In 2019: 12 of 20 patients given ketamine remitted from depression within a week.\n"
    assert region_texts(text, find_content(text)) == [text.strip()]
