from datetime import time

from bookings.models import Availability, WorkingHours


def open_every_day(therapist, start=time(9, 0), end=time(17, 0), **rules):
    """Working hours every day, with any availability rules overridden."""
    for weekday in range(7):
        WorkingHours.objects.get_or_create(therapist=therapist, weekday=weekday, start_time=start, end_time=end)
    availability = Availability.for_therapist(therapist)
    for name, value in rules.items():
        setattr(availability, name, value)
    availability.save()
    return availability
