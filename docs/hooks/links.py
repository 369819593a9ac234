"""MkDocs hooks for credsim's documentation site: links that work on both sides.

The docs are written to be read in the repository too, so they link to files outside `docs/`
(scenarios, benchmarks) and the tutorial notebook links to pages by their `.md` names. On the site,
a link outside `docs/` names the repository path instead (or points into `repo_url` when the site
has one), and a notebook's `.md` links point at the built pages.
"""

from __future__ import annotations

import logging
import posixpath
import re

log = logging.getLogger("mkdocs.plugins.credsim")

_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
_HREF = re.compile(r'href="(?P<target>[^":#?]+\.md)(?P<anchor>#[^"]*)?"')


def _outside_docs(page_src: str, target: str) -> str | None:
    """The repository path a relative link points to, if it leaves `docs/`; else None."""
    if "://" in target or target.startswith(("#", "/", "mailto:")):
        return None
    path = target.split("#", 1)[0]
    joined = posixpath.normpath(posixpath.join("docs", posixpath.dirname(page_src), path))
    if joined.startswith("docs/") or joined == "docs":
        return None
    return joined + ("/" if path.endswith("/") else "")


def on_page_markdown(markdown, page, config, files):
    """Links to repository files outside `docs/`: into `repo_url` if set, else their path."""
    repo = (config.get("repo_url") or "").rstrip("/")

    def replace(match: re.Match) -> str:
        text, target = match["text"], match["target"]
        path = _outside_docs(page.file.src_uri, target)
        if path is None:
            return match[0]
        if repo:
            return f"[{text}]({repo}/blob/main/{path})"
        if text.strip("`").rstrip("/") == path.rstrip("/"):
            return text
        return f"{text} (`{path}` in the repository)"

    return _MD_LINK.sub(replace, markdown)


def on_page_content(html, page, config, files):
    """A notebook's links to `.md` pages point at the built pages (Markdown pages need nothing)."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def replace(match: re.Match) -> str:
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(page.file.src_uri), match["target"])
        )
        linked = files.get_file_from_path(target)
        if linked is None:
            log.warning("%s links to %s, not a page of the site", page.file.src_uri, target)
            return match[0]
        return f'href="{linked.url_relative_to(page.file)}{match["anchor"] or ""}"'

    return _HREF.sub(replace, html)
