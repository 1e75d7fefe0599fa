"""Data Docs offline: every remote asset a page loads is rewritten to a copy in the docs folder."""
from __future__ import annotations

from conftest import SEED_FORM4
from expectations.offline_docs import ASSETS_DIR, REMOTE_ASSETS, VENDOR, make_offline, remote_assets
from expectations.runner import validate
from filingflow.schema import TABLES
from tests.support.validation_runs import read_rows


def test_every_known_asset_is_kept_with_a_licence():
    for local in REMOTE_ASSETS.values():
        assert (ASSETS_DIR / local).is_file(), local
        package = ASSETS_DIR / local.split("/")[0]
        assert list(package.glob("LICENSE*")), f"{package.name} has no licence file"


def test_page_tags_point_at_the_copies(tmp_path):
    page = tmp_path / "validations" / "suite" / "run" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" '
        'integrity="sha384-abc" crossorigin="anonymous"></script>\n'
        '<a href="https://greatexpectations.io">GX</a>\n'
        '<script src="https://example.org/unknown.js"></script>\n')
    assert make_offline(tmp_path) == 1
    text = page.read_text()
    assert '<link rel="stylesheet" href="../../../static/vendor/bootstrap/css/bootstrap.min.css"/>' in text
    assert '<script src="../../../static/vendor/bootstrap/js/bootstrap.min.js"></script>' in text
    assert '<a href="https://greatexpectations.io">GX</a>' in text  # a link to follow, not an asset loaded
    assert remote_assets(text) == ["https://example.org/unknown.js"]  # unknown: left, and listed
    assert (tmp_path / VENDOR / "bootstrap" / "css" / "bootstrap.min.css").is_file()
    assert make_offline(tmp_path) == 0  # a second pass changes nothing


def test_built_data_docs_load_nothing_from_the_network(tmp_path):
    rows = read_rows(SEED_FORM4)
    docs = tmp_path / "dq"
    validation = validate({name: TABLES[name].to_arrow(r) for name, r in rows.items()}, "offline-test", docs)
    assert validation.docs_index == docs / "index.html"
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) > 3  # the index, suites and validation results
    for page in pages:
        if page.is_relative_to(docs / VENDOR):
            continue
        assert remote_assets(page.read_text(encoding="utf-8")) == [], page
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert 'src="static/vendor/jquery/jquery.min.js"' in index
    assert "offline-test" in index
