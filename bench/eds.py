"""Benchmark: the server's side of EDS signing — verify a signed request, prepare and finish a PDF.

Run as ``.venv/bin/python bench/eds.py`` from the repository root. Uses a fresh test CA in a
temporary folder and the Python test signer (the same CMS the browser signer makes). Prints one
line per figure: the median over the runs, after a few warm-up runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.sign_results import excerpts  # noqa: E402
from portal.documents.interrupted import VisibleStamp, finish, prepare  # noqa: E402
from portal.documents.render import render_excerpt  # noqa: E402
from portal.domain.calendar import KZ_TZ  # noqa: E402
from portal.pki.ca import LocalCA  # noqa: E402
from portal.pki.cms import add_signature_timestamp, verify_cms  # noqa: E402
from portal.pki.testsigner import P12Signer  # noqa: E402

RUNS, WARMUP = 50, 3


def median_ms(run: Callable[[int], object], runs: int = RUNS) -> float:
    """Return the median wall time of run(i) in milliseconds, after warm-up runs."""
    for i in range(WARMUP):
        run(i)
    times = []
    for i in range(runs):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    """Measure and print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        ca = LocalCA.load_or_create(Path(tmp) / "pki")
        keys = ca.issue_person(iin="860412412345", surname="Сейітова", name="Айгүл", password="bench-1")
        signer = P12Signer.from_p12(keys.signing_p12, "bench-1")
        ca.revoke(ca.issue_person(iin="750630301019", surname="Омаров", name="Ерлан",
                                  password="bench-2").signing_serial)  # a CRL with an entry in it
        pdf = render_excerpt(excerpts(1)[0])
        stamp = VisibleStamp(verify_url="http://127.0.0.1:5000/verify/BENCH", signer_label="Омаров Ерлан, ЖСН 750630301019")
        prepared = [prepare(pdf, field_name="S", stamp=stamp) for _ in range(WARMUP + RUNS)]
        now = datetime.now(KZ_TZ)
        cms = [signer.create_cms(p.signed_bytes(), attached=False, signing_time=now) for p in prepared]
        stamped = [add_signature_timestamp(c, ca) for c in cms]

        ms = median_ms(lambda i: verify_cms(cms[i], ca=ca, purpose="SIGNATURE", digest=prepared[i].document_digest,
                                            expected_iin="860412412345", now=now))
        print(f"verify a signed request (CMS + chain + CRL + key usage + IIN): median {ms:.2f} ms over {RUNS}")
        ms = median_ms(lambda i: prepare(pdf, field_name="S", stamp=stamp))
        print(f"prepare a result for the head's EDS (placeholder + QR stamp, render excluded): median {ms:.2f} ms over {RUNS}")
        ms = median_ms(lambda i: prepare(pdf, field_name="S"))
        print(f"prepare an application for the citizen's EDS (invisible signature): median {ms:.2f} ms over {RUNS}")
        ms = median_ms(lambda i: add_signature_timestamp(cms[i], ca))
        print(f"timestamp a signature from the portal's TSA: median {ms:.2f} ms over {RUNS}")
        ms = median_ms(lambda i: finish(prepared[i], stamped[i]))
        print(f"finish: embed the verified, timestamped CMS: median {ms:.2f} ms over {RUNS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
