"""Translated words for the domain's codes: statuses, roles, notifications and errors."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import dates
from portal.domain.models import Decision

ROLE = {
    "applicant": _l("Applicant"),
    "office_clerk": _l("Office clerk"),
    "head": _l("Head"),
    "executor": _l("Executor"),
    "operator": _l("State Corporation operator"),
    "region_analyst": _l("Regional analyst"),
    "admin": _l("Administrator"),
}

ACTION = {
    "submit": _l("Submitted by the applicant"),
    "consent": _l("Consent given to the use of legally protected data held in information systems"),
    "register": _l("Register"),
    "assign": _l("Assign an executor"),
    "draft_result": _l("Draft the result"),
    "approve": _l("Approve and sign"),
    "send": _l("Send the result"),
    "check": _l("Check the package"),
    "accept": _l("Accept the documents"),
    "reassign": _l("Assign another executor"),
    "hand_back": _l("Return to the head for another executor"),
    "return_draft": _l("Return the draft for rework"),
    "file_at_centre": _l("Filed at a State Corporation centre"),
    "take_consent": _l("Record the consent to use protected data"),
    "consent_refused": _l("The applicant does not consent: close unfiled"),
    "centre_register": _l("Check the package and register it"),
    "refuse_package": _l("Refuse the package with a receipt"),
    "send_to_provider": _l("Sign with EDS and send to the provider"),
    "hand_over": _l("Hand the result over"),
}

#: what a staff member opened on a request, as the citizen's "Who viewed your data" names it
OPENED = {
    "card": _l("The request card with your data"),
    "attachment": _l("A scanned document"),
    "application": _l("The signed application"),
    "result": _l("The result"),
    "result_preview": _l("The draft of the result"),
    "receipt": _l("A receipt of refusal"),
}

DECISION = {Decision.permitted: _l("Permission granted"), Decision.refused: _l("Reasoned refusal")}

CHANNEL = {
    "portal": _l("e-gov portal"),
    "state_corporation": _l("State Corporation «Government for Citizens»"),
    "provider_office": _l("The provider's office"),
}

#: the back-office queue's filters, by query parameter
QUEUE_FILTER = {
    "service": _l("Service"),
    "stage": _l("Stage"),
    "channel": _l("Channel"),
    "executor": _l("Executor"),
    "from": _l("Submitted from"),
    "to": _l("Submitted to"),
    "overdue": _l("Overdue only"),
}

PROVIDER_KIND = {
    "education_department": _l("City and district education departments"),
    "college": _l("Colleges (TVET and post-secondary education)"),
    "school": _l("Schools"),
    "regional_department": _l("Regional education department"),
}

NOTIFICATION = {
    "submitted": _l("Request %(number)s has been submitted. The provider's deadline is %(deadline)s."),
    "registered": _l("Request %(number)s has been registered by the provider's office."),
    "in_execution": _l("An executor has been assigned to request %(number)s."),
    "result_ready": _l("The result of request %(number)s is ready. Download it on this page."),
    "result_refused": _l("Request %(number)s has been refused with reasons. Download the reasoned refusal on this page."),
    "executor_changed": _l("Another executor has been assigned to request %(number)s. The deadline stays the same."),
    "filed_at_centre": _l("Request %(number)s has been filed for you at a State Corporation centre. The service's "
                          "deadline is %(deadline)s."),
    "consent_refused": _l("Request %(number)s was not filed: without your consent to the use of protected data the "
                          "State Corporation cannot ask the information systems."),
    "centre_registered": _l("The State Corporation centre has registered request %(number)s."),
    "package_refused": _l("The State Corporation centre refused to accept the documents of request %(number)s as "
                          "incomplete; you were given a receipt of refusal."),
    "sent_to_provider": _l("The State Corporation centre has sent request %(number)s to the provider."),
    "result_at_centre": _l("The result of request %(number)s is at the State Corporation centre: come and collect it."),
    "handed_over": _l("The result of request %(number)s has been handed over to you at the State Corporation centre."),
    "draft_returned": _l("The head returned the draft result of request %(number)s to the executor for rework. "
                         "The deadline stays the same."),
}

ERROR = {
    "not_found": _l("Not found."),
    "iin_format": _l("The IIN must be exactly 12 digits."),
    "iin_birth_date": _l("The IIN's first digits are not a real birth date."),
    "iin_checksum": _l("The IIN's check digit is wrong; please check the number."),
    "iin_taken": _l("An account with this IIN already exists. Sign in instead."),
    "phone_format": _l("Enter the phone as +7 and ten digits, e.g. +7 701 234 5678."),
    "email_format": _l("Enter a valid e-mail address."),
    "password_short": _l("The password must be at least %(min)s characters long."),
    "password_long": _l("The password must be at most %(max)s characters long."),
    "password_is_iin": _l("The password must not contain your IIN."),
    "password_common": _l("This password is among the most commonly used ones and is easy to guess. Choose another."),
    "password_mismatch": _l("The two passwords do not match."),
    "sign_in_failed": _l("The IIN or the password is wrong."),
    "sign_in_failed_wait": _l("The IIN or the password is wrong. Too many failed attempts from your connection: "
                              "try again at %(time)s (in %(minutes)s min)."),
    "sign_in_wait": _l("Too many failed sign-in attempts. The password was not checked; "
                       "try again at %(time)s (in %(minutes)s min)."),
    "file_empty": _l("The file is empty."),
    "file_too_large": _l("The file is too large: at most 10 MB."),
    "file_type": _l("This file is not a PDF, JPEG or PNG (judged by its content, not its name)."),
    "image_too_large": _l("The image has too many pixels: at most 50 megapixels "
                          "(an A4 page scanned at 600 dpi has 35)."),
    "pdf_active_content": _l("This PDF contains scripts or automatic actions and cannot be accepted. Print it to "
                             "a new PDF or scan the paper document."),
    "pdf_too_complex": _l("This PDF is too complex to check. Save it again as a PDF, or scan the paper document."),
    "pdf_unreadable": _l("This PDF cannot be read. Save it again as a PDF, or scan the paper document."),
    "draft_quota_files": _l("A request can hold at most %(max)s files."),
    "draft_quota_bytes": _l("The request's files together may take at most %(mb)s MB. Attach smaller scans."),
    "unknown_document": _l("This document is not part of the request."),
    "missing_documents_required": _l("Tick the documents missing from the package: the receipt of refusal lists them."),
    "document_required": _l("This document is required for this request."),
    "required": _l("This field is required."),
    "too_long": _l("This text is too long; please shorten it."),
    "name_required": _l("Enter the surname and the name."),
    "date_required": _l("Enter a date."),
    "year_format": _l("Enter the year as four digits."),
    "step_input_invalid": _l("Fill in every field the result states."),
    "draft_incomplete": _l("The request is not complete yet; see the marked fields."),
    "consent_required": _l("Tick the consent to the use of legally protected data held in information systems: "
                           "without it the request cannot be sent. Your answers and files are kept."),
    "personal_data_consent_required": _l("Tick the consent to the processing of your personal data: without it "
                                         "the account cannot be created. What you typed is kept."),
    "not_a_draft": _l("This request has already been submitted and cannot be changed."),
    "service_not_at_centre": _l("This service is not filed through the State Corporation."),
    "provider_required": _l("Choose the provider of this service."),
    "service_not_online": _l("This service is not yet available online."),
    "step_not_allowed": _l("This step is not yours to take now."),
    "not_your_request": _l("This request is assigned to another executor."),
    "executor_invalid": _l("Choose an executor of your organisation."),
    "resolution_required": _l("Write the resolution."),
    "comment_required": _l("Write why: the comment is kept in the request's timeline."),
    "executor_unchanged": _l("Choose another executor: this one is already assigned."),
    "decision_required": _l("Choose the decision."),
    "refusal_ground_required": _l("A reasoned refusal must state its grounds: tick at least one ground."),
    "refusal_ground_unknown": _l("Choose the grounds from the list of this service."),
    "refusal_explanation_required": _l("Explain the refusal: what in this request meets the chosen grounds."),
    "verify_no_file": _l("Choose a PDF file to check."),
    "verify_too_complex": _l("This file has more revisions or signatures than a result of this portal ever "
                             "carries, so it was not checked. Upload the result exactly as you received it."),
    "verify_over_budget": _l("Checking this file took more time or memory than the portal allows, so it was "
                             "stopped. A result of this portal is checked in under a second."),
    "verify_busy": _l("The portal is checking other documents right now. Please try again in a minute."),
    "head_must_sign": _l("In this organisation the head signs results with their own EDS."),
    # EDS refusals: the draft or the step stays exactly as it was
    "cms_malformed": _l("The signature could not be read. Please sign again."),
    "signature_invalid": _l("The signature does not match the key's certificate."),
    "content_mismatch": _l("The signature was made over other content than the document prepared for you."),
    "untrusted": _l("The certificate was issued by a certification authority the portal does not trust."),
    "not_yet_valid": _l("The certificate is not valid yet."),
    "expired": _l("The certificate has expired. Get a new EDS key."),
    "revoked": _l("The certificate has been revoked."),
    "key_usage": _l("This key cannot be used for this: choose the signing key (RSA256_…) to sign, the authentication key (AUTH_RSA256_…) to sign in."),
    "iin_mismatch": _l("The key belongs to someone else: the IIN in its certificate is not yours."),
    "bin_mismatch": _l("The key's certificate is not issued to your organisation."),
    "certificate_required": _l("Choose your EDS key first: the application is prepared for the key that signs it."),
    "name_mismatch": _l("The application names the owner of the key shown when it was prepared; sign it with that same key."),
    "wrong_password": _l("Wrong password for the key file."),
    "not_a_p12": _l("This file is not an EDS key (.p12)."),
    "challenge_unknown": _l("The sign-in request has expired. Please try again."),
    "challenge_used": _l("This signed sign-in request has already been used."),
    "challenge_expired": _l("The sign-in request has expired. Please try again."),
    "signing_session_used": _l("This document has already been signed."),
    "signing_session_expired": _l("Too much time passed since the document was prepared. Please sign again."),
    "changed_meanwhile": _l("Someone changed this request at the same moment. Reload the page and try again."),
    "draft_changed": _l("The request changed after the document was prepared. Please check it and sign again."),
    # the registries (ГБД ФЛ, ЕНИС): the first is the regulation's own wording (seeds 001/002, process 4)
    "data_cannot_be_obtained": _l("Data cannot be obtained: the state registry has no record for what was entered "
                                  "(the IIN, or the power of attorney with these parties). Check it and try again."),
    "registry_unchecked": _l("Check this IIN in the individuals' registry first."),
    "poa_expired": _l("The power of attorney No. %(number)s is not in force: it is valid from %(valid_from)s to "
                      "%(valid_until)s."),
    "poa_out_of_scope": _l("The power of attorney No. %(number)s does not cover this service."),
    "poa_revoked": _l("The power of attorney No. %(number)s has been revoked."),
    # an organisation's administration
    "account_deactivated": _l("This account has been deactivated by the organisation's administrator."),
    "not_an_administrator": _l("This is for the organisation's administrator."),
    "not_a_provider": _l("A State Corporation centre issues no results."),
    "role_invalid": _l("Choose one of the roles offered."),
    "role_unchanged": _l("The staff member already has this role."),
    "administrator_role_fixed": _l("An administrator's role is not changed here."),
    "staff_iin_taken": _l("An account with this IIN already exists."),
    "password_or_eds": _l("Give an initial password, or tick that the account signs in with EDS only."),
    "cannot_deactivate_self": _l("You cannot deactivate your own account."),
    "already_active": _l("The account is already active."),
    "already_deactivated": _l("The account is already deactivated."),
    "time_format": _l("Enter the time as HH:MM, e.g. 09:00."),
    "hours_order": _l("The closing time must be later than the opening time."),
    "lunch_outside_hours": _l("The lunch break must start after opening, end before closing, and end after it "
                              "starts; leave both empty for no lunch break."),
    "hours_unchanged": _l("These are the hours already saved."),
    "signing_unchanged": _l("This is how results are signed already."),
    "signing_choice_required": _l("Choose who signs the results."),
    "certificate_unreadable": _l("This file is not a certificate: upload the .cer or .pem file of the signing key."),
    "certificate_other_iin": _l("This certificate is issued to another IIN, not to this staff member."),
    "certificate_other_bin": _l("This certificate is not issued to this organisation: its BIN differs."),
    "certificate_not_for_signing": _l("This certificate is not a signing one: upload the certificate of the "
                                      "signing key (RSA256_…), not of the authentication key."),
    "certificate_already_registered": _l("This certificate is already registered for this staff member."),
    "certificate_already_revoked": _l("This registration has already been revoked."),
    "certificate_not_registered": _l("This EDS certificate is not registered for you by your organisation's "
                                     "administrator, or its registration was revoked: it cannot sign for the "
                                     "organisation."),
    "signing_time_invalid": _l("The signing time in the signature is wrong. Check your computer's clock and sign again."),
}


def error_text(code: str, **params: Any) -> str:
    """Return the translated message for an error code."""
    return str(ERROR.get(code, code)) % params if params else str(ERROR.get(code, code))


def notification_text(code: str, params: dict[str, Any]) -> str:
    """Return the translated text of a notification."""
    values = dict(params)
    if "deadline" in values:
        values["deadline"] = dates.minute(datetime.fromisoformat(values["deadline"]))
    return str(NOTIFICATION.get(code, code)) % values


