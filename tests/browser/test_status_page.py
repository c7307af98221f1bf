"""The translation status page and the coverage badges, built into every language of the repository's site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools import catalog as catalogs
from tools.site_config import load_labels

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
        assert len(links) == len(catalogs.TARGET_LANGUAGES) * len(catalogs.language_files(catalogs.TARGET_LANGUAGES[0]))
        assert all((built_site.out / lang / link / "index.html").is_file() for link in links), links


def test_readme_badges_are_the_ones_the_build_draws_at_the_configured_site(built_site) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\(([^()\s]+/assets/badges/([a-z-]+)\.svg)\)", readme)
    assert sorted(lang for _, lang in badges) == sorted(catalogs.TARGET_LANGUAGES)
    for url, lang in badges:
        assert url == f"{built_site.site_url}{catalogs.SOURCE_LANGUAGE}/assets/badges/{lang}.svg"
        assert (built_site.out / catalogs.SOURCE_LANGUAGE / "assets" / "badges" / f"{lang}.svg").is_file()
