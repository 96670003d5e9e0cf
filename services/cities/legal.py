"""The legal pages (Impressum, Datenschutzerklärung, Nutzungsbedingungen, Erklärung zur
Barrierefreiheit): their kinds, the German templates that ship with the platform, and the safe
rendering of their Markdown. Pure: no nameko, no mongoengine.

A person writes these texts (the operator the platform's, a city admin the city's part), so
the Markdown is rendered with raw HTML switched off (markdown-it-py also refuses
``javascript:``/``data:`` links) and the result passes an allow-list sanitiser (nh3) as well:
what reaches the page is only headings, paragraphs, lists, tables, emphasis and plain links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

TEMPLATES = Path(__file__).parent / "legal_templates"
MAX_BODY = 50_000  # characters of one text: several pages, far below the request limit


@dataclass(frozen=True)
class LegalKind:
    code: str  # in the API and the database
    path: str  # the German URL segment (/datenschutz, /stadt/<slug>/datenschutz)
    title_de: str
    title_en: str


KINDS: dict[str, LegalKind] = {
    k.code: k
    for k in (
        LegalKind("imprint", "impressum", "Impressum", "Legal notice"),
        LegalKind("privacy", "datenschutz", "Datenschutzerklärung", "Privacy notice"),
        LegalKind("terms", "nutzungsbedingungen", "Nutzungsbedingungen", "Terms of use"),
        LegalKind(
            "accessibility",
            "barrierefreiheit",
            "Erklärung zur Barrierefreiheit",
            "Accessibility statement",
        ),
    )
}
BY_PATH: dict[str, LegalKind] = {k.path: k for k in KINDS.values()}

# A part a city or the operator must still fill in: [[Bitte ausfüllen: …]] in a template.
PLACEHOLDER = re.compile(r"\[\[([^\[\]\n]{1,200})\]\]")


def _mark_placeholders(state: StateCore) -> None:
    """Wrap each placeholder of the text (never of a link's address or title) in ``<mark>``."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            if token.type != "text" or not PLACEHOLDER.search(token.content):
                children.append(token)
                continue
            for index, piece in enumerate(PLACEHOLDER.split(token.content)):
                if index % 2 == 0:  # text between placeholders
                    if piece:
                        children.append(_token("text", piece))
                    continue
                children.append(_token("html_inline", '<mark class="legal-fill">'))
                children.append(_token("text", f"[[{piece}]]"))
                children.append(_token("html_inline", "</mark>"))
        block.children = children


def _token(kind: str, content: str) -> Token:
    token = Token(kind, "", 0)
    token.content = content  # a text token is escaped by the renderer; html_inline is ours
    return token


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_MARKDOWN.core.ruler.push("legal_placeholders", _mark_placeholders)
_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "code",
    "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td", "mark",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "mark": {"class"}, "th": {"style"}, "td": {"style"}}


def template(kind: str, part: str) -> str:
    """The shipped German template of ``kind``; ``part`` is ``platform`` or ``city``."""
    return _template(kind, part)


@cache
def _template(kind: str, part: str) -> str:
    if kind not in KINDS or part not in ("platform", "city"):
        raise KeyError(f"no template {kind}/{part}")
    return (TEMPLATES / f"{KINDS[kind].path}_{part}.md").read_text(encoding="utf-8")


def placeholders(text: str) -> list[str]:
    """The parts of ``text`` still to be filled in, in order (empty: complete)."""
    return [m.group(1).strip() for m in PLACEHOLDER.finditer(text)]


def render(text: str, top: int = 2) -> str:
    """Markdown written by a person as safe HTML. Headings start at ``h<top>`` (the page has
    its own ``h1``; a city's part sits under a heading of its own: ``top=3``); placeholders
    are marked so that nobody overlooks them."""
    html = _MARKDOWN.render(text)
    html = re.sub(
        r"<(/?)h([1-6])>",
        lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)), 2) + top - 2, 6)}>",
        html,
    )
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
