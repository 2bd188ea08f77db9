"""Two runs of the follow-up job at once write one invitation (the claim is ``UPDATE … WHERE invited_at IS
NULL``). Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...)."""

import pytest

from ending import jobs
from ending.followups import follow_ups_plan
from ending.models import FollowUp
from ending.tests.test_followups import ended_client
from outbox.models import Email
from tending.testing.concurrency import race
from tending.testing.personas import build_world

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_send_one_invitation_each():
    w = build_world()
    endings = []
    for n in range(3):
        _client, ending = ended_client(w, months_ago=3, email=f"race{n}@willow.test", name=f"Race {n}")
        follow_ups_plan(ending=ending)
        endings.append(ending)
    results, errors = race([jobs.follow_ups, jobs.follow_ups, jobs.follow_ups])
    assert errors == []
    assert sum(results) == 3
    assert Email.objects.filter(about_type="ending.followup").count() == 3
    assert FollowUp.objects.filter(invited_at__isnull=False).count() == 3
    assert jobs.follow_ups() == 0
