"""`bioner.formats.html_view`: the page `ner-predict --output-format html` writes, relations included."""

from __future__ import annotations

import io

from bioner.document import Document, Mention, Relation
from bioner.formats.html_view import render_document, write_html


def related_document() -> Document:
    document = Document.from_text("42", "Aspirin and asthma; haloperidol.")
    document.mentions = [
        Mention(0, 7, "Aspirin", "Chemical", "D001241"),
        Mention(12, 18, "asthma", "Disease", "D001249"),
        Mention(20, 31, "haloperidol", "Chemical", "D006220"),
    ]
    document.relations = [
        Relation("CID", ["D001241", "D001249"], 0.87, [(0, 7, 12, 18)]),
        Relation("CID", ["D006220", "D001249"], None),
    ]
    return document


def test_a_document_shows_its_relations_below_the_entity_view_with_names_ids_and_scores():
    section = render_document(related_document())
    table = section[section.index('<table class="relations">') :]
    assert section.index("</mark>") < section.index('<table class="relations">')
    assert "2 relations" in table
    rows = table.split("<tr>")[2:]
    assert "Aspirin" in rows[0] and "D001241" in rows[0] and "asthma" in rows[0] and "0.87" in rows[0]
    assert "haloperidol" in rows[1] and "D006220" in rows[1]  # named by a mention carrying its id


def test_a_document_without_relations_has_no_relation_table():
    document = related_document()
    document.relations = []
    assert "relations" not in render_document(document).split("</style>")[-1]


def test_relation_types_ids_and_names_are_escaped():
    document = Document.from_text("<d>", "<b>x</b> and y")
    document.mentions = [Mention(0, 8, "<b>x</b>", "Chemical", "D1"), Mention(13, 14, "y", "Disease", "D2")]
    document.relations = [Relation("<i>CID</i>", ['D1"><script>', "D2"], 0.5, [(0, 8, 13, 14)])]
    section = render_document(document)
    assert "<script>" not in section and "<i>" not in section and "<b>" not in section
    assert "&lt;i&gt;CID&lt;/i&gt;" in section and "&lt;b&gt;x&lt;/b&gt;" in section
    assert "D1&quot;&gt;&lt;script&gt;" in section


def test_the_page_holds_the_relation_table_of_each_document():
    stream = io.StringIO()
    write_html([related_document()], stream)
    assert stream.getvalue().count('<table class="relations">') == 1


def test_the_footer_counts_the_relations():
    stream = io.StringIO()
    write_html([related_document()], stream)
    assert "1 document; entities: 2 Chemical, 1 Disease; relations: 2" in stream.getvalue()
