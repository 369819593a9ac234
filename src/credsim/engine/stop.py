"""A stop asked for from outside the process (SIGTERM, SIGHUP), honoured where it is safe.

The command line's handler raises `SystemExit` at once, which unwinds through the run
directory and removes what it half-wrote. A signal can land while a finaliser or a library's
callback runs, which swallow that exit and let the run go on; so the request is also kept
here, and the day loops and a result directory's commit honour it (`honour`)."""

from __future__ import annotations

from typing import NoReturn

_asked: list[int] = []


def ask(signum: int) -> NoReturn:
    """Ask the process to stop with exit code 128 + `signum`: now, and at the next safe point
    should this exit be swallowed."""
    _asked.append(signum)
    raise SystemExit(128 + signum)


def honour() -> None:
    """Exit as asked, if a stop was asked for."""
    if _asked:
        raise SystemExit(128 + _asked[0])


def forget() -> None:
    """Forget a request (the command line, when its command is over)."""
    _asked.clear()
