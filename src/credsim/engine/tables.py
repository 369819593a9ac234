"""The event tables: every table's fields and dtypes (`TABLES`), the fields that may name nothing
(`NULLABLE`), those a producer may leave out (`DEFAULTS`), and the citizen each table's rows are
about (`CITIZEN_FIELD`). A day holds its rows in `Batch`es (credsim.engine.batch); the event log
writes them (credsim.engine.events)."""

from __future__ import annotations

__all__ = ["CITIZEN_FIELD", "DEFAULTS", "NULLABLE", "TABLES"]

TABLES: dict[str, dict[str, str]] = {
    "acts": {
        "act_id": "int64",
        "day": "int32",
        "actor": "int32",
        "kind": "uint8",
        "detail": "uint8",
    },
    "records": {
        "record_id": "int64",
        "day": "int32",
        "kind": "uint8",
        "source": "uint8",
        "attributed_to": "int32",
        "true_actor": "int32",
        "act_id": "int64",
        "detail": "uint8",
        "true_detail": "uint8",
        "firm": "int32",
    },
    "score_changes": {
        "day": "int32",
        "citizen": "int32",
        "policy": "uint8",
        "delta": "int16",
        "score": "int16",
        "record_id": "int64",
        "rule": "uint16",
    },
    "sanctions": {
        "day": "int32",
        "citizen": "int32",
        "consequence": "uint8",
        "action": "uint8",
        "record_id": "int64",
        "agency": "uint8",
    },
    "notices": {
        "day": "int32",
        "citizen": "int32",
        "notice": "uint8",
        "about": "uint8",
        "value": "int16",
        "record_id": "int64",
    },
}
"""Every event table and its fields. An act's `detail` qualifies its kind (whether a post was
really sensitive, whether an appellant really owes nothing). A record's `detail` is only what its
source itself assigns (a court's listing ground); what really happened travels in the truth fields
`true_actor`, `act_id` (-1 for fabricated records) and `true_detail` (the act's detail). A record
about a firm names the firm in `firm` (-1 for records about a person only) and, in `attributed_to`,
the person the rule reaches: the firm's registered legal representative. In the files, such a -1
is null (`NULLABLE`)."""

NULLABLE: dict[str, tuple[str, ...]] = {
    "records": ("true_actor", "act_id", "firm"),
    "score_changes": ("record_id",),
    "sanctions": ("record_id",),
    "notices": ("record_id",),
}
"""Fields that may name nothing: a fabricated record's `true_actor` and `act_id`, the `firm` of a
record about a person only, the `record_id` of a score change, sanction or notice no record
caused. In memory they hold -1; the Parquet files hold null (`true_actor IS NULL`: fabricated)."""

DEFAULTS = {"act_id": 0, "record_id": 0, "detail": 0, "true_detail": 0, "agency": 0, "firm": -1}
"""Fields a producer may leave out: ids are assigned when the phase closes; detail defaults to 0;
`firm` to -1 (no firm)."""

CITIZEN_FIELD = {
    "acts": "actor",
    "records": "attributed_to",
    "score_changes": "citizen",
    "sanctions": "citizen",
    "notices": "citizen",
}
