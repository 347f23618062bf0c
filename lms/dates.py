"""The one date rule of qualifications: how long a completed course counts.

Validity is fixed once, when a course is completed, and stored on the enrolment
(``Enrolment.valid_until``); the certificate, the HR matrix, the exports and the expiry
reminders all read that date. A trainer who later changes a course's validity changes it for
future completions only, so what a certificate says and what HR sees never drift apart.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the end of a shorter month
    (31 January + 1 month = 28 or 29 February; 29 February + 12 months = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def qualification_valid_until(completed_on: date, validity_months: int | None) -> date | None:
    """When a qualification completed on ``completed_on`` lapses (None: never)."""
    if not validity_months:
        return None
    return add_months(completed_on, validity_months)
