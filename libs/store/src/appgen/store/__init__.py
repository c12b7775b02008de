"""The event store: every event in PostgreSQL at its stream position, and what folds over them."""

from appgen.store.keys import ApiKey, KeyStore, NewKey
from appgen.store.log import StoredLog
from appgen.store.models import ProjectSummary, StoredEvent, Unreadable
from appgen.store.quotas import QuotaStore, Refusal
from appgen.store.settings import StoreSettings
from appgen.store.signing import LEGACY_KID, SigningKey, SigningKeyStore
from appgen.store.store import RECORDER, CheckpointMoved, EventStore

__all__ = [
    "LEGACY_KID",
    "RECORDER",
    "ApiKey",
    "CheckpointMoved",
    "EventStore",
    "KeyStore",
    "NewKey",
    "ProjectSummary",
    "QuotaStore",
    "Refusal",
    "SigningKey",
    "SigningKeyStore",
    "StoreSettings",
    "StoredEvent",
    "StoredLog",
    "Unreadable",
]
