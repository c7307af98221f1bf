"""`python -m tools serve [--lang ja] [--port 8000]`: a live preview of one language of the site.

MkDocs' live-reload server watches the inputs of the pages, not the generated pages: the reference code, that
language's catalogs, the configuration and everything under `site/` (templates, home page text, labels, assets).
On a change it regenerates the pages (only files whose content changed are rewritten), rebuilds the language with
the same derived configuration as `python -m tools build`, and the browser reloads. Nothing here is strict: a
broken link or a module that does not parse mid-edit is reported, and the preview keeps running.
"""

from __future__ import annotations

import argparse
import copy
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tools.errors import UserError
from tools.paths import ROOT, SITE, SOURCE_ROOT, TRANSLATIONS

GENERATED = SITE / "generated"


def watched_paths(lang: str, source_root: Path = SOURCE_ROOT, translations: Path = TRANSLATIONS) -> list[Path]:
    """What a preview of `lang` reacts to (the generated pages themselves are not watched)."""
    paths = [ROOT / "mkdocs.yml", source_root, translations / lang, SITE / "overrides", SITE / "home",
             SITE / "assets", SITE / "labels.yml", SITE / "hooks.py"]
    return [path for path in paths if path.exists()]


def run(args: argparse.Namespace) -> int:
    """The `serve` command."""
    return serve_site(args.lang, args.port)


def serve_site(lang: str, port: int, *, source_root: Path = SOURCE_ROOT, translations: Path = TRANSLATIONS,
               work_dir: Path = GENERATED) -> int:
    """Serve one language with live reload on 127.0.0.1:`port` until interrupted."""
    from tools.build import CONFIG_FILE, language_overrides
    from tools.pages import generate_language, load_config_dict, load_documents, load_labels, load_settings

    if lang != "zh":
        sys.modules["jieba"] = None  # type: ignore[assignment]  # as in the build: jieba is for Chinese only
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    for name in ("mkdocs", "annotated_ppo"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    log = logging.getLogger("mkdocs.serve")

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError
    from mkdocs.livereload import LiveReloadServer, _serve_url

    docs_dir = work_dir / lang
    site_dir = Path(tempfile.mkdtemp(prefix=f"annotated-ppo-{lang}-"))
    mount_path = ""

    def builder() -> None:
        nonlocal mount_path
        try:
            config_data = load_config_dict(CONFIG_FILE)
            settings, labels = load_settings(config_data), load_labels()
            generated = generate_language(lang, load_documents(source_root), docs_dir, settings, labels,
                                          translations)
            for warning in generated.warnings:
                log.warning("%s", warning)
            overrides = language_overrides(config_data, lang, docs_dir=docs_dir, site_dir=site_dir,
                                           nav=generated.nav, labels=labels[lang], languages=settings.languages,
                                           translations=translations, source_root=source_root)
            overrides["strict"] = False
            overrides["dev_addr"] = f"127.0.0.1:{port}"
            config = load_config(config_file=str(CONFIG_FILE), **copy.deepcopy(overrides))
        except UserError as error:
            log.error("%s", error)
            return
        except (Abort, ConfigurationError) as error:
            log.error("configuration: %s", error)
            return
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = _serve_url("127.0.0.1", port, mount_path)
        config.site_url = serve_url
        try:
            build(config, serve_url=serve_url)
        except Abort as error:
            log.error("build failed: %s", error)

    builder()  # the first build also tells the server where the site is mounted
    server = LiveReloadServer(builder=builder, host="127.0.0.1", port=port, root=str(site_dir),
                              mount_path=mount_path or "/")
    for path in watched_paths(lang, source_root, translations):
        server.watch(str(path))
    print(f"Previewing '{lang}' at http://127.0.0.1:{port}{mount_path} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0
