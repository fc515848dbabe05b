"""`bioner.formats.pubmed`: MEDLINE/PubMed XML, streamed, gzip or plain, with deletions reported."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from bioner.errors import BionerError, InputError
from bioner.formats import detect_format, read_documents, sniff_format
from bioner.formats.pubmed import PubmedReader, iter_pubmed, read_pubmed

HEADER = (
    '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n'
)
FOOTER = "</PubmedArticleSet>\n"


def article(pmid: str, title: str, *sections: tuple[str | None, str], cited: str = "999") -> str:
    """One PubmedArticle; `sections` are (label, text) pairs of the abstract, none: no abstract."""
    abstract = ""
    if sections:
        texts = "".join(
            f"<AbstractText{f' Label={label!r}' if label else ''}>{text}</AbstractText>\n" for label, text in sections
        )
        abstract = f"<Abstract>\n{texts}<CopyrightInformation>(c) 2020 Someone.</CopyrightInformation></Abstract>\n"
    return (
        f'<PubmedArticle>\n<MedlineCitation Status="MEDLINE" Owner="NLM">\n<PMID Version="1">{pmid}</PMID>\n'
        f'<Article PubModel="Print">\n<Journal><Title>A Journal</Title></Journal>\n'
        f"<ArticleTitle>{title}</ArticleTitle>\n{abstract}<Language>eng</Language>\n</Article>\n"
        f'<CommentsCorrectionsList><CommentsCorrections RefType="Cites"><PMID Version="1">{cited}</PMID>'
        "</CommentsCorrections></CommentsCorrectionsList>\n"
        f'</MedlineCitation>\n<PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList>'
        "</PubmedData>\n</PubmedArticle>\n"
    )


def pubmed_xml(*parts: str) -> str:
    return HEADER + "".join(parts) + FOOTER


STRUCTURED = article(
    "101",
    "Ketamine in <i>treatment-resistant</i> depression.",
    ("BACKGROUND", "Depression is common."),
    ("METHODS", "We gave ketamine\n   to 20 patients."),
    ("RESULTS", "Mood improved."),
)
PLAIN = article("102", "Aspirin and headache.", (None, "Aspirin relieved headache in most."))
TITLE_ONLY = article("103", "Cocaine-induced seizures in rats.")
DELETE = '<DeleteCitation>\n<PMID Version="1">555</PMID>\n<PMID Version="1">556</PMID>\n</DeleteCitation>\n'


def write(path: Path, text: str, compress: bool = False) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_structured_abstract_sections_are_joined_in_order_after_the_title(tmp_path):
    (document,) = iter_pubmed(write(tmp_path / "a.xml", pubmed_xml(STRUCTURED)))
    assert document.id == "101"
    assert document.title == "Ketamine in treatment-resistant depression."
    assert document.abstract == "Depression is common. We gave ketamine to 20 patients. Mood improved."
    assert document.text == document.title + " " + document.abstract
    assert "BACKGROUND" not in document.text and "Someone" not in document.text  # no labels, no copyright


def test_id_is_the_citation_pmid_not_a_cited_one(tmp_path):
    documents = list(iter_pubmed(write(tmp_path / "a.xml", pubmed_xml(PLAIN, STRUCTURED))))
    assert [d.id for d in documents] == ["102", "101"]
    assert documents[0].text == "Aspirin and headache. Aspirin relieved headache in most."


def test_citation_without_abstract_is_its_title_alone(tmp_path):
    (document,) = iter_pubmed(write(tmp_path / "a.xml", pubmed_xml(TITLE_ONLY)))
    assert document.text == "Cocaine-induced seizures in rats."
    assert document.abstract == "" and len(document.passages) == 1


def test_delete_citations_are_reported_not_dropped_silently(tmp_path):
    path = write(tmp_path / "update.xml", pubmed_xml(PLAIN, DELETE, TITLE_ONLY))
    deleted: list[str] = []
    documents = list(iter_pubmed(path, deleted=deleted))
    assert [d.id for d in documents] == ["102", "103"]
    assert deleted == ["555", "556"]
    assert read_pubmed(path)[1] == ["555", "556"]


def test_gzip_is_read_whatever_the_file_is_called(tmp_path):
    text = pubmed_xml(STRUCTURED, PLAIN)
    plain = [d.text for d in iter_pubmed(write(tmp_path / "a.xml", text))]
    for name in ("pubmed26n0001.xml.gz", "noextension"):
        assert [d.text for d in iter_pubmed(write(tmp_path / name, text, compress=True))] == plain


def test_binary_stream_gzip_or_plain(tmp_path):
    text = pubmed_xml(PLAIN)
    for data in (text.encode(), gzip.compress(text.encode())):
        (document,) = iter_pubmed(io.BytesIO(data))
        assert document.id == "102"


def test_malformed_xml_names_the_file_line_and_last_citation(tmp_path):
    broken = pubmed_xml(PLAIN, STRUCTURED.replace("</ArticleTitle>", "</ArticleTitel>"))
    path = write(tmp_path / "bad.xml", broken)
    bad_line = next(n for n, line in enumerate(broken.splitlines(), 1) if "</ArticleTitel>" in line)
    with pytest.raises(InputError) as caught:
        list(iter_pubmed(path))
    assert caught.value.source == str(path) and caught.value.line == bad_line
    assert "not well-formed XML" in str(caught.value) and "PMID 102" in str(caught.value)


@pytest.mark.parametrize("chunk_size", [64, 32768])
@pytest.mark.parametrize("before", [0, 1, 2, 60, 400])
def test_malformed_xml_names_the_last_complete_citation_whatever_the_buffering(
    tmp_path, monkeypatch, before, chunk_size
):
    # 400 citations before the error put it ~250 kB in, far beyond one read of the file; none: the error
    # is inside the first citation. The reader's chunk size stands for the parser's buffering.
    monkeypatch.setattr("bioner.formats.pubmed._CHUNK_SIZE", chunk_size)
    good = [article(str(1000 + n), f"Title {n}.", (None, "Text " * 40)) for n in range(before)]
    broken = pubmed_xml(*good, STRUCTURED.replace("</ArticleTitle>", "</ArticleTitel>"), PLAIN)
    path = write(tmp_path / "bad.xml", broken)
    bad_line = next(n for n, line in enumerate(broken.splitlines(), 1) if "</ArticleTitel>" in line)
    seen: list[str] = []
    with pytest.raises(InputError) as caught:
        for document in iter_pubmed(path):
            seen.append(document.id)
    assert seen == [str(1000 + n) for n in range(before)]  # every citation before the error, none after
    assert caught.value.line == bad_line and "Traceback" not in str(caught.value)
    if before:
        plural = "" if before == 1 else "s"
        assert f"after {before:,} citation{plural} (the last PMID {seen[-1]})" in str(caught.value)
    else:
        assert "before the end of the first citation" in str(caught.value) and "PMID" not in str(caught.value)


@pytest.mark.parametrize(
    ("cut_before", "complete"),
    [
        ("<ArticleTitle>Cocaine", ["102", "101"]),  # inside the third citation: not read, not named
        ("</PubmedArticle>\n</PubmedArticleSet>", ["102", "101"]),  # before its end tag: still not complete
        ("\n</PubmedArticleSet>", ["102", "101", "103"]),  # right after its end tag: complete
    ],
)
def test_plain_xml_cut_short_names_the_last_complete_citation(tmp_path, cut_before, complete):
    text = pubmed_xml(PLAIN, STRUCTURED, TITLE_ONLY)
    cut = text[: text.rindex(cut_before)]  # the root is left open
    seen: list[str] = []
    with pytest.raises(InputError) as caught:
        for document in iter_pubmed(write(tmp_path / "cut.xml", cut)):
            seen.append(document.id)
    assert seen == complete
    message = str(caught.value)
    assert "not well-formed XML" in message
    assert f"after {len(complete)} citations (the last PMID {complete[-1]})" in message


def test_truncated_gzip_is_an_error_naming_the_file(tmp_path):
    data = gzip.compress(
        pubmed_xml(*(article(str(n), f"Title {n}.", (None, "Text " * 50)) for n in range(200))).encode()
    )
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(data[: len(data) // 2])
    seen: list[str] = []
    with pytest.raises(InputError) as caught:
        for document in iter_pubmed(path):
            seen.append(document.id)
    assert str(path) in str(caught.value)
    assert 0 < len(seen) < 200 and f"the last PMID {seen[-1]}" in str(caught.value)


def test_bioc_xml_is_refused_as_not_pubmed(tmp_path):
    path = write(tmp_path / "c.xml", "<?xml version='1.0'?><collection><source>x</source></collection>")
    with pytest.raises(InputError, match="not MEDLINE/PubMed XML.*<collection>"):
        list(iter_pubmed(path))


def test_elements_are_cleared_as_the_file_is_read(tmp_path):
    path = write(
        tmp_path / "many.xml", pubmed_xml(*(article(str(n), f"Title {n}.", (None, "Words.")) for n in range(300)))
    )
    reader = PubmedReader(path)
    yielded: list[str] = []
    held: list[int] = []
    for document in reader:
        in_tree = {pmid.text for pmid in reader.root.iter("PMID")}
        assert not in_tree & set(yielded)  # every citation read before is gone from the tree
        assert len(reader.root[0]) == 0  # the one just read is emptied, a shell left for the parser
        yielded.append(document.id)
        held.append(len(reader.root))
    assert reader.citations == 300
    assert max(held) < 100  # what the tree holds is the parser's read-ahead, not the file so far


def test_format_is_detected_from_content_also_inside_gzip(tmp_path):
    text = pubmed_xml(PLAIN)
    assert detect_format(write(tmp_path / "p.xml", text)) == "pubmed"
    assert detect_format(write(tmp_path / "p.xml.gz", text, compress=True)) == "pubmed"
    assert detect_format(write(tmp_path / "p.txt", text)) == "pubmed"
    assert sniff_format(gzip.compress(text.encode())) == "pubmed"
    assert detect_format(write(tmp_path / "b.xml", "<?xml version='1.0'?><collection/>")) == "bioc"
    with pytest.raises(BionerError, match="MEDLINE/PubMed"):
        detect_format(write(tmp_path / "other.gz", "not xml", compress=True))


def test_read_documents_by_name_and_by_detection(tmp_path):
    path = write(tmp_path / "p.xml.gz", pubmed_xml(PLAIN, TITLE_ONLY), compress=True)
    assert [d.id for d in read_documents(path)] == ["102", "103"]
    assert [d.id for d in read_documents(path, "pubmed")] == ["102", "103"]


def test_book_article_and_empty_english_title_fall_back(tmp_path):
    book = (
        '<PubmedBookArticle><BookDocument><PMID Version="1">201</PMID><Book><BookTitle>Drug Handbook'
        "</BookTitle></Book><Abstract><AbstractText>About drugs.</AbstractText></Abstract></BookDocument>"
        "</PubmedBookArticle>\n"
    )
    vernacular = article("202", "", (None, "Texte.")).replace(
        "<ArticleTitle></ArticleTitle>", "<ArticleTitle></ArticleTitle><VernacularTitle>Titre.</VernacularTitle>"
    )
    documents = list(iter_pubmed(write(tmp_path / "a.xml", pubmed_xml(book, vernacular))))
    assert [(d.id, d.text) for d in documents] == [("201", "Drug Handbook About drugs."), ("202", "Titre. Texte.")]


def test_ner_predict_tags_pubmed_xml_by_pmid(tmp_path):
    import spacy

    from bioner.formats.jsonl import read_jsonl
    from bioner.predict import predict

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "Chemical", "pattern": "Aspirin"}])
    source = write(tmp_path / "pubmed26n0001.xml.gz", pubmed_xml(PLAIN, TITLE_ONLY), compress=True)
    summary = predict(source, tmp_path / "out.jsonl", nlp=nlp)
    documents = read_jsonl(tmp_path / "out.jsonl")
    assert summary.input_format == "pubmed" and [d.id for d in documents] == ["102", "103"]
    assert [(m.start, m.end) for m in documents[0].mentions] == [(0, 7), (22, 29)]
