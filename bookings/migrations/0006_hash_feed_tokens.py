"""Store only the SHA-256 of each calendar feed's secret.

Existing feeds are hashed in place, so calendars already subscribed keep working: the
feed view hashes the token in the link and looks that up. Going back cannot recover the
secrets; it empties them instead (each therapist then makes a new link).
"""

import hashlib
import re

from django.db import migrations

_HASHED = re.compile(r"^[0-9a-f]{64}$")


def hash_tokens(apps, schema_editor):
    Availability = apps.get_model("bookings", "Availability")
    no_feed = {"feed_token": ""}  # an empty column is "no feed", not a password
    for rules in Availability.objects.exclude(**no_feed).only("id", "feed_token").iterator():
        # token_urlsafe(32) makes 43 characters, so a 64-hex value was hashed already (a rerun).
        if not _HASHED.match(rules.feed_token):
            rules.feed_token = hashlib.sha256(rules.feed_token.encode()).hexdigest()
            rules.save(update_fields=["feed_token"])


def forget_tokens(apps, schema_editor):
    no_feed = {"feed_token": ""}
    apps.get_model("bookings", "Availability").objects.exclude(**no_feed).update(**no_feed)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_appointment_therapist_end"),
    ]

    operations = [
        migrations.RunPython(hash_tokens, forget_tokens),
    ]
