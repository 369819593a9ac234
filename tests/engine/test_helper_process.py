"""Second processes working for a run (credsim.engine.helper_process)."""

from __future__ import annotations

from credsim.engine.helper_process import end_helper, spawn_helper

PROGRAM = (
    "import socket; from multiprocessing.connection import Connection; "
    "import credsim_probe_module as m; "
    "Connection(socket.socket(fileno={fd}).detach()).send(m.VALUE)"
)


def test_a_helper_imports_what_a_folder_added_to_this_process_path_holds(tmp_path, monkeypatch):
    """A notebook that put its plug-ins' folder (or credsim's) on `sys.path` by hand: the
    counterfactual's and the report's helpers import from it too."""
    (tmp_path / "credsim_probe_module.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    conn, proc = spawn_helper(PROGRAM)
    try:
        assert conn.recv() == 42
    finally:
        assert end_helper(conn, proc) == 0
