"""`filingflow serve`: the nightly deployment on its cron schedule, run by this process.

Registers `filingflow-nightly/nightly` (cron and time zone from the `schedule`
and `timezone` settings, parameters from the other settings) with a long-running
Prefect server and serves it through Prefect's own `serve`: the process stays up
and executes the scheduled runs. `--register-only` creates or updates the
deployment and exits (with `--pool`, for a work pool's workers instead)."""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from flows import prefect_env
from flows.commands.common import add_settings
from flows.commands.sources import add_source_flags, checked_source_options, missing_input
from flows.prefect_server import DEFAULT_PORT, ServerStartError, prefect_api, ui_url

# Settings with a flag here; every other setting still comes from filingflow.toml and FILINGFLOW_*.
SETTINGS = ("input", "warehouse", "lake", "dq_dir", "reports_dir", "schedule", "timezone", "max_file_bytes",
            "lock_wait_seconds", "max_error_rate")


def cmd_serve(args: argparse.Namespace) -> int:
    prefect_env.apply_defaults()
    problem = missing_input(args.settings.input)
    if problem:
        print(f"filingflow serve: {problem}", file=sys.stderr)
        return 2
    sources = checked_source_options(args)
    from flows.deployment import DEPLOYMENT_NAME, FLOW_NAME, configured_settings, nightly_scheduled, to_parameters

    settings = _anchored(dataclasses.replace(configured_settings(args.settings), sources=sources))
    name = args.name or DEPLOYMENT_NAME
    cron, timezone = args.settings.schedule, args.settings.timezone
    try:
        with prefect_api(args.port) as api_url:
            from prefect import serve
            from prefect.deployments import run_deployment
            from prefect.schedules import Cron
            from prefect.settings import PREFECT_API_URL, temporary_settings

            with temporary_settings({PREFECT_API_URL: api_url}):
                deployment = nightly_scheduled.to_deployment(
                    name=name, schedules=[Cron(cron, timezone=timezone)],
                    parameters={"settings": to_parameters(settings)}, tags=["filingflow"],
                    description="filingflow nightly run: new filings -> Parquet, expectations, DuckDB.")
                deployment_id = deployment.apply(work_pool_name=args.pool if args.register_only else None)
                print(f"Deployment {FLOW_NAME}/{name}: cron \"{cron}\" ({timezone}); "
                      f"inputs: {', '.join(map(str, settings.inputs))}; warehouse: {settings.warehouse}")
                print(f"  UI: {ui_url(api_url)}/deployments/deployment/{deployment_id}   "
                      f"(or `prefect deployment ls`)")
                if args.register_only:
                    print(f"  registered; runs execute in a work pool's worker (`prefect worker start --pool {args.pool}`)"
                          if args.pool else "  registered; `filingflow serve` executes its runs")
                    return 0
                if args.run_now:
                    flow_run = run_deployment(f"{FLOW_NAME}/{name}", timeout=0)
                    print(f"  run now: flow run {flow_run.name} ({flow_run.id})")
                print("Serving: scheduled runs execute in this process; Ctrl-C stops (and pauses the schedule).")
                serve(deployment)
    except ServerStartError as exc:
        print(f"filingflow serve: {exc}", file=sys.stderr)
        return 1
    return 0


def _anchored(settings):
    """Paths made absolute: the runs start wherever the runner or worker runs, not here."""
    from filingflow.sources.resolver import parse_source

    def anchor(value):
        return Path(os.path.abspath(value)) if isinstance(value, Path) else value

    settings = dataclasses.replace(settings, **{
        f.name: anchor(getattr(settings, f.name)) for f in dataclasses.fields(settings)
        if isinstance(getattr(settings, f.name), Path)})
    settings.inputs = [item if parse_source(item) else os.path.abspath(item) for item in settings.inputs]
    settings.sources = dataclasses.replace(settings.sources, cache_dir=anchor(settings.sources.cache_dir))
    return settings


def register(sub) -> None:
    serve = sub.add_parser("serve", help="register the nightly deployment on its cron schedule and run it "
                                         "(starts a local Prefect server unless PREFECT_API_URL is set)")
    add_settings(serve, *SETTINGS)
    serve.add_argument("--name", help="deployment name (default: nightly)")
    add_source_flags(serve, dates=False)  # a schedule reads the index days not read yet
    serve.add_argument("--run-now", action="store_true", help="also start one run at once")
    serve.add_argument("--register-only", action="store_true",
                       help="create or update the deployment and exit")
    serve.add_argument("--pool", help="with --register-only: the work pool whose workers run the deployment")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help="port of the local Prefect server started when PREFECT_API_URL is unset "
                            "(default: %(default)s)")
    serve.set_defaults(func=cmd_serve)
