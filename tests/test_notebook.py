"""The Colab notebook runs headless with tiny settings and draws the learning curve."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "reference_impl" / "ppo" / "experiment.ipynb"


def test_notebook_installs_the_project_in_a_tagged_first_code_cell_and_has_a_parameters_cell():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert "install" in code[0].metadata.get("tags", [])
    assert "pip install" in code[0].source and "git+https://github.com/" in code[0].source
    assert any("parameters" in cell.metadata.get("tags", []) for cell in code)
    # Committed without outputs, so that the diff stays readable
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.slow
def test_notebook_trains_and_plots_the_learning_curve(tmp_path, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # The installation cell is for Colab; here the project is importable from the repository
    notebook.cells = [cell for cell in notebook.cells if "install" not in cell.metadata.get("tags", [])]
    out = tmp_path / "run"
    settings = {
        "PPO_NOTEBOOK_ENV": "ALE/Breakout-v5",
        "PPO_NOTEBOOK_TOTAL_STEPS": "800",
        "PPO_NOTEBOOK_NUM_ENVS": "2",
        "PPO_NOTEBOOK_NUM_STEPS": "100",
        "PPO_NOTEBOOK_EVAL_EPISODES": "1",
        "PPO_NOTEBOOK_OUT": str(out),
        "MPLBACKEND": "Agg",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    client.execute()

    rows = (out / "metrics.csv").read_text().splitlines()
    assert len(rows) == 1 + 4
    curve = out / "learning_curve.png"
    assert curve.read_bytes().startswith(b"\x89PNG") and curve.stat().st_size > 10_000
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert any("mean score" in output.get("text", "") for output in outputs)
