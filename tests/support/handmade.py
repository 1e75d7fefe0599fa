"""Hand-made filings for warehouse-level tests: a plain-text 8-K (the seed 8-K's
layout) and an EDGAR submission wrapping it with a header that gives a CIK."""
from __future__ import annotations

import datetime as dt

def eight_k_text(name: str, event: dt.date, items: list[tuple[str, str, str]], file_no: str = "1-13232",
                 irs: str = "84-1259577") -> str:
    date = f"{event:%B} {event.day}, {event.year}"
    body = "\n\n".join(f"ITEM {code}. {title.upper()}.\n\n         {text}" for code, title, text in items)
    return f"""                       SECURITIES AND EXCHANGE COMMISSION
                             WASHINGTON, D.C. 20549

                                    FORM 8-K
                                 CURRENT REPORT
                     PURSUANT TO SECTION 13 OR 15(d) OF THE
                         SECURITIES EXCHANGE ACT OF 1934

Date of Report (Date of earliest event reported)                 {date}

                   {name}
             ------------------------------------------------------
             (Exact name of registrant as specified in its charter)

          MARYLAND                          {file_no}                  {irs}
----------------------------             ------------            -------------------
(State or other jurisdiction             (Commission             (I.R.S. Employer
    of incorporation or                  File Number)            Identification No.)
       organization)

{body}

                                    SIGNATURE

         Pursuant to the requirements of the Securities Exchange Act of 1934, as
amended, the Registrant has duly caused this report to be signed on its behalf
by the undersigned thereunto duly authorized.

         Dated: {date}

                                              By: /s/ Paul J. McAuliffe
                                              ---------------------------------
                                              Paul J. McAuliffe
                                              Chief Financial Officer
"""


def submission(accession: str, cik: str, name: str, event: dt.date, filed: dt.date, document: str,
               former: str | None = None, items: list[str] = ()) -> str:
    item_lines = "".join(f"ITEM INFORMATION:\t\t{i}\n" for i in items)
    former_block = (f"\n\tFORMER COMPANY:\t\n\t\tFORMER CONFORMED NAME:\t{former}\n\t\tDATE OF NAME CHANGE:\t19950101\n"
                    if former else "")
    return f"""<SEC-DOCUMENT>{accession}.txt : {filed:%Y%m%d}
<SEC-HEADER>{accession}.hdr.sgml : {filed:%Y%m%d}
ACCESSION NUMBER:\t\t{accession}
CONFORMED SUBMISSION TYPE:\t8-K
PUBLIC DOCUMENT COUNT:\t\t1
CONFORMED PERIOD OF REPORT:\t{event:%Y%m%d}
{item_lines}FILED AS OF DATE:\t\t{filed:%Y%m%d}

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\t{name}
\t\tCENTRAL INDEX KEY:\t\t\t{cik}
\t\tSTATE OF INCORPORATION:\t\t\tMD

\tFILING VALUES:
\t\tFORM TYPE:\t\t8-K
\t\tSEC ACT:\t\t1934 Act
{former_block}</SEC-HEADER>
<DOCUMENT>
<TYPE>8-K
<SEQUENCE>1
<FILENAME>doc.txt
<TEXT>
{document}
</TEXT>
</DOCUMENT>
</SEC-DOCUMENT>
"""
