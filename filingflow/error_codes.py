"""Every code a quarantined file can carry (`quarantine.error`), with what it means.

Readers raise `ParseError(code, detail)`, sources `FetchError(code, detail)`, discovery and the
run's file reading set codes of their own; each code is listed here once. The schema's allowed
set for quarantine.error and docs/errors.md (`python -m filingflow.docs`) derive from this list;
a test fails when code anywhere raises a code that is not in it. Imports nothing, so readers,
sources and the schema can all use it."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    code: str
    where: str  # the step that finds it (a heading of docs/errors.md)
    meaning: str


# Steps in the order a file meets them.
INPUT, FETCH, READ, ARCHIVE, DECODE, SNIFF, PARSE, RUN, LOAD = (
    "finding the input", "fetching from EDGAR", "reading the bytes", "expanding an archive",
    "decoding the text", "recognising the shape", "reading the filing", "running the reader",
    "loading the warehouse")

ERROR_CODE_LIST: tuple[ErrorCode, ...] = (
    ErrorCode("missing_input", INPUT, "An input named on the command line or in the settings does not exist."),
    ErrorCode("symlinked_folder", INPUT, "A folder inside an input folder is a symbolic link: not followed, so a "
                                         "link loop cannot make the walk endless."),
    ErrorCode("symlink_loop", INPUT, "A symbolic link points, through other links, back at itself."),
    ErrorCode("broken_symlink", INPUT, "A symbolic link points at nothing."),
    ErrorCode("symlink_outside_input", INPUT, "A symbolic link to a file outside its input folder and outside every "
                                              "`symlink_roots` folder: not read, so an input folder cannot leak other files."),
    ErrorCode("not_a_regular_file", INPUT, "A device, socket or pipe, not a file."),
    ErrorCode("unreadable_file", INPUT, "The operating system refused to open or read the file (permissions, I/O "
                                        "error)."),
    ErrorCode("fetch_not_found", FETCH, "EDGAR (or the mirror) has no such file (HTTP 404)."),
    ErrorCode("fetch_refused", FETCH, "EDGAR refused the download (HTTP 403 or another refusal; the SEC refuses "
                                      "clients without a contact in their User-Agent)."),
    ErrorCode("fetch_failed", FETCH, "The download failed after its retries (network error, server error, rate "
                                     "limit)."),
    ErrorCode("fetch_too_slow", FETCH, "The download did not complete within its overall deadline (a body "
                                       "trickling in, or retries that used up the time)."),
    ErrorCode("html_error_page", FETCH, "The server answered with an HTML page instead of the filing asked for (an "
                                        "error or rate-limit page served with status 200): never a filing, never cached."),
    ErrorCode("redirect_refused", FETCH, "The server redirected to another origin or scheme; only redirects within "
                                         "the same https origin are followed."),
    ErrorCode("file_too_large", READ, "Bigger than the limit: the file's bytes (`max_file_bytes`), an archive's "
                                      "expanded content, or the text of a shape far beyond any real document of "
                                      "it. Refused unread, so memory stays bounded."),
    ErrorCode("file_changed_while_read", READ, "The file changed size or time while it was read; the next run "
                                               "reads it again."),
    ErrorCode("decompression_bomb", ARCHIVE, "The archive expands past the per-file limit at a ratio of expanded to "
                                             "packed bytes no real filing has."),
    ErrorCode("sparse_member", ARCHIVE, "A sparse tar member (mostly holes): refused before it is expanded, "
                                        "whatever size it declares."),
    ErrorCode("nested_archive", ARCHIVE, "An archive inside archives deeper than are read."),
    ErrorCode("too_many_members", ARCHIVE, "The archive holds more files than are read from one archive."),
    ErrorCode("encrypted_archive", ARCHIVE, "A member of the zip archive is encrypted."),
    ErrorCode("corrupt_archive", ARCHIVE, "The gzip, zip or tar data cannot be expanded."),
    ErrorCode("empty_archive", ARCHIVE, "The archive holds no files."),
    ErrorCode("empty_file", DECODE, "The file is empty or holds only white space."),
    ErrorCode("binary_content", DECODE, "Binary data, not text (a known file signature, NUL bytes or control "
                                        "characters)."),
    ErrorCode("undecodable_text", DECODE, "The bytes are not text in any encoding filings use (UTF-8, cp1252, "
                                          "UTF-16)."),
    ErrorCode("unrecognized_format", SNIFF, "No reader recognises the content (the detail quotes its first line "
                                            "and lists the shapes read)."),
    ErrorCode("truncated", PARSE, "The filing stops before its end (a table, document or element left open)."),
    ErrorCode("malformed_xml", PARSE, "Ownership XML that is not well-formed."),
    ErrorCode("hostile_xml", PARSE, "XML declaring entities or a DTD (billion laughs, external entities): not "
                                    "expanded, refused."),
    ErrorCode("not_ownership_xml", PARSE, "XML whose root is not <ownershipDocument>."),
    ErrorCode("malformed_html", PARSE, "HTML that cannot be parsed into a document, or holds no readable text."),
    ErrorCode("missing_table", PARSE, "A rendered Form 3/4/5 page without its Table I or Table II (or with "
                                      "their headings outside tables)."),
    ErrorCode("missing_field", PARSE, "A field the form requires is absent (an ownership document without "
                                      "<documentType>)."),
    ErrorCode("missing_form_type", PARSE, "A submission that names its form type nowhere (header or documents)."),
    ErrorCode("invalid_value", PARSE, "A value that cannot be what its field holds (a number too long for "
                                      "DECIMAL(38, 8), a date or number that does not read, a footnote without "
                                      "an id, an unknown form type)."),
    ErrorCode("unreadable_row", PARSE, "A table row of a text rendering whose cells fit the form's columns in no "
                                       "order."),
    ErrorCode("duplicate_footnote", PARSE, "Two footnotes with the same id in one filing."),
    ErrorCode("duplicate_document", PARSE, "Two documents with the same sequence number in one submission."),
    ErrorCode("no_filing", PARSE, "The reader recognised the shape but found no filing in it."),
    ErrorCode("parse_timeout", RUN, "The reader ran longer than `max_file_seconds` on the file and was stopped."),
    ErrorCode("reader_crash", RUN, "The reader failed with an unexpected error (a bug, or nesting too deep to "
                                   "read); the detail names it. The rest of the batch goes on."),
    ErrorCode("load_failed", LOAD, "The warehouse refused the filing's rows (a constraint, a value out of range, "
                                   "a company without a name to keep); the detail names the filing and DuckDB's "
                                   "message. The run loads the other filings."),
)

ERROR_CODES: dict[str, ErrorCode] = {e.code: e for e in ERROR_CODE_LIST}
if len(ERROR_CODES) != len(ERROR_CODE_LIST):
    raise ValueError("an error code is listed twice")
