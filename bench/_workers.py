"""Worker processes for the benchmarks: as granian runs the app, one interpreter each.

Threads in one interpreter share its lock, so Python work per request caps them all; processes
do not. The parent prepares the database, then forks: each child inherits the settings (the
throwaway database's name included), opens its own connection, waits at a barrier so all start
together, works until the shared deadline and sends back a Counter of outcomes.
"""

import multiprocessing
import time as clock
from collections import Counter
from collections.abc import Callable, Iterable


def run_processes(
    count: int, seconds: float, work: Callable[[int, float], Iterable[str]]
) -> tuple[Counter, float]:
    """Run `work(number, deadline)` in `count` forked processes; (outcomes, elapsed seconds).

    `work` yields one outcome name per operation and stops at `deadline` (perf_counter time,
    which forked children share with the parent on Linux).
    """
    from django.db import connections

    connections.close_all()  # a child must never share the parent's socket
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(count + 1)
    results = context.Queue()

    def child(number: int) -> None:
        outcomes: Counter = Counter()
        try:
            barrier.wait()
            deadline = clock.perf_counter() + seconds
            outcomes.update(work(number, deadline))
        except Exception as error:  # counted, so a broken run never looks like a fast one
            outcomes[f"error: {type(error).__name__}: {error}"] += 1
        finally:
            connections.close_all()
            results.put(outcomes)

    children = [context.Process(target=child, args=(number,)) for number in range(count)]
    for process in children:
        process.start()
    barrier.wait()
    started = clock.perf_counter()
    total: Counter = Counter()
    for _ in children:
        total.update(results.get())
    elapsed = clock.perf_counter() - started
    for process in children:
        process.join()
    return total, elapsed
