from django.db import migrations, models


class Migration(migrations.Migration):
    """The practice's appointments index also carries what the public free times read (slots._booked).

    The wider index is made before the narrower goes, so no moment of the migration is without one.
    """

    dependencies = [
        ("bookings", "0014_appointment_indexes"),
        ("practice", "0008_client_change_marks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                fields=["practice", "start", "blocked_until", "therapist", "status"], name="bookings_appt_practice_span"
            ),
        ),
        migrations.RemoveIndex(model_name="appointment", name="bookings_appt_practice_start"),
    ]
