"""Shards as worker processes of this machine: each shard steps on a core of its own.

A sharded run's shards share no state and meet once a day, so on one machine they are the way to
use more than one core for one run: Numba's threads inside one process speed up only the few
kernels that run in parallel, while each shard process runs the whole day loop. Results are
those of a single process, whatever the backend (credsim.experiments.sharding).
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

from credsim.experiments.sharding.group import ShardGroup

__all__ = ["ProcessShards", "ShardProcessDied"]


class ShardProcessDied(RuntimeError):
    """A shard's process ended without answering (killed, or out of memory)."""


def _serve(conn: Connection, init: tuple, threads: int) -> None:
    """The loop of one shard process: build the shard, then answer calls until told to stop."""
    from credsim.experiments.sharding.shard import Shard

    try:
        shard = Shard(*init, threads)
    except BaseException as err:  # reported to the driver at the first call
        shard, failed = None, err
    while True:
        message = conn.recv()
        if message is None:
            return
        method, args = message
        try:
            if shard is None:
                raise failed
            conn.send((True, getattr(shard, method)(*args)))
        except BaseException as err:
            conn.send((False, err))


class ProcessShards(ShardGroup):
    """One long-lived process per shard (started with `spawn`: this process may hold Numba's
    thread pool, which must not be forked), each running `threads` Numba threads; a call goes
    to every shard at once and waits for all of them."""

    def __init__(self, inits: list[tuple], threads: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.procs = []
        for init in inits:
            mine, theirs = context.Pipe()
            proc = context.Process(target=_serve, args=(theirs, init, threads), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)

    def call(self, method: str, args: list[tuple]) -> list[Any]:
        for index, a in enumerate(args):
            self._send(index, (method, a))
        answers = [self._answer(k) for k in range(len(self.conns))]
        return [self._value(answer) for answer in answers]

    def call_one(self, index: int, method: str, *args: Any) -> Any:
        self._send(index, (method, args))
        return self._value(self._answer(index))

    def _send(self, index: int, message: tuple) -> None:
        try:
            self.conns[index].send(message)
        except (BrokenPipeError, ConnectionResetError):
            raise self._died(index) from None

    def _answer(self, index: int) -> tuple[bool, Any]:
        try:
            return self.conns[index].recv()
        except (EOFError, ConnectionResetError):
            raise self._died(index) from None

    def _died(self, index: int) -> ShardProcessDied:
        self.procs[index].join(timeout=5)
        return ShardProcessDied(
            f"shard {index}'s process ended without answering (exit code "
            f"{self.procs[index].exitcode}); if it ran out of memory, give fewer citizens per "
            "shard or more shards"
        )

    @staticmethod
    def _value(answer: tuple[bool, Any]) -> Any:
        ok, value = answer
        if not ok:
            raise value
        return value

    def close(self) -> None:
        for conn, proc in zip(self.conns, self.procs, strict=True):
            with contextlib.suppress(BrokenPipeError, OSError):  # it has already ended
                conn.send(None)
            conn.close()
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
                proc.join()
