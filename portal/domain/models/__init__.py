"""All models, imported so that the metadata knows every table."""
from portal.domain.models.applications import Application, Decision, StepRecord
from portal.domain.models.audit import AuditEntry, Notification
from portal.domain.models.documents import Attachment, ResultDocument
from portal.domain.models.orders import OrderCounter, OrderEntry
from portal.domain.models.people import STAFF_ROLES, Person, Role
from portal.domain.models.providers import Provider, ProviderKind
from portal.domain.models.receipts import RefusalReceipt
from portal.domain.models.signatures import EdsChallenge, SignatureRecord, SigningSession

__all__ = [
    "Application", "Attachment", "AuditEntry", "Decision", "EdsChallenge", "SignatureRecord", "SigningSession", "Notification", "OrderCounter", "OrderEntry",
    "Person", "Provider",
    "ProviderKind", "RefusalReceipt", "ResultDocument", "Role", "STAFF_ROLES", "StepRecord",
]
