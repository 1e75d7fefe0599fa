"""What tests share: hand-made filings, fixture files, the synthetic corpus, and helpers that run
the flow or the expectations. Imported as `tests.support.<module>`."""
