"""External checkers the tests call (poppler's pdfsig and pdftotext, qpdf)."""
from __future__ import annotations

import os
import shutil

import pytest


def tool(name: str) -> str:
    """Return the path of a command-line tool; fail under REQUIRE_TOOLS=1, else skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed")
    return path
