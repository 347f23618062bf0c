"""Seed curriculum: three complete German courses from ``courses/seed_content/*.json``,
published under a catalogue page, plus the Trainer group's page rights and the four-eyes
moderation workflow. Idempotent: existing pages (matched by slug) are left as they are.

Called by ``manage.py seed_demo`` (lms), which passes in users and job profiles, so this module
imports nothing from the learning core.
"""

import datetime
import json
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site, Workflow, WorkflowPage, WorkflowTask

from .models import (
    CourseIndexPage,
    CourseOutcome,
    CoursePage,
    LegalAct,
    LegalActChange,
    LessonLegalSource,
    LessonPage,
    ModulePage,
    QuizPage,
    SecondTrainerApprovalTask,
    Topic,
)
from .quiz import question_data_with_ids

CONTENT_DIR = Path(__file__).resolve().parent / "seed_content"
COURSE_FILES = ["datenmanagement.json", "cdo_rolle.json", "it_beschaffung.json"]
TOPICS = [
    (
        "Datenmanagement",
        "datenmanagement",
        "Datenstrategie, Data Governance, Open Data, Datenqualität.",
    ),
    ("CDO-Rolle & Organisation", "cdo-rolle", "Aufgaben und Verortung des Chief Digital Officer."),
    ("IT-Beschaffung", "it-beschaffung", "Vergaberecht, herstellerneutrale Ausschreibung, EVB-IT."),
    ("Standards", "standards", "Offene Standards und Schnittstellen für vernetzte Kommunen."),
    ("Förderung", "foerderung", "Förderprogramme von Bund, Ländern und EU."),
    (
        "Informationssicherheit",
        "informationssicherheit",
        "IT-Grundschutz, Basis-Absicherung und Notfallvorsorge in der Kommune.",
    ),
]
TRAINER_GROUP = "Trainer"


def _child(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _publish(page: Page, user=None) -> None:
    revision = page.save_revision(user=user, log_action=False)
    revision.publish(user=user, log_action=False, skip_permission_checks=True)


def catalogue_page() -> CourseIndexPage:
    """The catalogue under the default site's root, created on first use."""
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(
        title="Kurse",
        slug="kurse",
        intro="<p>Praxisnahe Online-Kurse für Beschäftigte in Städten, Gemeinden und Kreisen.</p>",
    )
    root.add_child(instance=index)
    _publish(index)
    return index


def _seed_course(
    index: CourseIndexPage, data: dict, *, trainers, job_profiles_by_name
) -> CoursePage:
    course = _child(index, CoursePage, data["slug"])
    if course:
        return course
    course = CoursePage(
        title=data["title"],
        slug=data["slug"],
        teaser=data["teaser"],
        description=data["description"],
        topic=Topic.objects.get(name=data["topic"]),
        level=data["level"],
        duration_minutes=data["duration_minutes"],
        pass_mark=data["pass_mark"],
        certificate_validity_months=data["validity_months"],
    )
    course.outcomes = [CourseOutcome(text=text) for text in data["outcomes"]]
    course.target_job_profiles = [
        job_profiles_by_name[name]
        for name in data["target_job_profiles"]
        if name in job_profiles_by_name
    ]
    owner = trainers[0] if trainers else None
    course.owner = owner
    index.add_child(instance=course)
    course.responsible_trainers.set(trainers)
    _publish(course, owner)
    modules = data["modules"]
    for number, module_data in enumerate(modules, start=1):
        module = ModulePage(
            title=module_data["title"],
            slug=module_data["slug"],
            intro=module_data["intro"],
            owner=owner,
        )
        course.add_child(instance=module)
        _publish(module, owner)
        for lesson_data in module_data["lessons"]:
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                estimated_minutes=lesson_data["minutes"],
                body=lesson_data["body"],
                state_date=datetime.date.fromisoformat(lesson_data["state_date"]),
                review_by=datetime.date.fromisoformat(lesson_data["review_by"]),
                owner=owner,
            )
            lesson.legal_sources = _legal_sources(lesson_data["legal_sources"])
            module.add_child(instance=lesson)
            _publish(lesson, owner)
        if number == len(modules):
            quiz_data = data["final_quiz"]
            quiz = QuizPage(
                title=quiz_data["title"],
                slug=quiz_data["slug"],
                intro=quiz_data["intro"],
                questions=question_data_with_ids(
                    quiz_data["questions"], f"seed/{quiz_data['slug']}"
                ),
                pass_mark=quiz_data["pass_mark"],
                attempt_limit=quiz_data["attempt_limit"],
                shuffle=quiz_data["shuffle"],
                questions_per_pool=quiz_data["questions_per_pool"],
                is_final=True,
                owner=owner,
            )
            module.add_child(instance=quiz)
            _publish(quiz, owner)
    return course


def _legal_sources(rows) -> list[LessonLegalSource]:
    acts = {act.abbreviation: act for act in LegalAct.objects.all()}
    return [
        LessonLegalSource(
            act=acts[row["act"]],
            reference=row.get("reference", ""),
            version_date=(
                datetime.date.fromisoformat(row["version_date"])
                if row.get("version_date")
                else None
            ),
        )
        for row in rows
    ]


def _seed_legal_acts() -> dict:
    """The legal sources the seed lessons cite (``legal_acts.json``), matched by abbreviation."""
    data = json.loads((CONTENT_DIR / "legal_acts.json").read_text(encoding="utf-8"))
    for act in data["acts"]:
        LegalAct.objects.update_or_create(
            abbreviation=act["abbreviation"],
            defaults={"title": act["title"], "kind": act["kind"], "url": act["url"]},
        )
    return data


def _seed_legal_changes(data: dict) -> None:
    """Recorded changes of sources (the Vergabebeschleunigungsgesetz), after the lessons exist,
    so recording one flags the lessons citing it and tells their trainers."""
    for row in data["changes"]:
        if LegalActChange.objects.filter(title=row["title"]).exists():
            continue
        change = LegalActChange.objects.create(
            title=row["title"],
            description=row["description"],
            status=row["status"],
            effective_on=(
                datetime.date.fromisoformat(row["effective_on"]) if row["effective_on"] else None
            ),
            recorded_on=datetime.date.fromisoformat(row["recorded_on"]),
            url=row["url"],
        )
        change.acts.set(LegalAct.objects.filter(abbreviation__in=row["acts"]))


def _seed_trainer_rights(index: CourseIndexPage) -> Group:
    """Trainers may add and change pages in the catalogue (narrowed to their own courses by
    ``CourseOwnedPermissionTester``) but not publish: publishing goes through the workflow."""
    group, _ = Group.objects.get_or_create(name=TRAINER_GROUP)
    codenames = [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
    ]
    for app_label, codename in codenames:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return group


def _seed_workflow(index: CourseIndexPage, group: Group) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(
        name="Freigabe durch zweite Trainerin oder zweiten Trainer"
    )
    task = SecondTrainerApprovalTask.objects.filter(name="Zweite Freigabe").first()
    if task is None:
        task = SecondTrainerApprovalTask.objects.create(name="Zweite Freigabe")
        task.groups.set([group])
    # WorkflowTask rows directly: the cluster manager of ``workflow.workflow_tasks`` would only
    # keep them in memory until the workflow is saved again.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def seed_courses(*, trainers, job_profiles_by_name) -> list[CoursePage]:
    for name, slug, description in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    legal = _seed_legal_acts()
    index = catalogue_page()
    group = _seed_trainer_rights(index)
    _seed_workflow(index, group)
    courses = []
    for filename in COURSE_FILES:
        data = json.loads((CONTENT_DIR / filename).read_text(encoding="utf-8"))
        courses.append(
            _seed_course(index, data, trainers=trainers, job_profiles_by_name=job_profiles_by_name)
        )
    _seed_legal_changes(legal)
    return courses
