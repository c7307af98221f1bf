"""What the build draws into every language of the repository's site: the translation status page, the coverage
badges and the learning curves of the runs under `results/`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import catalog as catalogs
from tools.charts import figure_sources
from tools.site_config import load_labels, load_settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]
REPO = Path(__file__).resolve().parents[2]


def test_every_language_has_the_status_page_in_its_words_with_every_page_and_badge(built_site) -> None:
    labels = load_labels()
    for lang in built_site.languages:
        page = (built_site.out / lang / "translation-status" / "index.html").read_text(encoding="utf-8")
        assert f">{labels[lang]['status_title']}<" in page and labels[lang]["status_fuzzy"] in page
        for target in catalogs.TARGET_LANGUAGES:
            assert f'src="../assets/badges/{target}.svg"' in page
            assert (built_site.out / lang / "assets" / "badges" / f"{target}.svg").is_file()
        # one row per page in each translated language's table, linking to that page
        links = re.findall(r'<td><a href="\.\./([^"]+)">', page)
        assert len(links) == len(catalogs.TARGET_LANGUAGES) * len(catalogs.english_templates())
        assert all((built_site.out / lang / link / "index.html").is_file() for link in links), links


def test_readme_badges_are_the_ones_the_build_draws_at_the_configured_site(built_site) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\(([^()\s]+/assets/badges/([a-z-]+)\.svg)\)", readme)
    assert sorted(lang for _, lang in badges) == sorted(catalogs.TARGET_LANGUAGES)
    for url, lang in badges:
        assert url == f"{built_site.site_url}{catalogs.SOURCE_LANGUAGE}/assets/badges/{lang}.svg"
        assert (built_site.out / catalogs.SOURCE_LANGUAGE / "assets" / "badges" / f"{lang}.svg").is_file()


def test_the_trainer_and_readme_pages_show_each_runs_curve_labelled_in_their_language(built_site) -> None:
    labels = load_labels()
    settings = load_settings()
    figures = list(figure_sources(REPO / settings.source_folder, settings.curves))
    assert figures, "no run under results/ to draw"
    for lang in built_site.languages:
        for page in ("ppo/trainer", "ppo/readme"):
            html = (built_site.out / lang / page / "index.html").read_text(encoding="utf-8")
            shown = re.findall(r'<img alt="[^"]*" src="([^"]+learning-curve\.svg)"', html)
            assert shown, f"{lang}/{page} shows no learning curve"
            for src in shown:
                figure = (built_site.out / lang / page / src).resolve()
                assert figure.relative_to((built_site.out / lang).resolve()).as_posix() in map(str, figures)
                words = [t.text for t in ET.fromstring(figure.read_bytes()).iter("{http://www.w3.org/2000/svg}text")]
                assert labels[lang]["curve_title"] in words and labels[lang]["curve_y"] in words
