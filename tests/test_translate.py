"""Machine translation through the real deep-translator clients against local servers on 127.0.0.1.

The LibreTranslate server speaks its protocol (`POST /translate`, `q`/`source`/`target`/`format`/`api_key`,
answer `{"translatedText": ...}`); the Google one answers like the mobile page deep-translator scrapes. A script
of answers per request makes them return 429, 500, a slow answer, or a translation with damaged placeholders.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tools import translate
from tools.catalog import Catalog
from tools.cli import build_parser
from tools.errors import UserError
from tools.protect import PLACEHOLDER_RE

INTRO = "This is a toy version of [GAE](https://arxiv.org/abs/1506.02438), with $\\gamma$ and $\\lambda$."


def fake_translation(text: str) -> str:
    """Upper-case everything but the placeholders and mark each line: visibly "translated", structure kept."""
    lines = []
    for line in text.split("\n"):
        if not line.strip() or PLACEHOLDER_RE.fullmatch(line.strip()):
            lines.append(line)
            continue
        marker = line[: len(line) - len(line.lstrip("# "))]  # a heading's hashes stay in front
        pieces, position, rest = [], 0, line[len(marker) :]
        for match in PLACEHOLDER_RE.finditer(rest):
            pieces.append(rest[position : match.start()].upper())
            pieces.append(match.group())
            position = match.end()
        pieces.append(rest[position:].upper())
        lines.append(marker + "訳 " + "".join(pieces))
    return "\n".join(lines)


class Server:
    """A scripted translation server: `script` holds what to do for the next requests ("ok" after it)."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[dict[str, str]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output clean
                pass

            def _answer(self, query: dict[str, str], libre: bool) -> None:
                server.requests.append(query)
                mode = server.script.pop(0) if server.script else "ok"
                if mode == "slow":
                    server.release.wait(30)  # longer than any test: only --timeout ends it
                if mode == "trickle":  # a byte at a time, each well within a per-read timeout: 12 s in all
                    body = json.dumps({"translatedText": fake_translation(query["q"])}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for position in range(len(body)):
                        if server.release.wait(12 / len(body)):
                            return
                        self.wfile.write(body[position : position + 1])
                        self.wfile.flush()
                    return
                if mode in ("429", "500", "403"):
                    self.send_response(int(mode))
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                text = fake_translation(query["q"])
                if mode == "damage":
                    text = PLACEHOLDER_RE.sub("", text, count=1)
                elif mode == "wide":
                    text = text.replace("[[", "［［ ").replace("]]", "］］")
                elif mode == "hostile":  # what a compromised server could send: take over the theme's config
                    text += '\n{: #__config }'
                elif mode == "merge":
                    text = "\n".join(line for line in text.split("\n") if not PLACEHOLDER_RE.fullmatch(line))
                if libre:
                    body = json.dumps({"translatedText": text}).encode()
                    content_type = "application/json"
                else:
                    body = f'<html><body><div class="result-container">{html.escape(text)}</div></body></html>'.encode()
                    content_type = "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                assert urlparse(self.path).path == "/translate"
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                query.update({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})
                self._answer(query, libre=True)

            def do_GET(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                self._answer(query, libre=False)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    instance = Server()
    yield instance
    instance.close()


def run_translate(translations: Path, server: Server, *argv: str, backend: str = "libre") -> int:
    args = build_parser().parse_args(["translate", "--lang", "ja", "--backend", backend, "--url", server.url,
                                      "--timeout", "0.5", "--retries", "2", *argv])
    args.translations, args.backoff, args.no_progress = translations, 0.01, True
    return translate.run(args)


def test_missing_entries_are_translated_protected_and_marked_machine(translations, server, capsys) -> None:
    assert run_translate(translations, server) == 0
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    expected = ("訳 THIS IS A TOY VERSION OF [GAE](https://arxiv.org/abs/1506.02438), WITH $\\gamma$ AND "
                "$\\lambda$.")
    assert catalog.entries[INTRO] == expected
    assert catalog.state(INTRO) == "machine"
    assert all(catalog.state(key) == "machine" for key in catalog.entries)
    assert Catalog.load("ja", "toy/readme.md", translations).entries["Run `python -m toy train`."] == \
        "訳 RUN `python -m toy train`."
    # What travelled: placeholders, never the maths, code or URLs; several messages per request.
    sent = "\n".join(request["q"] for request in server.requests)
    assert "$\\gamma$" not in sent and "https://arxiv.org" not in sent and "`python" not in sent
    assert re.search(r"\[\[\d+\]\]GAE\[\[\d+\]\]", sent)
    assert len(server.requests) < 20
    assert {request["target"] for request in server.requests} == {"ja"}
    assert "20 translated (marked machine, needs review), 0 rejected" in capsys.readouterr().out
    # A second run has nothing left to do.
    server.requests.clear()
    assert run_translate(translations, server) == 0
    assert server.requests == []


def test_429_500_and_a_slow_answer_are_retried(translations, server) -> None:
    server.script = ["429", "500", "slow"]
    assert run_translate(translations, server, "--retries", "3") == 0
    # One batch, four requests: the slow answer was abandoned after --timeout and asked again (had the client
    # waited for it, the slow request would have been the last of three).
    assert len(server.requests) == 4
    assert Catalog.load("ja", "toy/gae.py", translations).state(INTRO) == "machine"


def test_a_server_that_trickles_its_answer_times_out_as_a_whole(translations, server) -> None:
    server.script = ["trickle"] * 3
    with pytest.raises(UserError, match="Timeout after 3 attempts; what was translated so far is saved"):
        run_translate(translations, server)  # --timeout 0.5 for each request, --retries 2
    assert len(server.requests) == 3
    assert all(Catalog.load("ja", "toy/gae.py", translations).state(key) == "missing"
               for key in Catalog.load("ja", "toy/gae.py", translations).entries)


def test_persistent_failure_keeps_finished_batches_and_the_next_run_resumes(translations, server,
                                                                             monkeypatch) -> None:
    monkeypatch.setitem(translate.SIZE_LIMITS, "libre", 300)  # several batches
    server.script = ["ok", "500", "500", "500"]
    with pytest.raises(UserError, match="HTTP 500 after 3 attempts; what was translated so far is saved"):
        run_translate(translations, server)
    states = [Catalog.load("ja", source, translations).state(key)
              for source in ("toy/gae.py", "toy/readme.md") for key in Catalog.load("ja", source, translations).entries]
    assert 0 < states.count("machine") < 20
    first_run = len(server.requests)
    assert run_translate(translations, server) == 0
    sent = [1 + sum(bool(PLACEHOLDER_RE.fullmatch(line)) for line in request["q"].split("\n"))
            for request in server.requests[first_run:]]
    assert sum(sent) == 20 - states.count("machine")  # only what was still missing is sent again
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert [catalog.state(key) for key in catalog.entries] == ["machine"] * 15


def test_damaged_placeholders_are_rejected_and_the_entry_stays_missing(translations, server, capsys) -> None:
    server.script = ["damage"] * 30
    assert run_translate(translations, server) == 1
    out = capsys.readouterr().out
    assert "rejected toy/gae.py:" in out and "placeholders damaged: missing" in out
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert any(catalog.state(key) == "missing" for key in catalog.entries)
    server.script.clear()
    assert run_translate(translations, server) == 0  # a later run fills what was rejected
    assert all(Catalog.load("ja", "toy/gae.py", translations).state(k) == "machine" for k in catalog.entries)


def test_a_translation_that_sets_an_id_is_rejected_and_never_stored(translations, server, capsys) -> None:
    server.script = ["hostile"] * 30
    assert run_translate(translations, server) == 1
    out = capsys.readouterr().out
    assert 'attribute id="__config" that the English does not have is not allowed' in out
    stored = [value for source in ("toy/gae.py", "toy/readme.md")
              for value in Catalog.load("ja", source, translations).entries.values()]
    assert stored and not any("__config" in value for value in stored)


def test_widened_placeholders_are_accepted_and_lost_separators_fall_back_to_single_requests(
        translations, server, monkeypatch) -> None:
    monkeypatch.setitem(translate.SIZE_LIMITS, "libre", 300)  # several batches: one comes back widened, one merged
    server.script = ["wide", "merge"]
    assert run_translate(translations, server) == 0
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert catalog.entries[INTRO].startswith("訳 THIS IS A TOY VERSION OF [GAE](https://arxiv.org/abs/1506.02438)")
    # The merged batch was asked again message by message, and every message came back.
    merged = 1 + sum(bool(PLACEHOLDER_RE.fullmatch(line)) for line in server.requests[1]["q"].split("\n"))
    assert merged > 1 and len(server.requests) >= 2 + merged
    states = [Catalog.load("ja", source, translations).state(key)
              for source in ("toy/gae.py", "toy/readme.md") for key in Catalog.load("ja", source, translations).entries]
    assert states == ["machine"] * 20


def test_client_errors_are_not_retried(translations, server) -> None:
    server.script = ["403"]
    with pytest.raises(UserError, match="translation failed: HTTP 403"):
        run_translate(translations, server)
    assert len(server.requests) == 1


def test_human_and_fuzzy_entries_are_never_overwritten(translations, server) -> None:
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    catalog.entries["Advantages table"] = "アドバンテージの表"
    catalog.fuzzy["Walk backwards:"] = {"previous": "Walk back:", "suggestion": "後ろ向きに:"}
    catalog.save()
    assert run_translate(translations, server) == 0
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert catalog.entries["Advantages table"] == "アドバンテージの表"
    assert catalog.state("Advantages table") == "translated"
    assert catalog.state("Walk backwards:") == "fuzzy"


def test_dry_run_prints_the_requests_and_sends_nothing(translations, server, capsys) -> None:
    assert run_translate(translations, server, "--dry-run") == 0
    out = capsys.readouterr().out
    assert re.search(r"\[\[\d+\]\]GAE\[\[\d+\]\]", out) and "nothing sent" in out
    assert server.requests == []
    assert Catalog.load("ja", "toy/gae.py", translations).state(INTRO) == "missing"


def test_google_backend_through_its_real_client(translations, server) -> None:
    assert run_translate(translations, server, backend="google") == 0
    catalog = Catalog.load("ja", "toy/gae.py", translations)
    assert catalog.entries["Advantages table"] == "訳 ADVANTAGES TABLE"
    assert {request["tl"] for request in server.requests} == {"ja"}
