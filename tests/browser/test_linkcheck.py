"""`python -m tools linkcheck`: LinkChecker follows every link of the built site, offline, as CI runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.linkcheck import check_site

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]


def test_every_link_of_the_built_site_works_in_every_language(built_site) -> None:
    result = check_site(built_site.out)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 errors found" in result.stdout
    checked = int(result.stdout.split(" links in ")[0].rsplit("\n", 1)[-1].split()[-1])
    assert checked > 100 * len(built_site.languages)  # it walked the whole site, not the root page alone


def test_a_missing_page_image_or_folder_page_is_reported(tmp_path: Path) -> None:
    (tmp_path / "en" / "gone").mkdir(parents=True)  # a folder without index.html: Pages answers 404
    (tmp_path / "en" / "index.html").write_text(
        '<a href="gone/">gone</a> <a href="missing.html">missing</a> <img src="lost.svg" alt="">'
        ' <a href="https://example.invalid/paper">elsewhere</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text('<a href="en/">English</a>', encoding="utf-8")
    result = check_site(tmp_path, timeout=120)
    assert result.returncode == 1
    broken = {line.split("/", 3)[-1] for line in result.stdout.splitlines() if line.startswith("Real URL")}
    # The external link is left alone: nothing is fetched from outside
    assert broken == {"en/gone/", "en/missing.html", "en/lost.svg"}, result.stdout
    assert "3 errors found" in result.stdout
