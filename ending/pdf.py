"""The ending summary as a PDF: only the parts the client chose, laid out by WeasyPrint from our own template.

The charts are inline SVG (measures.charts), which WeasyPrint draws; a PDF runs no JavaScript.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from ending.models import Ending
from ending.selectors import summary_parts, words_of


def summary_filename(ending: Ending) -> str:
    day = ending.ended_on or timezone.localdate(timezone=ending.client.practice.zone)
    return f"our-work-together-{day.isoformat()}.pdf"


def summary_html(ending: Ending) -> str:
    return render_to_string(
        "ending/summary_pdf.html",
        {
            "ending": ending,
            "client": ending.client,
            "words": words_of(ending),
            "parts": summary_parts(ending),
            "now": timezone.now(),
        },
    )


def summary_pdf(ending: Ending) -> bytes:
    html = summary_html(ending)
    # WeasyPrint takes about three seconds to import: only a download pays for it, not every process.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
