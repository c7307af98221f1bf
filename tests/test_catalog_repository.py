"""The repository's own catalogs: up to date with the code, valid, and completely translated (read-only)."""

from __future__ import annotations

import pytest

from tools.cli import main


def test_repository_catalogs_pass_check(capsys) -> None:
    code = main(["check"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 problem(s)" in out


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_repository_translations_are_complete_and_reviewed(lang: str, capsys) -> None:
    code = main(["status", "--lang", lang, "--fail-under", "100", "--reviewed"])
    out = capsys.readouterr().out
    assert code == 0, out.splitlines()[-1]
