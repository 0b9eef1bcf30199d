"""The storage layer: the lake (connection, writer lock, tables, signals and their state, the document
view, lineage). It imports nothing of curate above errors, dbutil, locks and provenance (the clock);
every service takes a :class:`Lake`. See ``curate/ARCHITECTURE.md``."""

from curate.storage.catalog import (
    CATALOG_FILES,
    DEFAULT_CATALOG,
    FORMAT_VERSION,
    MARKER,
    RAW_TABLES,
    ZONE_SCHEMAS,
    attach_zone,
    catalog_kind,
    catalog_password,
    connect_lake,
    data_path,
    is_raw_table,
    parse_catalog_url,
    read_marker,
    workspace_zone,
)
from curate.storage.lake import (
    CORE_TABLES,
    DEFAULT_LOCK_WAIT,
    DOCUMENT_COLUMNS,
    Lake,
    LineageKind,
    check_name,
    ident,
    now,
    set_default_lock_wait,
    signal_table,
)

__all__ = [
    "CATALOG_FILES", "CORE_TABLES", "DEFAULT_CATALOG", "DEFAULT_LOCK_WAIT", "DOCUMENT_COLUMNS", "FORMAT_VERSION",
    "Lake", "LineageKind", "MARKER", "catalog_kind", "catalog_password", "check_name", "connect_lake", "data_path",
    "ident", "now", "parse_catalog_url", "read_marker", "set_default_lock_wait", "signal_table",
    "RAW_TABLES", "ZONE_SCHEMAS", "attach_zone", "is_raw_table", "workspace_zone",
]
