"""The validated questionnaires, word for word from ../shared/instruments.md (§2–§5).

Each ``Instrument`` carries its item wording, options, attribution and the
facts scoring needs. ``VERSION`` is stored with every completed form, so a
later wording or scoring change never silently reinterprets old answers.
The practice's clinical lead checks each wording against the official PDF
before go-live (instruments.md, status line); where they differ, the PDF wins.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    value: int | None
    label: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    domain: str  # mind, body, soul, heart
    stem: str
    items: tuple[str, ...]
    options: tuple[Option, ...]
    attribution: str
    why_we_ask: str
    # Lowest and highest possible total (for charts and band shading).
    scale_min: float
    scale_max: float
    higher_is_better: bool = False
    # Bands as (id, label, low, high) inclusive, in the units of ``total``
    # (WHO-5: the percentage). SCS-SF bands are decided in scoring.py because
    # its edges are not integers.
    bands: tuple[tuple[str, str, float, float], ...] = ()
    # Per-item extra options (PHQ-15 item 4 may be "not applicable").
    item_extra_options: dict = field(default_factory=dict)
    difficulty_item: bool = False
    heading: str = ""

    @property
    def n_items(self) -> int:
        return len(self.items)

    def options_for(self, index: int) -> tuple[Option, ...]:
        """Options for item ``index`` (0-based), including any extra like "not applicable"."""
        return self.options + tuple(self.item_extra_options.get(index, ()))

    def band_label(self, band_id: str) -> str:
        for bid, label, _low, _high in self.bands:
            if bid == band_id:
                return label
        return SCS_SF_BAND_LABELS.get(band_id, band_id)


PHQ_GAD_ATTRIBUTION = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an "
    "educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
)

FREQUENCY_0_3 = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)
DIFFICULTY_CHOICES = (
    ("not_difficult", "Not difficult at all"),
    ("somewhat", "Somewhat difficult"),
    ("very", "Very difficult"),
    ("extremely", "Extremely difficult"),
)

PHQ9 = Instrument(
    id="phq9",
    version="phq9-2001.1",
    title="Patient Health Questionnaire-9 (PHQ-9)",
    short_title="PHQ-9",
    domain="mind",
    stem="Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    items=(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety "
        "or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    options=FREQUENCY_0_3,
    attribution=PHQ_GAD_ATTRIBUTION + " PHQ-9: Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606–613.",
    why_we_ask=(
        "These nine questions are about mood over the last two weeks. Your answers help you and your "
        "therapist see how things are changing, in the same way NHS talking-therapy services do. "
        "There are no right or wrong answers, and you can leave it for later."
    ),
    scale_min=0,
    scale_max=27,
    bands=(
        ("minimal", "Minimal", 0, 4),
        ("mild", "Mild", 5, 9),
        ("moderate", "Moderate", 10, 14),
        ("moderately_severe", "Moderately severe", 15, 19),
        ("severe", "Severe", 20, 27),
    ),
    difficulty_item=True,
)

GAD7 = Instrument(
    id="gad7",
    version="gad7-2006.1",
    title="Generalized Anxiety Disorder 7-item scale (GAD-7)",
    short_title="GAD-7",
    domain="mind",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    items=(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ),
    options=FREQUENCY_0_3,
    attribution=PHQ_GAD_ATTRIBUTION + " GAD-7: Spitzer, Kroenke, Williams & Löwe 2006, Arch Intern Med 166:1092–1097.",
    why_we_ask=(
        "These seven questions are about worry and anxiety over the last two weeks. They help you and "
        "your therapist notice change over time. There are no right or wrong answers, and you can leave it for later."
    ),
    scale_min=0,
    scale_max=21,
    bands=(
        ("minimal", "Minimal", 0, 4),
        ("mild", "Mild", 5, 9),
        ("moderate", "Moderate", 10, 14),
        ("severe", "Severe", 15, 21),
    ),
    difficulty_item=True,
)

PHQ15 = Instrument(
    id="phq15",
    version="phq15-2002.1",
    title="PHQ-15 Somatic Symptom Severity Scale",
    short_title="PHQ-15",
    domain="body",
    stem="During the past 4 weeks, how much have you been bothered by any of the following problems?",
    items=(
        "Stomach pain",
        "Back pain",
        "Pain in your arms, legs, or joints (knees, hips, etc.)",
        "Menstrual cramps or other problems with your periods",
        "Headaches",
        "Chest pain",
        "Dizziness",
        "Fainting spells",
        "Feeling your heart pound or race",
        "Shortness of breath",
        "Pain or problems during sexual intercourse",
        "Constipation, loose bowels, or diarrhea",
        "Nausea, gas, or indigestion",
        "Feeling tired or having low energy",
        "Trouble sleeping",
    ),
    options=(Option(0, "Not bothered at all"), Option(1, "Bothered a little"), Option(2, "Bothered a lot")),
    # Offered to anyone who does not menstruate; stored as null and counted as 0 (§3).
    item_extra_options={3: (Option(None, "Not applicable"),)},
    attribution=PHQ_GAD_ATTRIBUTION + " PHQ-15: Kroenke, Spitzer & Williams 2002, Psychosom Med 64:258–266.",
    why_we_ask=(
        "The mind and body are closely linked. These questions are about how your body has been over the "
        "last four weeks, so you and your therapist can see the whole picture. Two of them (tiredness and "
        "sleep) overlap with the mood questionnaire. You can leave it for later."
    ),
    scale_min=0,
    scale_max=30,
    bands=(
        ("minimal", "Minimal", 0, 4),
        ("low", "Low", 5, 9),
        ("medium", "Medium", 10, 14),
        ("high", "High", 15, 30),
    ),
)

WHO5 = Instrument(
    id="who5",
    version="who5-1998.1",
    title="WHO-Five Well-Being Index (WHO-5)",
    short_title="WHO-5",
    domain="soul",
    stem=(
        "Please indicate for each of the five statements which is closest to how you have been feeling over "
        "the last two weeks. Notice that higher numbers mean better well-being. Over the last two weeks …"
    ),
    items=(
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ),
    options=(
        Option(5, "All of the time"),
        Option(4, "Most of the time"),
        Option(3, "More than half of the time"),
        Option(2, "Less than half of the time"),
        Option(1, "Some of the time"),
        Option(0, "At no time"),
    ),
    attribution="WHO-Five Well-Being Index (WHO-5). Psychiatric Research Unit, Mental Health Centre North Zealand.",
    why_we_ask=(
        "Five short questions about wellbeing: calm, energy, rest and interest in life. Higher numbers mean "
        "more wellbeing. They help show the things that are growing, not only the difficulties. "
        "You can leave it for later."
    ),
    scale_min=0,
    scale_max=100,
    higher_is_better=True,
    bands=(
        ("likely_depression", "Low wellbeing", 0, 28),
        ("poor_wellbeing", "Some wellbeing", 29, 50),
        ("not_low", "Good wellbeing", 51, 100),
    ),
)

SCS_SF_BAND_LABELS = {"low": "Low", "moderate": "Moderate", "high": "High"}

SCS_SF = Instrument(
    id="scs_sf",
    version="scs_sf-2011.1",
    title="Self-Compassion Scale – Short Form (SCS-SF)",
    short_title="SCS-SF",
    domain="heart",
    heading="How I typically act towards myself in difficult times",
    stem=(
        "Please read each statement carefully before answering. Indicate how often you behave in the stated "
        "manner, using the following scale."
    ),
    items=(
        "When I fail at something important to me I become consumed by feelings of inadequacy.",
        "I try to be understanding and patient towards those aspects of my personality I don't like.",
        "When something painful happens I try to take a balanced view of the situation.",
        "When I'm feeling down, I tend to feel like most other people are probably happier than I am.",
        "I try to see my failings as part of the human condition.",
        "When I'm going through a very hard time, I give myself the caring and tenderness I need.",
        "When something upsets me I try to keep my emotions in balance.",
        "When I fail at something that's important to me, I tend to feel alone in my failure",
        "When I'm feeling down I tend to obsess and fixate on everything that's wrong.",
        "When I feel inadequate in some way, I try to remind myself that feelings of inadequacy are shared by "
        "most people.",
        "I'm disapproving and judgmental about my own flaws and inadequacies.",
        "I'm intolerant and impatient towards those aspects of my personality I don't like.",
    ),
    # The original form labels only the end points (§5).
    options=(Option(1, "1 Almost never"), Option(2, "2"), Option(3, "3"), Option(4, "4"), Option(5, "5 Almost always")),
    attribution=(
        "Self-Compassion Scale – Short Form: Raes, Pommier, Neff & Van Gucht 2011, Clin Psychol Psychother "
        "18:250–255. Used with the permission of Kristin Neff for any purpose, including clinical work."
    ),
    why_we_ask=(
        "Our work together is about becoming kinder to yourself. These twelve statements show how you tend to "
        "treat yourself in hard times, so together we can notice self-compassion growing. "
        "You can leave it for later."
    ),
    scale_min=1,
    scale_max=5,
    higher_is_better=True,
    bands=(("low", "Low", 1, 2.49), ("moderate", "Moderate", 2.5, 3.5), ("high", "High", 3.51, 5)),
)

INSTRUMENTS: dict[str, Instrument] = {i.id: i for i in (PHQ9, GAD7, PHQ15, WHO5, SCS_SF)}
INSTRUMENT_CHOICES = [(i.id, i.short_title) for i in INSTRUMENTS.values()]
# Symptom measures fall as people improve; wellbeing and self-compassion rise (§1).
SYMPTOM_INSTRUMENTS = ("phq9", "gad7", "phq15")


def get_instrument(instrument_id: str) -> Instrument:
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise KeyError(f"unknown instrument {instrument_id!r}") from None
