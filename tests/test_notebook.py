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
    # section 6: the sample's directive network; the Charter is guided by 24-QĐ/TW and 01-HD/TW
    assert "Implementation tree of Điều lệ Đảng" in text
    assert "└ guides     Quy định 24-QĐ/TW" in text and "└ guides     Hướng dẫn 01-HD/TW" in text
    for name in ("citation_network.png", "implementation_tree.png"):
        png = tmp_path / name
        assert png.is_file() and png.stat().st_size > 20_000
    images = [c for c in nb.cells if c.cell_type == "code"
              and any(o.get("output_type") == "display_data" and "image/png" in o.get("data", {}) for o in c.outputs)]
    assert len(images) == 2
