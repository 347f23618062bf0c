"""Demo content of the CDO network: real programmes and standards, invented people and
projects (marked "Beispielprojekt (fiktiv)")."""

from ..models import ExpertCircle

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

FUNDING = [
    {
        "name": "Modellprojekte Smart Cities",
        "funder_level": "bund",
        "funder": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB), "
        "Projektträger KfW",
        "target_group": "Städte, Gemeinden, Landkreise und interkommunale Kooperationen",
        "funding_rate": "65 % der förderfähigen Ausgaben; 90 % für Kommunen in Haushaltsnotlage",
        "description": "Förderung integrierter Smart-City-Strategien und ihrer Umsetzung in "
        "ausgewählten Modellprojekten (Staffeln 2019 bis 2021).",
        "accepting_applications": False,
        "deadline_note": "keine neue Staffel; ausgewählte Modellprojekte laufen weiter",
        "url": "https://www.smart-city-dialog.de/",
        "topics": ["smart-city", "datenstrategie"],
    },
    {
        "name": "Kommunalrichtlinie (Nationale Klimaschutzinitiative)",
        "funder_level": "bund",
        "funder": "Bundesministerium für Umwelt, Klimaschutz, Naturschutz und nukleare "
        "Sicherheit (BMUKN), Nationale Klimaschutzinitiative; Projektträger Zukunft – Umwelt – "
        "Gesellschaft (ZUG) gGmbH",
        "target_group": "Kommunen und kommunale Unternehmen",
        "funding_rate": "je nach Maßnahme unterschiedliche Quoten (Merkblatt der Maßnahme; "
        "finanzschwache Kommunen erhalten höhere Quoten)",
        "description": "Klimaschutz in Kommunen, z. B. Klimaschutzkonzepte und investive "
        "Maßnahmen. Ob Energiemanagement weiterhin gefördert wird: Stand prüfen in der "
        "aktuellen Fassung der Richtlinie.",
        "accepting_applications": True,
        "deadline_note": "Richtlinie läuft bis 31. Dezember 2027",
        "url": "https://www.klimaschutz.de/",
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
        "funding_rate": "bis zu 80 %",
        "description": "Landesprogramm zur Digitalisierung von Verwaltung und Stadtentwicklung "
        "in ausgewählten Modellregionen; als Beispiel für Landesförderung. Abgeschlossen.",
        "accepting_applications": False,
        "deadline_note": "beendet am 30. Juni 2023",
        "url": "https://www.wirtschaft.nrw/",
        "topics": ["ozg", "smart-city"],
    },
]

STANDARDS = [
    ("OParl", "oparl",
     "Offene Schnittstelle für Ratsinformationssysteme: Sitzungen, Vorlagen und Beschlüsse "
     "kommunaler Gremien werden maschinenlesbar abrufbar.",
     "OParl-Initiative (Kommunen, Hersteller und Zivilgesellschaft)", "https://oparl.org/",
     ["offene-daten", "buergerbeteiligung"], "Datenmanagement"),
    ("XÖV-Standards", "xoev",
     "Rahmenwerk für XML-Datenaustauschstandards der öffentlichen Verwaltung "
     "(z. B. XMeld, XPersonenstand): Regeln für Entwicklung, Qualität und Betrieb.",
     "Koordinierungsstelle für IT-Standards (KoSIT), Bremen", "https://www.xoev.de/",
     ["ozg"], "Standards"),
    ("XRepository", "xrepository",
     "Verzeichnis, in dem XÖV-Standards, Schemata und Codelisten veröffentlicht und "
     "versioniert werden.",
     "Koordinierungsstelle für IT-Standards (KoSIT), Bremen", "https://www.xrepository.de/",
     ["ozg"], "Standards"),
    ("XPlanung", "xplanung",
     "Austauschstandard für Bauleitpläne, Raumordnungs- und Landschaftspläne; vom "
     "IT-Planungsrat als verbindlicher Standard beschlossen.",
     "Leitstelle XPlanung/XBau beim Landesbetrieb Geoinformation und Vermessung Hamburg",
     "https://xleitstelle.de/", ["smart-city"], "Standards"),
    ("XBau", "xbau",
     "Austauschstandard für bauaufsichtliche Verfahren, etwa Bauantrag und Genehmigung, "
     "zwischen Antragstellenden und Bauaufsichtsbehörden.",
     "Leitstelle XPlanung/XBau beim Landesbetrieb Geoinformation und Vermessung Hamburg",
     "https://xleitstelle.de/", ["ozg"], "Standards"),
    ("DCAT-AP.de", "dcat-ap-de",
     "Deutsches Metadatenschema für offene Verwaltungsdaten; Grundlage für GovData und die "
     "Open-Data-Portale von Bund, Ländern und Kommunen.",
     "Geschäfts- und Koordinierungsstelle GovData bei der FITKO (seit 1. Januar 2023); "
     "verbindlich durch Beschluss des IT-Planungsrats (26. Sitzung)",
     "https://www.dcat-ap.de/", ["offene-daten"], "Datenmanagement"),
    ("DIN SPEC 91357", "din-spec-91357",
     "„Referenzarchitekturmodell Offene Urbane Plattform (OUP)“: Bausteine und Schnittstellen "
     "offener urbaner Datenplattformen, damit Kommunen nicht an einen Anbieter gebunden sind.",
     "DIN e. V. (DIN SPEC, 2017)", "https://www.din.de/",
     ["smart-city", "offene-daten"], "Standards"),
]  # fmt: skip

# (kind, title, project slug, course topic): course recommendations name a topic of the
# catalogue, so they always lead to its live courses (or show, and count, the missing course).
RECOMMENDATIONS = {
    "strategy": [("course", "Kurse: CDO-Rolle", None, "CDO-Rolle & Organisation"),
                 ("project", None, "parkraumsensorik", None)],
    "organisation": [("course", "Kurse: CDO-Rolle", None, "CDO-Rolle & Organisation"),
                     ("project", None, "digitaler-bauantrag", None)],
    "data": [("course", "Kurse: Datenmanagement", None, "Datenmanagement"),
             ("project", None, "ratsinformationen-oparl", None)],
    "infrastructure": [("course", "Kurse: Informationssicherheit", None, "Informationssicherheit"),
                       ("project", None, "energiemonitoring", None)],
    "services": [("course", "Kurse: CDO-Rolle", None, "CDO-Rolle & Organisation"),
                 ("project", None, "digitaler-bauantrag", None)],
    "skills": [("course", "Kurse: Datenmanagement", None, "Datenmanagement"),
               ("course", "Kurse: IT-Beschaffung", None, "IT-Beschaffung")],
}  # fmt: skip

# Invented stocktakings of the other cities, so Bonn sees an anonymous comparison.
DEMO_ASSESSMENTS = {
    "Stadt Köln": [4, 4, 3, 4, 3, 3, 4, 4, 3, 4, 4, 3, 3, 3, 4, 3, 3, 2],
    "Landeshauptstadt München": [4, 3, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 4, 3],
    "Stadt Leipzig": [3, 3, 2, 4, 3, 3, 3, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3, 2],
}
