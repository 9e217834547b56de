"""A long word with no spaces is cut in linear time, and all of it is printed."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest

from portal.documents import render
from portal.documents.request_form import render_request_form
from portal.documents.results import Line
from tests.documents.test_request_form import _form
from tests.tools import tool


def _measured_chars(monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """Return how many characters the wrapping measures to lay out ``text``."""
    original = render._em_width
    count = 0

    def counting(chunk: str, font: str) -> float:
        nonlocal count
        count += len(chunk)
        return original(chunk, font)

    monkeypatch.setattr(render, "_em_width", counting)
    try:
        render._wrap(render._Para(text), 10.0, render.PAGE_WIDTH - 2 * render.MARGIN_X)
    finally:
        monkeypatch.setattr(render, "_em_width", original)
    return count


def test_cutting_a_long_word_measures_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    render.ensure_fonts()
    short = _measured_chars(monkeypatch, "ж" * 1000)
    long = _measured_chars(monkeypatch, "ж" * 4000)
    # four times the text costs about four times the measuring (the old cut was cubic: ~64 times)
    assert long <= 5 * short, (short, long)


def test_long_word_lines_fit_the_width() -> None:
    render.ensure_fonts()
    width = 300.0
    words = render._words("№ " + "Ә" * 5000, render.REGULAR, 10.0, width)
    assert "".join(words).replace("№ ", "", 1).replace("№", "", 1) == "Ә" * 5000
    assert all(render._width(w, render.REGULAR, 10.0) <= width for w in words)


def test_application_with_a_10000_character_word_renders_whole() -> None:
    word = "Қазақстан" * 1111 + "Ә"  # 10,000 characters without a space
    assert len(word) == 10_000
    data = _form(lines=(*_form().lines, Line("Түсініктеме", "Комментарий", word)))
    pdf = render_request_form(data)
    text = subprocess.run([tool("pdftotext"), "-", "-"], input=pdf, capture_output=True, check=True).stdout
    # the page footers (reference, EDS note, page number) interrupt the word where a page ends
    body = [line for line in text.decode().splitlines()
            if "draft 42" not in line and not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", line)]
    printed = "".join("".join(body).split())
    assert printed.count(word) == 2  # in the Kazakh and in the Russian part
