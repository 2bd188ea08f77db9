"""Reply-by moments: working days of the therapist (their own weekdays, days off, time away) and of the
practice's country and region, counted in the practice's time zone. Each computation is a function of explicit
inputs (the moment sent, the calendar), so fixed dates here never depend on the day the tests run."""

import datetime
import types
import zoneinfo

import pytest

from bookings.models import DayOff, WorkingHours
from messaging.replies import WEEKDAYS, Calendar, end_of_day, reply_by
from practice.models import AwayPeriod
from tending.testing.factories import PracticeFactory, StaffFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC


def day(month, number, year=2026):
    return datetime.date(year, month, number)


def calendar(country="GB", region="ENG", weekdays=WEEKDAYS, days_off=(), away=()):
    practice = types.SimpleNamespace(country=country, holiday_region=region)
    return Calendar(practice=practice, weekdays=frozenset(weekdays), days_off=frozenset(days_off), away=tuple(away))


def test_a_working_day_counts_from_the_next_one():
    # Monday 2 March 2026: two working days is Wednesday.
    assert calendar().working_days_after(day(3, 2), 2) == day(3, 4)
    assert calendar().working_days_after(day(3, 2), 0) == day(3, 2)


def test_a_message_on_friday_evening_skips_the_weekend():
    assert calendar().working_days_after(day(3, 6), 2) == day(3, 10)  # Friday → Tuesday
    assert calendar().working_days_after(day(3, 7), 1) == day(3, 9)  # Saturday → Monday


def test_the_therapists_own_weekdays():
    tuesdays_and_thursdays = calendar(weekdays={1, 3})
    assert tuesdays_and_thursdays.working_days_after(day(3, 2), 2) == day(3, 5)
    assert tuesdays_and_thursdays.working_days_after(day(3, 5), 1) == day(3, 10)


def test_a_day_off_and_time_away_are_not_working_days():
    assert calendar(days_off={day(3, 3)}).working_days_after(day(3, 2), 2) == day(3, 5)
    away_the_rest_of_the_week = calendar(away=[(day(3, 3), day(3, 6))])
    assert away_the_rest_of_the_week.working_days_after(day(3, 2), 2) == day(3, 10)
    assert not away_the_rest_of_the_week.is_working_day(day(3, 6))


def test_england_and_scotland_keep_different_holidays():
    # 1 January 2026 (Thursday) is a holiday in both; 2 January only in Scotland.
    assert calendar(region="ENG").working_days_after(day(1, 1), 2) == day(1, 5)
    assert calendar(region="SCT").working_days_after(day(1, 1), 2) == day(1, 6)
    # Easter Monday (6 April 2026) is a holiday in England, not in Scotland.
    assert not calendar(region="ENG").is_working_day(day(4, 6))
    assert calendar(region="SCT").is_working_day(day(4, 6))


def test_a_country_the_library_does_not_know_falls_back_to_weekdays():
    unknown = calendar(country="ZZ", region="")
    christmas = day(12, 25)  # a Friday
    assert unknown.is_working_day(christmas)
    assert unknown.working_days_after(day(12, 24), 2) == day(12, 28)
    assert not calendar(country="GB", region="").is_working_day(christmas)


def test_an_unknown_region_falls_back_to_weekdays_too():
    assert calendar(region="NOWHERE").is_working_day(day(12, 25))


def test_the_moment_is_the_end_of_the_day_in_the_practice_zone_across_daylight_saving():
    # Clocks go forward on Sunday 29 March 2026: Tuesday 31 March ends at 22:59:59 UTC.
    due = end_of_day(day(3, 31), LONDON)
    assert due.astimezone(UTC) == datetime.datetime(2026, 3, 31, 22, 59, 59, tzinfo=UTC)
    assert end_of_day(day(3, 27), LONDON).astimezone(UTC) == datetime.datetime(2026, 3, 27, 23, 59, 59, tzinfo=UTC)


@pytest.mark.django_db
def test_a_message_sent_late_on_friday_in_utc_but_saturday_in_london_counts_from_saturday():
    practice = PracticeFactory(holiday_region="ENG")
    # Friday 23 October 2026, 23:30 UTC is Saturday 00:30 in London (summer time, ending that Sunday).
    sent = datetime.datetime(2026, 10, 23, 23, 30, tzinfo=UTC)
    due = reply_by(practice=practice, staff=None, within_days=2, sent_at=sent)
    assert due == datetime.datetime(2026, 10, 27, 23, 59, 59, tzinfo=LONDON)
    assert due.utcoffset() == datetime.timedelta(0)  # winter time by then
    # An hour earlier it is still Friday in London: Monday and Tuesday.
    earlier = reply_by(practice=practice, staff=None, within_days=2, sent_at=sent - datetime.timedelta(hours=1))
    assert earlier.date() == day(10, 27)


@pytest.mark.django_db
def test_reply_by_reads_the_therapists_hours_days_off_and_time_away():
    practice = PracticeFactory(holiday_region="ENG")
    therapist = StaffFactory(practice=practice)
    sent = datetime.datetime(2026, 3, 2, 14, tzinfo=LONDON)  # Monday afternoon
    assert reply_by(practice=practice, staff=therapist, within_days=2, sent_at=sent).date() == day(3, 4)
    for weekday in (0, 2, 4):  # Monday, Wednesday, Friday
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, start_time=datetime.time(9), end_time=datetime.time(15)
        )
    assert reply_by(practice=practice, staff=therapist, within_days=2, sent_at=sent).date() == day(3, 6)
    DayOff.objects.create(therapist=therapist, date=day(3, 4))
    assert reply_by(practice=practice, staff=therapist, within_days=2, sent_at=sent).date() == day(3, 9)
    AwayPeriod.objects.create(staff=therapist, starts_on=day(3, 6), ends_on=day(3, 13), created_by=therapist)
    assert reply_by(practice=practice, staff=therapist, within_days=2, sent_at=sent).date() == day(3, 18)


@pytest.mark.django_db
def test_the_practice_office_keeps_the_practices_region():
    scottish = PracticeFactory(holiday_region="SCT")
    english = PracticeFactory(holiday_region="ENG")
    sent = datetime.datetime(2026, 1, 1, 10, tzinfo=LONDON)
    assert reply_by(practice=english, staff=None, within_days=1, sent_at=sent).date() == day(1, 2)
    assert reply_by(practice=scottish, staff=None, within_days=1, sent_at=sent).date() == day(1, 5)
