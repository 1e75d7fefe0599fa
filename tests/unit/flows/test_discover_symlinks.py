"""Symlinked input files are read only when they resolve inside an input root (or a configured
symlink root); quarantine details describe a file, never quote it."""
from __future__ import annotations

import os

from conftest import SEED_FORM4

from flows.cli import apply_settings, build_parser
from flows.commands.run import run_settings
from flows.discover import discover
from flows.pipeline import read_one

SECRET = "root:x:0:0:SECRET-TOKEN-1234:/root:/bin/bash\n"


def _layout(tmp_path):
    inputs, outside = tmp_path / "in", tmp_path / "outside"
    (inputs / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "passwd").write_text(SECRET)
    (outside / "form4.txt").write_bytes(SEED_FORM4.read_bytes())
    (inputs / "form4.txt").write_bytes(SEED_FORM4.read_bytes())
    os.symlink(outside / "passwd", inputs / "sub" / "passwd_link.txt")
    os.symlink(inputs / "form4.txt", inputs / "sub" / "inside_link.txt")
    os.symlink(outside / "form4.txt", inputs / "outside_form4.txt")
    return inputs, outside


def test_a_symlink_out_of_the_input_folder_is_reported_unread(tmp_path):
    inputs, outside = _layout(tmp_path)
    found = {os.path.relpath(f.path, inputs): f.error for f in discover([inputs])}
    assert found["form4.txt"] is None and found["sub/inside_link.txt"] is None
    for name, target in (("sub/passwd_link.txt", "passwd"), ("outside_form4.txt", "form4.txt")):
        code, detail = found[name]
        assert code == "symlink_outside_input"
        assert detail == (f"a symlink to {os.path.realpath(outside / target)}, outside the input folder {inputs}: "
                          "not read (allow its folder with the symlink_roots setting)")


def test_globs_keep_their_folder_as_the_root(tmp_path):
    inputs, _ = _layout(tmp_path)
    found = {os.path.basename(f.path): f.error and f.error[0] for f in discover([str(inputs / "**" / "*.txt")])}
    assert found == {"form4.txt": None, "inside_link.txt": None, "passwd_link.txt": "symlink_outside_input",
                     "outside_form4.txt": "symlink_outside_input"}


def test_symlink_roots_allow_a_folder(tmp_path):
    inputs, outside = _layout(tmp_path)
    found = {os.path.relpath(f.path, inputs): f.error for f in discover([inputs], [outside])}
    assert found["sub/passwd_link.txt"] is None and found["outside_form4.txt"] is None


def test_a_file_named_on_its_own_is_read_where_it_links(tmp_path):
    inputs, _ = _layout(tmp_path)
    (info,) = discover([inputs / "outside_form4.txt"])
    assert info.error is None


def test_no_quarantine_detail_quotes_the_file(tmp_path):
    inputs, outside = _layout(tmp_path)
    # Even read (allowed), an unrecognised file is described by its shape only.
    (info,) = [f for f in discover([inputs], [outside]) if f.path.endswith("passwd_link.txt")]
    outcome, filings = read_one(info, 1024 * 1024)
    assert (outcome.error, filings) == ("unrecognized_format", [])
    assert "SECRET" not in outcome.detail and "root" not in outcome.detail
    assert outcome.detail.startswith("no reader recognises this content (plain text, 45 characters, 1 line)")
    (refused,) = [f for f in discover([inputs]) if f.path.endswith("passwd_link.txt")]
    outcome, _ = read_one(refused, 1024 * 1024)
    assert outcome.error == "symlink_outside_input" and "SECRET" not in outcome.detail


def test_the_symlink_root_flag_reaches_the_run(tmp_path):
    args = build_parser().parse_args(["run", "--symlink-root", str(tmp_path / "a"), "--symlink-root", "b"])
    apply_settings(args)
    assert run_settings(args.settings).symlink_roots == [tmp_path / "a", tmp_path.__class__("b")]
