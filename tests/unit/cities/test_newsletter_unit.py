"""The newsletter's pure part: hostile Markdown becomes safe HTML, batches keep every item
once and in order, the subject stays one line, the mail has no tracking and its footer link."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from services.cities.newsletter import (
    batches,
    issue_mail,
    render,
    subject,
    subscription_key,
    trial_mail,
)
from services.kit.errors import Invalid
from services.kit.mail_choices import (
    NEWSLETTER,
    newsletter_unsubscribe_link,
    read_newsletter_unsubscribe,
    unsubscribe_kind,
    unsubscribe_link,
    unsubscribe_tokens,
)


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        '<img src="https://tracker.example/p.gif">',
        "[klick](javascript:alert(1))",
        "[klick](data:text/html;base64,PHNjcmlwdD4=)",
        "![pixel](https://tracker.example/p.gif)",
        '<a href="https://x" onclick="alert(1)">x</a>',
        '[x](https://x "t" onmouseover=alert(1))',
    ],
)
def test_hostile_markdown_renders_without_script_images_or_handlers(markdown: str) -> None:
    """What the text says may stay as text; no element may run, load or track anything."""
    tags = _Tags()
    tags.feed(render(markdown))
    for tag, attrs in tags.seen:
        assert tag in {"p", "a", "h2", "h3", "ul", "ol", "li", "em", "strong", "code"}, tag
        for name, value in attrs:
            assert name in {"href", "title", "rel"}, name
            if name == "href":
                assert value.startswith(("https://", "http://", "mailto:")), value


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.seen.append((tag, attrs))


def test_markdown_keeps_headings_below_the_page_heading_lists_and_plain_links() -> None:
    html = render("# Titel\n\n- eins\n- zwei\n\n[Stadt](https://example.org/a?b=1)")
    assert "<h2>Titel</h2>" in html and "<h1" not in html
    assert "<li>eins</li>" in html
    assert 'href="https://example.org/a?b=1"' in html  # not rewritten to count clicks
    assert 'rel="noopener noreferrer nofollow"' in html


def test_batches_hold_every_item_once_in_order() -> None:
    items = [str(n) for n in range(123)]
    chunks = list(batches(items, 50))
    assert [len(c) for c in chunks] == [50, 50, 23]
    assert [i for c in chunks for i in c] == items
    assert list(batches([], 50)) == []
    with pytest.raises(ValueError):
        list(batches(items, 0))


def test_subject_is_one_line_whatever_the_title_holds() -> None:
    line = subject("Musterstadt", "Abend\r\nBcc: alle@example.org\u2028x")
    assert "\n" not in line and "\r" not in line and "\u2028" not in line
    assert line.startswith("Newsletter Musterstadt: Abend")


def test_the_mail_carries_the_text_and_the_unsubscribe_link_and_no_html() -> None:
    body = issue_mail(
        "Musterstadt", "Titel", "Text [a](https://a.example)", "https://u/x", "https://ar"
    )
    assert "Text [a](https://a.example)" in body and "https://u/x" in body
    assert "<" not in body
    subject_line, test_body = trial_mail("Musterstadt", "Titel", "Text", "https://ar")
    assert subject_line.startswith("[Test]") and "TESTVERSAND" in test_body


def test_a_subscription_is_one_per_city_and_address_in_any_case() -> None:
    assert subscription_key("m", " Ana@Example.ORG ") == subscription_key("m", "ana@example.org")


def test_newsletter_tokens_are_told_apart_from_an_accounts_mail_kinds() -> None:
    tokens = unsubscribe_tokens("k" * 32)
    link = newsletter_unsubscribe_link(tokens, "https://s", "ref-1")
    token = link.split("token=")[1]
    assert read_newsletter_unsubscribe(tokens, token) == "ref-1"
    assert unsubscribe_kind(tokens, token) == NEWSLETTER
    account = unsubscribe_link(tokens, "https://s", "acc", "talk_reminder").split("token=")[1]
    assert unsubscribe_kind(tokens, account) == "talk_reminder"
    with pytest.raises(Invalid):
        read_newsletter_unsubscribe(tokens, account)
    with pytest.raises(Invalid):
        unsubscribe_kind(unsubscribe_tokens("o" * 32), token)  # another platform's key
