"""Demo onboarding: the practice's agreement and privacy notice, Cara's and Dev's acceptances, intake and choices."""

from datetime import date

from onboarding.models import ConsentChoice, Intake, PracticeDocument
from onboarding.services import consent_record, document_publish, documents_accept, intake_save

ORDER = 25

AGREEMENT = (
    "How we work together\n\n"
    "Sessions last 50 minutes. You book them when you're ready; there is no set number.\n"
    "If you need to move or cancel, please do so at least 24 hours before, from your Sessions page.\n"
    "What you share stays between us, except where someone's safety is at serious risk; we would talk with you first "
    "wherever we can.\n"
    "Tending is not an emergency service. The crisis page lists who to contact at any hour."
)
PRIVACY = (
    "What we keep and why\n\n"
    "We keep your contact details, appointments, and what you choose to write in Tending, to provide your therapy. "
    "Session notes, your journal and your safety plan are encrypted. Every time a therapist opens your record it is "
    "logged. You can download everything we hold about you, or ask us to erase it, from My data."
)


def seed(demo):
    for kind, body in (("agreement", AGREEMENT), ("privacy", PRIVACY)):
        if not PracticeDocument.objects.filter(practice=demo.practice, kind=kind).exists():
            document_publish(practice=demo.practice, kind=kind, body=body, staff=demo.owner)
    for client in (demo.cara, demo.dev):
        unread = PracticeDocument.objects.filter(practice=demo.practice).exclude(acceptances__client=client)
        if unread:
            documents_accept(client=client, documents=list(unread))
    if not Intake.objects.filter(client=demo.cara).exists():
        intake_save(
            client=demo.cara,
            data={
                "preferred_name": "",
                "pronouns": "she/her",
                "date_of_birth": date(1991, 6, 14),
                "phone": "07700 900456",
                "gp_details": "Riverside Surgery, Kingston",
                "emergency_contact": "Mia Lewis (sister), 07700 900123",
                "hopes": "To panic less at work and be a bit kinder to myself.",
                "previous_support": "Six sessions of CBT through work, a few years ago.",
            },
        )
    if not ConsentChoice.objects.filter(client=demo.cara).exists():
        consent_record(client=demo.cara, kind="email_reminders", granted=True)
        consent_record(client=demo.cara, kind="journal_risk_alerts", granted=True)
        consent_record(client=demo.cara, kind="checkin_risk_alerts", granted=True)
        consent_record(client=demo.cara, kind="booking_nudge", granted=False)
    if not ConsentChoice.objects.filter(client=demo.dev).exists():
        consent_record(client=demo.dev, kind="email_reminders", granted=True)
        consent_record(client=demo.dev, kind="journal_risk_alerts", granted=False)
        consent_record(client=demo.dev, kind="booking_nudge", granted=True, gap_days=28)
