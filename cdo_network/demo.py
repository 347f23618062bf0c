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

from lms import services as lms_services
from lms.models import Membership, Organisation, User

from . import services
from .models import (
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

BERLIN = ZoneInfo("Europe/Berlin")

TOPICS = [
    ("Offene Daten", "offene-daten"),
    ("Smart City", "smart-city"),
    ("Mobilität", "mobilitaet"),
    ("Informationssicherheit", "informationssicherheit"),
    ("Onlinezugangsgesetz (OZG)", "ozg"),
    ("Datenstrategie", "datenstrategie"),
    ("Energie und Klima", "energie-klima"),
    ("Bürgerbeteiligung", "buergerbeteiligung"),
]

# Rounded populations; they only decide the size class (Großstadt, Mittelstadt …).
FACTS = [
    ("Bundesstadt Bonn", 336_000, "NW"),
    ("Stadt Köln", 1_080_000, "NW"),
    ("Stadt Siegburg", 42_000, "NW"),
    ("Stadt Troisdorf", 77_000, "NW"),
    ("Landeshauptstadt München", 1_510_000, "BY"),
    ("Stadt Leipzig", 620_000, "SN"),
]

# Invented peers for the directory (no login: unusable passwords).
PEERS = [
    ("digital.koeln@demo.kommunal-campus.de", "Katharina Brandt",
     "Amt für Informationsverarbeitung",
     "Leiterin Digitalstrategie", ["offene-daten", "datenstrategie"],
     "Ich verantworte die Datenstrategie der Stadt und das Open-Data-Portal."),
    ("cdo.leipzig@demo.kommunal-campus.de", "Jens Hoffmann", "Stadt Leipzig",
     "Chief Digital Officer", ["smart-city", "informationssicherheit"],
     "Smart-City-Programm, Informationssicherheit und Rechenzentrum."),
    ("digital.siegburg@demo.kommunal-campus.de", "Aylin Demir", "Stadt Siegburg",
     "Digitalisierungsbeauftragte", ["ozg", "buergerbeteiligung"],
     "OZG-Umsetzung in einer Mittelstadt: klein anfangen, schnell lernen."),
    ("digital.muenchen@demo.kommunal-campus.de", "Florian Huber", "Landeshauptstadt München",
     "Referent Mobilitätsdaten", ["mobilitaet", "offene-daten"],
     "Verkehrsdaten in Echtzeit und ihre Veröffentlichung."),
]  # fmt: skip


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


CIRCLES = [
    ("Open Data und urbane Datenplattformen", "open-data", ExpertCircle.Access.OPEN,
     "Austausch zu Open-Data-Portalen, DCAT-AP.de und offenen urbanen Plattformen.",
     ["offene-daten", "smart-city"], "digital.koeln@demo.kommunal-campus.de"),
    ("Informationssicherheit in Kommunen", "informationssicherheit", ExpertCircle.Access.REQUEST,
     "Geschlossener Kreis für Informationssicherheitsbeauftragte: Vorfälle, BSI IT-Grundschutz, "
     "Notfallübungen. Aufnahme auf Anfrage.",
     ["informationssicherheit"], "cdo.leipzig@demo.kommunal-campus.de"),
    ("Smart-City-Strategien", "smart-city-strategien", ExpertCircle.Access.OPEN,
     "Von der Strategie zur Umsetzung: Erfahrungen aus Städten und Landkreisen.",
     ["smart-city", "datenstrategie"], "cdo.leipzig@demo.kommunal-campus.de"),
]  # fmt: skip


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


PROJECTS = [
    ("Digitaler Bauantrag mit XBau (Beispielprojekt, fiktiv)", "digitaler-bauantrag",
     "Musterstadt am Rhein", "NW", "administration", "completed", "lt250k",
     "Landesförderung (fiktiv)",
     "Bauaufsicht, IT-Dienstleister, Kammer der Architektinnen und Architekten",
     "Bauanträge werden online gestellt und als **XBau**-Nachrichten direkt in das "
     "Fachverfahren der Bauaufsicht übernommen.",
     "- Bearbeitungszeit um ein Viertel kürzer\n- keine Papierakten mehr im Umlauf",
     "Früh mit den Entwurfsverfassern sprechen; Pflichtfelder sparsam wählen."),
    ("Parkraumsensorik und offene Verkehrsdaten (Beispielprojekt, fiktiv)", "parkraumsensorik",
     "Beispielhausen", "BY", "mobility", "running", "lt1m",
     "Modellprojekte Smart Cities (fiktives Beispiel)",
     "Stadtwerke, Hochschule, Verkehrsverbund",
     "Sensoren melden freie Parkplätze; die Daten stehen als Open Data nach "
     "DCAT-AP.de bereit.",
     "Parksuchverkehr in der Innenstadt spürbar gesunken.",
     "Datenschutz-Folgenabschätzung zuerst, Ausschreibung danach."),
    ("Energiemonitoring kommunaler Gebäude (Beispielprojekt, fiktiv)", "energiemonitoring",
     "Kleinmusterdorf", "SN", "energy", "completed", "lt50k",
     "Kommunalrichtlinie (fiktives Beispiel)",
     "Gebäudemanagement, regionaler Energieversorger",
     "Zählerdaten von 40 Gebäuden laufen in ein Dashboard; Ausreißer lösen eine "
     "Nachricht an den Hausmeisterdienst aus.",
     "Heizenergie in den Schulen um 12 % gesenkt.",
     "Einfach anfangen: zuerst die größten Verbraucher messen."),
    ("Ratsinformationen über OParl (Beispielprojekt, fiktiv)", "ratsinformationen-oparl",
     "Musterkreis", "NW", "participation", "planned", "lt50k", "",
     "Kreistagsbüro, Hersteller des Ratsinformationssystems",
     "Sitzungen, Vorlagen und Beschlüsse werden über die **OParl**-Schnittstelle "
     "maschinenlesbar bereitgestellt.",
     "", "Ausschreibung mit OParl 1.1 als Mussanforderung."),
]  # fmt: skip


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


FUNDING = [
    {
        "name": "Modellprojekte Smart Cities",
        "funder_level": "bund",
        "funder": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB), "
        "Projektträger KfW",
        "target_group": "Städte, Gemeinden, Landkreise und interkommunale Kooperationen",
        "funding_rate": "siehe Förderaufruf",
        "description": "Förderung integrierter Smart-City-Strategien und ihrer Umsetzung; "
        "die Modellprojekte aus den Staffeln 2019 bis 2021 sind in der Umsetzung.",
        "accepting_applications": False,
        "deadline_note": "derzeit keine neue Staffel – siehe Förderaufruf",
        "url": "https://www.smart-city-dialog.de/",
        "topics": ["smart-city", "datenstrategie"],
    },
    {
        "name": "Kommunalrichtlinie (Nationale Klimaschutzinitiative)",
        "funder_level": "bund",
        "funder": "Bund – Nationale Klimaschutzinitiative, Projektträger Zukunft – Umwelt – "
        "Gesellschaft (ZUG) gGmbH",
        "target_group": "Kommunen und kommunale Unternehmen",
        "funding_rate": "je nach Maßnahme – siehe Förderaufruf",
        "description": "Klimaschutz in Kommunen, z. B. Energiemanagement und Klimaschutzkonzepte.",
        "accepting_applications": True,
        "deadline_note": "Antragsfenster siehe Förderaufruf",
        "url": "https://www.klimaschutz.de/kommunalrichtlinie",
        "topics": ["energie-klima"],
    },
    {
        "name": "Programm Digitales Europa (DIGITAL)",
        "funder_level": "eu",
        "funder": "Europäische Kommission",
        "target_group": "je nach Ausschreibung, u. a. öffentliche Verwaltungen",
        "funding_rate": "je nach Ausschreibung – siehe Förderaufruf",
        "description": "Digitale Kapazitäten in Europa: Daten, KI, Cybersicherheit, digitale "
        "Kompetenzen und ihre Nutzung, auch in der Verwaltung.",
        "accepting_applications": True,
        "deadline_note": "Ausschreibungen mit eigenen Fristen im Funding & Tenders Portal",
        "url": "https://digital-strategy.ec.europa.eu/en/activities/digital-programme",
        "topics": ["offene-daten", "informationssicherheit"],
    },
    {
        "name": "Digitale Modellregionen in NRW",
        "funder_level": "land",
        "land": "NW",
        "funder": "Land Nordrhein-Westfalen (Wirtschaftsministerium)",
        "target_group": "Kommunen in den ausgewählten Modellregionen",
        "funding_rate": "siehe Förderaufruf",
        "description": "Landesprogramm zur Digitalisierung von Verwaltung und Stadtentwicklung "
        "in ausgewählten Modellregionen; als Beispiel für Landesförderung.",
        "accepting_applications": False,
        "deadline_note": "Programm abgeschlossen",
        "url": "https://www.wirtschaft.nrw/",
        "topics": ["ozg", "smart-city"],
    },
]

STANDARDS = [
    ("OParl", "oparl",
     "Offene Schnittstelle für Ratsinformationssysteme: Sitzungen, Vorlagen und Beschlüsse "
     "kommunaler Gremien werden maschinenlesbar abrufbar.",
     "OParl-Initiative (Kommunen, Hersteller und Zivilgesellschaft)", "https://oparl.org/",
     ["offene-daten", "buergerbeteiligung"], "Offene Daten in der Kommune"),
    ("XÖV-Standards", "xoev",
     "Rahmenwerk für XML-Datenaustauschstandards der öffentlichen Verwaltung "
     "(z. B. XMeld, XPersonenstand): Regeln für Entwicklung, Qualität und Betrieb.",
     "Koordinierungsstelle für IT-Standards (KoSIT), Bremen", "https://www.xoev.de/",
     ["ozg"], "Grundlagen der OZG-Umsetzung"),
    ("XRepository", "xrepository",
     "Verzeichnis, in dem XÖV-Standards, Schemata und Codelisten veröffentlicht und "
     "versioniert werden.",
     "Koordinierungsstelle für IT-Standards (KoSIT), Bremen", "https://www.xrepository.de/",
     ["ozg"], "Grundlagen der OZG-Umsetzung"),
    ("XPlanung", "xplanung",
     "Austauschstandard für Bauleitpläne, Raumordnungs- und Landschaftspläne; vom "
     "IT-Planungsrat als verbindlicher Standard beschlossen.",
     "Leitstelle XPlanung/XBau beim Landesbetrieb Geoinformation und Vermessung Hamburg",
     "https://xleitstelle.de/", ["smart-city"], "Digitale Planungs- und Bauverfahren"),
    ("XBau", "xbau",
     "Austauschstandard für bauaufsichtliche Verfahren, etwa Bauantrag und Genehmigung, "
     "zwischen Antragstellenden und Bauaufsichtsbehörden.",
     "Leitstelle XPlanung/XBau beim Landesbetrieb Geoinformation und Vermessung Hamburg",
     "https://xleitstelle.de/", ["ozg"], "Digitale Planungs- und Bauverfahren"),
    ("DCAT-AP.de", "dcat-ap-de",
     "Deutsches Metadatenschema für offene Verwaltungsdaten; Grundlage für GovData und die "
     "Open-Data-Portale von Bund, Ländern und Kommunen.",
     "GovData – Geschäfts- und Koordinierungsstelle, im Auftrag des IT-Planungsrats",
     "https://www.dcat-ap.de/", ["offene-daten"], "Offene Daten in der Kommune"),
    ("DIN SPEC 91357", "din-spec-91357",
     "„Referenzarchitekturmodell Offene Urbane Plattform (OUP)“: Bausteine und Schnittstellen "
     "offener urbaner Datenplattformen, damit Kommunen nicht an einen Anbieter gebunden sind.",
     "DIN e. V. (DIN SPEC, 2017)", "https://www.din.de/",
     ["smart-city", "offene-daten"], "Urbane Datenplattformen"),
]  # fmt: skip

RECOMMENDATIONS = {
    "strategy": [("course", "Digitalstrategie für Kommunen entwickeln", None),
                 ("project", None, "parkraumsensorik")],
    "organisation": [("course", "Die Rolle des CDO in der Verwaltung", None),
                     ("project", None, "digitaler-bauantrag")],
    "data": [("course", "Offene Daten in der Kommune", None),
             ("project", None, "ratsinformationen-oparl")],
    "infrastructure": [("course", "Informationssicherheit (BSI IT-Grundschutz)", None),
                       ("project", None, "energiemonitoring")],
    "services": [("course", "Grundlagen der OZG-Umsetzung", None),
                 ("project", None, "digitaler-bauantrag")],
    "skills": [("course", "Digitale Kompetenzen für Führungskräfte", None),
               ("project", None, "energiemonitoring")],
}  # fmt: skip

# Invented stocktakings of the other cities, so Bonn sees an anonymous comparison.
DEMO_ASSESSMENTS = {
    "Stadt Köln": [4, 4, 3, 4, 3, 3, 4, 4, 3, 4, 4, 3, 3, 3, 4, 3, 3, 2],
    "Landeshauptstadt München": [4, 3, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 4, 3],
    "Stadt Leipzig": [3, 3, 2, 4, 3, 3, 3, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3, 2],
}


def _seed_catalogue(topics):
    for row in FUNDING:
        row = dict(row)
        topic_slugs = row.pop("topics")
        programme, _ = FundingProgramme.objects.get_or_create(name=row["name"], defaults=row)
        programme.topics.set([topics[s] for s in topic_slugs])
    for name, slug, purpose, maintainer, url, topic_slugs, course_topics in STANDARDS:
        standard, _ = Standard.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "purpose": purpose,
                "maintainer": maintainer,
                "url": url,
                "course_topics": course_topics,
            },
        )
        standard.topics.set([topics[s] for s in topic_slugs])


def _seed_stocktaking():
    from .models import QUESTIONS

    for dimension, rows in RECOMMENDATIONS.items():
        for order, (kind, title, project_slug) in enumerate(rows):
            page = ProjectPage.objects.filter(slug=project_slug).first() if project_slug else None
            Recommendation.objects.get_or_create(
                dimension=dimension,
                title=title or page.title,
                defaults={"kind": kind, "page": page, "sort_order": order},
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
