"""The layout rules: the pipeline runs without the UI, and pages do not reach into the database directly."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_pipeline_never_imports_streamlit():
    modules = sorted(
        "pipeline." + ".".join(p.relative_to(ROOT / "pipeline").with_suffix("").parts)
        for p in (ROOT / "pipeline").rglob("*.py")
        if p.name not in {"__init__.py", "__main__.py"}
    )
    assert "pipeline.ingest.load" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_legacy_pages_folder():
    # a folder named pages/ beside app.py switches Streamlit to its legacy multipage mode
    assert not (ROOT / "pages").exists()
    assert (ROOT / "app_pages").is_dir()


def test_streamlit_config_is_hardened():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableStaticServing"] is False
    assert 0 < config["server"]["maxUploadSize"] <= 200  # MB, the same cap as pipeline.config.MAX_FILE_BYTES
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"  # tracebacks never reach the office's screen
