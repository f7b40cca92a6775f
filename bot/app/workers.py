"""The threads that run slow work (link fetches, analyses, replies) after Slack was acknowledged.

Work comes from the durable job queue (copydesk.storage.jobs: a listener stores the job, in the
transaction that records its event as seen, before Slack is acknowledged) and, for work that need
not survive a crash, from `submit`. Each job kind has a handler (`handle(kind, fn)`, registered by
the listeners' modules); `serve(queue)` queues again the jobs a dead process left running and
starts the threads. `shutdown` stops taking jobs, lets the running ones finish for a while and
puts back in the queue those that did not: the next `serve` resumes them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.storage.jobs import Job, JobQueue

log = logging.getLogger(__name__)

WORKERS = 4  # slow jobs (link fetches, analyses) running at once; more wait in the queue
POLL_SECONDS = 1.0  # an idle thread looks at the queue this often even when nobody says so
MAX_ATTEMPTS = 3  # a job taken more often than this (it stopped the process each time) is given up
PRUNE_EVERY = 1000  # finished jobs: old ones are dropped after this many more


def process_owner() -> str:
    """Who runs a job: this host and process (a job whose owner is gone is queued again)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_alive(owner: str) -> bool:
    """Whether the process named by `process_owner()` on this host still runs (another host's
    owner counts as gone: one archive file is served by one machine)."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # this process starts now: whatever it "runs" is from an earlier life
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Workers:
    """A fixed set of threads running durable jobs (from a JobQueue) and in-memory work
    (`submit`). A job's or a task's exception is logged, never lost; `wait_idle` tells when
    nothing is queued or running (tests, benchmarks)."""

    def __init__(self, size: int = WORKERS) -> None:
        self.size = size
        self.owner = process_owner()
        lock = threading.RLock()
        self._cond = threading.Condition(lock)  # work arrived (or stopping): wakes idle threads
        # a thread finished something: wakes those waiting for the pool to be idle (never the
        # idle threads, which would each look at the queue again and wake the others in turn)
        self._changed = threading.Condition(lock)
        self._tasks: deque[tuple[str, Callable[..., Any], tuple, dict, Future]] = deque()
        self._handlers: dict[str, Callable[[Job], None]] = {}
        self._queue: JobQueue | None = None
        self._threads: list[threading.Thread] = []
        self._running: dict[int, Job] = {}
        self._busy = 0
        self._wakeups = 0
        self._stopping = False
        self._finished = 0

    # ------------------------------------------------------------ setting up
    def handle(self, kind: str, fn: Callable[[Job], None]) -> None:
        """Run `fn(job)` for jobs of `kind`. `fn` posts the job's reply through
        `job.prepare_reply` / `job.finish`; a job it leaves unfinished is finished after it."""
        self._handlers[kind] = fn

    def serve(self, queue: JobQueue) -> int:
        """Take jobs from `queue` from now on (after queueing again those a dead process left
        running). Returns how many were queued again."""
        resumed = queue.requeue_abandoned(owner_alive)
        waiting = queue.pending()
        if waiting:
            log.info(
                "resuming %d job(s) from an earlier run (%d of them left running by a process that died)",
                waiting,
                resumed,
            )
        with self._cond:
            self._queue = queue
        self._start()
        self.notify()
        return resumed

    @property
    def queue(self) -> JobQueue | None:
        return self._queue

    def notify(self) -> None:
        """A job was queued: wake an idle thread."""
        with self._cond:
            self._wakeups += 1
            self._cond.notify_all()

    def _start(self) -> None:
        with self._cond:
            if self._stopping:
                raise RuntimeError("the workers are stopping")
            while len(self._threads) < self.size:
                thread = threading.Thread(
                    target=self._loop, name=f"copydesk-worker-{len(self._threads) + 1}", daemon=True
                )
                self._threads.append(thread)
                thread.start()

    # ------------------------------------------------------------ in-memory work
    def submit(self, what: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run `fn(*args, **kwargs)` in a worker thread, not durably (lost if the process dies);
        `what` names it in logs."""
        future: Future = Future()
        with self._cond:
            if self._stopping:
                raise RuntimeError("the workers are stopping")
            self._tasks.append((what, fn, args, kwargs, future))
            self._cond.notify_all()
        self._start()
        return future

    # ------------------------------------------------------------ the threads
    def _loop(self) -> None:
        while True:
            task = job = None
            with self._cond:
                if self._stopping:
                    return
                if self._tasks:
                    task = self._tasks.popleft()
                self._busy += 1
                wakeups, queue = self._wakeups, self._queue
            try:
                if task is not None:
                    self._run_task(*task)
                elif queue is not None:
                    job = self._take(queue)
                    if job is not None:
                        self._run_job(job)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._changed.notify_all()
                    if task is None and job is None and not self._stopping and self._wakeups == wakeups:
                        self._cond.wait(POLL_SECONDS)

    def _take(self, queue: JobQueue) -> Job | None:
        try:
            job = queue.take(self.owner)
        except Exception:
            log.exception("could not take a job from the queue")
            time.sleep(POLL_SECONDS)
            return None
        if job is None:
            return None
        with self._cond:
            if self._stopping:  # stopping began while taking it: put it back at once
                queue.release(job.id)
                return None
            self._running[job.id] = job
        return job

    def _run_task(self, what: str, fn: Callable[..., Any], args: tuple, kwargs: dict, future: Future) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            log.exception("background job failed: %s", what)
            future.set_exception(exc)

    def _run_job(self, job: Job) -> None:
        what = f"{job.kind} job {job.id}"
        try:
            handler = self._handlers.get(job.kind)
            if handler is None:
                log.error("%s: no handler for this kind of job", what)
                job.fail("no handler")
                return
            if job.attempts > 1:
                log.info("%s: attempt %d", what, job.attempts)
            handler(job)
            job.finish()
        except Exception as exc:
            log.exception("%s failed", what)
            try:
                job.fail(f"{exc.__class__.__name__}")
            except Exception:
                log.exception("%s: could not record the failure", what)
        finally:
            with self._cond:
                self._running.pop(job.id, None)
                self._finished += 1
                prune = self._finished % PRUNE_EVERY == 0
            if prune and job.queue is not None:
                try:
                    job.queue.prune()
                except Exception:
                    log.exception("could not drop old finished jobs")

    # ------------------------------------------------------------ state
    @property
    def pending(self) -> int:
        """In-memory tasks queued or running, and jobs queued or running."""
        with self._cond:
            n = len(self._tasks) + self._busy
            queue = self._queue
        return max(n, queue.pending() if queue is not None else 0)

    def _idle(self) -> bool:
        with self._cond:
            if self._tasks or self._busy:
                return False
            queue = self._queue
        return queue is None or queue.pending() == 0

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is queued or running; False if `timeout` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._idle():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            with self._changed:
                self._changed.wait(0.05)
        return True

    def stop_taking(self) -> None:
        """Take no more work (the process is stopping): running jobs go on, queued ones stay queued."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop taking work; let running jobs finish for up to `timeout` seconds, then put the
        unfinished ones back in the queue (the next start resumes them). Queued in-memory work
        is dropped; queued jobs stay queued."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            dropped = list(self._tasks)
            self._tasks.clear()
        for *_, future in dropped:
            future.cancel()
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._busy and time.monotonic() < deadline:
                self._changed.wait(min(0.1, max(0.0, deadline - time.monotonic())))
            unfinished = list(self._running.values())
            queue = self._queue
        if unfinished and queue is not None:
            log.warning("stopping with %d job(s) unfinished: back in the queue for the next start", len(unfinished))
            for job in unfinished:
                try:
                    queue.release(job.id)
                except Exception:
                    log.exception("could not put job %d back in the queue", job.id)
        elif self._busy:
            log.warning("stopping with background work unfinished")
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(0.05)
