"""Demo messages: a few warm conversations between the demo clients and their therapists, Ana's promise
about messages, one practice notice from Olivia, and Cara's question to the practice about an invoice,
answered by Sam Carter.

Written the way ``message_send`` writes (reply-by dates from the therapist's promise and working days,
answers marking what waited, each conversation's last message and read marks), but at the moments they
were sent, over the past weeks. The history is not news: each side counts as emailed at its last message,
so neither the send hook nor the ``messaging_emails`` job emails anyone about it. Nothing here has risk
words, so no risk check is owed. Idempotent: a client who already has a conversation of that kind keeps it.
"""

import datetime
import uuid

from django.utils import timezone

from messaging.models import Conversation, Message, MessagingSettings, Notice
from messaging.replies import reply_by

ORDER = 240  # after money: Cara's question is about the invoice waiting in her money page

ANA_PROMISE = (
    "I read messages on weekday mornings and reply within two working days. "
    "Messages are for small things between sessions; the bigger ones we can hold together when we meet."
)
BEN_PROMISE = "I read messages on Tuesday and Thursday mornings, and reply within two working days."

# (days ago, local hour, minute, who writes: "client" or "staff", words, shared practice slug)
CARE = {
    "cara": [
        (
            12,
            19,
            40,
            "client",
            "I tried the soothing rhythm breathing on the train this morning. It helped more than I expected.",
            "",
        ),
        (
            11,
            9,
            15,
            "staff",
            "That's lovely to hear, Cara. Noticing what helps is a skill in itself. Keep it "
            "close this week, and we can talk about how it felt on Tuesday.",
            "",
        ),
        (11, 12, 5, "client", "Thank you, I will.", ""),
        (
            3,
            20,
            30,
            "client",
            "Could we spend some time next session on the letter I wrote? I'm not sure I got it right.",
            "",
        ),
        (
            2,
            9,
            5,
            "staff",
            "Of course. There is no right way to write it; I'm glad you did. Bring it along "
            "and we'll look at it together.",
            "",
        ),
    ],
    "dev": [
        (
            9,
            8,
            50,
            "staff",
            "Hi Dev, here is the grounding practice we tried at the end of the session, in "
            "case it's useful on busy commutes.",
            "grounding-5-4-3-2-1",
        ),
        (8, 18, 20, "client", "Thanks Ana. Used it twice on the train already.", ""),
        (7, 9, 30, "staff", "That's great. Even a minute of it counts.", ""),
    ],
    "eli": [
        (
            6,
            17,
            10,
            "client",
            "Quiet weekend. I went back to the garden Mum planted and sat there for a while. It felt okay.",
            "",
        ),
        (
            5,
            10,
            0,
            "staff",
            "Thank you for telling me, Eli. Sitting with her garden sounds like a gentle "
            "way of keeping her close. We can talk more on Thursday.",
            "",
        ),
        (
            0,
            -3,
            0,
            "client",
            "Would it be all right to move our focus on Thursday to sleep? It has been patchy again this week.",
            "",
        ),
    ],
}
OFFICE = [
    (4, 11, 20, "client", "Hello, could you tell me when my latest invoice is due? I can't find the email.", ""),
    (
        4,
        14,
        45,
        "staff",
        "Hello Cara, it's due fourteen days after it was issued, and you can see it any time "
        "under Money in Tending. Nothing to worry about.",
        "",
    ),
    (3, 9, 10, "client", "Found it, thank you!", ""),
    (3, 10, 30, "staff", "You're welcome, Cara. Have a good week.", ""),
]
NOTICE_TITLE = "The practice is closed on bank holidays"
NOTICE_BODY = (
    "Willow Tree Therapy is closed on bank holidays, and messages sent then are read on the next working day. "
    "Your sessions that week are still on unless your therapist has told you otherwise. Take care."
)


def seed(demo) -> None:
    for staff, promise in ((demo.ana, ANA_PROMISE), (demo.ben, BEN_PROMISE)):
        MessagingSettings.objects.get_or_create(staff=staff, defaults={"promise": promise, "reply_within_days": 2})
    now = timezone.now()
    for name, lines in CARE.items():
        client = getattr(demo, name)
        _conversation(client, Conversation.Kind.CARE, client.therapist, lines, now)
    if demo.administrator is not None:
        _conversation(demo.cara, Conversation.Kind.OFFICE, demo.administrator, OFFICE, now)
    if not Notice.objects.filter(practice=demo.practice).exists():
        Notice.objects.create(
            practice=demo.practice,
            title=NOTICE_TITLE,
            body=NOTICE_BODY,
            published_by=demo.owner,
            published_at=now - datetime.timedelta(days=1),
            shown_until=timezone.localdate() + datetime.timedelta(days=21),
        )


def _at(now, days_ago: int, hour: int, minute: int, zone) -> datetime.datetime:
    """A local moment ``days_ago`` days back; a negative hour is that many hours before now."""
    if hour < 0:
        return now + datetime.timedelta(hours=hour, minutes=-minute)
    day = now.astimezone(zone).date() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def _conversation(client, kind, staff, lines, now) -> None:
    if Conversation.objects.filter(client=client, kind=kind).exists():
        return
    practice = client.practice
    within = 2
    if kind == Conversation.Kind.CARE:
        within = MessagingSettings.objects.get(staff=client.therapist).reply_within_days
    messages, waiting = [], []
    for days_ago, hour, minute, who, body, shared in lines:
        sent_at = _at(now, days_ago, hour, minute, practice.zone)
        from_client = who == "client"
        message = Message(
            sender_staff=None if from_client else staff,
            body=body,
            sent_at=sent_at,
            idempotency_key=uuid.uuid4(),
            shared_kind=Message.Shared.PRACTICE if shared else Message.Shared.NONE,
            shared_ref=shared,
        )
        if from_client:
            message.reply_by = reply_by(
                practice=practice,
                staff=client.therapist if kind == Conversation.Kind.CARE else None,
                within_days=within,
                sent_at=sent_at,
            )
            waiting.append(message)
        else:
            for earlier in waiting:  # an answer: everything waiting has had one
                earlier.answered_at = sent_at
            waiting = []
        messages.append(message)
    conversation = Conversation.objects.create(client=client, kind=kind, created_at=messages[0].sent_at)
    for message in messages:
        message.conversation = conversation
        message.save()  # one at a time, oldest first: the id is the order
    last = messages[-1]
    from_client = [m for m in messages if m.sender_staff_id is None]
    from_staff = [m for m in messages if m.sender_staff_id is not None]
    conversation.last_message_id, conversation.last_message_at = last.pk, last.sent_at
    conversation.reply_by = min((m.reply_by for m in waiting), default=None)
    # The client has read everything but a reply that came in the last two days, counted in calendar days
    # (counted in hours, a reply of three days ago was "fresh" before its hour of the day and not after).
    fresh_reply = not last.from_client and lines[-1][0] <= 2
    conversation.client_read_up_to = from_client[-1].pk if fresh_reply and from_client else last.pk
    conversation.client_read_at = (from_client[-1] if fresh_reply and from_client else last).sent_at
    # The practice has read everything up to its own last message (a waiting message stays unread).
    conversation.staff_read_up_to = from_staff[-1].pk if waiting and from_staff else last.pk
    # Each side counts as emailed about what came before the demo: nobody is emailed about its history.
    second = datetime.timedelta(seconds=1)
    conversation.client_emailed_at = from_staff[-1].sent_at + second if from_staff else None
    conversation.staff_emailed_at = from_client[-1].sent_at + second if from_client else None
    conversation.save()
