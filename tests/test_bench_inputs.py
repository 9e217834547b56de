"""The benchmarks' inputs stay valid as the documents' rules tighten (CI runs them after the suite)."""

from bench import sign_results
from portal.documents.render import render_excerpt


def test_the_signing_benchmark_builds_and_renders_its_excerpts() -> None:
    """Every tenth benchmark excerpt is a refusal; the others cite a registered order."""
    docs = sign_results.excerpts(10)
    assert [d.decision for d in docs].count("refused") == 1
    assert all((d.order is None) == (d.decision == "refused") for d in docs)
    assert render_excerpt(docs[0]).startswith(b"%PDF")
    assert render_excerpt(docs[9]).startswith(b"%PDF")
