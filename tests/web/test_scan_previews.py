"""A scan's picture is its owner's: another citizen, or staff through the cabinet, get nothing."""
from __future__ import annotations

from sqlalchemy import select

from portal.domain.models import Attachment
from tests.conftest import staff_client
from tests.factories import submitted_request
from tests.web.test_audit_trail import OTHER_IIN


def test_only_the_applicant_sees_the_picture_of_their_scan(app, citizen):
    app_id = submitted_request(app, citizen)
    with app.extensions["portal"].sessions() as s:
        scan = s.scalar(select(Attachment).where(Attachment.application_id == app_id))
    url = f"/cabinet/requests/{app_id}/attachments/{scan.id}/preview.png"
    own = citizen.get(url)
    assert own.status_code == 200 and own.data.startswith(b"\x89PNG") and own.headers["Content-Type"] == "image/png"
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    other = app.test_client()
    other.post("/auth/register", data={"consent": "y", "iin": OTHER_IIN, "full_name": "Әлиева Сәуле Бекқызы",
                                       "phone": "8 701 234 56 78", "email": "saule@example.kz",
                                       "password": "long-enough-1", "password_again": "long-enough-1"})
    assert other.get(url).status_code == 404
    assert staff_client(app, "executor").get(url).status_code in (403, 404)
    assert app.test_client().get(url).status_code == 302  # signed out: to the sign-in page
    assert citizen.get(f"/cabinet/requests/{app_id}/attachments/{scan.id + 999}/preview.png").status_code == 404
