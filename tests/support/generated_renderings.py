"""Forms 3/4/5 printed as text, with the truth the text carries.

Two kinds, both drawn from the same planned filing as the ownership XML
(`generator.ownership_xml`: owners, Table I/II rows, footnotes, signatures):

  ownership_text_rendering  the text rendering of a filed form, as
      `transforms/ownership_text.py` reads it: cover page, tab-separated
      tables (prices merged with the A/D letter or in their own column, date
      columns dropped on some pages), page headers ("Edgar Filing: ...") in
      the middle of tables, wrapped titles and natures, a price whose number
      falls on the line after a page break, reporting-owners table,
      signatures, explanation of responses, remarks; plain or markdown.
  legacy_ascii_ownership  a pre-2003 plain-ASCII form, as
      `transforms/legacy_ownership.py` reads it: numbered cover boxes with
      "(X)" check boxes, Tables I and II in fixed-width pipe columns inside
      <TABLE>/<CAPTION>/<S>/<C> markup with dash-escaped rules, text cut at
      the column border and finished on the next line (mid-word or not).

A printed form has no box for some XML fields, so the truth of these kinds
says None there: form type codes, equity swaps, timeliness, values, CIKs,
the 10b5-1 box; Table II of a text rendering prints the number of
derivative securities under (A) or (D) without the letter, a Form 3 Table II
has no "owned" column, the legacy form has no deemed-execution date, and a
legacy form names one reporting owner. Owners whose address is printed only
in the reporting-owners table get a street that ends in a number (SUITE,
FLOOR), which is where the text says the street ends and the city starts.
Pre-2003 filings get their dates moved back into 1996-2002.
"""
from __future__ import annotations

import copy
import datetime as dt
import random
import textwrap
from decimal import Decimal

from tests.support import generator as g

TEXT_KIND = "ownership_text_rendering"
LEGACY_KIND = "legacy_ascii_ownership"

_OWNERSHIP_TABLES = ("nonderiv_transactions", "nonderiv_holdings", "deriv_transactions", "deriv_holdings")
# Columns no printed form has a box for.
_UNPRINTED = {
    "nonderiv_transactions": ("form_type_code", "equity_swap_involved", "transaction_timeliness", "transaction_value",
                              "value_owned_after"),
    "nonderiv_holdings": ("form_type_code", "value_owned_after"),
    "deriv_transactions": ("form_type_code", "equity_swap_involved", "transaction_timeliness", "transaction_value",
                           "value_owned_after", "underlying_value"),
    "deriv_holdings": ("form_type_code", "value_owned_after", "underlying_value"),
}
_UNPRINTED_FILING = ("accession_number", "acceptance_datetime", "issuer_cik", "aff10b5_one")
_FIRST_TITLE = tuple(name.title() for name in g.FIRST_NAMES)
_LAST_TITLE = tuple(name.title().replace("'B", "'b").replace("Mca", "McA") for name in g.LAST_NAMES)


# --- the plan: the XML filing's truth, reduced to what print can say -------------------------

class _Plan:
    """One filing to print: filing columns, rows per table, marks per row field, footnote texts."""

    def __init__(self, rng: random.Random, size: str, *, legacy: bool) -> None:
        _, truth, filing, issuer, _ = g.ownership_xml(rng, size)
        self.rng = rng
        self.issuer = issuer
        self.filing = dict(filing)
        self.truth = copy.deepcopy(truth)
        self.base = self.filing["form_type"][0]
        if legacy:
            self._move_to_legacy_era()
        for table, columns in _UNPRINTED.items():
            for row in self.truth[table]:
                row.update(dict.fromkeys(columns))
        for column in _UNPRINTED_FILING:
            self.filing[column] = None
        self.marks: dict[tuple[str, int], dict[str, list[str]]] = {}
        printable = {t: set(self.truth[t][0]) - set(_UNPRINTED[t]) if self.truth[t] else set() for t in _UNPRINTED}
        refs = []
        for ref in self.truth["footnote_refs"]:
            if ref["table_name"] in printable and ref["field"] in printable[ref["table_name"]]:
                refs.append(ref)
                self.marks.setdefault((ref["table_name"], ref["row_index"]), {}).setdefault(
                    ref["field"], []).append(ref["footnote_id"])
        self.truth["footnote_refs"] = refs
        self.owners = self.truth["reporting_owners"]
        for owner in self.owners:
            owner["owner_cik"] = None
            owner["state_description"] = None
            if owner["state"] is None:  # a foreign address: printed forms here are US ones
                city, state, _, zip3, _ = rng.choice(g.PLACES)
                owner.update(city=city, state=state, zip=f"{zip3}{rng.randint(10, 99)}")

    def marks_of(self, table: str, row: dict, column: str) -> str:
        fids = self.marks.get((table, row["row_index"]), {}).get(column, ())
        return "".join(f" ({fid[1:]})" for fid in fids)

    def unmark(self, table: str, row: dict, column: str) -> None:
        """The form has no place for this field: its marks are not printed either."""
        self.marks.get((table, row["row_index"]), {}).pop(column, None)
        self.truth["footnote_refs"] = [r for r in self.truth["footnote_refs"] if not (
            r["table_name"] == table and r["row_index"] == row["row_index"] and r["field"] == column)]

    def _move_to_legacy_era(self) -> None:
        years = self.filing["period_of_report"].year - self.rng.randint(1996, 2002)

        def back(value):
            if isinstance(value, dt.date):
                try:
                    return value.replace(year=value.year - years)
                except ValueError:  # 29 February
                    return value.replace(year=value.year - years, day=28)
            return value

        for key, value in self.filing.items():
            self.filing[key] = back(value)
        for rows in self.truth.values():
            for row in rows:
                for key, value in row.items():
                    row[key] = back(value)


def _num(value: Decimal) -> str:
    return f"{value:,}"


def _mdy(value: dt.date, two_digit_year: bool = False) -> str:
    return f"{value:%m/%d/%y}" if two_digit_year else f"{value:%m/%d/%Y}"


def _long_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _month_end(value: dt.date) -> dt.date:
    following = (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _wrap_title(rng: random.Random, title: str) -> list[str]:
    """A long title printed over two lines; the second part is at least two words or a
    parenthesis, never a lone heading word a reader would take for a column heading."""
    words = title.split()
    if len(words) < 3 or rng.random() < 0.6:
        return [title]
    cut = rng.randint(1, len(words) - 2)
    return [" ".join(words[:cut]), " ".join(words[cut:])]


# --- text rendering ------------------------------------------------------------------------------

_TEXT_TITLES = {"3": "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP OF SECURITIES",
                "4": "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES",
                "5": "ANNUAL STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES"}
_TEXT_PERIOD = {"3": "2. Date of Event Requiring Statement (Month/Day/Year)",
                "4": "3. Date of Earliest Transaction (Month/Day/Year)",
                "5": "3. Statement for Issuer's Fiscal Year Ended (Month/Day/Year)"}
_TEXT_TABLE_I_HEAD = {
    "3": ["1. Title of Security (Instr. 4)\t2. Amount of Securities Beneficially Owned (Instr. 4)\t"
          "3. Ownership Form: Direct (D) or Indirect (I) (Instr. 5)\t"
          "4. Nature of Indirect Beneficial Ownership (Instr. 5)"],
    "4": ["1. Title of Security (Instr. 3)\t2. Transaction Date (Month/Day/Year)\t"
          "2A. Deemed Execution Date, if any (Month/Day/Year)\t3. Transaction Code (Instr. 8)\t"
          "4. Securities Acquired (A) or Disposed of (D) (Instr. 3, 4 and 5)\t"
          "5. Amount of Securities Beneficially Owned Following Reported Transaction(s) (Instr. 3 and 4)\t"
          "6. Ownership Form: Direct (D) or Indirect (I) (Instr. 4)\t7. Nature of Indirect Beneficial Ownership (Instr. 4)",
          "\t\t\tCode\tV\tAmount\t(A) or (D)\tPrice\t\t\t"],
}
_TEXT_TABLE_I_HEAD["5"] = [_TEXT_TABLE_I_HEAD["4"][0].replace("Following Reported Transaction(s)",
                                                               "at end of Issuer's Fiscal Year"),
                           _TEXT_TABLE_I_HEAD["4"][1]]
_TEXT_TABLE_II_HEAD = {
    "3": ["1. Title of Derivative Security (Instr. 4)\t2. Date Exercisable and Expiration Date (Month/Day/Year)\t"
          "3. Title and Amount of Securities Underlying Derivative Security (Instr. 4)\t"
          "4. Conversion or Exercise Price of Derivative Security\t"
          "5. Ownership Form of Derivative Security: Direct (D) or Indirect (I) (Instr. 5)\t"
          "6. Nature of Indirect Beneficial Ownership (Instr. 5)",
          "\tDate Exercisable\tExpiration Date\tTitle\tAmount or Number of Shares\t\t\t"],
    "4": ["1. Title of Derivative Security (Instr. 3)\t2. Conversion or Exercise Price of Derivative Security\t"
          "3. Transaction Date (Month/Day/Year)\t3A. Deemed Execution Date, if any (Month/Day/Year)\t"
          "4. Transaction Code (Instr. 8)\t"
          "5. Number of Derivative Securities Acquired (A) or Disposed of (D) (Instr. 3, 4, and 5)\t"
          "6. Date Exercisable and Expiration Date (Month/Day/Year)\t"
          "7. Title and Amount of Underlying Securities (Instr. 3 and 4)\t"
          "8. Price of Derivative Security (Instr. 5)\t"
          "9. Number of Derivative Securities Beneficially Owned Following Reported Transaction(s) (Instr. 4)\t"
          "10. Ownership Form of Derivative Security: Direct (D) or Indirect (I) (Instr. 4)\t"
          "11. Nature of Indirect Beneficial Ownership (Instr. 4)",
          "\t\t\t\tCode\tV\t(A)\t(D)\tDate Exercisable\tExpiration Date\tTitle\tAmount or Number of Shares\t\t\t\t"],
}
_TEXT_TABLE_II_HEAD["5"] = _TEXT_TABLE_II_HEAD["4"]


class _TextRendering:
    def __init__(self, rng: random.Random, size: str) -> None:
        self.rng = rng
        self.plan = _Plan(rng, size, legacy=False)
        for column in ("not_subject_to_section16", "no_securities_owned", "form3_holdings_reported",
                       "form4_transactions_reported"):  # check boxes a text rendering does not print
            self.plan.filing[column] = None
        self.markdown = rng.random() < 0.5
        self.merged_price = rng.random() < 0.5  # 'D $ 54' in one cell
        self.split_dates = rng.random() < 0.5  # date exercisable and expiration date in cells of their own
        self.page_rows = rng.randint(8, 30)  # table rows per printed page
        self.lines: list[str] = []
        self.rows_on_page = 0
        self.pending_price: str | None = None  # the number of a price cut by a page break
        self.pending_price_title = ""  # the title's end, printed again beside that number
        self.price_at = 0  # the price's cell in the row being printed

    def esc(self, text: str) -> str:
        return text.replace("$", "\\$") if self.markdown else text

    def bold(self, text: str) -> str:
        return f"**{text}**" if self.markdown else text

    def heading(self, text: str) -> str:
        return f"## {text}" if self.markdown else text

    # -- cover
    def cover(self) -> None:
        p, iss, rng = self.plan, self.plan.issuer, self.rng
        f, base = p.filing, p.base
        form = base + ("/A" if f["is_amendment"] else "")
        filed = f["filed_date"] + dt.timedelta(days=rng.choice((0, 0, 1)))
        f["filed_date"] = filed
        owner = p.owners[0]
        out = self.lines
        out += ["", f"{iss.name}  ", f" Form {form}  ", f" {_long_date(filed)}", "", self.bold(f"FORM {form}"), "",
                "UNITED STATES SECURITIES AND EXCHANGE COMMISSION  ", " Washington, D.C. 20549", "",
                "OMB APPROVAL", "", "OMB Number: 3235-0287  ", " Estimated average burden hours per response... 0.5",
                ""]
        if base != "3":
            out += ["Check this box if no longer subject to Section 16. Form 4 or Form 5 obligations may continue. "
                    "See Instruction 1(b).", ""]
        out += [self.bold(_TEXT_TITLES[base]), "",
                "Filed pursuant to Section 16(a) of the Securities Exchange Act of 1934, Section 17(a) of the Public "
                "Utility Holding Company Act of 1935 or Section 30(h) of the Investment Company Act of 1940", "",
                "1. Name and Address of Reporting Person " + ("\\*" if self.markdown else "*"), f" {owner['owner_name']}",
                "", f"{'3' if base == '3' else '2'}. Issuer Name and Ticker or Trading Symbol",
                f" {iss.name} [{iss.ticker}]", "", "(Last) (First) (Middle)  "]
        if owner["street2"] and rng.random() < 0.5:
            out += [f" {owner['street1']}  ", f" {owner['street2']}  "]
        elif owner["street2"]:
            out.append(f" {owner['street1']}, {owner['street2']}  ")
        else:
            out.append(f" {owner['street1']}  ")
        out += [" (Street)  ", f" {owner['city']}, {owner['state']} {owner['zip']}  ", " (City) (State) (Zip)", "",
                _TEXT_PERIOD[base], f" {_mdy(f['period_of_report'])}", "",
                f"{'5' if base == '3' else '4'}. If Amendment, Date Original Filed(Month/Day/Year)"]
        if f["date_of_original_submission"]:
            out.append(f" {_mdy(f['date_of_original_submission'])}")
        out += ["", "6. Individual or Joint/Group Filing(Check Applicable Line)  ",
                " Form filed by One Reporting Person  ", " Form filed by More than One Reporting Person", ""]

    # -- tables
    def page_break(self) -> None:
        self.lines += ["", f"Edgar Filing: {self.plan.issuer.name} - Form {self.plan.filing['form_type']}", ""]
        self.rows_on_page = 0

    def emit(self, cells: list[str], title_tail: str | None = None, nature_tail: str | None = None,
             nature_at: int | None = None) -> None:
        """One table row; its wrapped parts on the lines below (after a page break when it falls there)."""
        self.lines.append("\t".join(cells))
        self.rows_on_page += 1
        width = len(cells)
        if self.pending_price is not None:
            self.page_break()
            tail = self.pending_price_title
            # The price column holds the number; everything else repeats nothing but the title's end.
            self.lines.append("\t".join([tail] + [""] * (self.price_at - 1) + [self.pending_price]
                                        + [""] * (width - self.price_at - 1)))
            self.pending_price = None
        # One line per wrapped part: a title part beside other text would read as a row of its own.
        if title_tail:
            self.lines.append("\t".join([title_tail] + [""] * (width - 1)))
        if nature_tail:
            self.lines.append("\t".join([""] * nature_at + [nature_tail] + [""] * (width - nature_at - 1)))
        if self.rows_on_page >= self.page_rows:
            self.page_break()

    def _nature(self, table: str, row: dict) -> tuple[str, str | None]:
        nature = row["nature_of_ownership"]
        if nature is None:
            return "", None
        marks = self.plan.marks_of(table, row, "nature_of_ownership")
        words = nature.split()
        if len(words) >= 3 and self.rng.random() < 0.4:
            return " ".join(words[:2]), " ".join(words[2:]) + marks
        return nature + marks, None

    def _title(self, table: str, row: dict) -> tuple[str, str | None]:
        parts = _wrap_title(self.rng, row["security_title"])
        marks = self.plan.marks_of(table, row, "security_title")
        if len(parts) == 1:
            return parts[0] + marks, None
        return parts[0], parts[1] + marks

    def _value(self, table: str, row: dict, column: str, text: str | None) -> str:
        marks = self.plan.marks_of(table, row, column)
        return (text or "") + marks if text or marks else ""

    def _price(self, table: str, row: dict, column: str) -> str:
        value = row[column]
        return self._value(table, row, column, None if value is None else "$ " + _num(value))

    def table_i(self) -> None:
        p, base = self.plan, self.plan.base
        self.lines += [self.bold("Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned"),
                       ""] + [self.esc(h) for h in _TEXT_TABLE_I_HEAD[base]]
        for row in p.truth["nonderiv_transactions"]:
            self.nonderiv_transaction(row)
        for row in p.truth["nonderiv_holdings"]:
            t = "nonderiv_holdings"
            title, title_tail = self._title(t, row)
            nature, nature_tail = self._nature(t, row)
            owned = self._value(t, row, "shares_owned_after", _num(row["shares_owned_after"]))
            cells = [title, owned, row["direct_indirect"], nature] if base == "3" else \
                [title, "", "", "", "", "", "", owned, row["direct_indirect"], nature]
            self.emit(cells, title_tail, nature_tail, len(cells) - 1)
        self.lines += ["", "Reminder: Report on a separate line for each class of securities beneficially owned "
                           "directly or indirectly.", "", "SEC 1474  ", "(9-02)", ""]

    def nonderiv_transaction(self, row: dict) -> None:
        t, rng = "nonderiv_transactions", self.rng
        title, title_tail = self._title(t, row)
        nature, nature_tail = self._nature(t, row)
        code = self._value(t, row, "transaction_code", row["transaction_code"])
        if row["transaction_code"] in ("G", "J") and rng.random() < 0.3:
            code += " V"
            row["is_voluntary"] = True
        cells = [title, self._value(t, row, "transaction_date", _mdy(row["transaction_date"])),
                 "" if row["deemed_execution_date"] is None else _mdy(row["deemed_execution_date"]),
                 code, self._value(t, row, "shares", _num(row["shares"]))]
        price = self._price(t, row, "price_per_share")
        marks = self.plan.marks_of(t, row, "price_per_share")
        cut = (row["price_per_share"] is not None and self.rows_on_page == self.page_rows - 1
               and not title_tail and not nature_tail)
        if cut:  # the page ends between '$' and its number
            price = "$"
            self.pending_price = _num(row["price_per_share"]) + marks
            self.pending_price_title = " ".join(row["security_title"].split()[-2:])
        if self.merged_price and row["price_per_share"] is not None:
            cells.append(f"{row['acquired_disposed']} {self.esc(price)}")
            self.price_at = len(cells) - 1
        else:
            cells += [row["acquired_disposed"], self.esc(price)]
            self.price_at = len(cells) - 1
        cells += [self._value(t, row, "shares_owned_after", _num(row["shares_owned_after"])), row["direct_indirect"],
                  nature]
        self.emit(cells, title_tail, nature_tail, len(cells) - 1)

    def table_ii(self) -> None:
        p, base = self.plan, self.plan.base
        self.lines += [self.bold("Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned") + "  ",
                       "(e.g., puts, calls, warrants, options, convertible securities)", ""]
        self.lines += [self.esc(h) for h in _TEXT_TABLE_II_HEAD[base]]
        for row in p.truth["deriv_transactions"]:
            self.deriv_row("deriv_transactions", row)
        for row in p.truth["deriv_holdings"]:
            self.deriv_row("deriv_holdings", row)
        self.lines.append("")

    def _exercise(self, table: str, row: dict) -> list[str]:
        exercise = self._value(table, row, "exercise_date",
                               None if row["exercise_date"] is None else _mdy(row["exercise_date"]))
        expiration = self._value(table, row, "expiration_date", _mdy(row["expiration_date"]))
        # A lone mark for the exercise date shares the expiration date's cell, as EDGAR prints it:
        # in a cell of its own it could as well be the conversion price's.
        if self.split_dates and row["exercise_date"] is not None:
            return [exercise, expiration]
        return [f"{exercise} {expiration}".strip()]

    def deriv_row(self, table: str, row: dict) -> None:
        base = self.plan.base
        title, title_tail = self._title(table, row)
        nature, nature_tail = self._nature(table, row)
        conversion = self.esc(self._price(table, row, "conversion_or_exercise_price"))
        underlying = [row["underlying_title"], self._value(table, row, "underlying_shares",
                                                           _num(row["underlying_shares"]))]
        ownership = [row["direct_indirect"], nature]
        if base == "3":
            cells = [title] + self._exercise(table, row) + underlying + [conversion] + ownership
            row["shares_owned_after"] = None  # a Form 3 Table II has no such column
            self.plan.unmark(table, row, "shares_owned_after")
        elif table == "deriv_holdings":
            owned = self._value(table, row, "shares_owned_after", _num(row["shares_owned_after"]))
            cells = [title, conversion, "", "", "", "", "", ""] + self._exercise(table, row) + underlying + \
                ["", owned] + ownership
        else:
            shares = self._value(table, row, "shares", _num(row["shares"]))
            amounts = [shares, ""] if row["acquired_disposed"] == "A" else ["", shares]
            row["acquired_disposed"] = None  # printed under (A) or (D): the letter is not in the text
            code = self._value(table, row, "transaction_code", row["transaction_code"])
            cells = [title, conversion, self._value(table, row, "transaction_date", _mdy(row["transaction_date"])),
                     "" if row["deemed_execution_date"] is None else _mdy(row["deemed_execution_date"]),
                     code, ""] + amounts + self._exercise(table, row) + underlying + \
                [self.esc(self._price(table, row, "price_per_share")),
                 self._value(table, row, "shares_owned_after", _num(row["shares_owned_after"]))] + ownership
        self.emit(cells, title_tail, nature_tail, len(cells) - 1)

    # -- owners, signatures, notes
    def owners(self) -> None:
        self.lines += [self.heading("Reporting Owners"), "", "Reporting Owner Name / Address\tRelationships\t\t\t",
                       "\tDirector\t10% Owner\tOfficer\tOther"]
        for index, o in enumerate(self.plan.owners):
            if index:  # printed only here, as one string: the street must end in a number
                o["street1"] = f"{self.rng.randint(1, 9999)} {self.rng.choice(g.STREETS)}"
                o["street2"] = f"{self.rng.choice(('SUITE', 'FLOOR'))} {self.rng.randint(2, 2999)}"
            address = " ".join(filter(None, (o["street1"], o["street2"], f"{o['city']}, {o['state']} {o['zip']}")))
            officer = o["officer_title"] or ("X" if o["is_officer"] else "")
            other = o["other_text"] or ("X" if o["is_other"] else "")
            self.lines.append("\t".join([f"{o['owner_name']} {address}", "X" if o["is_director"] else "",
                                         "X" if o["is_ten_percent_owner"] else "", officer, other]))
            # An empty Officer or Other cell cannot tell "no" from "no title": the reader leaves it null.
            o["is_officer"] = True if officer else None
            o["is_other"] = True if other else None
        self.lines.append("")

    def signatures(self) -> None:
        rng = self.rng
        self.lines += [self.heading("Signatures"), ""]
        rows = self.plan.truth["signatures"]
        for row in rows:
            owner = next((o for o in self.plan.owners if o["owner_name"] in row["name"]), self.plan.owners[0])
            name, title = owner["owner_name"], None
            style = rng.random()
            if style < 0.5:
                as_filed = f"/s/ {name}"
                self.lines += [as_filed, ""]
            elif style < 0.8:
                title = rng.choice(("Attorney-in-Fact", "Attorney-in-fact for the Reporting Person"))
                as_filed = f"By: /s/ {name}, {title}"
                self.lines += [as_filed, ""]
            else:
                words = name.split()
                as_filed = name
                self.lines += [" ".join(words[:-1]) + "  ", words[-1], ""] if len(words) > 1 else [name, ""]
            self.lines += [_mdy(row["signed_date"]), ""]
            row.update(name=name, title=title, as_filed=as_filed)
        self.lines += ["\\*\\*Signature of  " if self.markdown else "**Signature of  ", "Reporting Person", "", "Date", ""]

    def explanation(self) -> None:
        bullet = "- " if self.markdown else ""
        star = "\\*" if self.markdown else "*"
        self.lines += [self.heading("Explanation of Responses:"), "",
                       f"{bullet}{star} If the form is filed by more than one reporting person, see Instruction 4(b)(v).",
                       f"{bullet}{star}{star} Intentional misstatements or omissions of facts constitute Federal "
                       f"Criminal Violations. See 18 U.S.C. 1001 and 15 U.S.C. 78ff(a)."]
        for note in self.plan.truth["footnotes"]:
            wrapped = textwrap.wrap(f"({note['footnote_id'][1:]}) {self.esc(note['text'])}", self.rng.randint(60, 110))
            self.lines += [bullet + wrapped[0]] + [f"  {line}" for line in wrapped[1:]]
        self.lines += ["", "Note: File three copies of this Form, one of which must be manually signed. If space is "
                           "insufficient, see Instruction 6 for procedure.", ""]
        if self.plan.filing["remarks"]:
            self.lines += ["Remarks:", self.esc(self.plan.filing["remarks"]), ""]

    def build(self) -> tuple[str, dict[str, list[dict]], dict]:
        self.cover()
        self.table_i()
        self.table_ii()
        self.owners()
        self.signatures()
        self.explanation()
        text = "\n".join(self.lines) + "\n"
        return _finish_truth(self.plan, text)


def _finish_truth(plan: _Plan, text: str) -> tuple[str, dict[str, list[dict]], dict]:
    cid = g.content_id(text)
    plan.filing.update(filing_id=cid, content_id=cid)
    truth = plan.truth
    truth["filing_companies"] = [g.company_row(0, "issuer", name=plan.issuer.name, ticker=plan.issuer.ticker)]
    return text, truth, plan.filing


def text_rendering(rng: random.Random, size: str = "small") -> tuple[str, dict[str, list[dict]], dict]:
    return _TextRendering(rng, size).build()


# --- pre-2003 plain ASCII ----------------------------------------------------------------------------

_LEGACY_TITLES = {"3": "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP OF SECURITIES",
                  "4": "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP",
                  "5": "ANNUAL STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP"}


class _Column:
    """A fixed-width column: its heading lines and, per row, its text."""

    def __init__(self, heading: list[str], width: int, wraps: bool = False) -> None:
        self.heading = heading
        self.width = width
        self.wraps = wraps  # text that may run over its width onto the next lines


def _cut(text: str, marks: str, width: int) -> list[str]:
    """Text cut at the column border, as typewriter-era tables did: mid-word or not, a
    part that starts with a space keeps it. Footnote marks are never split."""
    parts = [text[i:i + width] for i in range(0, len(text), width)] or [""]
    if marks:
        if len(parts[-1]) + len(marks) <= width:
            parts[-1] += marks
        else:
            parts.append(marks)
    return parts


class _LegacyRendering:
    def __init__(self, rng: random.Random, size: str) -> None:
        self.rng = rng
        self.plan = p = _Plan(rng, size, legacy=True)
        # One reporting owner per legacy form; its signature is the form's.
        p.truth["reporting_owners"] = p.owners = p.owners[:1]
        p.filing["no_securities_owned"] = None
        p.filing["remarks"] = None
        self.two_digit_years = rng.random() < 0.6
        self.lines: list[str] = []

    def date(self, value: dt.date) -> str:
        return _mdy(value, self.two_digit_years)

    # -- cover
    def cover(self) -> None:
        p, rng, base = self.plan, self.rng, self.plan.base
        f, owner, iss = p.filing, p.owners[0], p.issuer
        first, last, initial = rng.choice(_FIRST_TITLE), rng.choice(_LAST_TITLE), rng.choice("ABCDEFGHJKLMNPRSTW")
        owner["owner_name"] = f"{last}, {first} {initial}."
        self.signer = f"{first} {initial}. {last}"
        upper = rng.random() < 0.3
        case = str.upper if upper else str.title
        street = [case(owner["street1"])] + ([case(owner["street2"])] if owner["street2"] else [])
        owner.update(street1=street[0], street2=street[1] if len(street) > 1 else None, city=case(owner["city"]))
        state = owner["state"] if rng.random() < 0.7 else next(
            place[2].title() for place in g.PLACES if place[1] == owner["state"])  # 'Texas' as well as 'TX'
        issuer_name = case(iss.name)
        iss.name = issuer_name
        f["issuer_name"], f["issuer_ticker"] = issuer_name, iss.ticker
        out = self.lines
        amended = f["is_amendment"] and rng.random() < 0.5
        out += [" " * 37 + f"FORM {base}{'/A' if amended else ''}"]
        if base != "3":
            box = "(X)" if f["not_subject_to_section16"] else "( )"
            out += [f"{box} Check box if no longer subject to Section 16. Form 4 or Form 5",
                    "    obligations may continue. See Instruction 1(b)."]
        if base == "5":
            out += [f"({'X' if f['form3_holdings_reported'] else ' '}) Form 3 Holdings Reported",
                    f"({'X' if f['form4_transactions_reported'] else ' '}) Form 4 Transactions Reported"]
        out += ["", " " * 14 + "U.S. SECURITIES AND EXCHANGE COMMISSION", " " * 22 + "Washington, D.C. 20549", "",
                " " * 10 + _LEGACY_TITLES[base], "", "1. Name and Address of Reporting Person*", f"   {owner['owner_name']}"]
        if rng.random() < 0.3:
            out.append("   (Last)   (First)   (Middle)")
        out += [f"   {line}" for line in street]
        out += [f"   {owner['city']}, {state} {owner['zip']}", ""]
        issuer = [f"   {issuer_name}", f"   {iss.ticker}"] if rng.random() < 0.5 else [f"   {issuer_name} ({iss.ticker})"]
        items = [("Issuer Name and Ticker or Trading Symbol", issuer),
                 ("IRS or Social Security Number of Reporting Person (Voluntary)", [])]
        period = f["period_of_report"]
        if base == "3":
            items.insert(0, ("Date of Event Requiring Statement (Month/Day/Year)", [f"   {self.date(period)}"]))
        else:
            label = "Statement for Month/Year" if base == "4" else "Statement for Issuer's Fiscal Year Ended (Month/Year)"
            if rng.random() < 0.6:
                f["period_of_report"] = _month_end(period)
                items.append((label, [f"   {period:%B} {period.year}"]))
            else:
                items.append((label, [f"   {period:%B} {period.day},{period.year}"]))
        original = f["date_of_original_submission"]
        if original:
            f["date_of_original_submission"] = _month_end(original)
            items.append(("If Amendment, Date of Original (Month/Year)", [f"   {original:%B} {original.year}"]))
        else:
            items.append(("If Amendment, Date of Original (Month/Year)", []))
        items.append(("Relationship of Reporting Person(s) to Issuer (Check all applicable)", self.relationship()))
        items.append(("Individual or Joint/Group Filing (Check Applicable Line)",
                      ["   (X) Form filed by One Reporting Person", "   ( ) Form filed by More than One Reporting Person"]))
        for number, (label, values) in enumerate(items, start=2):
            out += [f"{number}. {label}"] + values + [""]

    def relationship(self) -> list[str]:
        o = self.plan.owners[0]

        def box(flag: bool) -> str:
            return "(X)" if flag else "( )"

        lines = [f"   {box(o['is_director'])} Director   {box(o['is_ten_percent_owner'])} 10% Owner   "
                 f"{box(o['is_officer'])} Officer (give title below)", f"   {box(o['is_other'])} Other (specify below)"]
        # One line of text below the boxes: the officer's title, else what 'Other' is.
        if o["is_officer"]:
            lines.append(f"   {o['officer_title']}")
            o["other_text"] = None
        elif o["is_other"]:
            lines.append(f"   {o['other_text']}")
        return lines

    # -- tables
    def table(self, title: str, columns: list[_Column], rows: list[list[tuple[str, str]]]) -> None:
        """A <TABLE> of the form: title between rules, column headings, a rule, the rows.
        Each row is (text, marks) per column."""
        for k, column in enumerate(columns):  # a column is as wide as its heading, and as its values unless they wrap
            texts = [line for line in column.heading] + ([] if column.wraps else [t + m for r in rows for t, m in [r[k]]])
            column.width = max([column.width] + [len(t) + 1 for t in texts])
            # A one-letter tail ('See footnot' / 'e') would read as a value of its own: widen instead.
            while column.wraps and any(len(parts) > 1 and len(parts[-1].strip()) == 1
                                       for parts in (_cut(r[k][0], "", column.width) for r in rows)):
                column.width += 1
        width = sum(c.width + 1 for c in columns)
        rule = "- " + "-" * (width - 2)  # EDGAR escapes a line that starts with '-'
        out = self.lines
        out += ["<TABLE>", "<CAPTION>", rule, title, rule]
        depth = max(len(c.heading) for c in columns)
        for k in range(depth):
            out.append("|".join((c.heading[k] if k < len(c.heading) else "").ljust(c.width) for c in columns) + "|")
        out += [rule, "<S>".ljust(columns[0].width + 1) + "".join("<C>".ljust(c.width + 1) for c in columns[1:])]
        for row in rows:
            parts = [_cut(text, marks, c.width) if c.wraps else [text + marks] for c, (text, marks) in zip(columns, row)]
            for k in range(max(len(x) for x in parts)):
                out.append("|".join((x[k] if k < len(x) else "").ljust(c.width) for c, x in zip(columns, parts)) + "|")
        out += [rule, "</TABLE>", ""]

    def cells(self, table: str, row: dict, *spec: str) -> list[tuple[str, str]]:
        """(text, marks) of the row's columns; '-' for an empty price or nature now and then."""
        p = self.plan
        out = []
        for column in spec:
            if column == "":
                out.append(("", ""))
                continue
            value, marks = row.get(column), p.marks_of(table, row, column)
            if column == "is_voluntary":
                text = "V" if value else ""
            elif value is None:
                text = "-" if column in ("price_per_share", "nature_of_ownership", "conversion_or_exercise_price") \
                    and not marks and self.rng.random() < 0.3 else ""
                if column == "conversion_or_exercise_price" and not marks and row.get("exercise_date") is None:
                    # A lone mark for the exercise date right after an empty price cell could be the price's:
                    # filers wrote N/A there.
                    text = "N/A"
                marks = marks.strip()
            elif isinstance(value, dt.date):
                text = self.date(value)
            elif isinstance(value, Decimal):
                text = ("$" + _num(value)) if column in ("price_per_share", "conversion_or_exercise_price") else _num(value)
            else:
                text = str(value)
            out.append((text, marks))
        return out

    def table_i(self) -> None:
        p, rng, base = self.plan, self.rng, self.plan.base
        title_w, nature_w = rng.randint(16, 26), rng.randint(12, 18)
        nt, nh = p.truth["nonderiv_transactions"], p.truth["nonderiv_holdings"]
        for row in nt:
            row["deemed_execution_date"] = None  # the pre-2003 form has no such column
            if row["transaction_code"] in ("G", "J") and rng.random() < 0.3:
                row["is_voluntary"] = True
        title = _Column(["1. Title of Security", "", "", "(Instr. 3)"], title_w, wraps=True)
        nature = _Column(["7. Nature of", "Indirect", "Beneficial", "Ownership"], nature_w, wraps=True)
        if base == "3":
            title.heading[0] = "1. Title of Security"
            columns = [title, _Column(["2. Amount of", "Securities", "Beneficially", "Owned"], 14),
                       _Column(["3. Owner-", "ship Form:", "D or I"], 10),
                       _Column(["4. Nature of", "Indirect", "Beneficial", "Ownership"], nature_w, wraps=True)]
            rows = [self.cells("nonderiv_holdings", r, "security_title", "shares_owned_after", "direct_indirect",
                               "nature_of_ownership") for r in nh]
        else:
            numbers = [r[c] for r in nt + nh for c in ("shares", "shares_owned_after") if r.get(c) is not None]
            amount_w = max([10] + [len(_num(v)) + 5 for v in numbers])
            owned = "Owned at End of " + ("Month" if base == "4" else "Issuer's Fiscal Year")
            columns = [title, _Column(["2. Trans-", "action", "Date"], 10), _Column(["3. Trans-", "action", "Code"], 9),
                       _Column(["", "", "V"], 2), _Column(["4. Securities", "Acquired (A)", "or Disposed", "Amount"], amount_w),
                       _Column(["", "", "(A) or", "(D)"], 6), _Column(["", "", "", "Price"], 13),
                       _Column(["5. Amount of", "Securities", "Beneficially", owned], max(amount_w, 16)),
                       _Column(["6. Owner-", "ship", "Form: D", "or I"], 8), nature]
            rows = [self.cells("nonderiv_transactions", r, "security_title", "transaction_date", "transaction_code",
                               "is_voluntary", "shares", "acquired_disposed", "price_per_share", "shares_owned_after",
                               "direct_indirect", "nature_of_ownership") for r in nt]
            rows += [self.cells("nonderiv_holdings", r, "security_title", "", "", "", "", "", "",
                                "shares_owned_after", "direct_indirect", "nature_of_ownership") for r in nh]
        heading = "Table I -- Non-Derivative Securities " + (
            "Beneficially Owned" if base == "3" else "Acquired, Disposed of, or Beneficially Owned")
        self.table(heading, columns, rows)

    def table_ii(self) -> None:
        p, rng, base = self.plan, self.rng, self.plan.base
        dt_rows, dh_rows = p.truth["deriv_transactions"], p.truth["deriv_holdings"]
        title = _Column(["1. Title of Deriva-", "tive Security"], rng.randint(16, 24), wraps=True)
        underlying = _Column(["Title"], rng.randint(12, 16), wraps=True)
        nature = _Column(["Nature of", "Indirect", "Ownership"], rng.randint(10, 14), wraps=True)
        numbers = [r[c] for r in dt_rows + dh_rows for c in ("shares", "shares_owned_after", "underlying_shares")
                   if r.get(c) is not None]
        amount_w = max([9] + [len(_num(v)) + 5 for v in numbers])
        dates = [_Column(["Date Exer-", "cisable"], 10), _Column(["Expira-", "tion Date"], 10)]
        if base == "3":
            for row in dh_rows:
                row["shares_owned_after"] = None  # a Form 3 Table II has no such column
                p.unmark("deriv_holdings", row, "shares_owned_after")
            columns = [title] + dates + [underlying, _Column(["Amount or", "Number"], amount_w),
                                         _Column(["Conversion", "or Exercise", "Price"], 12),
                                         _Column(["Owner-", "ship Form"], 9), nature]
            rows = [self.cells("deriv_holdings", r, "security_title", "exercise_date", "expiration_date",
                               "underlying_title", "underlying_shares", "conversion_or_exercise_price",
                               "direct_indirect", "nature_of_ownership") for r in dh_rows]
        else:
            columns = [title, _Column(["2. Conver-", "sion or", "Exercise", "Price"], 11),
                       _Column(["3. Trans-", "action", "Date"], 10), _Column(["4. Trans-", "action", "Code"], 8),
                       _Column(["", "", "V"], 2), _Column(["5. Number of", "Derivative", "Securities", "Amount"], amount_w),
                       _Column(["", "", "", "(A)/(D)"], 7)] + dates + [
                underlying, _Column(["Amount or", "Number"], amount_w), _Column(["8. Price", "of Deriv."], 11),
                _Column(["9. Number of", "Derivative", "Securities", "Owned"], amount_w),
                _Column(["10. Own-", "ership"], 8), nature]
            for row in dt_rows:
                row["deemed_execution_date"] = None
            rows = [self.cells("deriv_transactions", r, "security_title", "conversion_or_exercise_price",
                               "transaction_date", "transaction_code", "is_voluntary", "shares", "acquired_disposed",
                               "exercise_date", "expiration_date", "underlying_title", "underlying_shares",
                               "price_per_share", "shares_owned_after", "direct_indirect", "nature_of_ownership")
                    for r in dt_rows]
            rows += [self.cells("deriv_holdings", r, "security_title", "conversion_or_exercise_price", "", "", "",
                                "", "", "exercise_date", "expiration_date", "underlying_title", "underlying_shares",
                                "", "shares_owned_after", "direct_indirect", "nature_of_ownership") for r in dh_rows]
        heading = "Table II -- Derivative Securities " + (
            "Beneficially Owned" if base == "3" else "Acquired, Disposed of, or Beneficially Owned")
        self.table(heading, columns, rows)

    # -- explanation and signature
    def explanation(self) -> None:
        self.lines += ["Explanation of Responses:", ""]
        for note in self.plan.truth["footnotes"]:
            wrapped = textwrap.wrap(f"({note['footnote_id'][1:]}) {note['text']}", self.rng.randint(60, 78))
            self.lines += [wrapped[0]] + [f"    {line}" for line in wrapped[1:]]
        self.lines += ["", "** Intentional misstatements or omissions of facts constitute Federal Criminal",
                       "   Violations. See 18 U.S.C. 1001 and 15 U.S.C. 78ff(a).", ""]

    def signature(self) -> None:
        p = self.plan
        signed = p.truth["signatures"][0]["signed_date"]
        p.truth["signatures"] = [{"signature_index": 0, "name": self.signer, "title": None, "signed_date": signed}]
        p.filing["filed_date"] = signed
        if self.rng.random() < 0.5:
            self.lines += [" " * 40 + f"/s/ {self.signer}".ljust(30) + f"  {self.date(signed)}",
                           " " * 40 + "-" * 30 + " " + "-" * 10, " " * 40 + "**Signature of Reporting Person   Date"]
        else:
            self.lines += ["SIGNATURE OF REPORTING PERSON", f"  /s/         {self.signer}", "DATE",
                           _long_date(signed), ""]

    def build(self) -> tuple[str, dict[str, list[dict]], dict]:
        self.cover()
        self.table_i()
        if self.rng.random() < 0.5:
            self.lines += ["<PAGE>", ""]
        self.table_ii()
        self.explanation()
        self.signature()
        text = "\n".join(self.lines) + "\n"
        return _finish_truth(self.plan, text)



def legacy_ascii(rng: random.Random, size: str = "small") -> tuple[str, dict[str, list[dict]], dict]:
    return _LegacyRendering(rng, size).build()
