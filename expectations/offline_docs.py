"""Data Docs that open offline: the pages Great Expectations renders load their style sheets,
scripts and fonts from public CDNs; these are copied into the Data Docs folder (`static/vendor/`,
from the assets kept beside this module with their licences) and the pages pointed at the copies."""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "data_docs_assets"
VENDOR = Path("static") / "vendor"

# Every remote asset the pages of great-expectations 1.24.1 load, and its copy under ASSETS_DIR.
REMOTE_ASSETS: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/js/bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js",
    # The pages ask for the 1.19.0 style sheet of the extension, minified or not: the 1.19.1 one is the same.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/css/bootstrap-datepicker.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/vega-embed.min.js",
}
# A <script> or <link> tag (no '>' inside a tag's attributes as GX writes them: linear to match).
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_URL_ATTR = re.compile(r"""\b(src|href)=(["'])(https?://[^"']*)\2""", re.IGNORECASE)
# Subresource integrity and CORS mode: a page opened from file:// has no origin, and Chromium refuses
# a crossorigin request for a local file; the copies are the files those hashes name.
_CORS_ATTRS = re.compile(r"""\s(?:integrity|crossorigin)(?:=(["'])[^"']*\1)?""", re.IGNORECASE)


def remote_assets(html: str) -> list[str]:
    """The URLs a page's <script> and <link> tags load from the network."""
    return [m.group(3) for tag in _TAG.finditer(html) for m in _URL_ATTR.finditer(tag.group(0))]


def make_offline(docs_dir: Path, pages: Iterable[Path] | None = None) -> int:
    """Copy the assets into `docs_dir` and point its pages (`pages`, or every page) at them; returns
    the pages changed. A page naming a remote asset this module does not know keeps it (a new GX
    version): the Data Docs test lists such assets."""
    shutil.copytree(ASSETS_DIR, docs_dir / VENDOR, dirs_exist_ok=True, copy_function=_copy_if_changed,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    changed = 0
    for page in docs_dir.rglob("*.html") if pages is None else pages:
        if page.is_relative_to(docs_dir / VENDOR):
            continue
        text = page.read_text(encoding="utf-8")
        if "://" not in text:
            continue
        to_vendor = Path(os.path.relpath(docs_dir / VENDOR, page.parent)).as_posix()
        new = _TAG.sub(lambda tag: _localize_tag(tag.group(0), to_vendor), text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def _copy_if_changed(source: str, target: str) -> str:
    """A run rebuilds the Data Docs: the 3 MB of assets are copied once, not every run."""
    if not os.path.exists(target) or os.path.getsize(target) != os.path.getsize(source):
        shutil.copy2(source, target)
    return target


def _localize_tag(tag: str, to_vendor: str) -> str:
    local = None

    def swap(match: re.Match) -> str:
        nonlocal local
        local = REMOTE_ASSETS.get(match.group(3))
        if local is None:
            return match.group(0)
        return f"{match.group(1)}={match.group(2)}{to_vendor}/{local}{match.group(2)}"

    tag = _URL_ATTR.sub(swap, tag)
    return _CORS_ATTRS.sub("", tag) if local is not None else tag
