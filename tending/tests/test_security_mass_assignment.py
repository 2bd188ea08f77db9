"""Extra fields slipped into every form never reach another person's data or anyone's privileges."""

from django.apps import apps
from django.db import models

from accounts.models import User
from practice.models import Client, Practice, StaffMember
from tending.testing.matrix import all_routes
from tending.testing.personas import TendingTestCase
from tending.tests._security import data_for, http_for, post_routes, url_for, writer_for

IGNORED = {"audit.auditevent", "sessions.session", "django_tasks_db.dbtaskresult"}


def _references(targets: dict) -> dict:
    """For each (model, field) pointing at a Client, User, Practice or StaffMember: rows that point at a target."""
    counts = {}
    for model in apps.get_models():
        if model._meta.label_lower in IGNORED:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model in targets:
                ids = targets[field.related_model]
                counts[(model._meta.label_lower, field.name)] = model._default_manager.filter(
                    **{f"{field.name}__in": ids}
                ).count()
    return counts


def _privileges():
    return (
        list(User.objects.order_by("pk").values_list("pk", "is_staff", "is_superuser", "is_active")),
        list(
            StaffMember.objects.order_by("pk").values_list("pk", "practice_id", "is_owner", "is_therapist", "is_active")
        ),
        list(Client.objects.order_by("pk").values_list("pk", "practice_id", "therapist_id", "user_id")),
    )


class MassAssignmentTests(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.prepared = {r.name: r.setup(cls.w) if r.setup else None for r in all_routes()}

    def hostile(self) -> dict:
        w = self.w
        victim, stranger = w.client_b, w.stranger
        return {
            "client": victim.pk,
            "client_id": victim.pk,
            "client_uuid": str(stranger.uuid),
            "practice": w.other_practice.pk,
            "practice_id": w.other_practice.pk,
            "therapist": w.outsider.pk,
            "therapist_id": w.outsider.pk,
            "user": victim.user.pk,
            "user_id": victim.user.pk,
            "owner": w.outsider.pk,
            "author": "in_session",
            "written_by": w.outsider.user.pk,
            "is_owner": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "is_therapist": "on",
            "care_status": "ended",
            "uuid": str(victim.uuid),
            "id": 1,
            "pk": 1,
        }

    def test_extra_fields_in_every_form_change_nobody_elses_data_or_privileges(self):
        w = self.w
        targets = {
            Client: [w.client_b.pk, w.client_c.pk, w.stranger.pk],
            User: [w.client_b.user.pk, w.client_c.user.pk, w.stranger.user.pk, w.outsider.user.pk],
            Practice: [w.other_practice.pk],
            StaffMember: [w.outsider.pk],
        }
        before_refs, before_privileges = _references(targets), _privileges()
        routes = post_routes()
        self.assertGreater(len(routes), 10)
        for route in routes:
            http = http_for(w, writer_for(route))
            data = {**self.hostile(), **data_for(route, w, self.prepared)}
            with self.subTest(route=route.name):
                response = http.post(url_for(route, w, self.prepared), data)
                self.assertLess(response.status_code, 500)
        self.assertEqual(_references(targets), before_refs)
        # One form exists to change a privilege: the owner's handover moves client A to the therapist
        # it names (Ben), never to the one slipped in beside it (Zed, of another practice).
        users, staff, clients = before_privileges
        handed_over = [
            (pk, practice, w.colleague.pk if pk == w.client_a.pk else t, user) for pk, practice, t, user in clients
        ]
        self.assertEqual(_privileges(), (users, staff, handed_over))
