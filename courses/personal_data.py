"""Personal data of the course content: see ``lms.personal_data``."""

from lms.personal_data import Erase, PersonalData, declare

declare(
    PersonalData(
        "courses.CoursePage",
        "responsible_trainers",
        Erase.DELETE,
        "The person is no longer a responsible trainer of the course.",
    ),
)
