"""JSON plumbing shared by the EDS endpoints: read the page's signature, answer with a translated error."""
from __future__ import annotations

import base64
import binascii
from typing import Any, Callable

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from portal.domain.db import is_conflict
from portal.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from portal.labels import error_text
from portal.web import commit, discard


#: an EDS answer is a CMS of a few kilobytes (certificates, a timestamp): far below this
MAX_EDS_JSON = 256 * 1024


def json_object() -> dict[str, Any]:
    """Return the request's JSON body when it is an object, else an empty one; a body over MAX_EDS_JSON is a 413."""
    request.max_content_length = MAX_EDS_JSON  # anyone may post to sign-in: never read megabytes for it
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def cms_from(payload: Any) -> bytes:
    """Return the CMS DER the page sent as base64, or refuse it as malformed."""
    if not isinstance(payload, dict):
        raise DomainError("cms_malformed")
    try:
        return base64.b64decode(str(payload.get("cms") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("cms_malformed") from None


def certificate_from(payload: dict[str, Any]) -> bytes | None:
    """Return the signing certificate (DER) the page announced as base64, if it sent one."""
    raw = payload.get("certificate")
    if not raw:
        return None
    try:
        return base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError):
        return b""  # unreadable: the domain refuses it as malformed


def _lost_race(code: str = "changed_meanwhile") -> ResponseReturnValue:
    """Roll back and tell the page that someone else changed the request at the same moment."""
    discard()
    return jsonify(error=error_text(code), code=code), 409


def json_step(work: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """Run one EDS step as the request's unit of work; a refusal drops it and answers with a translated message."""
    try:
        answer = work()
    except Conflict as err:
        return _lost_race(err.code)
    except NotFound:
        discard()
        return jsonify(error=error_text("not_found"), code="not_found"), 404
    except NotAllowed as err:
        discard()
        return jsonify(error=error_text(err.code), code=err.code), 409
    except DomainError as err:
        discard()
        return jsonify(error=error_text(err.code, **err.params), code=err.code), 422
    except StaleDataError:  # someone changed the request at the same moment
        return _lost_race()
    except DBAPIError as err:
        if not is_conflict(err):
            raise
        return _lost_race()
    try:
        commit()
    except StaleDataError:
        return _lost_race()
    except DBAPIError as err:
        if not is_conflict(err):
            raise
        return _lost_race()
    return answer
