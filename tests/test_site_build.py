"""Real MkDocs builds of a small source package in three languages: the output a reader and a crawler get.

One build of en/ja/zh per test session (module-scoped fixture, all tests in one xdist group); a few tests build
again to check what a rebuild does.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import socket
import struct
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools.build import build_site, write_root_pages
from tools.errors import UserError
from tools.segment import SEGMENTERS, segment
from tools.site_config import load_labels

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site-fixture")]

SITE = "https://annotated-ppo.github.io/annotated-ppo/"

PACKAGE = {
    "__init__.py": '''\
        r"""
        ---
        title: Toy package
        summary: A toy package for the site tests.
        ---

        # Toy package

        The [estimator](estimator.py) lives next door.
        """
        ''',
    "estimator.py": '''\
        r"""
        ---
        title: Toy estimator
        summary: Estimates advantages, badly.
        ---

        # Toy estimator

        From [the GAE paper](https://arxiv.org/abs/1506.02438); used by the [package](__init__.py).

        The advantage is $A_t = Q(s_t, a_t) - V(s_t)$.
        """

        import math


        def estimate(reward: float, value: float, gamma: float = 0.99) -> float:
            r"""
            ## The estimate

            Policy gradient methods estimate $\\hat{A}_t$:

            <span onclick="alert('pwned-4')">English source is untrusted too.</span><script>alert('pwned-5')</script>

            $$
            \\begin{align}
            \\delta_t &= r_t + \\gamma V(s_{t+1}) - V(s_t) \\\\
            \\hat{A}_t &= \\delta_t
            \\end{align}
            $$

            Args:
                reward: The reward $r_t$.
                value: The value $V(s_t)$.
                gamma: The discount $\\gamma$.

            Returns:
                The advantage.
            """
            # $\\delta_t = r_t + \\gamma V - V$
            return reward + gamma * value - value + math.sqrt(0.0)
        ''',
}

JA = {
    "Toy estimator": "おもちゃの推定器",
    "# Toy estimator": "# おもちゃの推定器",
    "The advantage is $A_t = Q(s_t, a_t) - V(s_t)$.": "近接方策最適化のアドバンテージは $A_t = Q(s_t, a_t) - V(s_t)$ です。",
    "## The estimate": "## 推定値",
    "Policy gradient methods estimate $\\hat{A}_t$:": "方策勾配法は $\\hat{A}_t$ を推定します：",
    # Malicious entries: none of them may reach a page.
    "From [the GAE paper](https://arxiv.org/abs/1506.02438); used by the [package](__init__.py).":
        "<script>alert('pwned-1')</script>[GAE 論文](https://arxiv.org/abs/1506.02438)",
    "$\\delta_t = r_t + \\gamma V - V$": '<img src="x" onerror="alert(\'pwned-2\')">',
    "Toy package": "[おもちゃ](javascript:alert('pwned-3'))",
}
ZH = {
    "The advantage is $A_t = Q(s_t, a_t) - V(s_t)$.": "近端策略优化的优势是 $A_t = Q(s_t, a_t) - V(s_t)$。",
    "Policy gradient methods estimate $\\hat{A}_t$:": "策略梯度方法估计 $\\hat{A}_t$：",
}


@dataclass
class Fixture:
    root: Path
    source: Path
    translations: Path
    work: Path
    out: Path

    def build(self, out: Path | None = None, languages: list[str] | None = None, force: bool = False,
              lines: list[str] | None = None) -> Any:
        lines = [] if lines is None else lines  # pass a list to keep the messages of a build that raises
        report = build_site(out or self.out, languages, jobs=2, work_dir=self.work, source_root=self.source,
                            translations=self.translations, force=force, emit=lines.append)
        report.lines = lines
        return report

    def html(self, lang: str, page: str) -> str:
        return (self.out / lang / page / "index.html").read_text(encoding="utf-8")


def _write_catalog(root: Path, lang: str, source: str, table: dict[str, str]) -> None:
    path = root / lang / f"{source}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    root = tmp_path_factory.mktemp("toy-site")
    source = root / "src" / "reference_impl"
    source.mkdir(parents=True)
    for name, text in PACKAGE.items():
        (source / name).write_text(textwrap.dedent(text), encoding="utf-8")
    translations = root / "translations"
    _write_catalog(translations, "ja", "estimator.py", {k: v for k, v in JA.items() if k != "Toy package"})
    _write_catalog(translations, "ja", "__init__.py", {"Toy package": JA["Toy package"]})
    _write_catalog(translations, "zh", "estimator.py", ZH)
    fixture = Fixture(root, source, translations, root / "generated", root / "out")
    # Each language builds in a child process: a sitecustomize there logs every connection and name lookup it
    # makes (Python's audit hooks), so the build can be shown to fetch nothing.
    hooks = root / "audit"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])))
        env.setenv("ANNOTATED_PPO_NETWORK_LOG", str(root / "network.log"))
        report = fixture.build()
    assert [r.built for r in report.languages] == [True, True, True], report.lines
    yield fixture


AUDIT_HOOK = """
import os
import sys

_LOG = os.environ.get("ANNOTATED_PPO_NETWORK_LOG")


def _audit(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {event} {args[1:] if event == 'socket.connect' else args[:2]!r}\\n")


if _LOG:
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} started\\n")
    sys.addaudithook(_audit)
"""


def _all_output(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_each_language_is_a_sibling_folder_with_a_root_page_that_picks_one(site: Fixture) -> None:
    for lang in ("en", "ja", "zh"):
        assert (site.out / lang / "index.html").is_file()
        assert (site.out / lang / "estimator" / "index.html").is_file()
        assert (site.out / lang / "api" / "estimator" / "index.html").is_file()
        assert (site.out / lang / "assets" / "katex" / "katex.min.js").is_file()
        assert list((site.out / lang / "assets" / "katex" / "fonts").glob("KaTeX_Main-Regular.woff2"))
    root = (site.out / "index.html").read_text(encoding="utf-8")
    assert 'var languages = ["en", "ja", "zh"];' in root
    assert "location.replace(choice + \"/\"" in root
    assert '<a href="ja/" hreflang="ja" lang="ja">日本語</a>' in root
    index = (site.out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<sitemap><loc>{SITE}zh/sitemap.xml</loc></sitemap>" in index
    assert (site.out / ".nojekyll").is_file()
    assert "/annotated-ppo/ja/" in (site.out / "404.html").read_text(encoding="utf-8")


def test_root_pages_list_the_languages_the_output_folder_holds(tmp_path: Path) -> None:
    labels = load_labels()
    languages = {"en": "English", "ja": "日本語", "zh": "简体中文"}
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "index.html").write_text("ja", encoding="utf-8")
    (tmp_path / "zh").mkdir()  # an empty or failed folder is not a language of the site
    assert write_root_pages(tmp_path, languages, "Site", SITE, labels) == ["ja"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'var languages = ["ja"];' in index and '<html lang="ja">' in index
    assert 'href="ja/"' in index and 'href="en/"' not in index and 'href="zh/"' not in index
    not_found = (tmp_path / "404.html").read_text(encoding="utf-8")
    assert "ページが見つかりません: ホームへ戻る (日本語)" in not_found and "/en/" not in not_found
    assert f"{SITE}ja/sitemap.xml" in (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{SITE}en/sitemap.xml" not in (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    # A later build of another language into the same folder joins it.
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("en", encoding="utf-8")
    assert write_root_pages(tmp_path, languages, "Site", SITE, labels) == ["en", "ja"]


def test_nothing_is_fetched_from_the_network_while_building(site: Fixture) -> None:
    """The README's promise: KaTeX comes from node_modules, fonts are off, no plugin downloads anything."""
    log = (site.root / "network.log").read_text(encoding="utf-8").splitlines()
    assert sum(line.endswith(" started") for line in log) >= 3  # the hook ran in every language's build
    assert [line for line in log if not line.endswith(" started")] == []


def test_html_lang_canonical_and_hreflang_name_the_same_page_in_every_language(site: Fixture) -> None:
    for lang in ("en", "ja", "zh"):
        page = site.html(lang, "estimator")
        assert f'<html lang="{lang}"' in page
        assert f'<link rel="canonical" href="{SITE}{lang}/estimator/">' in page
        for other in ("en", "ja", "zh"):
            assert f'hreflang="{other}" href="{SITE}{other}/estimator/"' in page
        assert f'hreflang="x-default" href="{SITE}en/estimator/"' in page
        # The switcher links to the same page, relative, so it works wherever the site is served.
        assert re.search(r'href="\.\./\.\./zh/estimator/" hreflang="zh" lang="zh" target="_self"', page)


def test_pages_link_relatively_so_any_static_server_at_any_path_shows_them(site: Fixture) -> None:
    """The README's promise (`python -m http.server -d build/site`): only the 404 pages use absolute paths."""
    pages = [path for path in sorted(site.out.rglob("*.html")) if path.name != "404.html"]
    assert len(pages) > 3 * 4
    for path in pages:
        absolute = re.findall(r'(?:href|src|action)="(/(?!/)[^"]*)"', path.read_text(encoding="utf-8"))
        assert absolute == [], (path.relative_to(site.out), absolute)


def test_sitemap_per_language_lists_pages_with_alternates_and_no_dates(site: Fixture) -> None:
    sitemap = (site.out / "ja" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE}ja/estimator/</loc>" in sitemap
    assert f'<xhtml:link rel="alternate" hreflang="zh" href="{SITE}zh/estimator/"/>' in sitemap
    assert "<lastmod>" not in sitemap


def test_404_page_per_language_in_that_language(site: Fixture) -> None:
    assert "ページが見つかりません" in (site.out / "ja" / "404.html").read_text(encoding="utf-8")
    assert "页面未找到" in (site.out / "zh" / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in (site.out / "en" / "404.html").read_text(encoding="utf-8")
    ja = (site.out / "ja" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in ja
    assert '<a href="/annotated-ppo/ja/">ホームへ戻る</a>' in ja  # 404 pages use absolute paths: any depth works


def test_translated_notes_and_docstrings_with_marked_english_fallback(site: Fixture) -> None:
    page = site.html("ja", "estimator")
    assert "近接方策最適化のアドバンテージは" in page
    assert '<h1 id="おもちゃの推定器">おもちゃの推定器<a class="headerlink"' in page  # CJK anchors stay readable
    assert re.search(r'<div class="ap-untranslated" data-label="英語（未翻訳）" lang="en">\s*<p>From <a', page)
    api = site.html("ja", "api/estimator")
    assert "方策勾配法は" in api  # the docstring, translated by the griffe extension
    # mkdocstrings' own labels in Japanese; the untranslated "Args:" section is still parsed as one (not wrapped).
    assert '<span class="doc-section-title">引数：</span>' in api
    assert '<span class="doc-section-title">戻り値：</span>' in api
    assert "Args:" not in api and '<div class="ap-untranslated" data-label="英語（未翻訳）" lang="en"></div>' not in api
    en_api = site.html("en", "api/estimator")
    assert "Policy gradient methods estimate" in en_api and "ap-untranslated" not in en_api


def test_no_malicious_translation_reaches_any_file_of_the_site(site: Fixture) -> None:
    for name, data in _all_output(site.out).items():
        text = data.decode("utf-8", errors="replace")
        for payload in ("pwned-1", "pwned-2", "pwned-3", "pwned-4", "pwned-5"):
            # pwned-4 and -5 are in the English source: only the page-level hook (tools/theme/hooks.py) stands in their way.
            assert payload not in text, (name, payload)
    page = site.html("ja", "estimator")
    assert "From <a href=\"https://arxiv.org/abs/1506.02438\">the GAE paper</a>" in page  # English instead


def test_maths_and_code_are_ready_for_katex_and_highlighted(site: Fixture) -> None:
    page = site.html("en", "estimator")
    assert '<span class="arithmatex">\\(A_t = Q(s_t, a_t) - V(s_t)\\)</span>' in page
    assert '<div class="arithmatex">\\[\n\\begin{align}' in page
    assert '<span class="kn">import</span>' in page
    assert 'src="../assets/katex/katex.min.js"' in page


def test_search_index_is_cut_by_each_languages_own_segmenter(site: Fixture) -> None:
    zh = json.loads((site.out / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))
    ja = json.loads((site.out / "ja" / "search" / "search_index.json").read_text(encoding="utf-8"))
    en = json.loads((site.out / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    zh_text = "".join(doc["text"] for doc in zh["docs"])
    ja_text = "".join(doc["text"] for doc in ja["docs"])
    # Words joined with zero-width spaces: jieba's in Chinese, tinysegmenter's in Japanese (jieba would cut
    # Japanese kanji as if they were Chinese), none in English.
    assert "\u200b策略\u200b" in zh_text
    assert segment(ja_text.replace("\u200b", ""), SEGMENTERS["ja"]) == ja_text
    assert "\u200b" in ja_text and "近接" in ja_text
    assert "\u200b" not in "".join(doc["text"] for doc in en["docs"])
    assert zh["config"]["lang"] == ["zh"] and "\\u200b" in zh["config"]["separator"]
    assert ja["config"]["lang"] == ["en"] and "\\u200b" in ja["config"]["separator"]  # no lunr segmenter on top


def test_building_again_gives_the_same_bytes(site: Fixture, tmp_path: Path) -> None:
    again = site.build(out=tmp_path / "again", force=True)
    assert all(r.built for r in again.languages)
    first, second = _all_output(site.out), _all_output(tmp_path / "again")
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    # Two builds on the same day could share a date; no file may carry one (and gzip's header time is fixed).
    today = datetime.date.today().isoformat()
    assert [name for name, data in first.items() if today.encode() in data] == []
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
    assert struct.unpack("<I", first["en/sitemap.xml.gz"][4:8]) == (epoch,)


def test_unchanged_languages_are_not_rebuilt_and_a_changed_catalog_rebuilds_its_language(site: Fixture) -> None:
    report = site.build()
    assert [r.built for r in report.languages] == [False, False, False]
    before = hashlib.sha256((site.out / "en" / "estimator" / "index.html").read_bytes()).hexdigest()

    table = dict(ZH, **{"## The estimate": "## 估计值"})
    _write_catalog(site.translations, "zh", "estimator.py", table)
    report = site.build()
    assert [(r.lang, r.built) for r in report.languages] == [("en", False), ("ja", False), ("zh", True)]
    assert "估计值" in site.html("zh", "estimator")
    assert hashlib.sha256((site.out / "en" / "estimator" / "index.html").read_bytes()).hexdigest() == before


def test_a_broken_page_fails_the_strict_build_and_keeps_the_last_good_output(site: Fixture, tmp_path: Path) -> None:
    out = tmp_path / "out"
    site.build(out=out, languages=["en"])
    good = (out / "en" / "index.html").read_bytes()
    root = (out / "index.html").read_text(encoding="utf-8")  # only what was built: no links to missing languages
    assert 'var languages = ["en"];' in root and 'hreflang="ja"' not in root
    broken = site.source / "broken.py"
    # An image outside the package: not ours to judge, MkDocs' strict mode finds it.
    broken.write_text('"""A page whose link points nowhere: [gone](#no-such-anchor) and ![x](../outside.png)."""\n',
                      encoding="utf-8")
    lines: list[str] = []
    try:
        with pytest.raises(UserError, match="the build failed for en"):
            site.build(out=out, languages=["en"], lines=lines)
    finally:
        broken.unlink()
    # It failed for the missing image (MkDocs checks anchors only at info level), not for any other reason.
    reported = "\n".join(lines)
    assert "contains a link '../outside.png', but the target is not found" in reported, reported
    assert "in strict mode" in reported, reported
    assert (out / "en" / "index.html").read_bytes() == good
    assert not (out / ".en.building").exists()


def test_a_link_the_sources_break_is_one_line_naming_file_and_line_and_fails_before_mkdocs(site: Fixture,
                                                                                          tmp_path: Path) -> None:
    broken = site.source / "broken.py"
    broken.write_text('"""\n# Broken\n\nSee [the trainer](trainer.html), and:\n\n![plot](missing.png)\n"""\n',
                      encoding="utf-8")
    lines: list[str] = []
    try:
        with pytest.raises(UserError, match=r"^2 broken link\(s\) in the sources"):
            site.build(out=tmp_path / "out", languages=["en", "ja"], lines=lines)
    finally:
        broken.unlink()
    warned = [line for line in lines if line.startswith("warning: ") and "broken.py" in line]
    assert warned == ["warning: reference_impl/broken.py:4: a link to a page the site does not have: "
                      "'trainer.html'",
                      "warning: reference_impl/broken.py:6: no such file beside the sources: 'missing.png'"], lines
    assert not any("building" in line for line in lines)  # no MkDocs run was needed to find out
    assert not (tmp_path / "out" / "en").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (OSError, urllib.error.URLError):
        return None


def _wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _fetch(url)
        if body is not None and needle in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {needle!r}")


def test_preview_serves_a_language_and_reloads_when_a_translation_changes(site: Fixture, tmp_path: Path) -> None:
    port = _free_port()
    code = ("import sys; from pathlib import Path; from tools.serve import serve_site; "
            f"serve_site('ja', {port}, source_root=Path(sys.argv[1]), translations=Path(sys.argv[2]), "
            "work_dir=Path(sys.argv[3]))")
    process = subprocess.Popen([sys.executable, "-c", code, str(site.source), str(site.translations),
                                str(tmp_path / "generated")], cwd=Path(__file__).resolve().parents[1],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/annotated-ppo/ja/estimator/"
        page = _wait_for(url, "近接方策最適化のアドバンテージは")
        assert '<html lang="ja"' in page
        table = dict(JA, **{"## The estimate": "## 推定値（改訂）"})
        table.pop("Toy package")
        _write_catalog(site.translations, "ja", "estimator.py", table)
        _wait_for(url, "推定値（改訂）")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
