"""The dashboard page and its assets, kept as Python text so that every install ships them
(package data needs a pyproject entry; modules do not). Nothing is loaded from another site."""

from __future__ import annotations

from credsim.web.assets.page import INDEX_HTML
from credsim.web.assets.script_form import FORM_JS
from credsim.web.assets.script_runs import RUNS_JS
from credsim.web.assets.style import STYLE_CSS

__all__ = ["FILES", "INDEX_HTML"]

FILES = {
    "style.css": (STYLE_CSS, "text/css; charset=utf-8"),
    "form.js": (FORM_JS, "text/javascript; charset=utf-8"),
    "runs.js": (RUNS_JS, "text/javascript; charset=utf-8"),
}
"""File name under /static/ -> (text, media type)."""
