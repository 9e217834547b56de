"""The one error type of electronic-signature checks, with a machine-readable code."""

from __future__ import annotations

CODES = frozenset(
    {
        "cms_malformed",
        "signature_invalid",
        "content_mismatch",
        "untrusted",
        "not_yet_valid",
        "expired",
        "revoked",
        "key_usage",
        "iin_mismatch",
        "wrong_password",
        "not_a_p12",
    }
)


class EdsError(Exception):
    """A signature, certificate or key container was refused; ``code`` says why."""

    def __init__(self, code: str, message: str = "") -> None:
        """Remember the code (one of CODES) and a developer-facing message."""
        if code not in CODES:
            raise ValueError(f"unknown EDS error code {code!r}")
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
