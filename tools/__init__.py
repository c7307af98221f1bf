"""Tooling that turns the literate reference implementation into translated documentation.

Data flows one way: `reference_impl/*.py` → extract (sections: note + code) → catalogs (`translations/`)
→ translate / validate → page generation (`site/`) → one MkDocs build per language → static site.
"""
