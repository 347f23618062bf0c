"""Demo content of the CDO network for ``manage.py seed_demo`` (idempotent).

Funding programmes and standards are real and described from public sources; where a rate or
deadline was not certain the entry says "siehe Förderaufruf". People, posts, events, projects and
stocktakings are invented; invented projects are marked "Beispielprojekt (fiktiv)".
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import Topic as CourseTopic
from lms import services as lms_services
from lms.models import Membership, Organisation, User

from .. import services
from ..models import (
    Assessment,
    CircleMembership,
    EventIndexPage,
    EventPage,
    ExpertCircle,
    FundingProgramme,
    MunicipalityFacts,
    ProjectIndexPage,
    ProjectPage,
    Recommendation,
    Registration,
    Standard,
    Topic,
)
from .content import (
    CIRCLES,
    DEMO_ASSESSMENTS,
    FACTS,
    FUNDING,
    PEERS,
    PROJECTS,
    RECOMMENDATIONS,
    STANDARDS,
    TOPICS,
)

BERLIN = ZoneInfo("Europe/Berlin")


def ensure_site_root() -> Page:
    """The Wagtail root and default site (a flushed test database has neither)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site:
        return site.root_page
    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=Page(title="Kommunal-Campus", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def _user(email, full_name, organisation_name, role=Membership.Role.LEARNER):
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    organisation = Organisation.objects.get(name=organisation_name)
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        lms_services.membership_set(user=user, organisation=organisation, role=role)
    return user


def _seed_directory(topics):
    for name, population, land in FACTS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation:
            services.municipality_facts_set(
                organisation=organisation, population=population, land=land
            )
    people = {}
    for email, name, org_name, role_title, topic_slugs, bio in PEERS:
        user = _user(email, name, org_name)
        people[email] = user
        unit = Organisation.objects.get(name=org_name)
        facts = MunicipalityFacts.objects.filter(
            organisation__path__in=[unit.path[:i] for i in range(4, len(unit.path) + 1, 4)]
        ).select_related("organisation")
        # The directory names the municipality, not the office inside it.
        municipality = max(facts, key=lambda f: f.organisation.depth).organisation
        services.profile_save(
            user=user,
            organisation=municipality,
            topics=[topics[s] for s in topic_slugs],
            role_title=role_title,
            bio=bio,
            contact_detail=email,
            contact_visibility="members",
        )
    cdo = User.objects.filter(email="cdo.bonn@demo.kommunal-campus.de").first()
    if cdo:
        people["cdo"] = cdo
        services.profile_save(
            user=cdo,
            organisation=Organisation.objects.get(name="Bundesstadt Bonn"),
            topics=[topics["offene-daten"], topics["smart-city"]],
            role_title="Chief Digital Officer",
            bio="Digitalstrategie der Bundesstadt Bonn, offene Daten und Smart City.",
            contact_detail="cdo.bonn@demo.kommunal-campus.de",
            contact_visibility="organisation",
        )
    return people


def _seed_circles(topics, people):
    for name, slug, access, description, topic_slugs, moderator_email in CIRCLES:
        circle, created = ExpertCircle.objects.get_or_create(
            slug=slug, defaults={"name": name, "access": access, "description": description}
        )
        circle.topics.set([topics[s] for s in topic_slugs])
        services.circle_membership_set(
            circle=circle, user=people[moderator_email], role=CircleMembership.Role.MODERATOR
        )
        if created and slug == "open-data":
            member = people["digital.muenchen@demo.kommunal-campus.de"]
            services.circle_membership_set(circle=circle, user=member)
            thread = services.thread_create(
                circle=circle,
                author=people[moderator_email],
                title="Welche Software nutzt ihr für euer Open-Data-Portal?",
                body="Wir prüfen gerade **CKAN** und Alternativen. Wichtig sind uns:\n\n"
                "- Metadaten nach DCAT-AP.de\n- Harvesting durch GovData\n- einfache Pflege",
            )
            services.post_create(
                thread=thread,
                author=member,
                body="Wir veröffentlichen Verkehrsdaten über CKAN. Der Harvester für GovData "
                "lief nach kleinen Anpassungen der Lizenzangaben problemlos.",
            )
        if created and slug == "informationssicherheit":
            thread = services.thread_create(
                circle=circle,
                author=people[moderator_email],
                title="Notfallübung Ransomware: Erfahrungen",
                body="Wie oft übt ihr den Wiederanlauf nach einem Ransomware-Angriff?",
            )


def _seed_events(root, people):
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(
            title="Veranstaltungen",
            slug="veranstaltungen",
            intro="<p>Netzwerktreffen, Werkstätten und Online-Sprechstunden des "
            "Kompetenzzentrums.</p>",
        )
        root.add_child(instance=index)
    if index.get_children().exists():
        return index
    today = timezone.localdate()
    organiser = people.get("cdo") or people["cdo.leipzig@demo.kommunal-campus.de"]

    def at(days, hour, minute=0):
        day = today + dt.timedelta(days=days)
        while day.weekday() >= 5:  # events of the network take place on working days
            day += dt.timedelta(days=1)
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)

    events = [
        ("CDO-Netzwerktreffen West", "netzwerktreffen-west", at(21, 10), at(21, 16),
         "Stadthaus Bonn, Berliner Platz 2, 53111 Bonn", "", 25, Decimal("5.0"),
         "Austausch der CDOs aus Nordrhein-Westfalen: Datenstrategien, OZG, Smart City."),
        ("Online-Sprechstunde OParl", "sprechstunde-oparl", at(10, 14), at(10, 15, 30),
         "", "https://meet.example.org/oparl", 2, Decimal("1.5"),
         "Wie bringen wir Ratsinformationen über OParl in offene Portale?"),
        ("Werkstatt Datenstrategie", "werkstatt-datenstrategie", at(35, 9, 30), at(35, 16, 30),
         "Neues Rathaus Leipzig, Martin-Luther-Ring 4–6, 04109 Leipzig", "", 30, Decimal("6.0"),
         "Ein Tag Werkstatt: von der Bestandsaufnahme zur beschlossenen Datenstrategie."),
    ]  # fmt: skip
    for title, slug, start, end, location, online, capacity, hours, summary in events:
        page = EventPage(
            title=title,
            slug=slug,
            start=start,
            end=end,
            location=location,
            online_url=online,
            capacity=capacity,
            training_hours=hours,
            organiser=organiser,
            summary=summary,
            body=f"<p>{summary}</p><p>Die Veranstaltung ist ein Beispiel der Demodaten.</p>",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    # The OParl office hour is fully booked, so the waiting list can be tried out.
    oparl = EventPage.objects.get(slug="sprechstunde-oparl")
    for email in ("digital.koeln@demo.kommunal-campus.de", "cdo.leipzig@demo.kommunal-campus.de"):
        if not Registration.objects.filter(event=oparl, user=people[email]).exists():
            services.registration_create(event=oparl, user=people[email])
    return index


def _seed_projects(root):
    index = ProjectIndexPage.objects.first()
    if index is None:
        index = ProjectIndexPage(
            title="Projektdatenbank",
            slug="projektdatenbank",
            intro="<p>Gute Beispiele aus Kommunen: was sie gemacht haben, was es gebracht hat "
            "und was sie heute anders machen würden.</p>",
        )
        root.add_child(instance=index)
    for (title, slug, municipality, land, field, status, budget, funding, partners,
         summary, outcomes, lessons) in PROJECTS:  # fmt: skip
        if ProjectPage.objects.filter(slug=slug).exists():
            continue
        page = ProjectPage(
            title=title,
            slug=slug,
            municipality=municipality,
            land=land,
            field=field,
            status=status,
            budget_range=budget,
            funding_used=funding,
            partners=partners,
            summary=summary,
            outcomes=outcomes,
            lessons_learned=lessons,
            contact="Kompetenzzentrum Digitale Städte und Regionen (Demodaten)",
            is_example=True,
        )
        index.refresh_from_db()
        index.add_child(instance=page)
        page.save_revision().publish()
    # Submissions by members go to this review workflow (the default one may be absent).
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    workflow, created = Workflow.objects.get_or_create(
        name="Prüfung Projektdatenbank", defaults={"active": True}
    )
    if created:
        task = GroupApprovalTask.objects.create(name="Redaktionelle Prüfung")
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
    return index


def _seed_catalogue(topics):
    for row in FUNDING:
        row = dict(row)
        topic_slugs = row.pop("topics")
        programme, _ = FundingProgramme.objects.get_or_create(name=row["name"], defaults=row)
        programme.topics.set([topics[s] for s in topic_slugs])
    for name, slug, purpose, maintainer, url, topic_slugs, course_topic in STANDARDS:
        standard, _ = Standard.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "purpose": purpose,
                "maintainer": maintainer,
                "url": url,
                "course_topic": CourseTopic.objects.filter(name=course_topic).first(),
            },
        )
        standard.topics.set([topics[s] for s in topic_slugs])


def _seed_stocktaking():
    from ..models import QUESTIONS

    for dimension, rows in RECOMMENDATIONS.items():
        for order, (kind, title, project_slug, course_topic) in enumerate(rows):
            page = ProjectPage.objects.filter(slug=project_slug).first() if project_slug else None
            Recommendation.objects.get_or_create(
                dimension=dimension,
                title=title or page.title,
                defaults={
                    "kind": kind,
                    "page": page,
                    "sort_order": order,
                    "course_topic": CourseTopic.objects.filter(name=course_topic).first(),
                },
            )
    keys = [key for questions in QUESTIONS.values() for key, _text in questions]
    for name, values in DEMO_ASSESSMENTS.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None or Assessment.objects.filter(organisation=organisation).exists():
            continue
        member = Membership.objects.filter(organisation__path__startswith=organisation.path)
        user = member.first().user if member.exists() else None
        if user is None:
            continue
        services.assessment_complete(
            organisation=organisation, user=user, answers=dict(zip(keys, values, strict=True))
        )


@transaction.atomic
def seed_cdo_network() -> None:
    """Create (or complete) the CDO network demo content."""
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in TOPICS
    }
    root = ensure_site_root()
    people = _seed_directory(topics)
    _seed_circles(topics, people)
    _seed_events(root, people)
    _seed_projects(root)
    _seed_catalogue(topics)
    _seed_stocktaking()
