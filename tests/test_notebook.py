"""notebooks/graphbuild_tour.ipynb runs top to bottom (in a temporary folder), so it never goes stale."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "graphbuild_tour.ipynb"


def test_tour_runs_top_to_bottom(tmp_path, monkeypatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("GRAPHBUILD_DATA", str(ROOT / "data"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "'qd 205 tw'" in text and "doc/qd-tw_2019_205" in text
    assert "»Quy định số 205-QĐ/TW«" in text  # the citing sentence, reference marked
    assert "Most central" in text
    png = tmp_path / "citation_network.png"
    assert png.is_file() and png.stat().st_size > 20_000
    assert any(o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
               for o in nb.cells[-2].outputs)
