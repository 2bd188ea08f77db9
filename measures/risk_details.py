"""How a PHQ-9 question-9 alert is described on the alert page (registered with risk in ``MeasuresConfig.ready``):
the question, the answer itself, the total and its band, when it was given, and a link to the whole response."""

from django.urls import reverse

from accounts.people import refer
from measures.models import MeasureResponse
from measures.scoring import ScoringError, score
from risk.context import Fact, SourceDetails, as_uuid, unavailable
from risk.models import RiskAlert

# PHQ-9 question 9, 0-based: "Thoughts that you would be better off dead or of hurting yourself in some way".
PHQ9_ITEM9 = 8


def phq9_item9_details(alert: RiskAlert, *, may_read_record: bool) -> SourceDetails:
    response_uuid = as_uuid(alert.source_id)
    response = None
    if response_uuid is not None:
        response = MeasureResponse.objects.filter(
            client_id=alert.client_id, uuid=response_uuid, instrument="phq9"
        ).first()
    if response is None:
        return unavailable(alert)
    instrument = response.definition
    answers = response.answers if isinstance(response.answers, list) else []
    value = answers[PHQ9_ITEM9] if len(answers) > PHQ9_ITEM9 else None
    labels = {option.value: option.label for option in instrument.options_for(PHQ9_ITEM9)}
    try:
        result = score(instrument.id, answers)
    except ScoringError:  # stored before a scoring change: the scores kept with it still hold
        total, band = response.total, response.band
    else:
        total, band = result["total"], result["band"]
    details = SourceDetails(
        heading=f"{refer(alert.client, 'Their')} answer on the {instrument.short_title}",
        facts=[
            Fact("Question 9", f"“{instrument.items[PHQ9_ITEM9]}”"),
            Fact(f"{refer(alert.client, 'Their')} answer", labels.get(value, "Not recorded")),
            Fact("Total", f"{total:g} of {instrument.scale_max:g}"),
            Fact("Band", instrument.band_label(band)),
            Fact("Answered", when=response.completed_at),
        ],
        shown=[response],
    )
    if may_read_record:
        details.link_url = reverse("measures:response", kwargs={"response_uuid": response.uuid})
        details.link_text = f"The whole {instrument.short_title} response"
    return details
