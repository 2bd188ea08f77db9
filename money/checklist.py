"""Money's step on the owner's "getting ready" list (practice/checklist.py): the practice has a fee."""

from django.urls import reverse

from money.models import Fee
from practice.checklist import Step


def fees_step(staff):
    return Step(
        order=50,
        title="Set your fees",
        how="What a session costs, so invoices can follow. The free consultation is never charged.",
        url=reverse("money:fees"),
        done=Fee.objects.filter(practice=staff.practice).exists(),
    )


OWNER_CHECKLIST = [fees_step]
