"""Money's step on the owner's "getting ready" list (practice/checklist.py): the practice has a fee."""

from core.compiled import CompiledRead
from core.links import constant_url
from core.panels import reading
from money.models import Fee
from practice.checklist import Step

# One of the practice's fees, if it has any: read on each view of the owner's home while the list shows.
_A_FEE = CompiledRead(
    Fee, lambda shape, *, practice: Fee.objects.filter(practice=practice).values_list("pk")[:1], {"practice": int}
)


@reading(lambda request, staff: [_A_FEE.asked(practice=staff.practice_id)])
def fees_step(staff):
    return Step(
        order=50,
        title="Set your fees",
        how="What a session costs, so invoices can follow. The free consultation is never charged.",
        url=constant_url("money:fees"),
        done=bool(_A_FEE.rows(practice=staff.practice_id)),
    )


OWNER_CHECKLIST = [fees_step]
