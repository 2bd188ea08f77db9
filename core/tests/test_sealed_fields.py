"""Sealed model fields: explicit contexts, values bound to their row, and the ways Django reads and writes them."""

import datetime
import uuid

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from checkins.models import CheckIn
from core import crypto
from core.crypto import EncryptedTextField
from journal.models import Entry
from journal.services import entry_save
from onboarding.models import Intake
from tending.testing.factories import ClientFactory

# Every sealed field and the context its values are sealed with. A context is part of every stored
# ciphertext: change one and that field's stored values no longer open. Add a line for a new field;
# never edit an existing one (a rename of the model or app must leave its context as it was).
CONTEXTS = {
    ("bookings.Consultation", "note", "EncryptedTextField", "bookings.consultation.note"),
    ("care.Handover", "reason", "EncryptedTextField", "care.handover.reason"),
    ("checkins.CheckIn", "body_areas", "EncryptedJSONField", "checkins.checkin.body_areas"),
    ("checkins.CheckIn", "feelings", "EncryptedJSONField", "checkins.checkin.feelings"),
    ("checkins.CheckIn", "note", "EncryptedTextField", "checkins.checkin.note"),
    ("dataprivacy.HeldBackOpening", "reason", "EncryptedTextField", "dataprivacy.heldbackopening.reason"),
    ("ending.Ending", "carry_words", "EncryptedTextField", "ending.ending.carry_words"),
    ("ending.Ending", "helped_words", "EncryptedTextField", "ending.ending.helped_words"),
    ("ending.Ending", "letter", "EncryptedTextField", "ending.ending.letter"),
    ("ending.Ending", "now_words", "EncryptedTextField", "ending.ending.now_words"),
    ("ending.Ending", "staff_copy", "EncryptedJSONField", "ending.ending.staff_copy"),
    ("ending.Ending", "started_words", "EncryptedTextField", "ending.ending.started_words"),
    ("ending.FollowUpAnswer", "answers", "EncryptedJSONField", "ending.followupanswer.answers"),
    ("formulation.Cause", "client_wording", "EncryptedTextField", "formulation.cause.client_wording"),
    ("formulation.Cause", "hypothesis", "EncryptedTextField", "formulation.cause.hypothesis"),
    ("formulation.Insight", "dismissal_note", "EncryptedTextField", "formulation.insight.dismissal_note"),
    ("formulation.Symptom", "custom_name", "EncryptedTextField", "formulation.symptom.custom_name"),
    ("journal.Entry", "body", "EncryptedTextField", "journal.entry.body"),
    ("journal.Entry", "shared_body", "EncryptedTextField", "journal.entry.shared_body"),
    ("measures.MeasureResponse", "answers", "EncryptedJSONField", "measures.measureresponse.answers"),
    ("measures.MeasureResponse", "difficulty", "EncryptedTextField", "measures.measureresponse.difficulty"),
    ("mindfulness.ExerciseLog", "word", "EncryptedTextField", "mindfulness.practicelog.word"),
    ("mindfulness.Recommendation", "note", "EncryptedTextField", "mindfulness.recommendation.note"),
    ("money.AgreedFee", "reason", "EncryptedTextField", "money.agreedfee.reason"),
    ("money.ClientBilling", "address", "EncryptedTextField", "money.clientbilling.address"),
    ("money.Invoice", "billed_address", "EncryptedTextField", "money.invoice.billed_address"),
    ("money.Superbill", "diagnosis_codes", "EncryptedTextField", "money.superbill.diagnosis_codes"),
    ("messaging.Conversation", "client_draft", "EncryptedTextField", "messaging.conversation.client_draft"),
    ("messaging.Message", "body", "EncryptedTextField", "messaging.message.body"),
    ("messaging.Attachment", "data", "EncryptedBytesField", "messaging.attachment.data"),
    ("notes.Amendment", "reason", "EncryptedTextField", "notes.amendment.reason"),
    ("notes.Amendment", "text", "EncryptedTextField", "notes.amendment.text"),
    ("notes.SessionNote", "body", "EncryptedTextField", "notes.sessionnote.body"),
    ("notes.SessionNote", "causes_work", "EncryptedTextField", "notes.sessionnote.causes_work"),
    ("notes.SessionNote", "free_text", "EncryptedTextField", "notes.sessionnote.free_text"),
    ("notes.SessionNote", "mind", "EncryptedTextField", "notes.sessionnote.mind"),
    ("notes.SessionNote", "practices", "EncryptedTextField", "notes.sessionnote.practices"),
    ("notes.SessionNote", "risk", "EncryptedTextField", "notes.sessionnote.risk"),
    ("notes.SessionNote", "soul", "EncryptedTextField", "notes.sessionnote.soul"),
    ("notes.SessionNote", "themes", "EncryptedTextField", "notes.sessionnote.themes"),
    ("onboarding.Intake", "date_of_birth", "EncryptedDateField", "onboarding.intake.date_of_birth"),
    ("onboarding.Intake", "emergency_contact", "EncryptedTextField", "onboarding.intake.emergency_contact"),
    ("onboarding.Intake", "gp_details", "EncryptedTextField", "onboarding.intake.gp_details"),
    ("onboarding.Intake", "hopes", "EncryptedTextField", "onboarding.intake.hopes"),
    ("onboarding.Intake", "phone", "EncryptedTextField", "onboarding.intake.phone"),
    ("onboarding.Intake", "previous_support", "EncryptedTextField", "onboarding.intake.previous_support"),
    ("onboarding.Intake", "pronouns", "EncryptedTextField", "onboarding.intake.pronouns"),
    ("outbox.Email", "body", "EncryptedTextField", "outbox.email.body"),
    ("outbox.Email", "extra", "EncryptedTextField", "outbox.email.extra"),
    ("outbox.Email", "subject", "EncryptedTextField", "outbox.email.subject"),
    ("outbox.Email", "to", "EncryptedTextField", "outbox.email.to"),
    ("practice.EmergencyAccess", "reason", "EncryptedTextField", "practice.emergencyaccess.reason"),
    ("risk.RiskAlert", "note", "EncryptedTextField", "risk.riskalert.note"),
    ("safetyplan.SafetyPlanVersion", "coping_alone", "EncryptedTextField", "safetyplan.safetyplanversion.coping_alone"),
    ("safetyplan.SafetyPlanVersion", "distractions", "EncryptedTextField", "safetyplan.safetyplanversion.distractions"),
    (
        "safetyplan.SafetyPlanVersion",
        "people_to_ask",
        "EncryptedTextField",
        "safetyplan.safetyplanversion.people_to_ask",
    ),
    (
        "safetyplan.SafetyPlanVersion",
        "professionals",
        "EncryptedTextField",
        "safetyplan.safetyplanversion.professionals",
    ),
    (
        "safetyplan.SafetyPlanVersion",
        "reasons_for_living",
        "EncryptedTextField",
        "safetyplan.safetyplanversion.reasons_for_living",
    ),
    (
        "safetyplan.SafetyPlanVersion",
        "safer_surroundings",
        "EncryptedTextField",
        "safetyplan.safetyplanversion.safer_surroundings",
    ),
    (
        "safetyplan.SafetyPlanVersion",
        "warning_signs",
        "EncryptedTextField",
        "safetyplan.safetyplanversion.warning_signs",
    ),
}


def _raw(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608  # nosec B608
        return cursor.fetchone()[0]


def _write_raw(model, pk, column, value):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608  # nosec B608


def test_every_sealed_field_keeps_the_context_it_was_written_with():
    found = {
        (model._meta.label, field.name, type(field).__name__, field.context)
        for model, field in crypto.encrypted_fields()
    }
    assert found == CONTEXTS


def test_a_context_stays_out_of_migrations_so_changing_one_never_churns_them():
    for model, field in crypto.encrypted_fields():
        _name, _path, _args, kwargs = field.deconstruct()
        assert "context" not in kwargs, (model, field.name)


@isolate_apps("core")
def test_a_sealed_field_without_a_context_or_a_row_uuid_fails_the_system_check():
    class Unbound(models.Model):
        secret = EncryptedTextField()

    class Bound(models.Model):
        uuid = models.UUIDField(default=uuid.uuid4)
        secret = EncryptedTextField(context="core.bound.secret")

    ids = {error.id for error in Unbound._meta.get_field("secret").check()}
    assert ids == {"core.E101", "core.E102"}
    assert Bound._meta.get_field("secret").check() == []


@pytest.mark.django_db
def test_a_value_sealed_before_contexts_were_explicit_still_opens_and_saves_as_v2():
    entry, _ = entry_save(client=ClientFactory(), body="new words", prompt="free")
    _write_raw(Entry, entry.pk, "body", crypto.encrypt_v1("older words", context="journal.entry.body"))

    again = Entry.objects.get(pk=entry.pk)
    assert again.body == "older words"
    again.save(update_fields=["body"])
    assert _raw(Entry, entry.pk, "body").startswith("v2:")
    assert Entry.objects.get(pk=entry.pk).body == "older words"


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_row_does_not_open():
    client = ClientFactory()
    mine, _ = entry_save(client=client, body="only mine", prompt="free")
    other, _ = entry_save(client=client, body="another day", prompt="free")
    _write_raw(Entry, other.pk, "body", _raw(Entry, mine.pk, "body"))

    with pytest.raises(crypto.DecryptionError):
        Entry.objects.get(pk=other.pk)
    with pytest.raises(crypto.DecryptionError):
        list(Entry.objects.filter(pk=other.pk).values_list("body", flat=True))
    assert Entry.objects.get(pk=mine.pk).body == "only mine"


@pytest.mark.django_db
def test_update_refuses_plain_text_and_takes_a_value_sealed_for_the_row():
    entry, _ = entry_save(client=ClientFactory(), body="before", prompt="free")
    with pytest.raises(TypeError, match="sealed to its row"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(body="in the clear")
    assert Entry.objects.get(pk=entry.pk).body == "before"

    Entry.objects.filter(pk=entry.pk).update(body=crypto.sealed(entry, "body", "after"))
    assert Entry.objects.get(pk=entry.pk).body == "after"
    # Sealed for one row, it does not open in another.
    other, _ = entry_save(client=entry.client, body="x", prompt="free")
    Entry.objects.filter(pk=other.pk).update(body=crypto.sealed(entry, "body", "after"))
    with pytest.raises(crypto.DecryptionError):
        Entry.objects.get(pk=other.pk).body  # noqa: B018


@pytest.mark.django_db
def test_bulk_update_takes_values_sealed_for_each_row():
    client = ClientFactory()
    entries = [entry_save(client=client, body=f"entry {n}", prompt="free")[0] for n in range(2)]
    for n, entry in enumerate(entries):
        entry.body = crypto.sealed(entry, "body", f"changed {n}")
    Entry.objects.bulk_update(entries, ["body"])
    assert sorted(e.body for e in Entry.objects.filter(client=client)) == ["changed 0", "changed 1"]


@pytest.mark.django_db
def test_only_defer_and_bulk_create_open_each_value_with_its_own_row():
    client = ClientFactory()
    rows = CheckIn.objects.bulk_create(
        [
            CheckIn(client=client, local_date=datetime.date(2026, 1, day), feelings=[f"f{day}"], note=f"day {day}")
            for day in (1, 2)
        ]
    )
    assert {_raw(CheckIn, row.pk, "note")[:3] for row in CheckIn.objects.filter(client=client)} == {"v2:"}
    assert sorted(c.note for c in CheckIn.objects.filter(client=client).only("uuid", "note")) == ["day 1", "day 2"]
    assert sorted(c.feelings[0] for c in CheckIn.objects.filter(client=client).defer("note")) == ["f1", "f2"]
    assert [c.note for c in CheckIn.objects.filter(pk=rows[0].pk).defer("uuid")] == ["day 1"]


@pytest.mark.django_db
def test_values_and_values_list_open_each_value_with_the_row_it_was_read_from():
    client = ClientFactory()
    first, _ = entry_save(client=client, body="first words", prompt="free")
    entry_save(client=client, body="second words", prompt="free")
    assert sorted(Entry.objects.filter(client=client).values_list("body", flat=True)) == [
        "first words",
        "second words",
    ]
    assert list(Entry.objects.filter(pk=first.pk).values("body", "shared_body")) == [
        {"body": "first words", "shared_body": None}
    ]
    # Through a join, the row is the joined table's own.
    checkin = CheckIn.objects.create(client=client, local_date=datetime.date(2026, 1, 1), note="by the river")
    assert list(type(client).objects.filter(pk=client.pk).values_list("checkins__note", flat=True)) == [checkin.note]


@pytest.mark.django_db
def test_json_and_date_values_round_trip_sealed():
    client = ClientFactory()
    checkin = CheckIn.objects.create(
        client=client, local_date=datetime.date(2026, 1, 1), feelings=["calm", "tired"], body_areas=[]
    )
    intake = Intake.objects.create(client=client, pronouns="they/them", date_of_birth=datetime.date(1990, 2, 3))

    again = CheckIn.objects.get(pk=checkin.pk)
    assert (again.feelings, again.body_areas) == (["calm", "tired"], [])
    assert "calm" not in _raw(CheckIn, checkin.pk, "feelings")
    intake = Intake.objects.get(pk=intake.pk)
    assert (intake.pronouns, intake.date_of_birth) == ("they/them", datetime.date(1990, 2, 3))
    assert "1990" not in _raw(Intake, intake.pk, "date_of_birth")
    assert "they" not in _raw(Intake, intake.pk, "pronouns")


@pytest.mark.django_db
def test_a_row_without_a_uuid_is_refused_rather_than_sealed_unbound():
    intake = Intake(client=ClientFactory(), pronouns="she/her")
    intake.uuid = None
    with pytest.raises(ValueError, match="needs a uuid"):
        intake.save()


@pytest.mark.django_db
def test_a_raw_query_opens_its_values_through_the_instance():
    entry, _ = entry_save(client=ClientFactory(), body="read raw", prompt="free")
    (again,) = Entry.objects.raw("SELECT id, uuid, body FROM journal_entry WHERE id = %s", [entry.pk])
    assert again.body == "read raw"


@pytest.mark.django_db
def test_opening_many_rows_costs_no_query_per_row_even_with_the_uuid_left_out(django_assert_num_queries):
    client = ClientFactory()
    CheckIn.objects.bulk_create(
        CheckIn(client=client, local_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=d), feelings=["calm"])
        for d in range(30)
    )
    with django_assert_num_queries(1):
        rows = list(CheckIn.objects.filter(client=client).only("feelings"))
        assert [c.feelings for c in rows] == [["calm"]] * 30
