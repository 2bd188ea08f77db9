"""Tending's own library of guided practices, written for Tending in our own words.

The ideas come from compassion-focused therapy, mindful self-compassion and
mindfulness-based cognitive therapy; the text is ours. How they are written
follows ../shared/PRODUCT.md ("Practices: how to write them"): choice is always
offered, breath and body practices say up front that they can stir things and
give an anchor outside the body, short versions are real practices, and each
ends back in the room with a word that does not grade the experience.

Kept in code rather than the database: the library then needs no query, and a
change to the words is reviewed like any other change. Clients read "practice";
the code says ``Exercise`` so that "practice" means only the business.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    text: str
    seconds: int


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    summary: str
    helps_when: str
    if_not_today: str
    short: tuple[Step, ...]
    long: tuple[Step, ...]
    caution: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    is_builtin: bool = True

    @property
    def key(self) -> str:
        return self.slug

    def steps(self, length: str) -> tuple[Step, ...]:
        return self.long if length == "long" else self.short

    @staticmethod
    def minutes(steps) -> int:
        return max(1, round(sum(step.seconds for step in steps) / 60))

    @property
    def short_minutes(self) -> int:
        return self.minutes(self.short)

    @property
    def long_minutes(self) -> int:
        return self.minutes(self.long)


BODY_CAUTION = (
    "Paying attention to the breath or the body can, for some people, stir up panic or old memories. "
    "If that happens, you might open your eyes, press your feet into the floor, hold something in your "
    "hand or listen to the sounds around you instead. You can stop at any moment."
)

BEGIN = Step(
    "Find a way to be that feels all right for you just now: sitting, standing, lying down or walking. "
    "Eyes open or closed, whichever feels better. You can stop at any time.",
    15,
)
ARRIVE = Step(
    "Let yourself arrive. Notice where your body meets the chair, the bed or the floor, and let it take some of your weight.",
    20,
)
RETURN = Step(
    "Now let the practice go. Notice the room around you: the floor under your feet, the light, the sounds near and far.",
    20,
)
KIND_END = Step("Whatever happened, you gave yourself this time. That is enough.", 10)


def _close() -> tuple[Step, ...]:
    return (RETURN, KIND_END)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        slug="soothing-rhythm-breathing",
        title="Soothing-rhythm breathing",
        summary="Letting the breath find a slower, gentler pace, so the body can settle a little.",
        helps_when="When you feel wound up, rushed or on edge, or before something you are dreading.",
        if_not_today=(
            "If this does not help today, that is not your fault. Breathing practices do not suit everyone "
            "on every day. You might try the 5-4-3-2-1 grounding practice, which rests your attention outside the body."
        ),
        caution=BODY_CAUTION,
        tags=("breath", "settling"),
        short=(
            BEGIN,
            Step(
                "Notice your breathing just as it is. There is nothing to fix. If noticing the breath feels uneasy, rest your attention on your feet instead.",
                20,
            ),
            Step(
                "If it feels right, let each out-breath become a little longer than the in-breath, as if you were sighing softly.",
                30,
            ),
            Step(
                "Let the breath find its own slower rhythm, roughly in for four and out for five or six. Close enough is fine.",
                40,
            ),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "Notice your breathing just as it is, fast or slow, deep or shallow. If noticing the breath feels uneasy, "
                "rest your attention on the sounds around you instead.",
                40,
            ),
            Step(
                "If it feels right, let the out-breath grow a little longer, as if you were gently letting air out of a balloon.",
                60,
            ),
            Step(
                "Let the breath settle into a slower rhythm, in for about four and out for about five or six. "
                "Let your body find what suits it; there is no right number.",
                90,
            ),
            Step(
                "You might let a slight, friendly expression come to your face, as if greeting someone you like.",
                45,
            ),
            Step(
                "Each time the mind wanders, and it will, simply notice where it went and come back to the slower rhythm. "
                "Wandering is what minds do; coming back is the practice.",
                90,
            ),
            Step("Now let the breath go back to breathing itself, with no effort from you.", 30),
            *_close(),
        ),
    ),
    Exercise(
        slug="compassionate-self",
        title="The compassionate self",
        summary="Imagining yourself as a wise, strong and kind person, and trying on how that feels.",
        helps_when="When the inner critic is loud, or you want to meet a hard situation from a steadier place.",
        if_not_today=(
            "If this does not help today, that is not your fault. Some days compassion feels out of reach, "
            "and feelings like grief or self-criticism can rise instead. That is common. You might try "
            "the safe place, or simply 5-4-3-2-1 grounding."
        ),
        tags=("compassion", "inner critic"),
        short=(
            BEGIN,
            Step(
                "Imagine that you are, for a moment, a deeply kind person: wise from what life has taught you, strong enough to face hard things, and warm.",
                35,
            ),
            Step(
                "Notice how that person might sit or stand, their expression, the tone of their voice. You do not need to feel it fully; pretending is fine.",
                35,
            ),
            Step(
                "From this place, what would you like to say to the part of you that is struggling today?",
                40,
            ),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "If it helps, let your breath slow a little. If not, simply notice your feet on the floor.",
                30,
            ),
            Step(
                "Imagine yourself as a deeply compassionate person. Like an actor stepping into a role, you do not have to feel you already are this person.",
                45,
            ),
            Step(
                "Give this compassionate self wisdom: they know life is hard and that much of what we struggle with is not our fault.",
                45,
            ),
            Step(
                "Give them strength: a calm confidence, steady enough to stay with pain without being swept away.",
                45,
            ),
            Step(
                "Give them warmth: a real wish for things to go well for you and for others.",
                45,
            ),
            Step(
                "Notice how your body might be as this person: your posture, your face, your voice if you spoke.",
                45,
            ),
            Step(
                "Bring to mind something that is troubling you, something small to begin with. How would your compassionate self see it? What would they do or say?",
                75,
            ),
            Step(
                "If grief or criticism rises, that is common and not a sign you are doing it wrong. You can let the practice go and come back another day.",
                30,
            ),
            *_close(),
        ),
    ),
    Exercise(
        slug="safe-place",
        title="A safe place",
        summary="Creating, in your imagination, a place where you feel at ease and welcome.",
        helps_when="When you feel unsettled or under threat, or want somewhere calm to rest your mind.",
        if_not_today=(
            "If this does not help today, that is not your fault. Finding a place can take a few tries, and for "
            "some people imagining is hard. You might try 5-4-3-2-1 grounding, using the room you are actually in."
        ),
        tags=("imagery", "settling"),
        short=(
            BEGIN,
            Step(
                "Imagine a place where you might feel calm and welcome. It can be real or made up: a beach, a room, a wood, a place from a story.",
                35,
            ),
            Step(
                "Notice a few details if they come: what you might see, the sounds, the air on your skin. Nothing has to be vivid.",
                40,
            ),
            Step(
                "Imagine that this place is glad you are here. It wants you to feel at ease.",
                30,
            ),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "Let an image of a place come to mind where you might feel at ease. If nothing comes, simply imagine colours or light that feel soothing.",
                60,
            ),
            Step("Look around it in your mind. What can you see near you, and far away?", 60),
            Step("What might you hear? Perhaps water, wind, birds, or a comfortable quiet.", 45),
            Step("What might you feel? Warmth from the sun, a soft breeze, the ground under you.", 45),
            Step(
                "Imagine that this place welcomes you. It is pleased you are here, and it asks nothing of you.",
                60,
            ),
            Step(
                "If anything unwelcome appears, you can change the scene or leave it. This is your place and you decide what is in it.",
                30,
            ),
            Step("Take a moment to notice how it feels to be welcome. You can come back here whenever you like.", 45),
            *_close(),
        ),
    ),
    Exercise(
        slug="self-compassion-break",
        title="A self-compassion break",
        summary="Three short steps for a hard moment: noticing it hurts, remembering others feel this too, and offering yourself kindness.",
        helps_when="In the middle of a hard moment, or when you notice you are being harsh with yourself.",
        if_not_today=(
            "If this does not help today, that is not your fault. Kind words can feel hollow or stir up sadness at first; "
            "that is common. You might try the soothing-rhythm breathing or 5-4-3-2-1 grounding instead."
        ),
        tags=("compassion", "inner critic", "hard moments"),
        short=(
            BEGIN,
            Step(
                "Name what is happening, simply: this is a hard moment. This hurts. Whatever words fit for you.",
                25,
            ),
            Step(
                "Remind yourself that struggle is part of being human. Other people feel this too; you are not alone in it.",
                25,
            ),
            Step(
                "If it feels right, place a hand somewhere comforting, on your chest or your arm, and offer yourself a kind word: may I be gentle with myself.",
                35,
            ),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "Bring to mind something that is troubling you a little. Choose something small rather than the hardest thing.",
                45,
            ),
            Step(
                "Notice where you feel it, if anywhere. Then say to yourself, in your own words: this is a moment of difficulty.",
                45,
            ),
            Step(
                "Remember that difficulty is shared. Many people, right now, are feeling something like this. It is part of being alive, not a sign that something is wrong with you.",
                60,
            ),
            Step(
                "If it feels right, offer yourself a gesture of comfort: a hand on the heart, a hand holding the other hand, or simply a softer face.",
                45,
            ),
            Step(
                "Ask: what would I need to hear right now? Offer it to yourself as you would to a good friend. May I be kind to myself. May I give myself what I need.",
                75,
            ),
            Step(
                "If the kindness brings up tears or resistance, that is common. Let it be, and come back to your feet on the floor whenever you like.",
                30,
            ),
            *_close(),
        ),
    ),
    Exercise(
        slug="body-scan",
        title="A gentle body scan",
        summary="Moving your attention slowly through the body, with curiosity and without needing anything to change.",
        helps_when="When you feel tense or disconnected from your body, or before sleep.",
        if_not_today=(
            "If this does not help today, that is not your fault. Some parts of the body can hold hard feelings, "
            "and it is fine to skip them or stop. You might try mindful walking or 5-4-3-2-1 grounding instead."
        ),
        caution=BODY_CAUTION + " You can skip any part of the body you would rather not attend to.",
        tags=("body", "settling", "sleep"),
        short=(
            BEGIN,
            Step(
                "Bring your attention to your feet. Notice whatever is there: warmth, pressure, tingling, or nothing much.",
                25,
            ),
            Step(
                "Let your attention move up through your legs to your back and shoulders, noticing without needing to change anything.",
                35,
            ),
            Step(
                "Notice your hands, your arms, your face. If any part feels hard to be with, move on or open your eyes.",
                35,
            ),
            Step("Now sense the body as a whole, sitting or lying here.", 20),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "If at any point this feels uncomfortable, you can open your eyes, move, or rest your attention on the sounds in the room instead.",
                20,
            ),
            Step("Bring your attention to your feet: the toes, the soles, the heels. Notice whatever is there.", 60),
            Step("Move slowly up through the ankles, the lower legs, the knees and the thighs.", 60),
            Step("Notice the hips and the lower back, and where the body is supported.", 45),
            Step("Move to the belly and the chest. You might notice the breath here, or simply let it be.", 45),
            Step(
                "Notice the upper back and the shoulders. If there is tension, you might let it soften, or leave it as it is.",
                60,
            ),
            Step("Move down the arms to the hands and fingers.", 45),
            Step("Notice the neck, the jaw, the face and the top of the head.", 60),
            Step("Now sense the whole body together, breathing and resting.", 45),
            *_close(),
        ),
    ),
    Exercise(
        slug="three-step-breathing-space",
        title="A three-step breathing space",
        summary="A short pause in three parts: noticing what is here, gathering your attention, and widening it out again.",
        helps_when="In a busy or stressful day, as a pause between one thing and the next.",
        if_not_today=(
            "If this does not help today, that is not your fault. A busy mind is not a sign you are doing it wrong. "
            "You might try 5-4-3-2-1 grounding, which uses what you can see and hear."
        ),
        caution=BODY_CAUTION,
        tags=("breath", "pause"),
        short=(
            BEGIN,
            Step(
                "Notice what is here right now: thoughts, feelings, sensations. Just name them, without changing anything.",
                40,
            ),
            Step(
                "Gather your attention to one place: the breath, or your feet on the floor if that feels easier.",
                40,
            ),
            Step("Let your attention widen to the whole body, and to the space around you.", 35),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step("Ask yourself: what is going on for me right now? Notice any thoughts, and let them be there.", 60),
            Step(
                "Notice any feelings, pleasant, unpleasant or neither. You might name them: worry is here, tiredness is here.",
                60,
            ),
            Step("Notice sensations in the body: tightness, ease, warmth, heaviness.", 45),
            Step(
                "Now gather your attention to one anchor: the breath moving in the belly, or the feet on the floor, or a sound.",
                90,
            ),
            Step(
                "Let the attention widen to the whole body, breathing. If there is discomfort, you might imagine breathing around it.",
                60,
            ),
            Step(
                "Let it widen further, to the room and the sounds beyond it, ready for the next part of your day.", 30
            ),
            *_close(),
        ),
    ),
    Exercise(
        slug="grounding-5-4-3-2-1",
        title="5-4-3-2-1 grounding",
        summary="Using your senses to come back to the here and now when feelings run high.",
        helps_when="During panic or strong feelings, when memories feel too close, or when you feel far away from yourself.",
        if_not_today=(
            "If this does not help today, that is not your fault. When feelings are very strong it can help to do something "
            "with your hands, splash cool water on your face, or talk to someone. If you feel unsafe, the urgent help page "
            "has people you can contact right now."
        ),
        tags=("grounding", "panic", "hard moments"),
        short=(
            Step("You can do this with your eyes open, wherever you are. Stop at any time.", 10),
            Step("Look around and name five things you can see. Say them out loud or in your head.", 30),
            Step("Notice four things you can feel: your feet in your shoes, your clothes, the chair, the air.", 30),
            Step("Listen for three things you can hear, near or far.", 25),
            Step("Notice two things you can smell, or two smells you like.", 20),
            Step("Notice one thing you can taste, or take a sip of something.", 15),
            Step("You are here, in this room, right now. Take your time before you move on.", 15),
        ),
        long=(
            Step("You can do this with your eyes open, wherever you are. Stop at any time.", 10),
            Step("Press your feet into the floor and notice it holding you up.", 20),
            Step("Look around and name five things you can see. Take your time with each: its colour, its shape.", 60),
            Step(
                "Notice four things you can feel: your feet, your hands, your clothes, the temperature of the air.", 60
            ),
            Step("Listen for three things you can hear. Start with the furthest sound, then the nearest.", 45),
            Step("Notice two things you can smell. If nothing comes, think of two smells you like.", 30),
            Step("Notice one thing you can taste, or take a sip of water.", 20),
            Step("Say to yourself: today's date, where you are, and one thing you will do next.", 30),
            Step("You are here, in this room, right now. Whatever happened, you gave yourself this time.", 15),
        ),
    ),
    Exercise(
        slug="kindness-to-myself",
        title="Loving-kindness toward myself",
        summary="Offering yourself kind wishes, as you might to someone you care about.",
        helps_when="When you feel low, lonely or self-critical, or want to grow a warmer inner voice.",
        if_not_today=(
            "If this does not help today, that is not your fault. Kind wishes towards ourselves can feel strange or bring "
            "up sadness; that is very common. You might begin by sending kindness to someone or something easy to love, "
            "like a pet or a friend, or try the safe place."
        ),
        tags=("compassion", "low mood"),
        short=(
            BEGIN,
            Step("Bring to mind someone or something it is easy to feel warmly towards: a friend, a child, a pet.", 30),
            Step("Notice the warmth, if any, and let it include you too.", 20),
            Step(
                "Offer yourself a few kind wishes, in words that fit you: may I be safe. May I be peaceful. May I be kind to myself.",
                45,
            ),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step(
                "Bring to mind someone or something it is easy to feel warmly towards. Notice what that warmth is like.",
                60,
            ),
            Step("Offer them some kind wishes: may you be safe. May you be well. May you be at ease.", 60),
            Step("Now imagine that they are offering the same wishes to you.", 45),
            Step(
                "Offer the wishes to yourself, slowly: may I be safe. May I be well. May I be at ease. May I be kind to myself.",
                90,
            ),
            Step(
                "If the words feel hollow, that is fine. You are planting seeds, not forcing flowers. You might change the words to ones that feel truer.",
                45,
            ),
            Step(
                "If sadness or resistance comes, you can return to the easy person, or to your feet on the floor.", 30
            ),
            *_close(),
        ),
    ),
    Exercise(
        slug="compassionate-letter",
        title="A compassionate letter",
        summary="Writing to yourself from the voice of someone who cares about you.",
        helps_when="When something keeps troubling you, or the inner critic has had a lot to say.",
        if_not_today=(
            "If this does not help today, that is not your fault. Writing kindly to ourselves can be hard at first, and "
            "some days the words will not come. You might try a few lines in your journal, or the self-compassion break."
        ),
        tags=("compassion", "writing", "inner critic"),
        short=(
            Step(
                "Have something to write with, on paper or in your journal. Write as much or as little as you like, and stop at any time.",
                15,
            ),
            Step("Think of something you are struggling with, something small enough to hold.", 25),
            Step(
                "Imagine a friend who is wise, warm and on your side. Write a few lines from them to you about it.",
                75,
            ),
            Step("Read it back slowly, as if hearing it from them.", 25),
            *_close(),
        ),
        long=(
            Step("Have something to write with, on paper or in your journal. You can stop at any time.", 15),
            ARRIVE,
            Step("Bring to mind something you are finding hard, or something you often criticise yourself for.", 45),
            Step(
                "Imagine a friend who is wise, accepting and warm, who knows your story and cares about you without conditions.",
                45,
            ),
            Step(
                "Begin a letter from this friend to you. What would they want you to know? How do they understand what you are going through?",
                150,
            ),
            Step(
                "Let them remind you that much of this is not your fault, and that struggling is part of being human.",
                90,
            ),
            Step("If they were to suggest one small, kind step, what might it be? Write it down.", 60),
            Step(
                "Put the letter down for a moment, then read it back slowly, letting the words land as much as they can.",
                60,
            ),
            *_close(),
        ),
    ),
    Exercise(
        slug="rain",
        title="RAIN for hard feelings",
        summary="Recognise, Allow, Investigate with kindness, Nurture: four steps for being with a difficult feeling.",
        helps_when="When a feeling such as worry, shame or sadness is strong and you want to meet it rather than push it away.",
        if_not_today=(
            "If this does not help today, that is not your fault. If the feeling grows too big, it is wise to step back "
            "rather than push on. You might try 5-4-3-2-1 grounding or the safe place, and come back to RAIN another time."
        ),
        caution=(
            "This practice turns towards a difficult feeling. Choose a mild one to begin with, not the hardest thing "
            "in your life. If it becomes too much, open your eyes and feel your feet on the floor."
        ),
        tags=("hard feelings", "compassion"),
        short=(
            BEGIN,
            Step("Recognise: name what is here. Worry is here. Sadness is here.", 25),
            Step("Allow: let it be here for a moment, without needing to fix it.", 25),
            Step("Investigate with kindness: where do you feel it? What does this part of you need?", 40),
            Step("Nurture: offer yourself what it needs, a kind word or a hand on the heart.", 35),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step("Bring to mind a situation that stirs a mild difficult feeling. Not the hardest one.", 45),
            Step("Recognise: what is here? Name it simply: fear, shame, anger, grief, or something else.", 45),
            Step(
                "Allow: let the feeling be here, as it is. You might say 'this belongs' or 'it is all right to feel this'.",
                60,
            ),
            Step(
                "Investigate with kindness: where do you feel it in the body? What is it believing? What does it most need?",
                90,
            ),
            Step(
                "Nurture: offer what is needed. A kind word, a gesture of comfort, or imagine someone who loves you being here.",
                90,
            ),
            Step("After RAIN: rest for a moment in whatever is here now, without needing to label it.", 45),
            *_close(),
        ),
    ),
    Exercise(
        slug="mindful-walking",
        title="Mindful walking",
        summary="Walking slowly and noticing each step, the ground, and the world around you.",
        helps_when="When sitting still feels too much, when you feel restless, or on an ordinary walk you already take.",
        if_not_today=(
            "If this does not help today, that is not your fault. You might simply walk at your normal pace and "
            "notice three things you can see, or try 5-4-3-2-1 grounding."
        ),
        tags=("movement", "grounding"),
        short=(
            Step(
                "Find a few steps of space, indoors or out. Walk at whatever pace is comfortable. Stop at any time.", 15
            ),
            Step("Notice your feet touching the ground: heel, sole, toes.", 35),
            Step("Notice the movement of the legs and the swing of the arms.", 30),
            Step("Widen your attention to what you can see and hear as you walk.", 30),
            *_close(),
        ),
        long=(
            Step("Find some space to walk, indoors or out. Any pace is fine; you can stop at any time.", 15),
            Step("Stand still for a moment and feel your weight on the ground.", 30),
            Step("Begin to walk slowly. Notice each foot lifting, moving and landing.", 75),
            Step("If the mind wanders, that is fine. Gently bring it back to the feet.", 60),
            Step("Notice the legs, the hips, the arms swinging: the whole body walking.", 60),
            Step("Let your attention widen: the air, the light, the sounds around you.", 75),
            Step("Slowly come to a stop and stand for a moment.", 20),
            *_close(),
        ),
    ),
    Exercise(
        slug="compassionate-friend",
        title="The compassionate friend",
        summary="Imagining a presence that is entirely on your side, and letting it keep you company.",
        helps_when="When you feel alone with something, or need kindness that is hard to give yourself.",
        if_not_today=(
            "If this does not help today, that is not your fault. Some people find it hard to imagine someone caring, "
            "especially after hard times; that is common and understandable. You might try the safe place, or a few "
            "minutes of mindful walking."
        ),
        tags=("compassion", "imagery"),
        short=(
            BEGIN,
            Step(
                "Imagine a friend who is completely on your side. They can be a person, an animal, a light or a presence.",
                35,
            ),
            Step("Imagine them near you, looking at you with warmth. They know what you are going through.", 35),
            Step("What might they say to you? Let them say it, and let yourself hear it if you can.", 40),
            *_close(),
        ),
        long=(
            BEGIN,
            ARRIVE,
            Step("Imagine yourself somewhere comfortable and welcoming, perhaps your safe place.", 45),
            Step(
                "Imagine a compassionate friend arriving. They can take any form: a person, an animal, a light. They are wise, strong and warm.",
                60,
            ),
            Step("Notice how they greet you. They are glad to see you and want only good things for you.", 45),
            Step(
                "If you like, tell them what is troubling you. Notice how they listen, without judging.",
                75,
            ),
            Step("What do they say, or do? Let their kindness reach you as much as it can today.", 60),
            Step("When you are ready, say goodbye, knowing you can call on them again.", 30),
            *_close(),
        ),
    ),
)

BY_SLUG: dict[str, Exercise] = {e.slug: e for e in EXERCISES}
GROUNDING_SLUG = "grounding-5-4-3-2-1"
SELF_COMPASSION_BREAK_SLUG = "self-compassion-break"


def builtin(slug: str) -> Exercise | None:
    return BY_SLUG.get(slug)


def all_client_text() -> list[str]:
    """Every sentence of the library a client reads (the words test checks them)."""
    texts = []
    for exercise in EXERCISES:
        texts += [exercise.title, exercise.summary, exercise.helps_when, exercise.if_not_today, exercise.caution]
        texts += [step.text for step in exercise.short + exercise.long]
    return texts
