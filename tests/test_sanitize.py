"""The allow-list sanitiser: what contributors' text can and cannot put on a page."""

from __future__ import annotations

import pytest

from tools.sanitize import render_markdown, sanitize_html, unsafe_content

ATTACKS = [
    ("<script>alert(1)</script> text", "<script> element"),
    ('<img src="x.png" onerror="alert(1)">', "onerror attribute on <img>"),
    ("[click](javascript:alert(1))", "href='javascript:alert(1)' URL on <a>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "URL on <a>"),
    ('<iframe src="https://example.org"></iframe>', "<iframe> element"),
    ("<style>body { display: none }</style>", "<style> element"),
    ('<span style="position:fixed">x</span>', "style attribute on <span>"),
    ('A paragraph\n{: onclick="alert(1)" }', "onclick attribute on <p>"),
    ('[link](page.md){ onmouseover="alert(1)" }', "onmouseover attribute on <a>"),
    ("![x](data:image/svg+xml;base64,PHN2Zz4=)", "URL on <img>"),
    ('<form action="https://example.org"><input name="q"></form>', "<form> element"),
    ('<object data="x.swf"></object>', "<object> element"),
]


@pytest.mark.parametrize(("markdown", "reason"), ATTACKS)
def test_unsafe_markdown_is_reported_with_what_would_be_removed(markdown: str, reason: str) -> None:
    problems = unsafe_content(markdown)
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize(("markdown", "_"), ATTACKS)
def test_sanitised_html_keeps_nothing_executable(markdown: str, _: str) -> None:
    cleaned = sanitize_html(render_markdown(markdown)).lower()
    for needle in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "<style", "style=",
                   "data:image", "<form", "<object"):
        assert needle not in cleaned, (needle, cleaned)


@pytest.mark.parametrize("markdown", [
    "Plain *emphasis*, **strong**, `code`, a [link](gae.md#section-2) and an [external one](https://arxiv.org/abs/1707.06347).",
    "Inline maths $\\hat{A}_t = \\delta_t + \\gamma \\lambda \\hat{A}_{t+1}$ and $a < b$.",
    "$$\n\\begin{align}\nL &= \\mathbb{E}_t[\\min(r_t A_t, \\mathrm{clip}(r_t) A_t)] \\\\\nr_t &= 1\n\\end{align}\n$$",
    "* a list with `code`\n* and [a link](losses.py)\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    '<span class="x" lang="en" title="t">span</span> and <br> and <sub>1</sub><sup>2</sup>',
    "## 方策勾配\n\n近接方策最適化（PPO）は $r_t(\\theta)$ をクリップします。",
])
def test_ordinary_notes_are_safe_and_keep_their_markup(markdown: str) -> None:
    assert unsafe_content(markdown) == []
    rendered = render_markdown(markdown)
    assert sanitize_html(rendered).count("<") == rendered.count("<")


def test_page_markup_of_the_site_survives_sanitising() -> None:
    page = ('<div class="ap-section" id="section-2"><div class="ap-note">'
            '<div class="ap-tools" data-search-exclude=""><a class="ap-anchor" href="#section-2" title="t">#</a></div>'
            '<div class="ap-untranslated" lang="en" data-label="英語（未翻訳）"><p>x</p></div></div>'
            '<div class="ap-code" data-search-exclude=""><div class="language-python highlight"><pre><span></span>'
            '<code><span class="kn">import</span> <span class="nn">torch</span></code></pre></div></div></div>'
            '<p><span class="arithmatex">\\(a&lt;b\\)</span></p>'
            '<a class="ap-colab" href="https://colab.research.google.com/github/o/r/blob/main/n.ipynb">'
            '<img src="../assets/colab-badge.svg" alt="Open in Colab" width="117" height="20"></a>')
    cleaned = sanitize_html(page)
    for kept in ('id="section-2"', "data-search-exclude", 'lang="en"', 'data-label="英語（未翻訳）"',
                 'class="kn"', "\\(a&lt;b\\)", 'src="../assets/colab-badge.svg"', 'href="#section-2"',
                 "https://colab.research.google.com/"):
        assert kept in cleaned, kept
