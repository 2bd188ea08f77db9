"""Keyed chains, one per practice, with a head row each.

Rows written before this migration are kept as they are, as the "legacy"
segment: chain "legacy", no key id and no place number, still one global plain
SHA-256 chain that ``audit_verify`` walks the old way. They are not re-chained:
re-signing history in a migration would itself be a rewrite of the audit trail,
and would need the append-only trigger switched off. The first
``audit_verify --checkpoint`` after this migration seals the segment (its length
and last link, signed with the audit key); every keyed chain begins at row 1.
"""

from django.db import migrations, models

# Adding fields with a default makes SQLite rebuild the table, and the rebuilt table
# has lost 0002's append-only trigger: put it back.
SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""


def restore_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_alter_auditevent_action'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=36, unique=True)),
                ('verified_at', models.DateTimeField(blank=True, null=True)),
                ('verified_ok', models.BooleanField(null=True)),
                ('problem', models.TextField(blank=True)),
            ],
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(default='legacy', max_length=36),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_chain_seq_unique'),
        ),
        migrations.RunPython(restore_trigger, migrations.RunPython.noop),
    ]
