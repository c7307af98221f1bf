"""`python -m tools serve [--lang ja] [--port 8000]`: a live preview of one language of the site.

MkDocs' live-reload server watches the inputs of the pages, not the generated pages: the reference code, that
language's catalogs, the configuration and everything under `site/` (templates, home page text, labels, assets).
On a change it regenerates the pages (only files whose content changed are rewritten), rebuilds the language with
the same derived configuration as `python -m tools build`, and the browser reloads. Nothing here is strict: a
broken link or a module that does not parse mid-edit is reported, and the preview keeps running. Only at the start,
when there is nothing to show yet (a broken `mkdocs.yml`, a busy port, a module that does not parse), does it stop
with the reason in one line.
"""

from __future__ import annotations

import argparse
import copy
import logging
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tools.errors import UserError
from tools.paths import CONFIG_FILE, GENERATED, HOME_DIR, LABELS_FILE, SOURCE_ROOT, TRANSLATIONS
from tools.site_config import TOOL_SITE


def watched_paths(lang: str, source_root: Path = SOURCE_ROOT, translations: Path = TRANSLATIONS) -> list[Path]:
    """What a preview of `lang` reacts to (the generated pages themselves are not watched)."""
    paths = [CONFIG_FILE, source_root, translations / lang, TOOL_SITE / "overrides", HOME_DIR, TOOL_SITE / "assets",
             LABELS_FILE, TOOL_SITE / "hooks.py"]
    return [path for path in paths if path.exists()]


def run(args: argparse.Namespace) -> int:
    """The `serve` command."""
    return serve_site(args.lang, args.port)


def serve_site(lang: str, port: int, *, source_root: Path = SOURCE_ROOT, translations: Path = TRANSLATIONS,
               work_dir: Path = GENERATED) -> int:
    """Serve one language with live reload on 127.0.0.1:`port` until interrupted."""
    from tools.build import configure_process, prepare_language
    from tools.pages import load_documents
    from tools.site_config import defaults_for, load_site

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    configure_process(lang, handler, logging.INFO)
    log = logging.getLogger("mkdocs.serve")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer, _serve_url

    docs_dir = work_dir / lang
    site_dir = Path(tempfile.mkdtemp(prefix=f"annotated-ppo-{lang}-"))
    mount_path = ""
    problem = ""  # why the last configuration failed

    def builder() -> None:
        nonlocal mount_path, problem
        problem = ""
        try:
            config_data, settings, labels = load_site()
            generated, overrides = prepare_language(lang, config_data, settings, labels, load_documents(source_root),
                                                    docs_dir=docs_dir, site_dir=site_dir, translations=translations,
                                                    source_root=source_root)
            for warning in generated.warnings:
                log.warning("%s", warning)
            overrides["strict"] = False
            overrides["dev_addr"] = f"127.0.0.1:{port}"
            config = load_config(config_file=str(CONFIG_FILE), **{**defaults_for(CONFIG_FILE),
                                                                  **copy.deepcopy(overrides)})
        except (UserError, MkDocsException) as error:
            problem = str(error)
            if mount_path:  # a rebuild: report and keep serving (the first build's failure is raised below)
                log.error("%s", problem)
            return
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = _serve_url("127.0.0.1", port, mount_path)
        config.site_url = serve_url
        try:
            build(config, serve_url=serve_url)
        except (UserError, MkDocsException) as error:  # mid-edit breakage: reported, the preview goes on
            log.error("build failed: %s", error)

    try:
        _check_port(port)  # before the first build: a busy port should not cost a build to find out
        builder()  # the first build also tells the server where the site is mounted
        if problem:  # nothing to preview yet: say why and stop, rather than serve an empty folder
            raise UserError(problem)
        server = LiveReloadServer(builder=builder, host="127.0.0.1", port=port, root=str(site_dir),
                                  mount_path=mount_path or "/")
    except BaseException:
        shutil.rmtree(site_dir, ignore_errors=True)
        raise
    for path in watched_paths(lang, source_root, translations):
        server.watch(str(path))
    print(f"Previewing '{lang}' at http://127.0.0.1:{port}{mount_path} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as error:  # the port was taken after the check
        raise UserError(_port_problem(port, error)) from None
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def _port_problem(port: int, error: OSError) -> str:
    return f"127.0.0.1:{port}: cannot listen: {error.strerror or error} (choose another --port)"


def _check_port(port: int) -> None:
    """Fail with a `UserError` if 127.0.0.1:`port` cannot be listened on (in use, or privileged)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the preview server does
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise UserError(_port_problem(port, error)) from None
