"""One company_id per company: spellings, CIK merges, different companies kept apart."""
from __future__ import annotations

from filingflow.companies import CompanyResolver, normalize_name, pad_cik


def test_normalized_spellings_match():
    assert normalize_name("APARTMENT INVESTMENT & MANAGEMENT CO") == "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
    assert normalize_name("Apartment Investment and Management Company") == "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
    assert normalize_name("PRODUCTIVITY TECHNOLOGIES CORP /DE") == "PRODUCTIVITY TECHNOLOGIES CORPORATION"
    assert normalize_name("Acme, Inc.") == normalize_name("ACME INC") == "ACME INCORPORATED"
    assert normalize_name("") is None and normalize_name(None) is None


def test_pad_cik():
    assert pad_cik("922864") == "0000922864"
    assert pad_cik(" 0000922864 ") == "0000922864"
    assert pad_cik("0") is None and pad_cik(None) is None


def test_seed_spellings_resolve_to_one_company():
    resolver = CompanyResolver()
    a = resolver.resolve({"name": "APARTMENT INVESTMENT & MANAGEMENT CO", "ticker": "AIV"})
    b = resolver.resolve({"name": "APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "sec_file_number": "1-13232",
                          "irs_number": "84-1259577"})
    assert a == b == "name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY"


def test_a_cik_arriving_later_merges_the_name_only_company():
    resolver = CompanyResolver()
    early = resolver.resolve({"name": "Apartment Investment & Management Co", "sec_file_number": "1-13232"})
    later = resolver.resolve({"name": "AIMCO PROPERTIES", "cik": "922864", "sec_file_number": "1-13232"})
    assert later == "cik:0000922864"
    assert resolver.merges == {early: later}
    # After the merge, the old spelling resolves to the CIK company.
    assert resolver.resolve({"name": "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"}) == later


def test_similar_names_with_different_ciks_stay_apart():
    resolver = CompanyResolver()
    one = resolver.resolve({"name": "XYZ HOLDINGS", "cik": "1000001"})
    two = resolver.resolve({"name": "XYZ Holdings", "cik": "1000002"})
    assert one == "cik:0001000001" and two == "cik:0001000002"
    assert resolver.merges == {}
    # A mention without CIK whose name fits both is not forced onto either.
    assert resolver.resolve({"name": "XYZ HOLDINGS"}) not in (one, two)


def test_a_learned_company_keeps_its_cik_whichever_of_its_mentions_comes_first():
    """A stored company whose mentions include one without a CIK (filed with CIK 0) is still a CIK
    company: a new CIK mention of the same name must not absorb it, in any learning order."""
    with_cik = {"cik": "0000000001", "name": "ALPHA CORP"}
    without = {"cik": "0000000000", "name": "ALPHA CORP"}
    for order in ((with_cik, without), (without, with_cik)):
        resolver = CompanyResolver()
        for mention in order:
            resolver.learn("cik:0000000001", mention)
        assert resolver.resolve({"cik": "0000000099", "name": "ALPHA CORP"}) == "cik:0000000099"
        assert resolver.merges == {}
