"""Personal data of the course content: see ``lms.personal_data``."""

from lms.personal_data import Erase, PersonalData, declare

declare(
    PersonalData(
        "courses.CoursePage",
        "responsible_trainers",
        Erase.DELETE,
        "The person is no longer a responsible trainer of the course.",
    ),
    # Who submitted or decided a course review: kept as the review's record without the person
    # (the content's own revisions keep their authors as Wagtail does), shown in the export.
    PersonalData(
        "courses.CourseReview",
        "submitted_by",
        Erase.DETACH,
        "The review stays as the course's record; it no longer names the person.",
        export=("course", "submitted_at", "status"),
    ),
    PersonalData(
        "courses.CourseReview",
        "decided_by",
        Erase.DETACH,
        "The decision stays as the course's record; it no longer names the person.",
        export=("course", "decided_at", "status", "comment"),
    ),
)
