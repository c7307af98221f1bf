"""Search segmentation (tools/segment.py): the words of a language written without spaces, in Material's index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.errors import UserError
from tools.segment import SEGMENTERS, WORD_BREAK, segment, segment_search_index


def test_japanese_runs_are_cut_into_words_and_latin_text_is_left_alone() -> None:
    text = segment("PPO は一般化アドバンテージ推定を使う。", SEGMENTERS["ja"])
    words = text.split(WORD_BREAK)
    assert "アドバンテージ" in words and "推定" in words
    assert text.replace(WORD_BREAK, "") == "PPO は一般化アドバンテージ推定を使う。"
    assert segment(text, SEGMENTERS["ja"]) == text  # cutting again changes nothing


def test_search_index_of_a_segmented_language_is_cut_and_configured(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    config = {"lang": ["ja"], "separator": "[\\s\\-　、。，．]+", "pipeline": ["stemmer"], "fields": {}}
    docs = [{"location": "ppo/gae/", "title": "一般化アドバンテージ推定（GAE）", "text": "<p>アドバンテージ推定量</p>"}]
    index.write_text(json.dumps({"config": config, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    assert segment_search_index(index, "ja")
    data = json.loads(index.read_text(encoding="utf-8"))
    assert WORD_BREAK in data["docs"][0]["title"] and data["docs"][0]["text"].startswith("<p>")
    assert data["config"]["separator"].endswith("\\u200b]+")
    assert data["config"]["lang"] == ["en"]  # lunr's own Japanese segmenter would cut the words again
    assert data["config"]["segment"].startswith("[")
    assert not segment_search_index(index, "en")  # no segmenter: untouched


def test_a_file_that_is_not_a_search_index_is_a_one_line_error(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    index.write_text("[]", encoding="utf-8")
    with pytest.raises(UserError, match=r"search_index\.json: not a search index"):
        segment_search_index(index, "ja")


def test_a_language_with_a_region_is_cut_by_its_base_languages_segmenter(tmp_path: Path) -> None:
    import subprocess
    import sys

    index = tmp_path / "search_index.json"
    docs = [{"location": "", "title": "一般化アドバンテージ推定", "text": ""}]
    index.write_text(json.dumps({"config": {"separator": "[\\s]+"}, "docs": docs}, ensure_ascii=False),
                     encoding="utf-8")
    assert segment_search_index(index, "ja-JP")
    assert WORD_BREAK in json.loads(index.read_text(encoding="utf-8"))["docs"][0]["title"]
    # A build worker for such a language loads its segmenter and blocks the others (it failed on the code)
    script = ("import logging, sys\nfrom tools.build import configure_process\n"
              "configure_process(sys.argv[1], logging.NullHandler(), logging.WARNING)\n"
              "print(sys.modules.get('jieba') is not None, sys.modules.get('tinysegmenter') is not None)\n")
    root = Path(__file__).resolve().parent.parent
    for lang, loaded in (("ja-JP", "False True"), ("zh-TW", "True False")):
        result = subprocess.run([sys.executable, "-c", script, lang], cwd=root, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[0] == loaded
