"""One module per `filingflow` sub-command; each has `register(subparsers)`."""
