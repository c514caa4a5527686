"""The exploration notebooks: committed without outputs, and they run against a pipeline output folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = ["01-corpus-overview.ipynb", "02-practices-and-models.ipynb", "03-regional-comparison.ipynb",
             "04-text-reuse.ipynb"]


def read(name: str) -> nbformat.NotebookNode:
    """A notebook of the repository, validated as nbformat v4."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    return nb


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_committed_clean(name: str) -> None:
    code = [cell for cell in read(name).cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    first = read(name).cells[0].source
    assert "from pipeline import explore" in first
    assert 'OUT = os.environ.get("PIPELINE_OUT", "../outputs")' in first


@pytest.mark.notebooks
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, pipeline_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    # The kernel inherits this process's environment, so the notebook reads pipeline_out.
    monkeypatch.setenv("PIPELINE_OUT", str(Path(pipeline_out).resolve()))
    nb = read(name)
    client = NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()  # raises CellExecutionError naming the failing cell
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert errors == []
