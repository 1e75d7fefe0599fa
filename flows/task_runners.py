"""Where the parse tasks run: threads of the flow's process, or a Dask cluster.

`RunSettings.task_runner` picks it (`filingflow run --task-runner dask
--dask-address tcp://host:8786`, or `task_runner`/`dask_address` in the
configuration, which scheduled runs read too). Only the parse tasks go to this
runner: the flow enters it around the parse step alone, and consolidate,
validate and load are called directly in the flow's function, so they run in
the flow's process, next to the DuckDB file.

On Dask, each parse task reads its files in the worker's own process (Dask
workers are daemon processes, which may not start the parse pool of
flows/parse_pool.py) and writes its Parquet parts into the lake itself: the
lake and the input files must be reachable from every worker under the same
names (docs/scale-out.md)."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from prefect import Task
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from filingflow import lake as lake_store
from flows import parse_pool, prefect_env

THREADS, DASK = "threads", "dask"
KINDS = (THREADS, DASK)


def build_task_runner(kind: str, address: str | None = None) -> TaskRunner:
    """ThreadPoolTaskRunner, or DaskTaskRunner on the cluster at `address` (none: a new LocalCluster)."""
    if kind == THREADS:
        return ThreadPoolTaskRunner()
    if kind != DASK:
        raise ValueError(f"unknown task runner {kind!r} (one of {', '.join(KINDS)})")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeError("the dask task runner needs prefect-dask: pip install 'filingflow[dask]'") from exc
    # No address: a distributed.LocalCluster with its defaults (worker processes for this machine's
    # cores), started for the parse step and closed after it.
    return DaskTaskRunner(address=address) if address else DaskTaskRunner()


@contextmanager
def parse_runner(settings) -> Iterator[Callable[[Task, dict[str, Any]], PrefectFuture]]:
    """`submit(task, parameters)` onto the started task runner of a run's parse tasks
    (settings: flows.pipeline.RunSettings)."""
    if settings.task_runner != DASK:
        with build_task_runner(settings.task_runner) as runner:
            yield runner.submit
        return
    if lake_store.in_one_process(settings.lake):
        # Each Dask worker process would write into its own memory, which the flow never sees.
        raise ValueError(f"lake {settings.lake}: a memory:// lake lives in one process; "
                         "Dask workers need a lake they share with the flow")
    _dask_logs_at_prefect_level()
    # Dask workers record their task runs through the flow's API: without PREFECT_API_URL each worker
    # process would start a Prefect server of its own (15-20 s each), so the flow's one is handed to
    # them (it listens on 127.0.0.1: a remote cluster needs a real server, docs/scale-out.md).
    with prefect_env.api_for_run(), build_task_runner(DASK, settings.dask_address) as runner:
        yield lambda task, parameters: runner.submit(task, {k: _shippable(v) for k, v in parameters.items()})


def _dask_logs_at_prefect_level() -> None:
    """Dask logs every start and stop of its cluster at INFO: show them only when Prefect's log is that
    verbose (`filingflow run --verbose`)."""
    from prefect.settings import PREFECT_LOGGING_LEVEL

    level = PREFECT_LOGGING_LEVEL.value()
    logging.getLogger("distributed").setLevel(level)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", level.lower())  # a LocalCluster's worker processes


class _Shipped(quote):
    """quote(value) that reaches a Dask worker whole. Dask rebuilds a tuple subclass from its items
    (`type(x)(items)`), and so does unpickling; quote's constructor takes the value, not the items,
    so a plain quote arrives as quote((value,)) (prefect-dask issue #43). This one is built from its
    items like a tuple: `_Shipped((value,))`."""

    __slots__ = ()

    def __new__(cls, items: tuple[Any]):
        return tuple.__new__(cls, items)

    def rewrap(self, value: Any) -> _Shipped:
        return type(self)((value,))


def _shippable(value: Any) -> Any:
    return _Shipped((value.unwrap(),)) if type(value) is quote else value


def local_parse_workers(settings) -> int:
    """Parse-pool processes the flow's own process starts: none when the parse tasks run on Dask."""
    return parse_pool.worker_count(settings.parse_workers) if settings.task_runner == THREADS else 1
