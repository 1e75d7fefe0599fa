"""Companies across runs in the warehouse: CIK merges, look-alike names kept
apart, entity reporting owners resolved, every spelling in company_names."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder
from filingflow.companies import is_entity_name
from flows.pipeline import nightly
from tests.support.handmade import eight_k_text, submission
from tests.support.pipeline_runs import rows, settings_for

TWO_OWNERS = ROOT / "tests" / "support" / "fixtures" / "ownership_text_form4a_two_owners.txt"


@pytest.mark.parametrize("name", [
    "SVF II Holdings (DE) LLC", "SVF II Aggregator (Jersey) L.P.", "Societe des Produits Nestle S.A.",
    "Silver Brick Management PTE. LTD.", "SMITH FAMILY TRUST", "XYZ CAPITAL PARTNERS", "ACME FUND I",
    "J.P. MORGAN CHASE & CO.", "Berkshire Hathaway Inc",
])
def test_entity_names(name):
    assert is_entity_name(name)


@pytest.mark.parametrize("name", [
    "HERZOG THOMAS M", "Van Doren Richard D. Jr.", "Maginnis Gerald J.", "THIBAUD DIDIER M C", "SMITH JANE A",
    "Wilson-Thompson Kathleen", "", None,
])
def test_person_names(name):
    assert not is_entity_name(name)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)


def test_a_cik_in_a_later_run_merges_the_name_only_company(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    name = "XYZ WIDGETS CORPORATION"
    _write(inputs, "early.txt", eight_k_text(name, dt.date(2010, 1, 4), [
        ("8.01", "Other Events", "The company opened a plant in Ohio.")], file_no="1-55555"))
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    assert rows(settings.warehouse, "SELECT company_id, cik FROM companies") == [("name:XYZ WIDGETS CORPORATION", None)]

    later = eight_k_text(name, dt.date(2010, 3, 1), [("8.01", "Other Events", "The company closed a plant in Iowa.")],
                         file_no="1-55555")
    _write(inputs, "later.txt", submission("0000123456-10-000001", "0000123456", name, dt.date(2010, 3, 1),
                                           dt.date(2010, 3, 2), later, former="XYZ GADGETS INC"))
    summary = nightly(settings)
    assert summary.filings_loaded == 1
    assert rows(settings.warehouse, "SELECT company_id, cik, name, filing_count FROM companies") == [
        ("cik:0000123456", "0000123456", name, 2)]
    assert rows(settings.warehouse, "SELECT DISTINCT company_id FROM filings") == [("cik:0000123456",)]
    assert rows(settings.warehouse, "SELECT DISTINCT company_id FROM filing_companies") == [("cik:0000123456",)]
    names = rows(settings.warehouse, """
        SELECT c.company_id, c.name, c.is_former_name, f.accession_number, c.first_seen, c.last_seen, c.filing_count
        FROM company_names c JOIN filings f ON f.filing_id = c.source_filing_id ORDER BY c.name""")
    assert names == [
        ("cik:0000123456", "XYZ GADGETS INC", True, "0000123456-10-000001", dt.date(2010, 3, 2), dt.date(2010, 3, 2), 1),
        # first seen in the run-1 filing, which has no accession number
        ("cik:0000123456", name, False, None, dt.date(2010, 1, 4), dt.date(2010, 3, 2), 2),
    ]


def test_look_alike_holdings_with_different_ciks_stay_apart(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    for n, cik in enumerate(("0001000001", "0001000002"), start=1):
        doc = eight_k_text("XYZ HOLDINGS INC", dt.date(2011, 6, n), [("8.01", "Other Events", f"Event number {n}.")],
                           file_no=f"1-0000{n}", irs=f"11-111111{n}")
        _write(inputs, f"xyz{n}.txt", submission(f"{cik}-11-00000{n}", cik, "XYZ HOLDINGS INC", dt.date(2011, 6, n),
                                                 dt.date(2011, 6, n + 1), doc))
    _write(inputs, "nocik.txt", eight_k_text("XYZ Holdings, Inc.", dt.date(2011, 7, 1), [
        ("8.01", "Other Events", "Event without a CIK.")], file_no="1-99999", irs="22-2222222"))
    settings = settings_for(tmp_path, inputs)
    assert nightly(settings).filings_loaded == 3
    assert rows(settings.warehouse, "SELECT company_id, cik FROM companies ORDER BY 1") == [
        ("cik:0001000001", "0001000001"), ("cik:0001000002", "0001000002"), ("name:XYZ HOLDINGS INCORPORATED", None)]
    assert rows(settings.warehouse, "SELECT accession_number, company_id FROM filings ORDER BY 1") == [
        ("0001000001-11-000001", "cik:0001000001"), ("0001000002-11-000002", "cik:0001000002"),
        (None, "name:XYZ HOLDINGS INCORPORATED")]


def test_entity_owners_get_company_ids_people_do_not(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, TWO_OWNERS, SEED_FORM4)
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    owners = rows(settings.warehouse, "SELECT owner_name, company_id FROM reporting_owners ORDER BY owner_name")
    assert owners == [("HERZOG THOMAS M", None), ("SMITH FAMILY TRUST", "name:SMITH FAMILY TRUST"),
                      ("SMITH JANE A", None)]
    assert rows(settings.warehouse, "SELECT company_id, name, filing_count FROM companies ORDER BY 1") == [
        ("name:ACME WIDGETS INCORPORATED", "ACME WIDGETS INC", 1),
        ("name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "APARTMENT INVESTMENT & MANAGEMENT CO", 1),
        ("name:SMITH FAMILY TRUST", "SMITH FAMILY TRUST", 1)]


def test_seed_spellings_are_company_names(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    assert rows(settings.warehouse, "SELECT DISTINCT company_id FROM filings") == [
        ("name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY",)]
    assert rows(settings.warehouse, """
        SELECT company_id, name, is_former_name, first_seen, last_seen, filing_count FROM company_names ORDER BY name""") == [
        ("name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "APARTMENT INVESTMENT & MANAGEMENT CO", False,
         dt.date(2007, 5, 14), dt.date(2007, 5, 14), 1),
        ("name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "APARTMENT INVESTMENT AND MANAGEMENT COMPANY", False,
         dt.date(2002, 7, 29), dt.date(2002, 7, 29), 1)]
