"""EDGAR's current HTML page of a Form 3/4/5 (the page EDGAR serves at .../xslF345X05/form4.xml),
built from the ownership XML for tests.

The structure is EDGAR's: a "SEC Form N" header table; the form box, title and OMB box;
check boxes ("Check this box if no longer subject to Section 16", the Rule 10b5-1(c) box,
Form 5's "Form 3 Holdings Reported" / "Form 4 Transactions Reported"); the three-column cover
(owner name linked to its EDGAR page, address lines over "(Street)", city / state / zip cells
over "(City) (State) (Zip)"; issuer name linked, ticker in brackets; the relationship box with
an X in the cell before each role and the title below); Tables I and II in <thead>/<tbody>
with numbered column headings and sub-headings, values in `<span class="FormData">`, marks as
`<span class="FootnoteData"><sup>(N)</sup></span>`; every reporting owner printed again after
Table II when there are several; then one table with "Explanation of Responses:" (footnotes as
"N. text"), "Remarks:", the signature rows and "** Signature of Reporting Person" / "Date".

It reads the XML itself (not through the reader under test) and prints values as written:
dates as MM/DD/YYYY, numbers with thousands separators and every decimal written."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape

from lxml import etree

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
_CIK_URL = "/cgi-bin/browse-edgar?action=getcompany&amp;CIK="


def _root(xml_text: str):
    start = xml_text.index("<ownershipDocument")
    end = xml_text.rindex("</ownershipDocument>") + len("</ownershipDocument>")
    return etree.fromstring(xml_text[start:end].encode("utf-8"), _PARSER)


def _value(element, path: str) -> str:
    """The text of a field: its <value> child when it has one."""
    found = element.find(path) if element is not None else None
    if found is None:
        return ""
    value = found.find("value")
    return " ".join((("".join(value.itertext()) if value is not None else (found.text or "")) or "").split())


def _true(text: str) -> bool:
    return text.strip().lower() in ("1", "true")


def _marks(element, *paths: str) -> str:
    """The footnote marks of the fields at `paths` (every <footnoteId> inside each)."""
    ids = []
    for path in paths:
        for found in element.findall(path):
            ids.extend(f.get("id", "") for f in found.iter("footnoteId"))
    return "".join(f'<span class="FootnoteData"><sup>({escape(i[1:] if i[:1] == "F" else i)})</sup></span>'
                   for i in dict.fromkeys(ids) if i)


# The code cell holds the marks of the code and of the coding itself.
_CODE_MARKS = ("transactionCoding/transactionCode", "transactionCoding/footnoteId")


def _date(text: str) -> str:
    text = text[:10]
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[5:7]}/{text[8:10]}/{text[0:4]}"
    return text


def _number(text: str) -> str:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return escape(text)
    sign, whole, _, fraction = "-" if value < 0 else "", text.lstrip("+-").replace(",", ""), "", ""
    if "." in whole:
        whole, fraction = whole.split(".", 1)
        fraction = "." + fraction
    return sign + f"{int(whole or '0'):,}" + fraction


def _data(text: str, cls: str = "FormData") -> str:
    return f'<span class="{cls}">{escape(text)}</span>' if text else ""


def _cell(content: str, align: str = "center") -> str:
    return f'<td align="{align}">{content}</td>'


def _field(row, path: str, kind: str = "text", marks: tuple[str, ...] = ()) -> str:
    text = _value(row, path)
    if kind == "date":
        shown = _data(_date(text))
    elif kind == "number":
        shown = _data(_number(text)) if text else ""
    elif kind == "price":
        shown = '<span class="FormText">$</span>' + _data(_number(text)) if text else ""
    else:
        shown = _data(text)
    return shown + _marks(row, path, *marks)


def _check(checked: bool, caption: str) -> str:
    mark = '<span class="FormData">X</span>' if checked else ""
    return (f'<tr><td width="3%" style="border: 1px solid black">{mark}</td>'
            f'<td class="FormText">{caption}</td></tr>')


def _owner_box(owner, label: str) -> str:
    cik = _value(owner, "reportingOwnerId/rptOwnerCik")
    name = escape(_value(owner, "reportingOwnerId/rptOwnerName"))
    link = f'<a href="{_CIK_URL}{escape(cik)}">{name}</a>' if cik else name
    streets = [s for s in (_value(owner, "reportingOwnerAddress/rptOwnerStreet1"),
                           _value(owner, "reportingOwnerAddress/rptOwnerStreet2")) if s]
    place = [_value(owner, f"reportingOwnerAddress/rptOwner{p}") for p in ("City", "State", "ZipCode")]
    return (f'<span class="MedSmallFormText">{label}</span><sup>*</sup>'
            f'<table border="0" width="100%"><tr><td>{link}</td></tr></table><hr width="98%" size="1">'
            '<table border="0" width="100%"><tr><td class="MedSmallFormText" width="33%">(Last)</td>'
            '<td class="MedSmallFormText" width="33%">(First)</td><td class="MedSmallFormText" width="33%">(Middle)</td>'
            '</tr></table><table border="0" width="100%">'
            + "".join(f"<tr><td>{_data(s)}</td></tr>" for s in streets) +
            '</table><hr width="98%" size="1"><table border="0" width="100%"><tr><td class="MedSmallFormText">'
            '(Street)</td></tr></table><table border="0" width="100%"><tr>'
            + "".join(f'<td width="33%">{_data(p)}</td>' for p in place) +
            '</tr></table><hr width="98%" size="1"><table border="0" width="100%"><tr>'
            '<td class="MedSmallFormText" width="33%">(City)</td><td class="MedSmallFormText" width="33%">(State)</td>'
            '<td class="MedSmallFormText" width="33%">(Zip)</td></tr></table>')


def _relationship_box(owner, label: str, check_all: bool) -> str:
    rel = "reportingOwnerRelationship/"

    def box(flag: str) -> str:
        return ('<td align="center" width="15%">' + ('<span class="FormData">X</span>' if _true(_value(owner, rel + flag))
                                                     else "") + "</td>")

    titles = [t for t in (_value(owner, rel + "officerTitle"), _value(owner, rel + "otherText")) if t]
    return (f'<span class="MedSmallFormText">{label}</span>'
            + ('<br><span class="MedSmallFormText">(Check all applicable)</span>' if check_all else "")
            + '<table border="0" width="100%"><tr>' + box("isDirector")
            + '<td width="35%" class="MedSmallFormText">Director</td>' + box("isTenPercentOwner")
            + '<td width="35%" class="MedSmallFormText">10% Owner</td></tr><tr>' + box("isOfficer")
            + '<td width="35%" class="MedSmallFormText">Officer (give title below)</td>' + box("isOther")
            + '<td width="35%" class="MedSmallFormText">Other (specify below)</td></tr>'
            + (f'<tr><td></td><td align="center" colspan="3" class="FormData" style="color: blue">'
               f'{escape(" / ".join(titles))}</td></tr>' if titles else "")
            + "</table>")


_TITLES = {"3": "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP OF SECURITIES",
           "4": "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP",
           "5": "ANNUAL STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP"}


def _headings(rows: list[list[tuple[str, int, int]]]) -> str:
    out = []
    for row in rows:
        out.append("<tr>" + "".join(
            f'<th{f" rowspan={chr(34)}{rs}{chr(34)}" if rs > 1 else ""}{f" colspan={chr(34)}{cs}{chr(34)}" if cs > 1 else ""}'
            f' class="MedSmallFormText">{text}</th>' for text, rs, cs in row) + "</tr>")
    return "".join(out)


def _table_i(root, form: str) -> str:
    table = root.find("nonDerivativeTable")
    rows = list(table) if table is not None else []
    if form == "3":
        heading = "Table I - Non-Derivative Securities Beneficially Owned"
        head = [[("1. Title of Security (Instr. 4)", 1, 1), ("2. Amount of Securities Beneficially Owned (Instr. 4)", 1, 1),
                 ("3. Ownership Form: Direct (D) or Indirect (I) (Instr. 5)", 1, 1),
                 ("4. Nature of Indirect Beneficial Ownership (Instr. 5)", 1, 1)]]
        width = 4
        body = ["<tr>" + _cell(_field(r, "securityTitle"), "left")
                + _cell(_field(r, "postTransactionAmounts/sharesOwnedFollowingTransaction", "number"))
                + _cell(_field(r, "ownershipNature/directOrIndirectOwnership"))
                + _cell(_field(r, "ownershipNature/natureOfOwnership"), "left") + "</tr>"
                for r in rows if r.tag in ("nonDerivativeHolding", "nonDerivativeTransaction")]
    else:
        heading = "Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned"
        owned = ("5. Amount of Securities Beneficially Owned at end of Issuer's Fiscal Year (Instr. 3 and 4)" if form == "5"
                 else "5. Amount of Securities Beneficially Owned Following Reported Transaction(s) (Instr. 3 and 4)")
        code_cols = 1 if form == "5" else 2
        head = [[("1. Title of Security (Instr. 3)", 2, 1), ("2. Transaction Date (Month/Day/Year)", 2, 1),
                 ("2A. Deemed Execution Date, if any (Month/Day/Year)", 2, 1),
                 ("3. Transaction Code (Instr. 8)", 2 if form == "5" else 1, code_cols),
                 ("4. Securities Acquired (A) or Disposed Of (D) (Instr. 3, 4 and 5)", 1, 3), (owned, 2, 1),
                 ("6. Ownership Form: Direct (D) or Indirect (I) (Instr. 4)", 2, 1),
                 ("7. Nature of Indirect Beneficial Ownership (Instr. 4)", 2, 1)],
                ([("Code", 1, 1), ("V", 1, 1)] if form != "5" else []) + [("Amount", 1, 1), ("(A) or (D)", 1, 1),
                                                                         ("Price", 1, 1)]]
        width = 10 + code_cols - 1
        body = []
        for r in rows:
            if r.tag not in ("nonDerivativeHolding", "nonDerivativeTransaction"):
                continue
            code = _data(_value(r, "transactionCoding/transactionCode"), "SmallFormData") + _marks(r, *_CODE_MARKS)
            cells = [_cell(_field(r, "securityTitle"), "left"), _cell(_field(r, "transactionDate", "date")),
                     _cell(_field(r, "deemedExecutionDate", "date")), _cell(code)]
            if form != "5":
                cells.append(_cell(_marks(r, "transactionTimeliness")))
            cells += [_cell(_field(r, "transactionAmounts/transactionShares", "number")),
                      _cell(_field(r, "transactionAmounts/transactionAcquiredDisposedCode")),
                      _cell(_field(r, "transactionAmounts/transactionPricePerShare", "price"), "right"),
                      _cell(_field(r, "postTransactionAmounts/sharesOwnedFollowingTransaction", "number")),
                      _cell(_field(r, "ownershipNature/directOrIndirectOwnership")),
                      _cell(_field(r, "ownershipNature/natureOfOwnership"), "left")]
            body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table width="100%" border="1" cellspacing="0" cellpadding="4"><thead>'
            f'<tr><th colspan="{width}" class="FormTextC">{heading}</th></tr>' + _headings(head)
            + "</thead><tbody>" + "".join(body) + "</tbody></table>")


def _table_ii(root, form: str) -> str:
    table = root.find("derivativeTable")
    rows = [r for r in (list(table) if table is not None else [])
            if r.tag in ("derivativeHolding", "derivativeTransaction")]
    underlying = [("Title", 1, 1), ("Amount or Number of Shares", 1, 1)]
    dates = [("Date Exercisable", 1, 1), ("Expiration Date", 1, 1)]
    if form == "3":
        heading = "Table II - Derivative Securities Beneficially Owned"
        head = [[("1. Title of Derivative Security (Instr. 4)", 2, 1),
                 ("2. Date Exercisable and Expiration Date (Month/Day/Year)", 1, 2),
                 ("3. Title and Amount of Securities Underlying Derivative Security (Instr. 4)", 1, 2),
                 ("4. Conversion or Exercise Price of Derivative Security", 2, 1),
                 ("5. Ownership Form: Direct (D) or Indirect (I) (Instr. 5)", 2, 1),
                 ("6. Nature of Indirect Beneficial Ownership (Instr. 5)", 2, 1)], dates + underlying]
        width = 8
        body = ["<tr>" + _cell(_field(r, "securityTitle"), "left") + _cell(_field(r, "exerciseDate", "date"))
                + _cell(_field(r, "expirationDate", "date"))
                + _cell(_field(r, "underlyingSecurity/underlyingSecurityTitle"))
                + _cell(_field(r, "underlyingSecurity/underlyingSecurityShares", "number"))
                + _cell(_field(r, "conversionOrExercisePrice", "price"))
                + _cell(_field(r, "ownershipNature/directOrIndirectOwnership"))
                + _cell(_field(r, "ownershipNature/natureOfOwnership"), "left") + "</tr>" for r in rows]
    else:
        heading = "Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned"
        code_cols = 1 if form == "5" else 2
        head = [[("1. Title of Derivative Security (Instr. 3)", 2, 1),
                 ("2. Conversion or Exercise Price of Derivative Security", 2, 1),
                 ("3. Transaction Date (Month/Day/Year)", 2, 1),
                 ("3A. Deemed Execution Date, if any (Month/Day/Year)", 2, 1),
                 ("4. Transaction Code (Instr. 8)", 2 if form == "5" else 1, code_cols),
                 ("5. Number of Derivative Securities Acquired (A) or Disposed of (D) (Instr. 3, 4 and 5)", 1, 2),
                 ("6. Date Exercisable and Expiration Date (Month/Day/Year)", 1, 2),
                 ("7. Title and Amount of Securities Underlying Derivative Security (Instr. 3 and 4)", 1, 2),
                 ("8. Price of Derivative Security (Instr. 5)", 2, 1),
                 ("9. Number of derivative Securities Beneficially Owned Following Reported Transaction(s) (Instr. 4)",
                  2, 1),
                 ("10. Ownership Form: Direct (D) or Indirect (I) (Instr. 4)", 2, 1),
                 ("11. Nature of Indirect Beneficial Ownership (Instr. 4)", 2, 1)],
                ([("Code", 1, 1), ("V", 1, 1)] if form != "5" else []) + [("(A)", 1, 1), ("(D)", 1, 1)]
                + dates + underlying]
        width = 15 + code_cols - 1
        body = []
        for r in rows:
            letter = _value(r, "transactionAmounts/transactionAcquiredDisposedCode").upper()
            shares = _field(r, "transactionAmounts/transactionShares", "number")
            code = _data(_value(r, "transactionCoding/transactionCode"), "SmallFormData") + _marks(r, *_CODE_MARKS)
            cells = [_cell(_field(r, "securityTitle"), "left"), _cell(_field(r, "conversionOrExercisePrice", "price")),
                     _cell(_field(r, "transactionDate", "date")), _cell(_field(r, "deemedExecutionDate", "date")),
                     _cell(code)]
            if form != "5":
                cells.append(_cell(_marks(r, "transactionTimeliness")))
            cells += [_cell(shares if letter == "A" else ""), _cell(shares if letter == "D" else ""),
                      _cell(_field(r, "exerciseDate", "date")), _cell(_field(r, "expirationDate", "date")),
                      _cell(_field(r, "underlyingSecurity/underlyingSecurityTitle")),
                      _cell(_field(r, "underlyingSecurity/underlyingSecurityShares", "number")),
                      _cell(_field(r, "transactionAmounts/transactionPricePerShare", "price")),
                      _cell(_field(r, "postTransactionAmounts/sharesOwnedFollowingTransaction", "number")),
                      _cell(_field(r, "ownershipNature/directOrIndirectOwnership")),
                      _cell(_field(r, "ownershipNature/natureOfOwnership"), "left")]
            body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table width="100%" border="1" cellspacing="0" cellpadding="4"><thead>'
            f'<tr><th colspan="{width}" class="FormTextC">{heading}<br><span class="FormText">(e.g., puts, calls, '
            'warrants, options, convertible securities)</span></th></tr>' + _headings(head)
            + "</thead><tbody>" + "".join(body) + "</tbody></table>")


def render(xml_text: str) -> str:
    """EDGAR's current HTML page for the ownership XML `xml_text`."""
    root = _root(xml_text)
    document_type = _value(root, "documentType").upper()
    form = document_type[:1]
    owners = root.findall("reportingOwner")
    first = owners[0] if owners else None
    issuer_cik = _value(root, "issuer/issuerCik")
    issuer_name = escape(_value(root, "issuer/issuerName"))
    issuer = (f'<a href="{_CIK_URL}{escape(issuer_cik)}">{issuer_name}</a>' if issuer_cik else issuer_name)
    ticker = _data(_value(root, "issuer/issuerTradingSymbol"))
    period = _data(_date(_value(root, "periodOfReport")))
    original = _data(_date(_value(root, "dateOfOriginalSubmission")))

    checks = []
    if form != "3":
        checks.append(_check(_true(_value(root, "notSubjectToSection16")), "Check this box if no longer subject to "
                             "Section 16. Form 4 or Form 5 obligations may continue. <i>See</i> Instruction 1(b)."))
    if root.find("aff10b5One") is not None:
        checks.append(_check(_true(_value(root, "aff10b5One")), "Check this box to indicate that a transaction was "
                             "made pursuant to a contract, instruction or written plan for the purchase or sale of "
                             "equity securities of the issuer that is intended to satisfy the affirmative defense "
                             "conditions of Rule 10b5-1(c). See Instruction 10."))
    if form == "5":
        checks.append(_check(_true(_value(root, "form3HoldingsReported")), "Form 3 Holdings Reported."))
        checks.append(_check(_true(_value(root, "form4TransactionsReported")), "Form 4 Transactions Reported."))

    numbers = {"3": ("2. Date of Event Requiring Statement", "3.", "4.", "5. If Amendment, Date of Original Filed",
                     "6. Individual or Joint/Group Filing (Check Applicable Line)"),
               "4": ("3. Date of Earliest Transaction", "2.", "5.", "4. If Amendment, Date of Original Filed",
                     "6. Individual or Joint/Group Filing (Check Applicable Line)"),
               "5": ("3. Statement for Issuer's Fiscal Year Ended", "2.", "5.", "4. If Amendment, Date of Original Filed",
                     "6. Individual or Joint/Group Reporting (check applicable line)")}[form]
    period_label, issuer_number, relationship_number, amendment_label, joint_label = numbers
    joint = ('<table border="0" width="100%"><tr><td width="5%" align="center">'
             + ('<span class="FormData">X</span>' if len(owners) == 1 else "")
             + '</td><td class="MedSmallFormText">Form filed by One Reporting Person</td></tr>'
             '<tr><td width="5%" align="center">' + ('<span class="FormData">X</span>' if len(owners) > 1 else "")
             + '</td><td class="MedSmallFormText">Form filed by More than One Reporting Person</td></tr></table>')
    form_name = "FORM " + document_type
    cover = (
        '<table width="100%" border="1" cellspacing="0" cellpadding="4"><tr>'
        '<td rowspan="3" width="35%" valign="top">'
        + (_owner_box(first, "1. Name and Address of Reporting Person") if first is not None else "") + "</td>"
        f'<td rowspan="1" width="35%" valign="top"><span class="MedSmallFormText">{issuer_number} Issuer Name <b>and</b> '
        f'Ticker or Trading Symbol</span><br>{issuer} [ {ticker} ]</td>'
        '<td rowspan="3" valign="top" width="30%">'
        + (_relationship_box(first, f"{relationship_number} Relationship of Reporting Person(s) to Issuer", True)
           if first is not None else "") + "</td></tr>"
        f'<tr><td valign="top"><span class="MedSmallFormText">{period_label}</span>'
        f'<span class="SmallFormText"> (Month/Day/Year)</span><br>{period}</td></tr>'
        f'<tr><td valign="top"><span class="MedSmallFormText">{amendment_label}</span>'
        f'<span class="SmallFormText"> (Month/Day/Year)</span><br>{original}</td></tr>'
        f'<tr><td colspan="2"></td><td valign="top"><span class="MedSmallFormText">{joint_label}</span>{joint}</td></tr>'
        "</table>")

    repeated = ""
    if len(owners) > 1:
        repeated = "".join(
            '<table border="1" width="100%" cellspacing="0" cellpadding="4"><tr><td rowspan="3" width="35%" valign="top">'
            + _owner_box(owner, "1. Name and Address of Reporting Person") + "</td></tr>"
            '<tr><td valign="top">' + _relationship_box(owner, "1. Relationship of Reporting Person(s) to Issuer", False)
            + "</td></tr></table>" for owner in owners)

    tail = ['<tr><td class="MedSmallFormText" colspan="3"><b>Explanation of Responses:</b></td></tr>']
    for note in root.findall("footnotes/footnote"):
        fid = note.get("id", "")
        text = " ".join("".join(note.itertext()).split())
        tail.append(f'<tr><td class="FootnoteData" colspan="3">{escape(fid[1:] if fid[:1] == "F" else fid)}. '
                    f"{escape(text)}</td></tr>")
    remarks = _value(root, "remarks")
    if remarks:
        tail.append('<tr><td class="MedSmallFormText" colspan="3"><b>Remarks:</b></td></tr>')
        tail.append(f'<tr><td class="FormData" colspan="3">{escape(remarks)}</td></tr>')
    for signature in root.findall("ownerSignature"):
        tail.append('<tr><td width="60%">&nbsp;</td><td width="20%"><u>' + _data(_value(signature, "signatureName"))
                    + '</u></td><td width="20%"><u>' + _data(_date(_value(signature, "signatureDate")))
                    + "</u></td></tr>")
    tail.append('<tr><td width="60%">&nbsp;</td><td class="MedSmallFormText" width="20%">** Signature of Reporting '
                'Person</td><td class="MedSmallFormText" width="20%">Date</td></tr>')
    for note in ("Reminder: Report on a separate line for each class of securities beneficially owned directly or "
                 "indirectly.",
                 "* If the form is filed by more than one reporting person, <i>see</i> Instruction 4 (b)(v).",
                 "** Intentional misstatements or omissions of facts constitute Federal Criminal Violations "
                 "<i>See</i> 18 U.S.C. 1001 and 15 U.S.C. 78ff(a).",
                 "Note: File three copies of this Form, one of which must be manually signed. If space is "
                 "insufficient, <i>see</i> Instruction 6 for procedure.",
                 "Persons who respond to the collection of information contained in this form are not required to "
                 "respond unless the form displays a currently valid OMB Number."):
        tail.append(f'<tr><td class="SmallFormText" colspan="3">{note}</td></tr>')

    return (
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
        f"<title>SEC {form_name}</title>\n<style type=\"text/css\">\n"
        ".FormData {color: blue; font-size: small; font-family: arial, sans-serif;}\n"
        ".SmallFormData {color: blue; font-size: x-small; font-family: arial, sans-serif;}\n"
        ".FootnoteData {color: green; font-size: x-small; font-family: arial, sans-serif;}\n"
        ".FormText {font-size: x-small; font-family: arial, sans-serif;}\n"
        ".MedSmallFormText {font-size: small; font-family: arial, sans-serif;}\n</style>\n</head>\n<body>\n"
        f'<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="FormTextC">SEC Form {form}'
        f"{document_type[1:]}</td></tr></table>\n"
        '<table width="100%" border="1" cellspacing="0" cellpadding="4"><tr>'
        f'<td width="20%" align="center" valign="middle" rowspan="3" class="FormNumText">{form_name}</td>'
        f'<td width="60%" align="center" valign="middle" rowspan="3" class="FormTitle">UNITED STATES SECURITIES AND '
        f"EXCHANGE COMMISSION<br>Washington, D.C. 20549<br><br>{_TITLES[form]}<br><br><span class=\"FormText\">Filed "
        "pursuant to Section 16(a) of the Securities Exchange Act of 1934<br>or Section 30(h) of the Investment Company "
        "Act of 1940</span></td>"
        '<td width="20%" valign="top" rowspan="3"><table width="100%" border="1" cellspacing="0" cellpadding="4"><tr>'
        '<td align="center" class="FormTextC">OMB APPROVAL</td></tr><tr><td><table width="100%" border="0"><tr>'
        '<td class="SmallFormText">OMB Number:</td><td class="SmallFormText">3235-0287</td></tr><tr>'
        '<td class="SmallFormText">Estimated average burden hours per response:</td><td class="SmallFormText">0.5</td>'
        "</tr></table></td></tr></table></td></tr></table>\n"
        + ('<table width="100%" border="0" cellspacing="0" cellpadding="4">' + "".join(checks) + "</table>\n"
           if checks else "")
        + cover + "\n" + _table_i(root, form) + "\n" + _table_ii(root, form) + "\n" + repeated + "\n"
        + '<table width="100%" border="0" cellspacing="0" cellpadding="4">' + "".join(tail) + "</table>\n"
        "</body>\n</html>\n")
