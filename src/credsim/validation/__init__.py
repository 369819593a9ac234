"""Reproductions of published results: `credsim validate`.

`institution_from_run(path)` and `measure_run(path)` feed the social-credit institution from a
finished credsim run (imported on first use, so `import credsim.validation` stays light).
"""

from __future__ import annotations

from typing import Any

__all__ = ["institution_from_run", "measure_run"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from credsim.validation import from_run

        return getattr(from_run, name)
    raise AttributeError(f"module 'credsim.validation' has no attribute {name!r}")
