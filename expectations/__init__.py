"""Great Expectations suites and rules. Importing the package first defers the modules GX imports at
start-up but filingflow never uses (expectations/deferred_imports.py): every module here imports GX."""
from expectations.deferred_imports import defer

defer()
