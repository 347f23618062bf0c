"""Read queries of the CDO network, shared by views, pages and tests.

Everything here is scoped to the viewer: directory fields by each person's visibility choices,
circles by membership, stocktakings by organisation membership. Query counts of the list
selectors are pinned in ``tests/cdo_network/test_views_query_counts.py``.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Avg,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404
from django.utils import timezone
from wagtail.models import Page

from courses.selectors import live_courses_by_topic
from lms.models import Membership, Organisation

from .models import (
    LAENDER,
    QUESTIONS,
    Assessment,
    BudgetRange,
    CircleMembership,
    Dimension,
    EventPage,
    ExpertCircle,
    FundingProgramme,
    Post,
    Profile,
    ProjectField,
    ProjectPage,
    ProjectStatus,
    Recommendation,
    Registration,
    SizeClass,
    Standard,
    Thread,
    Topic,
    Visibility,
)
from .rendering import radar_chart

PAGE_SIZE = 25


# --- Members ----------------------------------------------------------------------------------
def is_network_member(user) -> bool:
    """Staff of a member organisation (anyone with a membership) and platform admins.

    Cached on the user object for the request.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if not hasattr(user, "_cdo_member"):
        user._cdo_member = user.is_superuser or user.memberships.exists()
    return user._cdo_member


def viewer_organisation_ids(user) -> set[int]:
    """Organisations the viewer belongs to, for "colleagues of my organisation" visibility."""
    if not hasattr(user, "_cdo_org_ids"):
        user._cdo_org_ids = set(user.memberships.values_list("organisation_id", flat=True))
    return user._cdo_org_ids


# --- Directory --------------------------------------------------------------------------------
def _visible_q(field_name: str, viewer, org_ids: set[int]) -> Q:
    """Rows whose ``field_name`` the viewer may see (and so may filter by)."""
    vis = f"{field_name}_visibility"
    return (
        Q(**{vis: Visibility.MEMBERS})
        | Q(**{vis: Visibility.ORGANISATION, "organisation_id__in": org_ids})
        | Q(user=viewer)
    )


@dataclass
class DirectoryEntry:
    profile: Profile
    name: str
    fields: dict = field(default_factory=dict)


def directory_entry(profile: Profile, viewer, org_ids: set[int]) -> DirectoryEntry:
    """The fields of ``profile`` that ``viewer`` may see; hidden ones are simply absent."""
    entry = DirectoryEntry(profile=profile, name=profile.user.full_name)
    if profile.visible_to("organisation", viewer, org_ids) and profile.organisation_id:
        entry.fields["organisation"] = profile.organisation.name
        entry.fields["land"] = profile.get_land_display()
        entry.fields["size_class"] = profile.get_size_class_display()
    if profile.visible_to("role_title", viewer, org_ids) and profile.role_title:
        entry.fields["role_title"] = profile.role_title
    if profile.visible_to("topics", viewer, org_ids):
        topics = list(profile.topics.all())
        if topics:
            entry.fields["topics"] = topics
    if profile.visible_to("bio", viewer, org_ids) and profile.bio:
        entry.fields["bio"] = profile.bio
    if profile.visible_to("contact", viewer, org_ids) and profile.contact_detail:
        entry.fields["contact"] = profile.contact_detail
        entry.fields["contact_preference"] = profile.get_contact_preference_display()
    return entry


def _directory_queryset() -> QuerySet:
    """Listed, active people who still belong to a member organisation."""
    still_member = Membership.objects.filter(user=OuterRef("user"))
    return (
        Profile.objects.filter(Exists(still_member), listed=True, user__is_active=True)
        .select_related("user", "organisation")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
    )


def directory_search(*, viewer, params) -> dict:
    """Listed profiles matching name/Land/size class/topic, filtering only on visible fields."""
    org_ids = viewer_organisation_ids(viewer)
    profiles = _directory_queryset()
    query = (params.get("q") or "").strip()[:100]
    land = params.get("land") or ""
    size_class = params.get("size_class") or ""
    topic = params.get("topic") or ""
    if query:
        profiles = profiles.filter(user__full_name__icontains=query)
    if land in dict(LAENDER):
        profiles = profiles.filter(_visible_q("organisation", viewer, org_ids), land=land)
    if size_class in SizeClass.values:
        profiles = profiles.filter(
            _visible_q("organisation", viewer, org_ids), size_class=size_class
        )
    if topic:
        profiles = profiles.filter(_visible_q("topics", viewer, org_ids), topics__slug=topic)
    profiles = profiles.order_by("user__full_name", "pk")
    page = Paginator(profiles, PAGE_SIZE).get_page(params.get("page"))
    return {
        "entries": [directory_entry(p, viewer, org_ids) for p in page.object_list],
        "page_obj": page,
        "topics": Topic.objects.order_by("name"),
        "laender": LAENDER,
        "size_classes": SizeClass.choices,
        "filters": {"q": query, "land": land, "size_class": size_class, "topic": topic},
    }


def directory_profile(*, viewer, pk: int) -> DirectoryEntry:
    profile = _directory_queryset().filter(pk=pk).first()
    if profile is None:
        raise Http404
    return directory_entry(profile, viewer, viewer_organisation_ids(viewer))


# --- Circles ----------------------------------------------------------------------------------
def circles_for(*, user) -> QuerySet:
    """All circles with their number of active members and the viewer's own status."""
    own = CircleMembership.objects.filter(circle=OuterRef("pk"), user=user)
    return (
        ExpertCircle.objects.annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__status=CircleMembership.Status.ACTIVE)
            ),
            my_status=Subquery(own.values("status")[:1]),
            my_role=Subquery(own.values("role")[:1]),
            my_digest=Subquery(own.values("digest")[:1]),
        )
        .prefetch_related("topics")
        .order_by("name")
    )


def circle_for_reading(*, user, slug: str) -> ExpertCircle:
    """The circle if ``user`` may read it: open circles for every member, closed ones for their
    active members only. Anything else is a 404, so closed circles do not reveal their content."""
    circle = circles_for(user=user).filter(slug=slug).first()
    if circle is None:
        raise Http404
    if user.is_superuser or circle.is_open:
        return circle
    if circle.my_status != CircleMembership.Status.ACTIVE:
        raise Http404
    return circle


def circle_threads(*, circle: ExpertCircle) -> QuerySet:
    return (
        Thread.objects.filter(circle=circle)
        .select_related("author")
        .annotate(post_count=Count("posts", filter=Q(posts__hidden_at__isnull=True)))
        .order_by("-last_post_at", "-pk")
    )


def circle_moderators(*, circle: ExpertCircle) -> QuerySet:
    return (
        CircleMembership.objects.filter(
            circle=circle,
            role=CircleMembership.Role.MODERATOR,
            status=CircleMembership.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user__full_name")
    )


def circle_members(*, circle: ExpertCircle) -> QuerySet:
    """Active members, shown to the circle's own members."""
    return (
        CircleMembership.objects.filter(circle=circle, status=CircleMembership.Status.ACTIVE)
        .select_related("user")
        .order_by("user__full_name")
    )


def circle_pending_requests(*, circle: ExpertCircle) -> QuerySet:
    return (
        CircleMembership.objects.filter(circle=circle, status=CircleMembership.Status.PENDING)
        .select_related("user")
        .order_by("joined_at")
    )


def thread_posts(*, thread: Thread) -> QuerySet:
    return (
        Post.objects.filter(thread=thread)
        .select_related("author")
        .prefetch_related("attachments")
        .annotate(report_count=Count("reports"))
        .order_by("created_at", "pk")
    )


# --- Events -----------------------------------------------------------------------------------
def _with_seats(events: QuerySet) -> QuerySet:
    return events.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
        ),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
        ),
    )


def events_for_index(*, index) -> dict:
    now = timezone.now()
    events = _with_seats(EventPage.objects.live().descendant_of(index))
    return {
        "upcoming_events": events.filter(end__gte=now).order_by("start", "pk"),
        "past_events": events.filter(end__lt=now).order_by("-start", "-pk")[:20],
    }


def events_for_feed() -> QuerySet:
    since = timezone.now() - timezone.timedelta(days=90)
    return EventPage.objects.live().filter(end__gte=since).order_by("start", "pk")


def event_state_for(*, event: EventPage, user) -> dict:
    """Seats left, and the viewer's registration and place on the waiting list."""
    counts = Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
    )
    registration = None
    position = None
    if user.is_authenticated:
        registration = Registration.objects.filter(event=event, user=user).first()
        if registration and registration.status == Registration.Status.WAITLISTED:
            position = (
                Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
                .filter(
                    Q(queued_at__lt=registration.queued_at)
                    | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
                )
                .count()
                + 1
            )
    return {
        "seats_left": max(event.capacity - counts["confirmed"], 0),
        "confirmed_count": counts["confirmed"],
        "waitlist_count": counts["waitlisted"],
        "registration": registration,
        "waitlist_position": position,
        "is_member": is_network_member(user),
        "is_upcoming": event.start > timezone.now(),
    }


def registrations_of(*, user) -> QuerySet:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event")
        .order_by("-event__start")
    )


def training_hours_for(*, user) -> dict:
    """Attended events and their training hours: what counts in the learner's record."""
    attended = Registration.objects.filter(
        user=user, attended=True, status=Registration.Status.CONFIRMED
    )
    total = attended.aggregate(hours=Sum("event__training_hours"))["hours"] or 0
    return {"attended": attended.select_related("event").order_by("-event__start"), "hours": total}


def event_participants(*, event: EventPage) -> QuerySet:
    return (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user")
        .order_by("status", "queued_at", "pk")
    )


# --- Projects ---------------------------------------------------------------------------------
PROJECT_FACETS = {
    "field": ProjectField,
    "status": ProjectStatus,
    "budget_range": BudgetRange,
}


def projects_search(*, index, params) -> dict:
    """Published projects filtered by text and facets, with a count per facet value."""
    projects = ProjectPage.objects.live().descendant_of(index)
    query = (params.get("q") or "").strip()[:100]
    if query:
        projects = projects.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(municipality__icontains=query)
            | Q(outcomes__icontains=query)
        )
    selected = {}
    for name, choices in {**PROJECT_FACETS, "land": None}.items():
        value = params.get(name) or ""
        valid = dict(LAENDER) if choices is None else dict(choices.choices)
        if value in valid:
            projects = projects.filter(**{name: value})
            selected[name] = value
    facets = []
    for name, choices in {**PROJECT_FACETS, "land": None}.items():
        labels = dict(LAENDER) if choices is None else dict(choices.choices)
        counts = dict(projects.order_by().values_list(name).annotate(n=Count("pk")))
        facets.append(
            {
                "name": name,
                "selected": selected.get(name, ""),
                "options": [
                    {
                        "value": v,
                        "label": labels[v],
                        "count": counts[v],
                        "selected": selected.get(name) == v,
                    }
                    for v in labels
                    if counts.get(v)
                ],
            }
        )
    return {
        "projects": projects.order_by("title", "pk"),
        "facets": facets,
        "query": query,
        "selected": selected,
    }


# --- Funding and standards --------------------------------------------------------------------
def funding_programmes(*, params, user=None) -> dict:
    today = timezone.localdate()
    programmes = FundingProgramme.objects.prefetch_related("topics").order_by("name")
    open_now = params.get("open") == "1"
    land = params.get("land") or ""
    level = params.get("level") or ""
    topic = params.get("topic") or ""
    if open_now:
        programmes = programmes.filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=today),
            Q(deadline__isnull=True) | Q(deadline__gte=today),
            accepting_applications=True,
        )
    if land in dict(LAENDER):
        # Programmes of that Land plus federal and EU ones, which apply everywhere.
        programmes = programmes.filter(Q(land=land) | ~Q(funder_level=FundingProgramme.Funder.LAND))
    if level in FundingProgramme.Funder.values:
        programmes = programmes.filter(funder_level=level)
    if topic:
        programmes = programmes.filter(topics__slug=topic)
    subscribed = set()
    if user is not None and user.is_authenticated:
        subscribed = set(user.funding_subscriptions.values_list("programme_id", flat=True))
    return {
        "programmes": programmes,
        "subscribed": subscribed,
        "today": today,
        "filters": {"open": open_now, "land": land, "level": level, "topic": topic},
        "laender": LAENDER,
        "levels": FundingProgramme.Funder.choices,
        "topics": Topic.objects.order_by("name"),
    }


def weakest_dimensions(scores: dict[str, float]) -> list[str]:
    """The two weakest dimensions of an assessment; ties keep the order of the dimensions."""
    order = list(Assessment.SCORE_FIELDS)
    return sorted(order, key=lambda dim: (scores[dim], order.index(dim)))[:2]


@dataclass
class CourseDemand:
    topic: object
    standards: list = field(default_factory=list)
    stocktakings: int = 0


def course_demand() -> list[CourseDemand]:
    """Course topics that standards or stocktaking recommendations point to but that have no
    live course yet: what the competence centre should write next, with how many standards
    name the topic and how many stocktakings recommended it (their weakest dimensions)."""
    standards = list(Standard.objects.exclude(course_topic=None).select_related("course_topic"))
    recommendations = list(
        Recommendation.objects.filter(kind=Recommendation.Kind.COURSE)
        .exclude(course_topic=None)
        .select_related("course_topic")
    )
    topics = {s.course_topic_id: s.course_topic for s in standards}
    topics.update({r.course_topic_id: r.course_topic for r in recommendations})
    with_courses = {pk for pk, courses in live_courses_by_topic(topics).items() if courses}
    demand = {pk: CourseDemand(topic=t) for pk, t in topics.items() if pk not in with_courses}
    for standard in standards:
        if standard.course_topic_id in demand:
            demand[standard.course_topic_id].standards.append(standard)
    dims_by_topic: dict[int, set] = {}
    for rec in recommendations:
        if rec.course_topic_id in demand:
            dims_by_topic.setdefault(rec.course_topic_id, set()).add(rec.dimension)
    if dims_by_topic:
        fields = Assessment.SCORE_FIELDS
        for row in Assessment.objects.values(*fields.values()):
            weakest = set(weakest_dimensions({d: float(row[f]) for d, f in fields.items()}))
            for topic_id, dims in dims_by_topic.items():
                if weakest & dims:
                    demand[topic_id].stocktakings += 1
    return sorted(
        demand.values(), key=lambda d: (-(len(d.standards) + d.stocktakings), d.topic.name)
    )


def standards_list() -> list[Standard]:
    """Standards with the live courses that teach them: the ones linked by hand, else the live
    courses of the standard's course topic (``topic_courses``); none means a dead end we show
    as "no course yet" and count as demand."""
    standards = list(
        Standard.objects.select_related("course_topic")
        .prefetch_related("topics", Prefetch("courses", queryset=Page.objects.live()))
        .order_by("name")
    )
    by_topic = live_courses_by_topic(s.course_topic_id for s in standards)
    for standard in standards:
        standard.topic_courses = list(standard.courses.all()) or by_topic.get(
            standard.course_topic_id, []
        )
    return standards


# --- Stocktaking ------------------------------------------------------------------------------
MIN_COMPARISON_GROUP = 3  # fewer others than this and the average could identify one of them


def stocktaking_organisations_for(user) -> QuerySet:
    """Organisations the user belongs to, and the municipalities/districts above them."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    member_below = Membership.objects.filter(
        user=user, organisation__path__startswith=OuterRef("path")
    )
    return Organisation.objects.filter(Exists(member_below)).exclude(kind=Organisation.Kind.LAND)


def assessments_visible_to(user) -> QuerySet:
    return Assessment.objects.filter(
        organisation__in=stocktaking_organisations_for(user)
    ).select_related("organisation")


def assessment_report(*, assessment: Assessment) -> dict:
    """Scores, anonymous comparison with the same size class, weakest dimensions, suggestions."""
    latest_per_org = (
        Assessment.objects.filter(organisation=OuterRef("organisation"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    others = (
        Assessment.objects.filter(size_class=assessment.size_class)
        .exclude(organisation=assessment.organisation)
        .filter(pk=Subquery(latest_per_org))
    )
    aggregates = others.aggregate(
        n=Count("pk"),
        **{dim: Avg(field) for dim, field in Assessment.SCORE_FIELDS.items()},
    )
    comparison = None
    if aggregates["n"] >= MIN_COMPARISON_GROUP:
        comparison = {dim: float(aggregates[dim]) for dim in Assessment.SCORE_FIELDS}
    scores = assessment.scores()
    labels = dict(Dimension.choices)
    rows = [
        {
            "dimension": dim,
            "label": labels[dim],
            "score": scores[dim],
            "comparison": comparison[dim] if comparison else None,
        }
        for dim in Assessment.SCORE_FIELDS
    ]
    weakest = weakest_dimensions(scores)
    recommendations = list(
        Recommendation.objects.filter(dimension__in=weakest).select_related("page", "course_topic")
    )
    by_topic = live_courses_by_topic(r.course_topic_id for r in recommendations)
    for recommendation in recommendations:
        recommendation.topic_courses = by_topic.get(recommendation.course_topic_id, [])
    chart = radar_chart(
        [str(row["label"]) for row in rows],
        [row["score"] for row in rows],
        [row["comparison"] for row in rows] if comparison else None,
    )
    return {
        "rows": rows,
        "comparison_size": aggregates["n"],
        "has_comparison": comparison is not None,
        "min_comparison_group": MIN_COMPARISON_GROUP,
        "weakest": [{"dimension": d, "label": labels[d]} for d in weakest],
        "recommendations": recommendations,
        "chart": chart,
        "question_count": sum(len(q) for q in QUESTIONS.values()),
    }
