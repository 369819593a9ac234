"""The checkpoint file format: a simulation's object graph as JSON plus its NumPy arrays, in one
`.npz` file read with `allow_pickle=False`, so that loading a checkpoint cannot run code.

The JSON holds a table of nodes (lists, tuples, dicts, sets, dates, NumPy scalars, class names and
objects with their state); every array is a member of the `.npz`. Objects may only be of credsim's
own classes: loading names a class as `module:qualname`, imports that credsim module, and rebuilds
the object the way pickle would (`cls.__new__(cls)`, then `__setstate__` or the instance
dictionary), without ever calling a function the file names. Shared references stay shared and
cycles stay cycles, as with pickle; an array that is a view of another is saved as its own copy
(as pickle does too).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import pathlib
from collections import deque
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

__all__ = ["StateError", "decode", "encode", "read_npz", "write_npz"]

FORMAT_NAME = "credsim-state/1"
STATE_KEY = "state.json"
_SCALARS = (bool, int, str, type(None))


class StateError(ValueError):
    """A checkpoint file that does not hold a valid credsim object graph."""


def _qualified(cls: type) -> str:
    module = cls.__module__
    if not (module == "credsim" or module.startswith("credsim.")):
        name = f"{module}.{cls.__qualname__}"
        raise TypeError(f"a checkpoint holds only credsim's own classes and data, not {name}")
    return f"{module}:{cls.__qualname__}"


def _resolve(name: object) -> type:
    """The credsim class `module:qualname` names (and nothing else)."""
    if not isinstance(name, str) or name.count(":") != 1:
        raise StateError(f"bad class name {name!r}")
    module, qualname = name.split(":")
    if not (module == "credsim" or module.startswith("credsim.")):
        raise StateError(f"class {name!r} is not one of credsim's")
    try:
        found: Any = importlib.import_module(module)
    except ImportError:
        raise StateError(f"class {name!r}: no such credsim module") from None
    for part in qualname.split("."):
        found = getattr(found, part, None)
    if not (
        isinstance(found, type) and found.__module__ == module and found.__qualname__ == qualname
    ):
        raise StateError(f"class {name!r}: no such credsim class")
    return found


class _Encoder:
    """Walks an object graph breadth first, giving every container and object one node."""

    def __init__(self, externals: Mapping[int, str]) -> None:
        self.externals = externals
        self.nodes: list[Any] = []
        self.arrays: dict[str, np.ndarray] = {}
        self._index: dict[int, int] = {}
        self._keep: list[object] = []  # temporaries (states) stay alive, so their ids stay unique
        self._todo: deque[tuple[int, object]] = deque()

    def ref(self, value: object) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"f": repr(value)}
        index = self._index.get(id(value))
        if index is None:
            index = len(self.nodes)
            self._index[id(value)] = index
            self.nodes.append(None)
            self._keep.append(value)
            self._todo.append((index, value))
        return {"r": index}

    def run(self, root: object) -> Any:
        top = self.ref(root)
        while self._todo:
            index, value = self._todo.popleft()
            self.nodes[index] = self._node(index, value)
        return top

    def _node(self, index: int, value: Any) -> list:
        kind = type(value)
        if kind in (list, tuple, set, frozenset):
            return [kind.__name__, [self.ref(x) for x in value]]
        if kind is dict:
            return ["dict", [self.ref(k) for k in value], [self.ref(v) for v in value.values()]]
        if kind is np.ndarray:
            if id(value) in self.externals:
                return ["ext", self.externals[id(value)]]
            if value.dtype.hasobject:
                raise TypeError("a checkpoint cannot hold an array of Python objects")
            key = f"a{index}"
            self.arrays[key] = value
            return ["array", key]
        if isinstance(value, np.generic | np.dtype):
            dtype = value if isinstance(value, np.dtype) else value.dtype
            if dtype.fields is not None or dtype.hasobject:
                raise TypeError(f"a checkpoint cannot save a scalar or dtype of {dtype}")
            if isinstance(value, np.dtype):
                return ["dtype", dtype.str]
            return ["np", dtype.str, value.tobytes().hex()]
        if kind is dt.date:
            return ["date", value.isoformat()]
        if kind is dt.datetime:
            return ["datetime", value.isoformat()]
        if isinstance(value, pathlib.PurePath):
            return ["path", str(value)]
        if kind is bytes:
            return ["bytes", value.hex()]
        if isinstance(value, type):
            return ["class", _qualified(value)]
        return self._object(value)

    def _object(self, value: Any) -> list:
        cls = type(value)
        name = _qualified(cls)
        builtin = (dict, list, tuple, set, frozenset, str, int, float, bytes, np.ndarray)
        custom = cls.__reduce_ex__ is not object.__reduce_ex__
        if isinstance(value, builtin) or custom or cls.__reduce__ is not object.__reduce__:
            raise TypeError(f"{name}: a checkpoint cannot save this kind of object")
        return ["obj", name, self.ref(value.__getstate__())]


def encode(root: object, externals: Mapping[int, str] | None = None) -> tuple[bytes, dict]:
    """(JSON text, arrays by key) of `root`; arrays whose id is in `externals` are saved as that
    name only (a shard's state columns, which travel on their own)."""
    encoder = _Encoder(externals or {})
    top = encoder.run(root)
    doc = {"format": FORMAT_NAME, "root": top, "nodes": encoder.nodes}
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return text, encoder.arrays


_MISSING = object()


class _Decoder:
    def __init__(self, nodes: list, arrays: Mapping[str, np.ndarray], externals: Mapping) -> None:
        self.nodes = nodes
        self.made: list[Any] = [_MISSING] * len(nodes)
        self.arrays, self.externals = arrays, externals
        self._building: set[int] = set()

    def value(self, item: Any) -> Any:
        if isinstance(item, dict):
            if set(item) == {"r"}:
                return self.get(item["r"])
            if set(item) == {"f"} and item["f"] in ("nan", "inf", "-inf"):
                return float(item["f"])
            raise StateError(f"bad value {str(item)[:80]}")
        if isinstance(item, list):
            raise StateError("bad value: a list outside a node")
        return item

    def get(self, index: Any) -> Any:
        if not isinstance(index, int) or not 0 <= index < len(self.nodes):
            raise StateError(f"bad reference {index!r}")
        made = self.made[index]
        if made is _MISSING:  # a tuple or frozenset: built from its items when first needed
            if index in self._building:
                raise StateError(f"node {index} contains itself")
            self._building.add(index)
            kind, items = self.nodes[index]
            made = (tuple if kind == "tuple" else frozenset)(self.value(x) for x in items)
            self.made[index] = made
        return made

    def shell(self, index: int, node: Any) -> Any:
        """What node `index` becomes before its contents are filled in (pass 1)."""
        if not isinstance(node, list) or not node or not isinstance(node[0], str):
            raise StateError(f"bad node {index}")
        kind, args = node[0], node[1:]
        simple = {
            "list": list,
            "dict": dict,
            "set": set,
            "date": dt.date.fromisoformat,
            "datetime": dt.datetime.fromisoformat,
            "path": pathlib.Path,
            "bytes": bytes.fromhex,
            "dtype": np.dtype,
        }
        shape = {"list": 1, "tuple": 1, "set": 1, "frozenset": 1, "dict": 2, "np": 2, "obj": 2}
        if len(args) != shape.get(kind, 1):
            raise StateError(f"bad node {index} ({kind})")
        if kind in ("list", "dict", "set"):
            return simple[kind]()
        if kind in ("tuple", "frozenset"):
            return _MISSING
        if kind in ("date", "datetime", "path", "bytes", "dtype"):
            if not isinstance(args[0], str):
                raise StateError(f"bad node {index} ({kind})")
            return simple[kind](args[0])
        if kind == "np":
            scalar = np.frombuffer(bytes.fromhex(args[1]), dtype=np.dtype(args[0]))
            if scalar.shape != (1,):
                raise StateError(f"bad node {index} (np)")
            return scalar[0]
        if kind == "array":
            found = self.arrays.get(args[0])
            if not isinstance(found, np.ndarray):
                raise StateError(f"node {index}: no array {args[0]!r} in the file")
            return found
        if kind == "ext":
            if args[0] not in self.externals:
                raise StateError(f"node {index}: no column {args[0]!r}")
            return self.externals[args[0]]
        if kind == "class":
            return _resolve(args[0])
        if kind == "obj":
            cls = _resolve(args[0])
            return cls.__new__(cls)
        raise StateError(f"bad node {index} (unknown kind {kind!r})")

    def fill(self, index: int, node: list) -> None:
        """Put its contents into node `index` (pass 2)."""
        kind, made = node[0], self.made[index]
        if kind == "list":
            made.extend(self.value(x) for x in _items(node[1]))
        elif kind == "set":
            made.update(self.value(x) for x in _items(node[1]))
        elif kind == "dict":
            keys, values = _items(node[1]), _items(node[2])
            if len(keys) != len(values):
                raise StateError(f"bad node {index} (dict)")
            for k, v in zip(keys, values, strict=True):
                made[self.value(k)] = self.value(v)
        elif kind == "obj":
            _restore(made, self.value(node[2]))

    def run(self, root: Any) -> Any:
        for index, node in enumerate(self.nodes):
            self.made[index] = self.shell(index, node)
        # Children come after their parents (breadth first): fill them first, so that an object
        # whose state holds other objects sees them complete, as pickle would build them.
        for index in range(len(self.nodes) - 1, -1, -1):
            self.fill(index, self.nodes[index])
        return self.value(root)


def _items(items: Any) -> list:
    if not isinstance(items, list):
        raise StateError("bad node: items are not a list")
    return items


def _restore(obj: object, state: Any) -> None:
    """Give a new object its state as pickle's default protocol does."""
    setstate = getattr(type(obj), "__setstate__", None)
    if setstate is not None:
        setstate(obj, state)
        return
    slots = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slots = state
    for part in (state, slots):
        if part is not None and not (
            isinstance(part, dict) and all(isinstance(k, str) for k in part)
        ):
            raise StateError(f"bad state for {type(obj).__qualname__}")
    if state:
        obj.__dict__.update(state)
    for key, value in (slots or {}).items():
        object.__setattr__(obj, key, value)


def decode(
    text: bytes, arrays: Mapping[str, np.ndarray], externals: Mapping[str, np.ndarray] | None = None
) -> Any:
    """The object graph `encode` wrote. Raises StateError when the file is not one."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise StateError(f"the state is not valid JSON ({err})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise StateError(f"not a {FORMAT_NAME} state")
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        raise StateError("no nodes")
    try:
        return _Decoder(nodes, arrays, externals or {}).run(doc.get("root"))
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as err:
        if isinstance(err, StateError):
            raise
        raise StateError(f"{type(err).__name__}: {err}") from None


def write_npz(f: IO[bytes], text: bytes, arrays: Mapping[str, np.ndarray]) -> None:
    """One `.npz` holding the state's JSON (as bytes) and its arrays."""
    np.savez(f, **{STATE_KEY: np.frombuffer(text, np.uint8)}, **arrays)


def read_npz(path: pathlib.Path) -> tuple[bytes, dict[str, np.ndarray]]:
    """(JSON text, every other array) of a file `write_npz` wrote; never unpickles."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    text = arrays.pop(STATE_KEY, None)
    if text is None or text.dtype != np.uint8 or text.ndim != 1:
        raise StateError(f"no {STATE_KEY} in the file")
    return text.tobytes(), arrays
