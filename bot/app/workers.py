"""The pool that runs slow work (link fetches, analyses, replies) after Slack was acknowledged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

WORKERS = 4  # slow jobs (link fetches, analyses) running at once; more wait in the pool's queue


class Workers:
    """The pool that runs slow work after Slack has been acknowledged. A job's exception is
    logged, never lost; `wait_idle` tells when every submitted job has finished (graceful
    shutdown, tests)."""

    def __init__(self, size: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="copydesk-worker")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, what: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` in the pool; `what` names the job in logs."""
        with self._idle:
            self._pending += 1
        try:
            return self._pool.submit(self._run, what, fn, args, kwargs)
        except RuntimeError:  # the pool is shut down: the process is stopping
            self._done()
            raise

    def _run(self, what: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            log.exception("background job failed: %s", what)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    @property
    def pending(self) -> int:
        """Jobs submitted and not yet finished (queued or running)."""
        with self._idle:
            return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Let running and queued jobs finish for up to `timeout` seconds, then stop the pool
        (jobs still queued are dropped)."""
        if not self.wait_idle(timeout):
            log.warning("stopping with %d background job(s) unfinished", self.pending)
        self._pool.shutdown(wait=False, cancel_futures=True)


