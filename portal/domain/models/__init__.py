"""All models, imported so that the metadata knows every table."""
from portal.domain.models.applications import Application, Channel, Decision, StepRecord
from portal.domain.models.audit import AuditChainHead, AuditEntry, Notification
from portal.domain.models.dashboard import DashboardFill, DashboardMonth, DashboardStepMonth
from portal.domain.models.documents import Attachment, DocumentCheck, ResultDocument
from portal.domain.models.orders import OrderCounter, OrderEntry
from portal.domain.models.outbox import OutboxMessage
from portal.domain.models.people import (ADMIN_ROLES, CENTRE_ROLES, DASHBOARD_ROLES, LOCALES, PROVIDER_ROLES,
                                         REGION_ROLES, STAFF_ROLES, Membership, Person, Role, StaffCertificate)
from portal.domain.models.providers import Provider, ProviderKind
from portal.domain.models.receipts import RefusalReceipt
from portal.domain.models.registry import RegistryFamilyTie, RegistryPerson, RegistryPowerOfAttorney
from portal.domain.models.signatures import EdsChallenge, SignatureRecord, SigningSession
from portal.domain.models.stored_files import PkiFile, PkiRecord, StoredFile

__all__ = [
    "Application", "Attachment", "Channel", "AuditChainHead", "AuditEntry", "DashboardFill", "DashboardMonth",
    "DashboardStepMonth", "Decision", "EdsChallenge", "SignatureRecord", "SigningSession", "Notification", "OrderCounter",
    "OrderEntry", "ADMIN_ROLES", "CENTRE_ROLES", "DASHBOARD_ROLES", "LOCALES", "Membership", "OutboxMessage",
    "REGION_ROLES", "PROVIDER_ROLES", "Person", "Provider", "StaffCertificate",
    "DocumentCheck", "ProviderKind", "RefusalReceipt", "ResultDocument", "Role", "STAFF_ROLES", "StepRecord",
    "PkiFile", "PkiRecord", "RegistryFamilyTie", "RegistryPerson", "RegistryPowerOfAttorney", "StoredFile",
]
