"""The build's caches: a rebuild that reuses them renders only the pages of what changed and gives the bytes a
build from nothing gives; what an API page is made from (its module's source and catalog, the modules it imports)
is part of its key."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tools.build import api_inputs, build_site
from tools.build_cache import without_excluded_content

PACKAGE = {
    "__init__.py": '"""\n# Cached package\n\nIts [core](core.py) and its [use](use.py).\n"""\n',
    "core.py": '''\
        r"""
        # Core

        The core of the package, with $x_t$.
        """


        def step(x: float) -> float:
            r"""
            One step $x_{t+1} = 2 x_t$.

            Args:
                x: the value $x_t$.
            """
            # Double it.
            return 2 * x
        ''',
    "use.py": '''\
        r"""
        # Use

        It calls the [core](core.py).
        """

        from reference_impl.core import step


        def twice(x: float) -> float:
            """Two steps."""
            return step(step(x))
        ''',
}
ZH = {"One step $x_{t+1} = 2 x_t$.": "一步 $x_{t+1} = 2 x_t$。", "Double it.": "加倍。"}


def _project(root: Path) -> tuple[Path, Path]:
    source = root / "src" / "reference_impl"
    source.mkdir(parents=True)
    for name, text in PACKAGE.items():
        (source / name).write_text(textwrap.dedent(text), encoding="utf-8")
    translations = root / "translations"
    (translations / "zh").mkdir(parents=True)
    (translations / "zh" / "core.py.json").write_text(json.dumps(ZH, ensure_ascii=False), encoding="utf-8")
    return source, translations


def _output(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_search_parses_excluded_elements_empty_unless_they_hold_a_heading() -> None:
    html = ('<p>a</p><div class="ap-code" data-search-exclude><div class="highlight"><pre><span>x</span></pre></div>'
            '</div><p>b</p><div data-search-exclude><h2 id="t">T</h2></div><span data-search-exclude>c')
    assert without_excluded_content(html) == (
        '<p>a</p><div class="ap-code" data-search-exclude></div><p>b</p><div data-search-exclude><h2 id="t">T</h2>'
        '</div><span data-search-exclude>c')


def test_api_page_key_follows_its_module_its_imports_and_their_catalogs(tmp_path: Path) -> None:
    source, translations = _project(tmp_path)
    names = ("reference_impl.core", "reference_impl.use", "reference_impl")

    def keys(lang: str = "zh") -> list[str]:
        return [api_inputs(name, "reference_impl", lang, source, translations) for name in names]

    core, use, package = keys()
    (translations / "zh" / "use.py.json").write_text('{"Two steps.": "两步。"}', encoding="utf-8")
    after = keys()
    assert after[0] == core and after[1] != use and after[2] != package  # core does not import use
    (translations / "zh" / "core.py.json").write_text('{"Double it.": "乘二。"}', encoding="utf-8")
    assert all(new != old for new, old in zip(keys(), after, strict=True))  # use imports core
    assert keys("ja") != keys()


@pytest.mark.slow
def test_a_rebuild_from_the_caches_gives_the_bytes_of_a_build_from_nothing(tmp_path: Path) -> None:
    source, translations = _project(tmp_path)
    work = tmp_path / "generated"

    def build(out: Path) -> dict[str, str]:
        lines: list[str] = []
        build_site(out, ["en", "zh"], jobs=2, work_dir=work, source_root=source, translations=translations,
                   emit=lines.append)
        return {line[1:3]: line[5:] for line in lines if " pages: " in line or line[5:].startswith("pages: ")}

    build(tmp_path / "first")
    catalog = translations / "zh" / "core.py.json"
    catalog.write_text(json.dumps(dict(ZH, **{"One step $x_{t+1} = 2 x_t$.": "新的一步 $x_{t+1} = 2 x_t$。"}),
                                  ensure_ascii=False), encoding="utf-8")
    (source / "use.py").write_text((source / "use.py").read_text().replace("Two steps.", "Two steps, then stop."))
    rendered = build(tmp_path / "first")  # the caches of the first build, where they still apply
    # Only the pages of what changed are rendered again: in English use.py's two pages (its docstring), in Chinese
    # those and core.py's two (a translation); the other pages of each language are the last build's.
    assert rendered == {"en": "pages: 2 rendered, 5 unchanged since the last build",
                        "zh": "pages: 4 rendered, 3 unchanged since the last build"}
    assert "新的一步" in (tmp_path / "first" / "zh" / "api" / "core" / "index.html").read_text(encoding="utf-8")
    assert "Two steps, then stop." in (tmp_path / "first" / "en" / "api" / "use" / "index.html").read_text()
    # Pages generated from unchanged inputs are not generated again, unless one of them is gone.
    (work / "en" / "index.md").unlink()
    assert build(tmp_path / "first") == {}  # nothing to build: every language up to date
    assert (work / "en" / "index.md").is_file()
    shutil.rmtree(work)
    build(tmp_path / "fresh")  # nothing cached
    assert _output(tmp_path / "first") == _output(tmp_path / "fresh")


def test_memos_are_kept_between_processes_by_content_and_version(tmp_path: Path) -> None:
    from tools import build_cache

    calls: list[str] = []

    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    try:
        build_cache.use_memos(tmp_path / "cache")
        assert build_cache.memo("shout", "v1").get(shout, "a b") == "A B"
        assert build_cache.memo("shout", "v1").get(shout, "a b") == "A B"  # this process remembers it
        build_cache.use_memos(tmp_path / "cache")  # as another process starts: only the files are left
        assert build_cache.memo("shout", "v1").get(shout, "a b") == "A B"
        assert calls == ["a b"]
        assert build_cache.memo("shout", "v2").get(shout, "a b") == "A B"  # another version computes again
        assert build_cache.memo("shout", "v1").get(shout, "c") == "C"
        assert calls == ["a b", "a b", "c"]
        # A cache folder that cannot be written only costs time
        (tmp_path / "file").write_text("")
        build_cache.use_memos(tmp_path / "file")
        assert build_cache.memo("shout", "v1").get(shout, "d") == "D"
    finally:
        build_cache.use_memos(None)


def test_a_rebuild_validates_only_the_translations_that_changed(tmp_path: Path, monkeypatch) -> None:
    from tools import localize

    source, translations = _project(tmp_path)
    work = tmp_path / "generated"
    validated: list[str] = []
    policy = localize.refusals

    def counted(english: str, translated: str, *, plain: bool = False) -> list[str]:
        validated.append(translated)
        return policy(english, translated, plain=plain)

    monkeypatch.setattr(localize, "refusals", counted)
    build_site(tmp_path / "out", ["zh"], jobs=1, work_dir=work, source_root=source, translations=translations,
               emit=lambda line: None)
    assert sorted(validated) == sorted(ZH.values())  # the page generation's verdicts (the worker's are its own)
    validated.clear()
    catalog = translations / "zh" / "core.py.json"
    catalog.write_text(json.dumps(dict(ZH, **{"Double it.": "翻倍。"}), ensure_ascii=False), encoding="utf-8")
    build_site(tmp_path / "out", ["zh"], jobs=1, work_dir=work, source_root=source, translations=translations,
               emit=lambda line: None)
    assert validated == ["翻倍。"]


def test_prune_deletes_what_no_build_used_for_a_month_at_most_once_a_day(tmp_path: Path) -> None:
    import os
    import time

    from tools.build_cache import prune

    old, recent = tmp_path / "ab" / "old.json", tmp_path / "cd" / "recent.json"
    for path in (old, recent):
        path.parent.mkdir()
        path.write_text("{}")
    month = time.time() - 31 * 86400
    os.utime(old, (month, month))
    assert prune(tmp_path) == 1 and not old.exists() and recent.exists()
    old.write_text("{}")
    os.utime(old, (month, month))
    assert prune(tmp_path) == 0 and old.exists()  # pruned less than a day ago
    assert prune(tmp_path, every=0) == 1 and not old.exists() and recent.exists()
