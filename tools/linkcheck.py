"""`python -m tools linkcheck [DIR]`: check every link of a built site with LinkChecker, offline.

The folder (`build/site` by default) is served on 127.0.0.1 the way GitHub Pages serves it: a folder URL
(`ppo/gae/`) is its `index.html`, and a folder without one is a 404, not a listing (over `file://` LinkChecker
would read a listing and miss the missing page). LinkChecker (`linkchecker` on PyPI) then follows every link
from the root page: pages, assets, anchors' pages, in every language. Links that leave the site (the paper, GitHub,
Colab) are not fetched, only their syntax is checked, so nothing goes to the network. The sitemaps hold absolute
URLs of the published site and are skipped.

Exit status: LinkChecker's (0 when every link works, 1 when one does not), with its report of the broken ones.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from tools.errors import UserError

# LinkChecker's own settings, so that a user's ~/.linkchecker/linkcheckerrc cannot change the verdict.
_CONFIG = """[checking]
threads=4
timeout=30
maxrequestspersecond=1000
[filtering]
checkextern=0
ignore=
  sitemap\\.xml(\\.gz)?$
[output]
status=0
warnings=0
"""


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them: no folder listings."""

    def list_directory(self, path: str | Path) -> None:
        self.send_error(404, "folder without index.html")
        return None

    def end_headers(self) -> None:
        # LinkChecker sends at most ~3 requests a second to a host unless the host answers with this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):  # LinkChecker reads the headers of an asset, then hangs up
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # the report says what matters
        pass


def find_linkchecker() -> list[str]:
    """The command that runs LinkChecker: the one installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("linkchecker")
    found = str(beside) if beside.is_file() else shutil.which("linkchecker")
    if not found:
        raise UserError("linkchecker is not installed: pip install linkchecker (make test installs it)")
    return [found]


def check_site(folder: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Serve `folder` on 127.0.0.1 and run LinkChecker from its root page; its result (report on stdout)."""
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise UserError(f"{folder}: no index.html: build the site first (python -m tools build --out {folder})")
    handler = functools.partial(_PagesHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory() as config_dir:
            config = Path(config_dir) / "linkcheckerrc"
            config.write_text(_CONFIG, encoding="utf-8")
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            return subprocess.run([*find_linkchecker(), "--config", str(config), "--no-robots", url],
                                  capture_output=True, text=True, timeout=timeout)
    finally:
        server.shutdown()
        server.server_close()


def run(args: argparse.Namespace) -> int:
    """The `linkcheck` command."""
    result = check_site(Path(args.folder))
    print(result.stdout, end="")
    if result.returncode not in (0, 1):
        print(result.stderr, end="", file=sys.stderr)
    return result.returncode
