"""The documentation site builds without a warning, and the tutorial notebook runs top to bottom."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.ipynb"


def test_the_docs_site_builds_strictly_with_every_page_and_the_api_reference(tmp_path):
    site = tmp_path / "site"
    env = {**os.environ, "CREDSIM_DOCS_EXECUTE": "false", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    for page in ["harm", "report", "compare", "validation", "tutorial"]:
        assert (site / page / "index.html").is_file(), page
    running = (site / "reference" / "running" / "index.html").read_text(encoding="utf-8")
    assert "credsim.api.run" in running and "load_scenario" in running
    plugins = (site / "reference" / "plugins" / "index.html").read_text(encoding="utf-8")
    for base in ["Behavior", "Source", "Policy", "Consequence", "Metric", "PluginParams"]:
        assert f'id="credsim.engine.plugin.{base}"' in plugins, base
    results = (site / "reference" / "results" / "index.html").read_text(encoding="utf-8")
    assert 'id="credsim.results.results.Results.timeseries"' in results
    tutorial = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert 'href="../harm/"' in tutorial  # the notebook's links point at built pages


def test_the_tutorial_is_stored_without_outputs():
    notebook = nbformat.read(TUTORIAL, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_tutorial_runs_from_top_to_bottom(tmp_path, monkeypatch):
    # A kernel of this interpreter, whatever kernels the machine has; temporary run directories
    # go under tmp_path.
    kernel = tmp_path / "jupyter" / "kernels" / "credsim-tutorial"
    kernel.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "credsim tutorial", "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend shows figures
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))

    notebook = nbformat.read(TUTORIAL, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="credsim-tutorial",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(figures) == 2
    assert not [out for out in outputs if out.get("name") == "stderr" and "Warning" in out.text]
