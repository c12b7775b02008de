"""The event store: every event in PostgreSQL at its stream position, and what folds over them."""

from appgen.store.models import ProjectSummary, StoredEvent
from appgen.store.settings import StoreSettings
from appgen.store.store import EventStore

__all__ = ["EventStore", "ProjectSummary", "StoreSettings", "StoredEvent"]
