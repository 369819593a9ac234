"""Checkpoints are safe: a user's directory is never emptied, a damaged or crafted checkpoint is
refused with exit 2 naming the file (and runs no code), and a full disk leaves no temporary file
and ends in one paragraph with the space needed."""

from __future__ import annotations

import errno
import json
import os
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import credsim
from credsim.cli import main
from credsim.experiments import resume
from credsim.experiments.checkpoint import PROGRESS, STATE, has_checkpoint, partial_path
from credsim.experiments.checkpoint_files import write_manifest
from credsim.experiments.checkpoint_format import write_npz
from credsim.results.partial import MARK, mark

SIZE = {"population": 1_500, "days": 10, "seed": 3}
SETS = ["output.report=false", "output.flush_days=2"]
ARGS = ["--population", "1500", "--days", "10", "--seed", "3", "--quiet"]
ARGS += ["--set", "output.report=false", "--set", "output.flush_days=2"]


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """Run `credsim ARGS` in this process: (exit code, stderr as one line)."""
    monkeypatch.setattr(sys, "argv", ["credsim", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return ended.value.code, " ".join(err.split())


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> credsim.Results:
    return credsim.run(
        "default", out=tmp_path_factory.mktemp("ref") / "run", overrides=SETS, **SIZE
    )


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory) -> Path:
    """An interrupted checkpointed run: `run.partial/` with its checkpoint after day 5."""
    out = tmp_path_factory.mktemp("interrupted") / "run"

    def stop(day: int) -> None:
        if day == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        credsim.run("default", out=out, on_day=stop, checkpoint_every=3, overrides=SETS, **SIZE)
    assert has_checkpoint(partial_path(out))
    return out


def _copy(interrupted: Path, tmp_path: Path) -> Path:
    shutil.copytree(partial_path(interrupted), partial_path(tmp_path / "run"))
    return tmp_path / "run"


def test_a_users_directory_named_out_partial_is_never_emptied(monkeypatch, capsys, tmp_path):
    mine = partial_path(tmp_path / "run")
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    args = [*ARGS, "--checkpoint-every", "3", "--out", str(tmp_path / "run")]
    code, err = cli(monkeypatch, capsys, "run", *args)
    assert code == 2 and "was not made by credsim" in err and str(mine) in err
    (mine / PROGRESS).write_text("{}")  # not even when it looks like a checkpoint
    code, err = cli(monkeypatch, capsys, "run", "--resume", str(tmp_path / "run"))
    assert code == 2 and "not made by this credsim" in err
    assert sorted(p.name for p in mine.iterdir()) == [PROGRESS, "notes.txt"]
    assert (mine / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.partial"]


@pytest.mark.parametrize("target", ["state", "manifest"])
def test_one_flipped_byte_in_a_checkpoint_is_refused_naming_the_file(
    monkeypatch, capsys, interrupted, tmp_path, target
):
    out = _copy(interrupted, tmp_path)
    partial = partial_path(out)
    info = json.loads((partial / PROGRESS).read_text())
    if target == "state":
        damaged = partial / info["folder"] / STATE
        data = bytearray(damaged.read_bytes())
        data[len(data) // 2] ^= 0x01
    else:  # a digit of the day: still valid JSON, and a different checkpoint
        damaged = partial / PROGRESS
        data = bytearray(damaged.read_bytes())
        at = data.index(b'"day": 5') + len(b'"day": ')
        data[at] = ord("4")
    damaged.write_bytes(bytes(data))
    code, err = cli(monkeypatch, capsys, "run", "--resume", str(out))
    assert code == 2 and "is damaged" in err and str(damaged) in err
    assert not out.exists() and has_checkpoint(partial)  # left for the user to look at


PAYLOAD = "import pathlib; pathlib.Path({!r}).write_text('ran')"


class _Evil:
    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self):
        return (exec, (PAYLOAD.format(str(self.sentinel)),))


def _craft(partial: Path, text: bytes, arrays: dict) -> None:
    info = json.loads((partial / PROGRESS).read_text())
    path = partial / info["folder"] / STATE
    with open(path, "wb") as f:
        write_npz(f, text, arrays)
    from credsim.experiments.checkpoint_files import _sha256

    files = {f"{info['folder']}/{STATE}": {"bytes": 0, "sha256": _sha256(path)}}
    keep = ("kind", "scenario", "day", "days", "every", "folder", "force")
    write_manifest(partial, {k: info[k] for k in keep}, files)


def _node_doc(node: list) -> bytes:
    doc = {"format": "credsim-state/1", "root": {"r": 0}, "nodes": [node, ["dict", [], []]]}
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "how", ["class outside credsim", "credsim module, not a class", "object array", "pickle file"]
)
def test_a_crafted_checkpoint_cannot_run_code(monkeypatch, capsys, interrupted, tmp_path, how):
    """Checksums that match do not make a file safe: only credsim's classes and plain data load,
    arrays never unpickle, and a pickle is never read."""
    out = _copy(interrupted, tmp_path)
    partial = partial_path(out)
    sentinel = tmp_path / "ran"
    if how == "class outside credsim":
        _craft(partial, _node_doc(["obj", "subprocess:Popen", {"r": 1}]), {})
    elif how == "credsim module, not a class":
        _craft(partial, _node_doc(["obj", "credsim.runner:sys", {"r": 1}]), {})
    elif how == "object array":
        evil = np.array([_Evil(sentinel)], dtype=object)
        _craft(partial, _node_doc(["array", "a0"]), {"a0": evil})
    else:  # what an older credsim wrote: checkpoint.pkl beside checkpoint.json
        (partial / "checkpoint.pkl").write_bytes(pickle.dumps(_Evil(sentinel)))
        (partial / PROGRESS).write_text(json.dumps({"scenario": "default", "day": 5, "days": 10}))
    code, err = cli(monkeypatch, capsys, "run", "--resume", str(out))
    assert code == 2, err
    assert "not a credsim checkpoint" in err or "another format" in err
    assert not sentinel.exists() and not out.exists()


def _full_disk_after(calls: int):
    """A write_npz that works `calls` times, then writes a little and finds the disk full."""
    import credsim.experiments.checkpoint_files as files

    real, seen = files.write_npz, {"n": 0}

    def write(f, text, arrays):
        seen["n"] += 1
        if seen["n"] > calls:
            f.write(b"x" * 1000)
            raise OSError(errno.ENOSPC, "No space left on device", f.name)
        real(f, text, arrays)

    return write


def test_a_full_disk_at_the_first_checkpoint_leaves_nothing(monkeypatch, capsys, tmp_path):
    import credsim.experiments.checkpoint_files as files

    monkeypatch.setattr(files, "write_npz", _full_disk_after(0))
    out = tmp_path / "deep" / "run"
    code, err = cli(monkeypatch, capsys, "run", *ARGS, "--checkpoint-every", "3", "--out", str(out))
    assert code == 2 and "the disk is full" in err and str(out) in err
    assert "This needs about" in err and "free there now" in err
    assert list(tmp_path.iterdir()) == []  # no .tmp, no .partial, not even the parent made


# The counterfactual steps first, checkpointed after its days 2, 5, 8 and its last (9); then the
# run, after its days 2, 5 and 8: the disk fills at the counterfactual's second checkpoint, or at
# the run's.
@pytest.mark.parametrize(
    ("written", "last"), [(1, "the counterfactual's day 2"), (5, "day 2")], ids=["twin", "run"]
)
def test_a_full_disk_later_keeps_the_last_checkpoint_and_resumes(
    monkeypatch, capsys, tmp_path, reference, written, last
):
    import credsim.experiments.checkpoint_files as files

    monkeypatch.setattr(files, "write_npz", _full_disk_after(written))
    out = tmp_path / "run"
    code, err = cli(monkeypatch, capsys, "run", *ARGS, "--checkpoint-every", "3", "--out", str(out))
    assert code == 2 and "the disk is full" in err
    assert f"The last checkpoint ({last}) is kept" in err
    partial = partial_path(out)
    left = [p.relative_to(partial) for p in partial.rglob("*") if p.is_file()]
    assert not [p for p in left if p.name.endswith(".tmp")]
    assert not [p for p in left if "days-" in p.name and int(p.name.split("-")[1]) > 2]
    monkeypatch.undo()
    done = resume(out)
    assert (done.path / "summary.json").read_bytes() == (
        reference.path / "summary.json"
    ).read_bytes()


# Two shards in this process: each checkpoint writes shard-0, shard-1 (the shards' own writes),
# then the state. The counterfactuals' checkpoints after their days 2, 5, 8 and 9 make 12
# writes, then the run's after its day 2 three more: the disk fills at the counterfactuals'
# second checkpoint or at the run's second, in a file a shard writes.
@pytest.mark.parametrize(
    ("written", "last", "file"),
    [(4, "the counterfactual's day 2", "shard-1.npz"), (15, "day 2", "shard-0.npz")],
    ids=["twin", "run"],
)
def test_a_full_disk_in_a_shards_own_write_keeps_the_last_checkpoint_and_resumes(
    monkeypatch, capsys, tmp_path, reference, written, last, file
):
    import credsim.experiments.checkpoint_files as files

    monkeypatch.setattr(files, "write_npz", _full_disk_after(written))
    out = tmp_path / "run"
    args = ["run", *ARGS, "--shards", "2", "--checkpoint-every", "3", "--out", str(out)]
    code, err = cli(monkeypatch, capsys, *args)
    assert code == 2 and "the disk is full" in err and file in err
    assert f"The last checkpoint ({last}) is kept" in err
    partial = partial_path(out)
    assert not [p for p in partial.rglob("*") if p.name.endswith(".tmp")]
    monkeypatch.undo()
    done = resume(out)
    assert (done.path / "summary.json").read_bytes() == (
        reference.path / "summary.json"
    ).read_bytes()


def test_a_full_disk_in_a_plain_run_removes_the_partial_run(monkeypatch, capsys, tmp_path):
    from credsim.results.writer import RunDirectory

    def full(self, name, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.path / name))

    monkeypatch.setattr(RunDirectory, "write_json", full)
    out = tmp_path / "a" / "b" / "run"
    code, err = cli(monkeypatch, capsys, "run", *ARGS, "--out", str(out))
    assert code == 2 and "the disk is full" in err and "summary.json" in err
    assert "has been removed" in err
    assert list(tmp_path.iterdir()) == []


def test_a_crafted_checkpoint_in_python_is_refused_too(interrupted, tmp_path):
    from credsim.errors import UserError

    out = _copy(interrupted, tmp_path)
    _craft(partial_path(out), _node_doc(["class", "os:system"]), {})
    with pytest.raises(UserError, match="not one of credsim's"):
        resume(out)
    assert (partial_path(out) / MARK).is_file() and os.path.isdir(partial_path(out))


def test_marking_is_what_makes_a_partial_directory_credsims(tmp_path):
    folder = tmp_path / "x.partial"
    folder.mkdir()
    mark(folder, "checkpointed run", tmp_path / "x")
    info = json.loads((folder / MARK).read_text())
    assert info["pid"] == os.getpid() and info["final"] == str(tmp_path / "x")
