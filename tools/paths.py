"""Where things live in the repository, in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_ROOT = ROOT / "reference_impl"  # the literate code: the content of the site
TRANSLATIONS = ROOT / "translations"  # translations/<lang>/<path in reference_impl>.json
SITE = ROOT / "site"  # hand-written MkDocs content and overrides; generated pages go to site/generated/
CONFIG_FILE = ROOT / "mkdocs.yml"  # the site's configuration (English); the build derives one per language
LABELS_FILE = SITE / "labels.yml"  # the site's own words per language
GENERATED = SITE / "generated"  # generated pages, one docs folder per language (git-ignored)
