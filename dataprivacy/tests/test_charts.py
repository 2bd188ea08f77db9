import datetime

from measures.charts import MAX_DAILY_POINTS, journey_charts, weekly_means


def test_weekly_means_group_days_by_their_monday():
    points = [("2026-11-23", 2), ("2026-11-25", 4), ("2026-11-30", 7)]
    assert weekly_means(points) == [("2026-11-23", 3.0), ("2026-11-30", 7.0)]


def test_a_long_history_is_charted_as_weekly_means_without_a_dot_per_day():
    start = datetime.date(2022, 1, 3)
    checkins = [
        {
            "local_date": (start + datetime.timedelta(days=n)).isoformat(),
            "mood": n % 11,
            "peace": None,
            "self_kindness": None,
        }
        for n in range(5 * 365)
    ]
    (mood,) = journey_charts({"checkins": checkins})
    assert mood["count"] == 261
    assert mood["dots"] == []
    assert "weekly average" in mood["title"]


def test_a_short_history_keeps_every_day():
    checkins = [
        {"local_date": f"2026-11-{d:02d}", "mood": 5, "peace": None, "self_kindness": None} for d in range(1, 21)
    ]
    (mood,) = journey_charts({"checkins": checkins})
    assert mood["count"] == 20 <= MAX_DAILY_POINTS
    assert len(mood["dots"]) == 20


def test_the_dots_are_written_as_the_template_wrote_them():
    from django.template import Context, engines

    checkins = [
        {"local_date": f"2026-11-{d:02d}", "mood": d % 11, "peace": None, "self_kindness": None} for d in (1, 2, 9, 30)
    ]
    (mood,) = journey_charts({"checkins": checkins})
    loop = engines["django"].engine.from_string(
        '{% for x, y in dots %}<circle cx="{{ x }}" cy="{{ y }}" r="3"/>{% endfor %}'
    )
    assert mood["circles"]() == loop.render(Context({"dots": mood["dots"]}))
    assert mood["circles"]().count("<circle") == 4
