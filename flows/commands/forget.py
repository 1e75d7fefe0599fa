"""`filingflow forget FILING_ID|PATH ...`: remove filings from the warehouse and the lake (filingflow/forget.py)."""
from __future__ import annotations

import argparse
import sys

from flows.commands.common import add_settings


def cmd_forget(args: argparse.Namespace) -> int:
    from filingflow.forget import ForgetError, forget
    from filingflow.lake import location
    from filingflow.runlock import RunLocked

    try:
        done = forget(args.warehouse, location(args.settings.lake), args.target, args.settings.lock_wait_seconds)
    except (ForgetError, FileNotFoundError) as exc:
        print(f"filingflow forget: {exc}", file=sys.stderr)
        return 2
    except RunLocked as exc:
        print(f"filingflow forget: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - nothing was changed: say why, exit non-zero
        print(f"filingflow forget failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"forgot {len(done.filing_ids)} filing{'s' if len(done.filing_ids) != 1 else ''} "
          f"({', '.join(done.filing_ids)}) carried by {len(done.files)} file{'s' if len(done.files) != 1 else ''}; "
          f"recorded as run {done.run_id}")
    for path in done.files:
        print(f"  {path}: forgotten (read again only if it changes)")
    return 0


def register(sub) -> None:
    forget = sub.add_parser(
        "forget", help="remove filings (by id, or by the file they came from) from the warehouse and the lake",
        description="Removes the filings named by FILING_ID, or carried by the file PATH, with all their rows, "
                    "from the warehouse and the lake. The files stay in the ledger as forgotten: unchanged, they "
                    "are not read again; changed, they load like new files. Recorded in `runs` (kind forget).")
    forget.add_argument("target", nargs="+", metavar="FILING_ID|PATH", help="a filing id, or an input file's path")
    add_settings(forget, "warehouse", "lake", "lock_wait_seconds")
    forget.set_defaults(func=cmd_forget)
