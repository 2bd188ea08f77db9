"""Ben has a week's leave coming up, with Ana covering his alerts; Eli sees it in his space."""

from datetime import timedelta

from care.services import away_period_save

ORDER = 90


def seed(demo) -> None:
    if demo.ben.away_periods.exists():
        return
    start = demo.ben.today() + timedelta(days=10)
    away_period_save(
        staff=demo.ben,
        starts_on=start,
        ends_on=start + timedelta(days=6),
        cover=demo.ana,
        message="I'm taking a week's leave, and I look forward to our next session when I'm back.",
        by=demo.ben,
    )
