"""Verification of results: by number (the QR's target) or by uploading the PDF. Public."""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from portal.documents.bounded_verification import VerificationBusy, VerificationRefused, VerifyLimits, verify_upload
from portal.documents.verification import PdfVerdict
from portal.domain.applications import applicant_name
from portal.domain.models import RefusalReceipt, ResultDocument
from portal.domain.catalog import get_service
from portal.domain.document_checks import CheckRow, issued_file_verdict, recorded_check, roots_key
from portal.domain.issued_results import issued_result
from portal.domain.refusal_receipts import package_documents, receipt_by_number
from portal.web import commit, ctx, db, now

bp = Blueprint("verify", __name__, url_prefix="/verify")
MAX_PDF = 10 * 1024 * 1024


@bp.after_request
def no_store(response: Response) -> Response:
    """Keep verification answers (names, hashes, verdicts) out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _limits() -> VerifyLimits:
    """Return this instance's budget for checking one upload."""
    config = ctx().config
    return VerifyLimits(slots_dir=config.verify_slots_dir, slots=config.verify_slots,
                        cpu_seconds=config.verify_cpu_seconds, wall_seconds=config.verify_wall_seconds,
                        memory_bytes=config.verify_memory_mb * 1024 * 1024)


@bp.route("/", methods=["GET", "POST"])
def upload():  # type: ignore[no-untyped-def]
    """Check an uploaded PDF: signed by a portal key, untouched, and issued by this portal."""
    verdict = issued = None
    error, status = None, 200
    if request.method == "POST":
        file = request.files.get("pdf")
        data = file.read(MAX_PDF + 1) if file else b""
        if not data:
            error, status = "verify_no_file", 422
        elif len(data) > MAX_PDF:
            abort(413)
        else:
            try:
                verdict = verify_upload(data, ctx().ca.trust_roots_pem(), [ctx().ca.issuing_cert_pem], _limits())
            except VerificationBusy as busy:
                error, status = busy.code, 503
            except VerificationRefused as refused:
                error, status = refused.code, 422
            else:
                sha = hashlib.sha256(data).hexdigest()
                issued = db().scalar(select(ResultDocument).where(ResultDocument.sha256 == sha)) or \
                    db().scalar(select(RefusalReceipt).where(RefusalReceipt.sha256 == sha))
    headers = {"Retry-After": "60"} if status == 503 else {}
    return render_template("portal/verify.html", verdict=verdict, issued=issued, error=error,
                           revoked=_revoked(verdict)), status, headers


@bp.route("/<number>")
def by_number(number: str):  # type: ignore[no-untyped-def]
    """Show what the portal knows of a result (or receipt) number, with the stored file's verdict of today."""
    result, check = issued_result(db(), number, roots_key(ctx().ca.trust_roots_pem()))
    verdict = None
    if result is None:  # a State Corporation centre's receipt of refusal is checked the same way
        receipt = receipt_by_number(db(), number)
        if receipt is not None:
            verdict = _issued_verdict(receipt.sha256, recorded_check(db(), receipt.sha256,
                                                                     ctx().ca.trust_roots_pem()))
            service = get_service(receipt.application.service_code)
            titles = {d.code: d.title for d in package_documents(service)}
            return render_template("portal/verify_receipt.html", number=number, receipt=receipt, verdict=verdict,
                                   revoked=_revoked(verdict), applicant_name=applicant_name(receipt.application),
                                   missing=[titles.get(code) for code in receipt.missing_documents])
    if result is not None:
        verdict = _issued_verdict(result.sha256, check)
    return render_template("portal/verify_number.html", number=number, result=result, verdict=verdict,
                           revoked=_revoked(verdict)), 200 if result else 404


def _issued_verdict(sha256: str, recorded: CheckRow | None) -> PdfVerdict:
    """Return the verdict on a file the portal issued, checked at most a day ago (recorded for every worker)."""
    # In-process on purpose: the stored file is one the portal issued (one or two signatures, checked
    # in ~0.1 s, once a day), so its cost is bounded by construction and a QR scan is never answered "busy".
    verdict, fresh = issued_file_verdict(db(), ctx().store, sha256, ctx().ca.trust_roots_pem(),
                                         [ctx().ca.issuing_cert_pem], now(), recorded)
    if fresh:
        commit()
    return verdict


def _revoked(verdict: PdfVerdict | None) -> bool:
    """Tell whether the signer's certificate is on the portal's CRL now."""
    return bool(verdict and verdict.signer_serial is not None and ctx().ca.is_revoked(verdict.signer_serial))
