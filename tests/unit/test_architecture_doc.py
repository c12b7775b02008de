"""docs/architecture.md opens with the pipeline's declaration, generated from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from appgen.events.catalog.pipeline import describe

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_the_documented_pipeline_is_the_declared_one() -> None:
    text = DOC.read_text()
    begin, end = "<!-- pipeline:begin -->\n", "<!-- pipeline:end -->"
    documented = text[text.index(begin) + len(begin) : text.index(end)]
    assert documented == describe(), (
        "docs/architecture.md's pipeline table is stale; replace it with the output of "
        "`python -c 'from appgen.events.catalog.pipeline import describe; print(describe())'`"
    )
    # It is the first thing the document explains.
    assert text.index("## The pipeline, declared once") < text.index("## The packages")
