"""Which parts of a text are worth tagging: content regions, and what is skipped and why.

People bring what they read, not clean abstracts: a PubMed page saved as text, a web article with
its menus, a paper with its reference list. A tagger trained on abstracts tags a reference list
like prose ("LM (2020" as a disease, "1150–1156 - DOI" as a chemical). `find_content(text)`
returns the regions to tag and the skipped regions with a reason, all as character offsets into
the text as given, so that entities found in a region keep their offsets in the original file.

Work is by line (a line is a paragraph in most saved text); a text is first recognised as a
*saved PubMed abstract page* or else read as *any text*.

Saved PubMed abstract page (recognised by two of its fixed phrases: "An official website of the
United States government", "NCBI Homepage", "PubMed Disclaimer", "Similar articles", "LinkOut -
more resources", "Cited by", "MeSH terms", "Full text links"). Kept: the title (the first line
after the banner that is not the citation, the DOI line or a publication type), the text after the
"Abstract" heading up to the next section heading, and the "Keywords:" line. Skipped: the banner,
the citation and DOI lines, publication types, author and affiliation lists, the repeated title,
and every section after the abstract ("PubMed Disclaimer", "Similar articles", "Cited by",
"References", "MeSH terms", "Substances", "LinkOut", ...), each under its own name.

Any text (web articles, papers, pasted abstracts). A line is skipped when it is:

- a *reference*: numbered or starting with an author list ("Berman RM, Cappiello A", "Berman,
  R. M.,"), with a year and a volume/pages ("47:351–354", "2000;47(4):351", "47(4), 351–354") or
  a "DOI"/"PubMed"/"PMID" link; and every line of a "References" / "Bibliography" / "Literature
  cited" section up to the next prose paragraph or content heading;
- an *identifier* line: only DOIs, URLs, PMIDs ("doi: 10.1007/... Online ahead of print.");
- an *author list* (three or more personal names, or a name and "et al."), an *affiliation*
  ("Department of ..., University of ..., Country" without a verb), a *citation* line (a short
  line with "et al." and a journal, a "2024 Sep 29" date, or "2000;47:351");
- *metadata* of a submission ("Paper ID :", "Status:", "Received:", "Correspondence:");
- web *chrome*: navigation ("Home", "Menu", "Skip to main content", breadcrumbs "Home > Health"),
  *share* buttons ("Share on Facebook", "Tweet", "Print", "Email"), a *footer* (from a short
  "©" / "All rights reserved" / "Privacy Policy" line on, while lines are not prose), an
  *advertisement* or cookie notice, and a medical *disclaimer* ("seek emergency treatment").
- A heading (a short line without a full stop) whose next line is skipped, is skipped with it:
  "Authors" before an affiliation, "Is This an Emergency?" before a disclaimer.

Inside kept lines, URLs, DOIs, author-year citations ("(Kavalali and Monteggia, 2012)") and
journal titles quoted after "issue of" / "published in" are skipped spans too: the model still reads the sentence around them, but no entity is reported in
them. Text whose fields end in `|` (a form pasted as text) has the separators left out.

The heuristics favour keeping: a line is skipped only on positive evidence, so plain abstracts,
articles and papers are kept whole. `--keep-boilerplate` (`ner-predict`) tags everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document
from .regions import Content, Region, Skip

# --- lines ----------------------------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped, without a trailing field separator
    reason: str | None = None
    kind: str = "text"
    field_end: bool = False
    """The line ended in a `|` field separator: a region ends with it."""

    @property
    def blank(self) -> bool:
        return not self.text


def _lines(text: str) -> list[_Line]:
    lines = []
    position = 0
    for raw in text.split("\n"):
        end = position + len(raw)
        body = raw.rstrip()
        field_end = body.endswith("|")  # a form's field separator
        if field_end:
            body = body[:-1].rstrip()
        stripped = body.lstrip()
        start = position + (len(body) - len(stripped))
        lines.append(_Line(start, start + len(stripped), stripped, field_end=field_end))
        position = end + 1
    return lines


# --- patterns -------------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d\d[a-z]?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_SURNAME = r"[A-Z][A-Za-zÀ-ÿ'’\-]+"
_INITIALS = r"(?:[A-Z]{1,3}|(?:[A-Z]\.[ -]?){1,3})"
_NUMBERING = re.compile(r"^(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]|[-•*·])\s*(?:\d{1,4}\.\s+)?")
_AUTHOR_START = re.compile(
    rf"^(?:{_SURNAME} ){{0,2}}{_SURNAME},? {_INITIALS}(?: Jr\.?| Sr\.?| I{{2,3}})?(?:,|;| and | & | et al)"
)
_VOLUME_PAGES = re.compile(
    r"\b\d{1,5}\s*(?:\(\s*[\w–-]+\s*\))?:e?\d+(?:\s*[-–]\s*\d+)?"  # 47:351–354, 47(4):351 (no space)
    r"|\b\d{1,5}\s*\(\s*\d+\s*\),\s*e?\d+(?:\s*[-–]\s*\d+)?"  # 47(4), 351–354
    rf"|\b{_YEAR}\s*;\s*\d+"  # 2000;47
)
_LINK_WORDS = re.compile(r"\b(?:DOI|doi|PubMed|PMID|PMC\d*|PMCID|Google Scholar|Crossref|CrossRef|Medline)\b")
_REFERENCE_TAIL = re.compile(r" - (?:DOI|PubMed|PMC|Free PMC article)\b")
_YEAR_RE = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_PROSE_WORDS = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|that|which|we|our|this|these|can|may|might|"
    r"found|showed|shows|suggest|suggests|report|reported|increase|increases|reduce|reduces)\b"
)
_IDENTIFIER_ITEM = (
    r"(?:(?:doi|DOI)\s*:?\s*\S+|https?://\S+|www\.\S+|10\.\d{4,9}/\S+|PMID\s*:?\s*\d+|"
    r"PMCID\s*:?\s*PMC\d+|PMC\d+|Online ahead of print|Epub (?:ahead of print|[^.]*)|eCollection [^.]*)"
)
_IDENTIFIER_LINE = re.compile(rf"^{_IDENTIFIER_ITEM}(?:[\s.;,]+{_IDENTIFIER_ITEM})*[\s.;,]*$")
_NAME = re.compile(
    rf"^(?:(?:{_SURNAME}|{_INITIALS}|van|von|de|der|den|da|di|du|del|dos|le|la)[ -]?){{2,5}}"
    r"(?:[\d,*†‡§¶#]|\s)*$"
)
_AFFILIATION_WORDS = re.compile(
    r"\b(?:Department|Dept\.|Universit\w+|Institut\w*|Hospital|School of|Faculty of|College|"
    r"Cent(?:er|re) for|Laborator\w+|Division of|Clinic|Academy|Foundation)\b"
)
_METADATA = re.compile(
    r"^(?:Paper|Article|Manuscript|Submission|Abstract) ID\s*:|"
    r"^(?:Status|Received|Accepted|Revised|Published(?: online)?|Available online|Correspondence|"
    r"Corresponding author|E-?mail|Cite this(?: article)?|Citation|ORCID|Conflicts? of interest|"
    r"Competing interests|Funding|Copyright|License|Licence|Handling editor|Academic editor)\s*:",
    re.IGNORECASE,
)
_CITATION_DATE = re.compile(rf"\b{_YEAR}\s+{_MONTH}\b(?:\s+\d{{1,2}})?")
_ET_AL = re.compile(r"\bet al\b\.?")

_REFERENCE_HEADINGS = re.compile(
    r"^(?:\d+\.?\s*)?(?:references|bibliography|literature cited|works cited|cited literature|"
    r"reference list|references and notes|notes and references)\s*:?$",
    re.IGNORECASE,
)
_RELATED_HEADINGS = re.compile(
    r"^(?:related (?:articles|posts|stories|content|reading)|further reading|see also|read next|"
    r"you may also like|recommended(?: for you| articles)?|more (?:from|on) .{1,40}|similar articles|"
    r"cited by|trending|most popular)\s*:?$",
    re.IGNORECASE,
)
_CONTENT_HEADINGS = re.compile(
    r"^(?:\d+\.?\s*)?(?:abstract|introduction|background|methods?|materials and methods|results|"
    r"discussion|conclusions?|summary|keywords?|appendix|supplementary (?:material|information))\s*:?$",
    re.IGNORECASE,
)

_CHROME_PHRASES = {
    "navigation": re.compile(
        r"^(?:skip to (?:main |page )*content|skip navigation|main (?:menu|navigation)|menu|home|"
        r"search|sign in|sign up|log ?in|log ?out|register|my account|subscribe|newsletter|"
        r"back to top|toggle navigation|close|open menu|contact(?: us)?|about(?: us)?|"
        r"previous (?:post|article|page)|next (?:post|article|page)|table of contents|"
        r"download pdf|full text links|jump to)$",
        re.IGNORECASE,
    ),
    "share": re.compile(
        r"^(?:share(?: this)?(?: (?:article|page|post|story))?(?: (?:on|via) \w+)?|tweet|pin it|"
        r"email|e-mail|print|copy link|facebook|twitter|x|linkedin|pinterest|instagram|whatsapp|"
        r"reddit|save|bookmark|follow us(?: on \w+)?)$",
        re.IGNORECASE,
    ),
    "advertisement": re.compile(
        r"^(?:advertisement|advertising|sponsored(?: content)?|ad|scroll to continue|"
        r"continue reading(?: below)?|story continues below)$",
        re.IGNORECASE,
    ),
}
_CHROME_WORDS = {
    "share",
    "tweet",
    "email",
    "print",
    "facebook",
    "twitter",
    "linkedin",
    "pinterest",
    "whatsapp",
    "reddit",
    "home",
    "menu",
    "search",
    "subscribe",
    "login",
    "log",
    "sign",
    "in",
    "up",
    "on",
    "via",
    "news",
    "about",
    "contact",
    "us",
    "blog",
    "topics",
    "health",
    "shop",
    "more",
    "copy",
    "link",
    "save",
    "follow",
    "newsletter",
    "account",
    "register",
    "main",
    "content",
    "navigation",
}
_BREADCRUMB = re.compile(r"^(?:[\w&'’ -]{1,30}\s*(?:›|»|>|/)\s*){2,}[\w&'’ -]{1,40}$")
_FOOTER = re.compile(
    r"(?:©|\(c\) (?:19|20)\d\d|\bcopyright\b|all rights reserved|privacy policy|terms of (?:use|service)|"
    r"cookie (?:policy|settings))",
    re.IGNORECASE,
)
_COOKIE = re.compile(
    r"\b(?:we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies)\b", re.IGNORECASE
)
_DISCLAIMER = re.compile(
    r"(?:seek (?:emergency|immediate|prompt) (?:medical )?(?:treatment|attention|care|help)|"
    r"not (?:intended (?:to be|as) a substitute|a substitute) for (?:professional )?(?:medical )?"
    r"(?:advice|diagnosis|treatment)|for (?:general )?informational purposes only|"
    r"(?:always )?consult (?:with )?(?:your|a) (?:doctor|physician|health ?care (?:provider|professional)))",
    re.IGNORECASE,
)

# Inline spans in kept lines.
_INLINE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
_INLINE_DOI = re.compile(r"\b(?:doi\s*:\s*|DOI\s*:?\s*)?10\.\d{4,9}/[^\s<>\"]+")
_CITED_NAME = rf"{_SURNAME}(?: (?:et al\.?|(?:and|&) {_SURNAME}))?"
_INLINE_SOURCE = re.compile(  # a journal named in a sentence: issue of "CNS and Neurological Disorders ..."
    r"\b(?:issue of|published in|[Jj]ournal) (?:the )?([\"“][^\"”\n]{3,150}[\"”])"
)
_INLINE_CITATION = re.compile(
    rf"\((?:(?:e\.g\.|see|cf\.),? )?{_CITED_NAME},? {_YEAR}(?:, \d+)?"
    rf"(?:[;,] ?(?:{_CITED_NAME},? )?{_YEAR}(?:, \d+)?)*\)"
)

# Saved PubMed page.
_PUBMED_MARKERS = (
    "An official website of the United States government",
    "NCBI Homepage",
    "PubMed Disclaimer",
    "Similar articles",
    "LinkOut - more resources",
    "Cited by",
    "MeSH terms",
    "Full text links",
)
_PUBMED_BANNER_END = re.compile(r"^Access keys\b|Main Content Main Navigation$")
_PUBMED_BANNER = re.compile(
    r"^(?:Skip to main page content|U\.S\. flag|An official website of the United States government|"
    r"Dot gov|The \.gov means it.s official\.|Federal government websites often end in|Https|"
    r"The site is secure\.|The https:// ensures|Access keys|NCBI Homepage|Search|Search PubMed|"
    r"Advanced|Clipboard|User Guide|Save|Email|Send to|Display options|Display options Format|"
    r"Full text links|Cite|Share|Actions|Page navigation|Title & authors|Free article|"
    r"Free PMC article|Item in Clipboard)",
)
_PUBLICATION_TYPES = re.compile(
    r"^(?:Review|Systematic Review|Meta-Analysis|Clinical Trial|Randomized Controlled Trial|"
    r"Case Reports?|Comparative Study|Editorial|Letter|Comment|Observational Study|"
    r"Multicenter Study|Practice Guideline|Guideline|Research Support.*|English Abstract)\.?$"
)
_PUBMED_SECTIONS = {
    "pubmed disclaimer": "disclaimer",
    "conflict of interest statement": "conflict-of-interest",
    "figures": "figures",
    "similar articles": "similar-articles",
    "cited by": "cited-by",
    "references": "references",
    "publication types": "publication-types",
    "mesh terms": "mesh-terms",
    "substances": "substances",
    "grants and funding": "grants",
    "linkout - more resources": "linkout",
    "full text links": "full-text-links",
    "related information": "related-information",
    "supplementary info": "supplementary-info",
    "comment in": "comments",
    "comment on": "comments",
    "erratum in": "errata",
    "update of": "updates",
    "associated data": "associated-data",
    "affiliations": "affiliations",
    "copyright": "copyright",
}


# --- detection ------------------------------------------------------------------------------


def find_content(text: str) -> Content:
    """The regions of `text` worth tagging and the skipped regions, as offsets into `text`."""
    lines = _lines(text)
    page = "text"
    if sum(marker in text for marker in _PUBMED_MARKERS) >= 2:
        page = "pubmed-page"
        _classify_pubmed(lines)
    else:
        _classify_text(lines)
    regions = _regions(lines)
    skipped = _skips(lines)
    inline = [skip for region in regions for skip in _inline_skips(text, region)]
    return Content(regions, sorted(skipped + inline, key=lambda s: (s.start, s.end)), page)


def mark_content(document: Document) -> Document:
    """The document with `content` set to its regions (`find_content`): the one place content is
    detected. A web page's map to its own text (`content.source`, set by the HTML reader) is kept."""
    source = document.content.source if document.content is not None else None
    document.content = find_content(document.text)
    document.content.source = source
    return document


def _classify_text(lines: list[_Line]) -> None:
    """Any text: reference sections, reference and citation lines, web chrome, by line."""
    section: str | None = None
    footer = False
    total = len(lines)
    for index, line in enumerate(lines):
        if line.blank:
            continue
        if _REFERENCE_HEADINGS.match(line.text):
            line.reason, section = "references", "references"
            continue
        if _RELATED_HEADINGS.match(line.text):
            line.reason, section = "related-links", "related-links"
            continue
        if section is not None:
            if (
                _CONTENT_HEADINGS.match(line.text)
                or not _is_reference(line.text)
                and (_is_prose(line.text) or _is_title(line.text))
            ):
                section = None
            else:
                line.reason = section
                continue
        if footer:
            if _is_prose(line.text):
                footer = False
            else:
                line.reason = "footer"
                continue
        reason = _line_reason(line.text)
        if reason == "footer" and index >= total // 2:
            footer = True  # a late "©" line: the rest is footer while it is not prose
        line.reason = reason
    _skip_orphan_headings(lines)


def _line_reason(text: str) -> str | None:
    """Why a line of any text is not worth tagging, or None when it is content."""
    words = text.split()
    short = len(text) <= 80
    if short:
        for reason, pattern in _CHROME_PHRASES.items():
            if pattern.match(text.rstrip(":")):
                return reason
        if _BREADCRUMB.match(text) and len(words) <= 12:
            return "navigation"
        lowered = [w.strip(".,:|·•").lower() for w in words]
        if len(words) >= 2 and sum(w in _CHROME_WORDS for w in lowered) >= 0.75 * len(words):
            return (
                "share" if {"share", "tweet", "facebook", "twitter", "email", "print"} & set(lowered) else "navigation"
            )
    if _COOKIE.search(text) and len(text) <= 400:
        return "cookie-notice"
    if len(text) <= 200 and _FOOTER.search(text) and not _PROSE_WORDS.search(text):
        return "footer"
    if len(text) <= 300 and _DISCLAIMER.search(text):
        return "disclaimer"
    if _IDENTIFIER_LINE.match(text):
        return "identifier"
    if _METADATA.match(text):
        return "metadata"
    if _is_reference(text):
        return "references"
    if _is_affiliation(text):
        return "affiliations"
    if _is_author_list(text):
        return "authors"
    if _is_citation(text):
        return "citation"
    return None


def _is_reference(text: str) -> bool:
    """A bibliography entry: numbered or author-led, with a year and volume/pages or a link."""
    if _REFERENCE_TAIL.search(text):
        return True
    numbered = _NUMBERING.match(text)
    body = text[numbered.end() :] if numbered else text
    authors = bool(_AUTHOR_START.match(body))
    year = bool(_YEAR_RE.search(body))
    pages = bool(_VOLUME_PAGES.search(body))
    links = bool(_LINK_WORDS.search(body))
    if authors and year and (pages or links or numbered):
        return True
    return bool(numbered) and year and pages and len(text) < 600


def _is_author_list(text: str) -> bool:
    """Three or more personal names ("Ege T Kavalali, Lisa M Monteggia, ..."), or one and et al."""
    if len(text) > 1500 or text.endswith(("?", "!")):
        return False
    body = _ET_AL.sub("", text).strip(" .,;")
    parts = [p.strip() for p in re.split(r",|;|\band\b|&", body) if p.strip()]
    if not parts:
        return False
    names = sum(bool(_NAME.match(p)) and not _PROSE_WORDS.search(p) for p in parts)
    if _ET_AL.search(text) and len(parts) <= 2 and names == len(parts):
        return True
    return len(parts) >= 3 and names >= 0.8 * len(parts)


def _is_affiliation(text: str) -> bool:
    """An address: institution words, commas, no verb ("Department of X, University of Y, Country")."""
    return (
        len(text) <= 600
        and bool(_AFFILIATION_WORDS.search(text))
        and text.count(",") >= 2
        and not _PROSE_WORDS.search(text)
    )


def _is_citation(text: str) -> bool:
    """A short journal citation line: "Kavalali ET et al. Eur Arch ... 2024", ". 2024 Sep 29."."""
    if len(text) > 250 or _PROSE_WORDS.search(text):
        return False
    if _ET_AL.search(text):
        return True
    if _CITATION_DATE.search(text) and len(text.split()) <= 12:
        return True
    return bool(re.search(rf"{_YEAR}\s*;\s*\d+", text))


def _is_prose(text: str) -> bool:
    """A paragraph of running text: many words and sentence punctuation, or very many words."""
    words = len(text.split())
    return words >= 25 or (words >= 12 and text.endswith((".", "?", "!", '."', ".”")))


def _is_title(text: str) -> bool:
    """A title-like line after a list: eight words or more, no year, no closing full stop."""
    return len(text.split()) >= 8 and not _YEAR_RE.search(text) and not text.endswith(".")


def _is_heading(text: str) -> bool:
    """A short line without a full stop, a list or a "Label: value" pair."""
    return (
        0 < len(text.split()) <= 8
        and len(text) <= 80
        and not text.endswith((".", ",", ";"))
        and text.count(",") < 2
        and not re.search(r":\s*\S", text)
    )


def _skip_orphan_headings(lines: list[_Line]) -> None:
    """A heading whose next non-blank line was skipped goes with it (same reason).

    Only one step: a heading before a heading, or before a line skipped by this rule, stays.
    """
    following: _Line | None = None
    following_detected = False
    for line in reversed(lines):
        if line.blank:
            continue
        detected = line.reason is not None
        if (
            line.reason is None
            and following is not None
            and following_detected
            and not _is_heading(following.text)
            and _is_heading(line.text)
            and not _CONTENT_HEADINGS.match(line.text)
        ):
            line.reason = following.reason
        following, following_detected = line, detected


def _classify_pubmed(lines: list[_Line]) -> None:
    """A saved PubMed abstract page: title, abstract and keywords are content; the rest is not."""
    texts = [line.text for line in lines]
    abstract = next((i for i, t in enumerate(texts) if t == "Abstract"), None)
    banner_end = next((i for i, t in enumerate(texts) if _PUBMED_BANNER_END.search(t)), -1)
    title: str | None = None
    state = "header"
    section = "pubmed-page"
    for index, line in enumerate(lines):
        if line.blank:
            continue
        text = line.text
        lowered = text.lower().rstrip(":")
        if index <= banner_end or _PUBMED_BANNER.match(text) and (abstract is None or index < abstract):
            line.reason = "banner"
            continue
        if abstract is not None and index == abstract:
            line.reason, state = "heading", "abstract"
            continue
        if state == "header":
            if lowered in _PUBMED_SECTIONS:
                line.reason = _PUBMED_SECTIONS[lowered]
            elif _PUBLICATION_TYPES.match(text):
                line.reason = "publication-type"
            elif _IDENTIFIER_LINE.match(text) or _is_citation(text) or re.match(r"^[.;\s]*(?:19|20)\d\d\b", text):
                line.reason = "citation"
            elif title is None and not _is_author_list(text) and not _is_affiliation(text):
                title, line.kind = text, "title"
            elif text == title:
                line.reason = "duplicate-title"
            elif _is_author_list(text) or _ET_AL.search(text):
                line.reason = "authors"
            elif _is_affiliation(text) or re.match(r"^\d+\s", text):
                line.reason = "affiliations"
            else:
                line.reason = "pubmed-page"
            continue
        if text.startswith(("Keywords:", "Keywords :")):
            line.kind, state = "keywords", "after"
            continue
        if lowered in _PUBMED_SECTIONS or lowered.startswith(("copyright", "©")):
            state = "after"
            section = _PUBMED_SECTIONS.get(lowered, "copyright")
            line.reason = section
            continue
        if state == "abstract":
            line.kind = "abstract"
            continue
        line.reason = section


def _regions(lines: list[_Line]) -> list[Region]:
    """Runs of kept lines of one kind, joined across blank lines, as regions."""
    regions: list[Region] = []
    current: Region | None = None
    for line in lines:
        if line.blank:
            continue
        if line.reason is not None:
            if current is not None:
                regions.append(current)
                current = None
            continue
        if current is not None and current.kind == line.kind:
            current = Region(current.start, line.end, current.kind)
        else:
            if current is not None:
                regions.append(current)
            current = Region(line.start, line.end, line.kind)
        if line.field_end:
            regions.append(current)
            current = None
    if current is not None:
        regions.append(current)
    return regions


def _skips(lines: list[_Line]) -> list[Skip]:
    """Runs of skipped lines with one reason, joined across blank lines."""
    skips: list[Skip] = []
    current: Skip | None = None
    for line in lines:
        if line.blank:
            continue
        if line.reason is None:
            if current is not None:
                skips.append(current)
                current = None
            continue
        if current is not None and current.reason == line.reason:
            current = Skip(current.start, line.end, current.reason)
        else:
            if current is not None:
                skips.append(current)
            current = Skip(line.start, line.end, line.reason)
    if current is not None:
        skips.append(current)
    return skips


def _inline_skips(text: str, region: Region) -> list[Skip]:
    """URLs, DOIs and author-year citations inside a kept region."""
    piece = text[region.start : region.end]
    found: list[Skip] = []
    for reason, pattern in (
        ("url", _INLINE_URL),
        ("doi", _INLINE_DOI),
        ("citation", _INLINE_CITATION),
        ("journal", _INLINE_SOURCE),
    ):
        for match in pattern.finditer(piece):
            start, end = match.span(match.lastindex or 0)
            if reason in ("url", "doi"):
                while end > start and piece[end - 1] in ".,;:)]}'\"":
                    end -= 1
            if any(s.start < region.start + end and region.start + start < s.end for s in found):
                continue
            found.append(Skip(region.start + start, region.start + end, reason, inline=True))
    return found
