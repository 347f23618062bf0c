"""Aggregated course statistics for trainers: no individual learner is shown."""

from collections import Counter
from dataclasses import dataclass
from statistics import median

from courses.models import CoursePage, QuizPage

from ..models import Enrolment, QuizAttempt

MOST_MISSED_LIMIT = 5


@dataclass
class MissedQuestion:
    text: str
    wrong: int
    answered: int

    @property
    def wrong_percent(self) -> int:
        return round(100 * self.wrong / self.answered) if self.answered else 0


@dataclass
class CourseStatistics:
    enrolments: int
    completed: int
    median_days_to_complete: float | None
    most_missed: list[MissedQuestion]

    @property
    def completion_rate(self) -> int:
        return round(100 * self.completed / self.enrolments) if self.enrolments else 0


def course_statistics(course: CoursePage) -> CourseStatistics:
    """Enrolments, completion rate, median time to complete and the questions most often
    answered wrong in submitted attempts (three queries plus the quiz pages)."""
    rows = list(
        Enrolment.objects.filter(course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("status", "enrolled_at", "completed_at")
    )
    durations = [
        (completed_at - enrolled_at).total_seconds() / 86400
        for status, enrolled_at, completed_at in rows
        if status == Enrolment.Status.COMPLETED and completed_at
    ]
    quizzes = list(QuizPage.objects.descendant_of(course))
    texts = {child.id: child.value["question"] for quiz in quizzes for child in quiz.questions}
    wrong, answered = Counter(), Counter()
    results = QuizAttempt.objects.filter(
        enrolment__course=course, status=QuizAttempt.Status.SUBMITTED
    ).values_list("question_results", flat=True)
    for question_results in results:
        for question_id, correct in question_results.items():
            answered[question_id] += 1
            if not correct:
                wrong[question_id] += 1
    most_missed = [
        MissedQuestion(texts[qid], count, answered[qid])
        for qid, count in wrong.most_common()
        if qid in texts
    ][:MOST_MISSED_LIMIT]
    return CourseStatistics(
        enrolments=len(rows),
        completed=len(durations),
        median_days_to_complete=round(median(durations), 1) if durations else None,
        most_missed=most_missed,
    )
