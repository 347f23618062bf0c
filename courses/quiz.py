"""Quiz logic that depends only on content: presenting questions and grading answers.

Presenting strips every solution, so the quiz page never sends a correct answer to the browser.
Grading is a pure function of the question stream and the submitted answers; the learning core
(``lms``) stores attempts and decides what a result means for an enrolment.
"""

import random
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CHOICE_KINDS = {"single_choice": "radio", "multiple_choice": "checkbox"}


@dataclass(frozen=True)
class PresentedQuestion:
    """What the learner sees before submitting: no solution, no explanation."""

    id: str
    kind: str
    text: str
    input_type: str
    options: tuple[tuple[str, str], ...] = ()

    @property
    def field_name(self) -> str:
        return f"q-{self.id}"


@dataclass(frozen=True)
class QuestionResult:
    id: str
    kind: str
    text: str
    correct: bool
    given: tuple[str, ...]
    given_display: tuple[str, ...]
    solution_display: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class QuizResult:
    score_percent: int
    correct_count: int
    question_count: int
    questions: tuple[QuestionResult, ...] = field(default_factory=tuple)

    def passed(self, pass_mark: int) -> bool:
        return self.score_percent >= pass_mark


def present_question(kind: str, value, block_id: str, rng: random.Random | None = None):
    """Turn one question block into what the page may show."""
    if kind in CHOICE_KINDS:
        options = [(child.id, child.value["text"]) for child in value["choices"].bound_blocks]
        if rng is not None:
            rng.shuffle(options)
        return PresentedQuestion(
            block_id, kind, value["question"], CHOICE_KINDS[kind], tuple(options)
        )
    if kind == "true_false":
        options = (("true", "Wahr"), ("false", "Falsch"))
        return PresentedQuestion(block_id, kind, value["question"], "radio", options)
    return PresentedQuestion(block_id, kind, value["question"], "text")


def present_questions(stream, *, shuffle: bool = False, seed: str = "") -> list[PresentedQuestion]:
    """All questions of a quiz; with ``shuffle`` the order of questions and options is mixed
    reproducibly per ``seed`` (so a reload during an attempt does not reorder the page)."""
    rng = random.Random(seed) if shuffle else None
    questions = [present_question(child.block_type, child.value, child.id, rng) for child in stream]
    if rng is not None:
        rng.shuffle(questions)
    return questions


def question_pages(questions: list, per_page: int) -> list[list]:
    """The presented questions split into pages of ``per_page`` (0: one page with all)."""
    if per_page <= 0 or not questions:
        return [questions]
    return [questions[start : start + per_page] for start in range(0, len(questions), per_page)]


_NUMBER = re.compile(r"^[\d.\s']+$")
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212", " "))
_SURROUNDING = string.punctuation + "„“”‚‘’«»‹›…" + string.whitespace


def normalise_short_answer(text: str) -> str:
    """Compare answers the way a person would: Unicode forms, case (ß and ss alike), spacing,
    hyphens or spaces, punctuation around the answer and thousands separators do not matter
    ("Once-Only-Prinzip." equals "once only prinzip", "216.000" equals "216000")."""
    text = unicodedata.normalize("NFKC", str(text)).casefold().translate(_DASHES)
    text = " ".join(text.split()).strip(_SURROUNDING)
    if _NUMBER.match(text):
        text = re.sub(r"[.\s']", "", text)
    return text


def _pool_of(child) -> str:
    return (child.value.get("pool") or "").strip()


def pool_sizes(stream) -> dict[str, int]:
    """How many questions each pool holds ("" for questions without a pool)."""
    sizes: dict[str, int] = {}
    for child in stream:
        sizes[_pool_of(child)] = sizes.get(_pool_of(child), 0) + 1
    return sizes


def draw_question_ids(stream, *, per_pool: int, shuffle: bool, seed: str) -> list[str]:
    """The questions one attempt asks, in the order it asks them: ``per_pool`` drawn from each
    pool (0: all), shuffled when drawing or when the trainer asked for it. Reproducible per
    ``seed``; the attempt stores the result, so later edits of the quiz do not change it."""
    rng = random.Random(seed)
    ids = [child.id for child in stream]
    if per_pool > 0:
        by_pool: dict[str, list[str]] = {}
        for child in stream:
            by_pool.setdefault(_pool_of(child), []).append(child.id)
        drawn = {
            qid for pool in by_pool.values() for qid in rng.sample(pool, min(per_pool, len(pool)))
        }
        ids = [qid for qid in ids if qid in drawn]
    if shuffle or per_pool > 0:
        rng.shuffle(ids)
    return ids


def present_drawn(stream, question_ids, *, shuffle_options: bool, seed: str) -> list:
    """The attempt's questions in its own order, without solutions."""
    by_id = {child.id: child for child in stream}
    rng = random.Random(seed) if shuffle_options else None
    return [
        present_question(by_id[qid].block_type, by_id[qid].value, qid, rng)
        for qid in question_ids
        if qid in by_id
    ]


def _grade_one(kind: str, value, given: tuple[str, ...]) -> tuple[bool, tuple[str, ...], tuple]:
    if kind in CHOICE_KINDS:
        by_id = {child.id: child.value for child in value["choices"].bound_blocks}
        solution = {cid for cid, choice in by_id.items() if choice["correct"]}
        chosen = {answer for answer in given if answer in by_id}
        display = tuple(by_id[cid]["text"] for cid in by_id if cid in chosen)
        solution_display = tuple(by_id[cid]["text"] for cid in by_id if cid in solution)
        return chosen == solution and len(given) == len(chosen), display, solution_display
    if kind == "true_false":
        expected = "true" if value["correct"] else "false"
        labels = {"true": "Wahr", "false": "Falsch"}
        display = tuple(labels.get(answer, answer) for answer in given)
        return given == (expected,), display, (labels[expected],)
    accepted = {normalise_short_answer(answer) for answer in value["accepted_answers"]}
    answer = given[0] if given else ""
    return (
        normalise_short_answer(answer) in accepted,
        (answer,) if answer else (),
        tuple(value["accepted_answers"]),
    )


def grade(stream, answers: Mapping[str, Iterable[str]], question_ids=None) -> QuizResult:
    """Grade submitted answers (question id -> chosen option ids or typed text) against the
    stream, or only the questions ``question_ids`` in that order (an attempt's draw). Unknown
    question ids are ignored; unanswered questions count as wrong."""
    results = []
    children = list(stream)
    if question_ids is not None:
        by_id = {child.id: child for child in children}
        children = [by_id[qid] for qid in question_ids if qid in by_id]
    for child in children:
        given = tuple(str(a).strip() for a in answers.get(child.id, ()) if str(a).strip())
        correct, given_display, solution_display = _grade_one(child.block_type, child.value, given)
        results.append(
            QuestionResult(
                id=child.id,
                kind=child.block_type,
                text=child.value["question"],
                correct=correct,
                given=given,
                given_display=given_display,
                solution_display=solution_display,
                explanation=child.value["explanation"],
            )
        )
    correct_count = sum(result.correct for result in results)
    total = len(results)
    score = round(100 * correct_count / total) if total else 0
    return QuizResult(score, correct_count, total, tuple(results))


def question_data_with_ids(questions: list[dict], namespace: str) -> list[dict]:
    """Give raw question data (seed files, imports) stable block ids.

    Wagtail stores list items without ids when raw data is saved untouched, and then invents new
    ids on every load, so answers (which refer to option ids) would never match. Ids are derived
    from ``namespace`` and the position, so re-importing the same file yields the same ids.
    """
    import uuid

    def make_id(*parts) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, (namespace, *parts)))))

    result = []
    for index, question in enumerate(questions):
        value = dict(question["value"])
        for list_field in ("choices", "accepted_answers"):
            if list_field in value:
                value[list_field] = [
                    {"type": "item", "value": item, "id": make_id(index, list_field, position)}
                    for position, item in enumerate(value[list_field])
                ]
        result.append({"type": question["type"], "value": value, "id": make_id(index)})
    return result
