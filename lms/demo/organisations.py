"""Real Länder, Kreise and Gemeinden with their official keys (AGS, as published by the
Statistisches Bundesamt), plus some typical Ämter. People in the demo are invented."""

from lms.models import Organisation

Kind = Organisation.Kind

# (name, kind, ags, children)
ORGANISATION_TREE = [
    (
        "Nordrhein-Westfalen",
        Kind.LAND,
        "",
        [
            (
                "Bundesstadt Bonn",
                Kind.KREISFREIE_STADT,
                "05314000",
                [
                    ("Amt für Digitalisierung und Organisation", Kind.AMT, "", []),
                    ("Personal- und Organisationsamt", Kind.AMT, "", []),
                    ("Bürgerdienste", Kind.AMT, "", []),
                    ("Zentrale Vergabestelle", Kind.AMT, "", []),
                ],
            ),
            (
                "Stadt Köln",
                Kind.KREISFREIE_STADT,
                "05315000",
                [
                    ("Amt für Informationsverarbeitung", Kind.AMT, "", []),
                    ("Personal- und Verwaltungsmanagement", Kind.AMT, "", []),
                    ("Kundenzentren", Kind.AMT, "", []),
                ],
            ),
            (
                "Rhein-Sieg-Kreis",
                Kind.KREIS,
                "",
                [
                    ("Stadt Siegburg", Kind.GEMEINDE, "05382068", []),
                    ("Stadt Troisdorf", Kind.GEMEINDE, "05382076", []),
                ],
            ),
        ],
    ),
    (
        "Bayern",
        Kind.LAND,
        "",
        [("Landeshauptstadt München", Kind.KREISFREIE_STADT, "09162000", [])],
    ),
    (
        "Sachsen",
        Kind.LAND,
        "",
        [("Stadt Leipzig", Kind.KREISFREIE_STADT, "14713000", [])],
    ),
]

JOB_PROFILES = [
    ("Chief Digital Officer", "Verantwortet Digitalstrategie und digitale Transformation."),
    ("Datenschutzkoordination", "Koordiniert den Datenschutz in der Verwaltung."),
    ("Vergabestelle", "Führt Vergabeverfahren durch, auch für IT-Leistungen."),
    ("IT-Leitung", "Leitet die IT oder steuert den kommunalen IT-Dienstleister."),
    ("Sachbearbeitung Bürgeramt", "Bearbeitet Anliegen von Bürgerinnen und Bürgern."),
    ("Führungskraft", "Leitet ein Amt, einen Fachbereich oder ein Team."),
]
