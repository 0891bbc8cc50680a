"""Where work runs: a small interface, and a pool of local processes behind it.

A distributed executor (Ray) later implements the same `map`. Workers are started with
`spawn`, not `fork`: a forked child would inherit the parent's GL and thread state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Protocol, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


class Executor(Protocol):
    """Runs a function over jobs and returns the results in the jobs' order."""

    def map(
        self,
        fn: Callable[[Job], Result],
        jobs: Sequence[Job],
        done: Callable[[int, Result], None] | None = None,
    ) -> list[Result]:
        """`done(index, result)` is called as each job finishes, in any order."""
        ...


class LocalExecutor:
    """Jobs in up to `workers` processes on this machine (in this process when 1)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def map(
        self,
        fn: Callable[[Job], Result],
        jobs: Sequence[Job],
        done: Callable[[int, Result], None] | None = None,
    ) -> list[Result]:
        results: list[Result | None] = [None] * len(jobs)
        if self.workers == 1 or len(jobs) <= 1:
            for i, job in enumerate(jobs):
                results[i] = fn(job)
                if done:
                    done(i, results[i])  # type: ignore[arg-type]
            return results  # type: ignore[return-value]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(self.workers, len(jobs)), mp_context=context) as pool:
            futures = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                if done:
                    done(i, results[i])  # type: ignore[arg-type]
        return results  # type: ignore[return-value]
