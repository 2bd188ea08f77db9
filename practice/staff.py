"""The practice's staff, past and present, as rows: who pages name beside what someone did.

The books name the therapist of each line of takings, the audit log its people, a client's list of openings whoever
read their record. Each reads the same few rows on every view, so they are one kept read (core/compiled.py) here
rather than a queryset built by the ORM on each page.
"""

from typing import NamedTuple
from uuid import UUID

from core.compiled import CompiledRead
from practice.models import StaffMember, staff_name


class StaffRow(NamedTuple):
    """A member of staff, former ones too, as the pages name them."""

    user_uuid: UUID
    pk: int
    name: str  # ``StaffMember.display_name``
    is_therapist: bool
    is_owner: bool


_ROWS = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.in_practice(practice).values_list(
        "user__uuid", "pk", "user__name", "user__email", "is_therapist", "is_owner"
    ),
    {"practice": int},
)


def staff_rows(practice_id: int) -> list[StaffRow]:
    """Everyone who is or was on the practice's staff (one query)."""
    return [
        StaffRow(user_uuid, pk, staff_name(name, email), therapist, owner)
        for user_uuid, pk, name, email, therapist, owner in _ROWS.rows(practice=practice_id)
    ]
