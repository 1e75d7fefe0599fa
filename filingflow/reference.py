"""Code lists the SEC defines, kept once and loaded as reference tables."""
from __future__ import annotations

# (code, category, meaning, usual direction: A acquires, D disposes, None either way)
TRANSACTION_CODES: tuple[tuple[str, str, str, str | None], ...] = (
    ("P", "general", "Open market or private purchase of non-derivative or derivative security", "A"),
    ("S", "general", "Open market or private sale of non-derivative or derivative security", "D"),
    ("V", "general", "Transaction voluntarily reported earlier than required", None),
    ("A", "rule_16b3", "Grant, award or other acquisition pursuant to Rule 16b-3(d)", "A"),
    ("D", "rule_16b3", "Disposition to the issuer of issuer equity securities pursuant to Rule 16b-3(e)", "D"),
    ("F", "rule_16b3", "Payment of exercise price or tax liability by delivering or withholding securities incident to the receipt, exercise or vesting of a security issued in accordance with Rule 16b-3", "D"),
    ("I", "rule_16b3", "Discretionary transaction in accordance with Rule 16b-3(f) resulting in acquisition or disposition of issuer securities", None),
    ("M", "rule_16b3", "Exercise or conversion of derivative security exempted pursuant to Rule 16b-3", None),
    ("C", "derivative", "Conversion of derivative security", None),
    ("E", "derivative", "Expiration of short derivative position", "D"),
    ("H", "derivative", "Expiration (or cancellation) of long derivative position with value received", "D"),
    ("O", "derivative", "Exercise of out-of-the-money derivative security", None),
    ("X", "derivative", "Exercise of in-the-money or at-the-money derivative security", None),
    ("G", "other", "Bona fide gift", None),
    ("L", "other", "Small acquisition under Rule 16a-6", "A"),
    ("W", "other", "Acquisition or disposition by will or the laws of descent and distribution", None),
    ("Z", "other", "Deposit into or withdrawal from voting trust", None),
    ("J", "other", "Other acquisition or disposition (describe transaction)", None),
    ("K", "other", "Transaction in equity swap or instrument with similar characteristics", None),
    ("U", "other", "Disposition pursuant to a tender of shares in a change of control transaction", "D"),
)
TRANSACTION_CODE_SET = frozenset(code for code, *_ in TRANSACTION_CODES)
CODE_DIRECTION = {code: direction for code, _, _, direction in TRANSACTION_CODES}

# Codes that exercise or convert a derivative: in Table II the derivative is disposed of.
EXERCISE_CODES = frozenset({"M", "X", "C", "O"})

# 8-K items. Pre-2004 numbering (in force until 2004-08-23) maps onto the current one.
EIGHT_K_ITEMS_CURRENT: tuple[tuple[str, str], ...] = (
    ("1.01", "Entry into a Material Definitive Agreement"),
    ("1.02", "Termination of a Material Definitive Agreement"),
    ("1.03", "Bankruptcy or Receivership"),
    ("1.04", "Mine Safety - Reporting of Shutdowns and Patterns of Violations"),
    ("1.05", "Material Cybersecurity Incidents"),
    ("2.01", "Completion of Acquisition or Disposition of Assets"),
    ("2.02", "Results of Operations and Financial Condition"),
    ("2.03", "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement of a Registrant"),
    ("2.04", "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement"),
    ("2.05", "Costs Associated with Exit or Disposal Activities"),
    ("2.06", "Material Impairments"),
    ("3.01", "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; Transfer of Listing"),
    ("3.02", "Unregistered Sales of Equity Securities"),
    ("3.03", "Material Modification to Rights of Security Holders"),
    ("4.01", "Changes in Registrant's Certifying Accountant"),
    ("4.02", "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or Completed Interim Review"),
    ("5.01", "Changes in Control of Registrant"),
    ("5.02", "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers; Compensatory Arrangements of Certain Officers"),
    ("5.03", "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year"),
    ("5.04", "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans"),
    ("5.05", "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics"),
    ("5.06", "Change in Shell Company Status"),
    ("5.07", "Submission of Matters to a Vote of Security Holders"),
    ("5.08", "Shareholder Director Nominations"),
    ("6.01", "ABS Informational and Computational Material"),
    ("6.02", "Change of Servicer or Trustee"),
    ("6.03", "Change in Credit Enhancement or Other External Support"),
    ("6.04", "Failure to Make a Required Distribution"),
    ("6.05", "Securities Act Updating Disclosure"),
    ("6.06", "Static Pool"),
    ("6.10", "Alternative Filings of Asset-Backed Issuers"),
    ("7.01", "Regulation FD Disclosure"),
    ("8.01", "Other Events"),
    ("9.01", "Financial Statements and Exhibits"),
)
EIGHT_K_ITEMS_PRE_2004: tuple[tuple[str, str, str], ...] = (
    ("1", "Changes in Control of Registrant", "5.01"),
    ("2", "Acquisition or Disposition of Assets", "2.01"),
    ("3", "Bankruptcy or Receivership", "1.03"),
    ("4", "Changes in Registrant's Certifying Accountant", "4.01"),
    ("5", "Other Events", "8.01"),
    ("6", "Resignations of Registrant's Directors", "5.02"),
    ("7", "Financial Statements, Pro Forma Financial Information and Exhibits", "9.01"),
    ("8", "Change in Fiscal Year", "5.03"),
    ("9", "Regulation FD Disclosure", "7.01"),
    ("10", "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics", "5.05"),
    ("11", "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans", "5.04"),
    ("12", "Results of Operations and Financial Condition", "2.02"),
)
CURRENT_ITEM_TITLES = dict(EIGHT_K_ITEMS_CURRENT)
PRE_2004_ITEMS = {code: (title, current) for code, title, current in EIGHT_K_ITEMS_PRE_2004}


def reference_rows() -> dict[str, list[dict]]:
    """Rows of the reference tables, keyed by table name."""
    return {
        "transaction_codes": [
            {"code": c, "category": cat, "meaning": m, "direction": d} for c, cat, m, d in TRANSACTION_CODES
        ],
        "eight_k_items": [
            {"code": c, "title": t, "numbering_era": "current", "current_code": c} for c, t in EIGHT_K_ITEMS_CURRENT
        ]
        + [
            {"code": c, "title": t, "numbering_era": "pre_2004", "current_code": cur}
            for c, t, cur in EIGHT_K_ITEMS_PRE_2004
        ],
    }
