"""German default texts of the legal and accessibility pages, for the operator to complete.

Placeholders in square brackets ("[Anschrift]") are what only the operator knows. The texts
follow § 5 DDG and § 18 MStV (Impressum), Art. 13 DSGVO (Datenschutzerklärung), the EU model
accessibility statement (Implementing Decision (EU) 2018/1523) with § 12b BGG and BITV 2.0, and
BITV 2.0 § 4 (explanations in Leichte Sprache and Deutsche Gebärdensprache). Retention periods
are the platform's defaults (``lms.settings.base.RETENTION_DAYS``); change both together.
"""

OPERATOR = "[Name des Betreibers, z. B. Kompetenzzentrum „Digitale Städte und Regionen“]"

IMPRINT = {
    "title": "Impressum",
    "blocks": [
        ("heading", "Anbieter"),
        (
            "paragraph",
            f"<p>{OPERATOR}<br>[Straße und Hausnummer]<br>[Postleitzahl und Ort]</p>"
            "<p>Vertreten durch: [Name der vertretungsberechtigten Person, Funktion]</p>",
        ),
        ("heading", "Kontakt"),
        ("paragraph", "<p>Telefon: [Telefonnummer]<br>E-Mail: [E-Mail-Adresse]</p>"),
        ("heading", "Aufsicht und Register"),
        (
            "paragraph",
            "<p>Zuständige Aufsichtsbehörde: [Behörde, falls vorhanden]<br>"
            "Umsatzsteuer-Identifikationsnummer nach § 27a UStG: [falls vorhanden]</p>",
        ),
        ("heading", "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV"),
        ("paragraph", "<p>[Name, Anschrift]</p>"),
        ("heading", "Lerninhalte"),
        (
            "paragraph",
            "<p>Die Kurse werden von den jeweils genannten Trainerinnen und Trainern erstellt und "
            "vor der Veröffentlichung von einer zweiten Person geprüft. Jede Lektion nennt, auf "
            "welchem Stand sie ist und auf welchen Rechtsquellen sie beruht.</p>",
        ),
        ("heading", "Quelltext"),
        (
            "paragraph",
            "<p>Die Plattform ist Open-Source-Software. Sie kann von anderen öffentlichen "
            "Stellen nachgenutzt werden.</p>",
        ),
    ],
}

PRIVACY = {
    "title": "Datenschutzerklärung",
    "blocks": [
        ("heading", "Verantwortlicher"),
        (
            "paragraph",
            f"<p>Verantwortlich für die Verarbeitung personenbezogener Daten auf dieser Plattform "
            f"im Sinne von Art. 4 Nr. 7 DSGVO ist {OPERATOR}, [Anschrift], [E-Mail-Adresse].</p>",
        ),
        ("heading", "Datenschutzbeauftragte oder Datenschutzbeauftragter"),
        ("paragraph", "<p>[Name oder Funktion], [Anschrift], [E-Mail-Adresse]</p>"),
        ("heading", "Welche Daten wir wofür verarbeiten"),
        (
            "paragraph",
            "<ul>"
            "<li><b>Konto und Anmeldung</b> (Name, dienstliche E-Mail-Adresse, Sprache, "
            "Organisation, Rolle; Zeitpunkt, IP-Adresse und Browser jeder Anmeldung): um Sie "
            "sicher anzumelden und Missbrauch abzuwehren. Rechtsgrundlage: Art. 6 Abs. 1 "
            "Buchst. e DSGVO in Verbindung mit § 3 BDSG beziehungsweise dem Datenschutzgesetz "
            "Ihres Landes.</li>"
            "<li><b>Lernen und Prüfen</b> (Einschreibungen, Lernfortschritt, Lernzeit, "
            "Quiz-Antworten und -Ergebnisse, Zertifikate, hochgeladene Nachweise): um Ihre "
            "Qualifizierung durchzuführen und nachzuweisen. Rechtsgrundlage: Art. 6 Abs. 1 "
            "Buchst. c und e DSGVO in Verbindung mit den für Ihren Dienstherrn oder Arbeitgeber "
            "geltenden Vorschriften über Beschäftigtendaten.</li>"
            "<li><b>Qualifizierungsübersicht der Personalstelle</b>: Die Personalstelle Ihrer "
            "eigenen Organisation sieht, welche Qualifikationen Sie haben und welche fällig "
            "sind; jeder Zugriff wird protokolliert. Andere Organisationen sehen nichts.</li>"
            "<li><b>Prüfung von Zertifikaten</b>: Wer den Prüfcode oder QR-Code eines "
            "Zertifikats kennt, sieht Name, Kurs, Ausstellungsdatum und Gültigkeit, damit "
            "Dritte die Echtheit prüfen können (Art. 6 Abs. 1 Buchst. e DSGVO).</li>"
            "<li><b>CDO-Netzwerk</b> (Verzeichniseintrag, Expertenkreise, Beiträge, "
            "Veranstaltungsanmeldungen, Projekteinreichungen): freiwillig, auf Grundlage Ihrer "
            "Einwilligung (Art. 6 Abs. 1 Buchst. a DSGVO), die Sie jederzeit mit Wirkung für die "
            "Zukunft widerrufen können, indem Sie Einträge löschen oder uns schreiben.</li>"
            "<li><b>Rückmeldungen zur Barrierefreiheit</b>: um Ihre Rückmeldung zu bearbeiten "
            "und zu beantworten (Art. 6 Abs. 1 Buchst. c DSGVO in Verbindung mit § 12b BGG).</li>"
            "</ul>",
        ),
        ("heading", "Cookies"),
        (
            "paragraph",
            "<p>Die Plattform setzt nur technisch notwendige Cookies (Sitzung, Schutz gegen "
            "gefälschte Formulare, gewählte Sprache; § 25 Abs. 2 Nr. 2 TDDDG). Es gibt keine "
            "Analyse- oder Werbe-Cookies und keine Inhalte von Dritten.</p>",
        ),
        ("heading", "Empfänger"),
        (
            "paragraph",
            "<p>Innerhalb Ihrer Organisation: die Personalstelle und die Administration Ihrer "
            "Organisation. Außerhalb: unser technischer Dienstleister für den Betrieb der "
            "Plattform ([Name], Auftragsverarbeitung nach Art. 28 DSGVO). Eine Übermittlung in "
            "Länder außerhalb der EU findet nicht statt.</p>",
        ),
        ("heading", "Wie lange wir Daten speichern"),
        (
            "paragraph",
            "<ul>"
            "<li>Anmeldeprotokolle (IP-Adresse, Browser): 90 Tage.</li>"
            "<li>Zugriffsprotokoll der Personaldaten: 2 Jahre.</li>"
            "<li>Exporte (Tabellen, ZIP-Dateien mit Zertifikaten): 7 Tage.</li>"
            "<li>Rückmeldungen zur Barrierefreiheit: 2 Jahre.</li>"
            "<li>Lernstände und Zertifikate: solange Ihr Konto besteht. Wird Ihr Konto gelöscht, "
            "werden Name und E-Mail-Adresse entfernt; Zertifikate sind dann nicht mehr "
            "prüfbar, zählen aber in anonymen Statistiken weiter.</li>"
            "<li>Lernprotokoll (welche Lektion wann geöffnet, welches Quiz wann abgegeben): "
            "5 Jahre.</li>"
            "<li>Konten von Personen, die keiner Organisation mehr angehören: 1 Jahr nach der "
            "letzten Anmeldung; dann wird das Konto gelöscht wie oben beschrieben.</li>"
            "</ul>",
        ),
        ("heading", "Ihre Rechte"),
        (
            "paragraph",
            "<p>Sie haben das Recht auf Auskunft (Art. 15 DSGVO) – unter „Profil“ → „Meine "
            "Daten ansehen“ sehen und laden Sie jederzeit alle über Sie gespeicherten Daten –, "
            "auf Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der Verarbeitung "
            "(Art. 18), Datenübertragbarkeit (Art. 20) und Widerspruch (Art. 21). Eine "
            "Einwilligung können Sie jederzeit widerrufen (Art. 7 Abs. 3). Sie können sich bei "
            "einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO), zum Beispiel bei "
            "der oder dem Landesbeauftragten für Datenschutz Ihres Landes oder bei der oder dem "
            "Bundesbeauftragten für den Datenschutz und die Informationsfreiheit.</p>"
            "<p>Eine automatisierte Entscheidung im Sinne von Art. 22 DSGVO findet nicht statt: "
            "Ob ein Quiz bestanden ist, folgt aus der vorher veröffentlichten Bestehensgrenze; "
            "über Folgen für Ihr Dienstverhältnis entscheiden Menschen.</p>",
        ),
    ],
}

PLAIN_LANGUAGE = {
    "title": "Leichte Sprache",
    "blocks": [
        ("heading", "Was ist der Kommunal-Campus?"),
        (
            "paragraph",
            "<p>Der Kommunal-Campus ist eine Internet-Seite zum Lernen.</p>"
            "<p>Hier lernen Menschen, die in einer Stadt oder Gemeinde arbeiten.</p>"
            "<p>Sie lernen, wie die Verwaltung digital wird.</p>"
            "<p>Digital bedeutet: mit dem Computer und dem Internet.</p>",
        ),
        ("heading", "Was kann ich hier machen?"),
        (
            "paragraph",
            "<ul>"
            "<li>Sie können <b>Kurse</b> machen. Ein Kurs hat mehrere Teile. Jeder Teil heißt "
            "Lektion.</li>"
            "<li>Am Ende von einem Kurs gibt es ein <b>Quiz</b>. Ein Quiz sind Fragen. Sie "
            "wählen die richtigen Antworten.</li>"
            "<li>Haben Sie genug richtige Antworten? Dann bekommen Sie ein <b>Zertifikat</b>. "
            "Ein Zertifikat ist ein Nachweis. Darauf steht: Sie haben den Kurs gemacht.</li>"
            "<li>Jede Person kann prüfen, ob ein Zertifikat echt ist. Dafür gibt es einen "
            "Code auf dem Zertifikat.</li>"
            "</ul>",
        ),
        ("heading", "Wie finde ich mich zurecht?"),
        (
            "paragraph",
            "<p>Oben auf jeder Seite ist das <b>Menü</b>. Dort finden Sie:</p>"
            "<ul>"
            "<li><b>Kurse</b>: alle Kurse.</li>"
            "<li><b>Mein Lernen</b>: Ihre Kurse und wie weit Sie sind.</li>"
            "<li><b>CDO-Netzwerk</b>: Hier treffen sich Menschen, die in ihrer Stadt für das "
            "Digitale zuständig sind.</li>"
            "</ul>"
            "<p>Unten auf jeder Seite stehen wichtige Links. Zum Beispiel: Impressum und "
            "Datenschutz.</p>"
            "<p>Sie können die Seite auch nur mit der Tastatur bedienen. Mit der Taste "
            "„Tab“ gehen Sie zum nächsten Link.</p>",
        ),
        ("heading", "Was passiert mit meinen Daten?"),
        (
            "paragraph",
            "<p>Wir speichern Ihren Namen und Ihre E-Mail-Adresse.</p>"
            "<p>Wir speichern auch, welche Kurse Sie machen.</p>"
            "<p>Ihre Personal-Abteilung darf sehen, welche Kurse Sie gemacht haben.</p>"
            "<p>Sie können alle Ihre Daten ansehen. Das geht unter „Profil“.</p>",
        ),
        ("heading", "Etwas ist schwer zu bedienen?"),
        (
            "paragraph",
            "<p>Bitte sagen Sie es uns. Auf der Seite „Barrierefreiheit“ gibt es ein "
            "Formular. Dort können Sie uns schreiben.</p>",
        ),
    ],
}

SIGN_LANGUAGE = {
    "title": "Informationen in Deutscher Gebärdensprache",
    "blocks": [
        (
            "paragraph",
            "<p>Auf dieser Seite erklären Videos in Deutscher Gebärdensprache (DGS), was der "
            "Kommunal-Campus ist und wie Sie sich zurechtfinden. Unter jedem Video steht, was "
            "es zeigt.</p>",
        ),
        (
            "sign_language_video",
            {
                "title": "Willkommen beim Kommunal-Campus",
                "transcript": (
                    "<p>Willkommen beim Kommunal-Campus. Hier lernen Beschäftigte von Städten, "
                    "Gemeinden und Kreisen, wie die Verwaltung digital wird. Sie machen Kurse "
                    "mit Lektionen und einem Quiz. Wer das Quiz besteht, bekommt ein Zertifikat. "
                    "Jede Person kann mit dem Code auf dem Zertifikat prüfen, ob es echt ist.</p>"
                    "<p>Oben auf jeder Seite ist das Menü mit „Kurse“, „Mein Lernen“ und "
                    "„CDO-Netzwerk“. Unten auf jeder Seite finden Sie Impressum, "
                    "Datenschutz, die Erklärung zur Barrierefreiheit und diese Seite.</p>"
                    "<p>Wenn Ihnen etwas nicht zugänglich ist, schreiben Sie uns über das "
                    "Formular auf der Seite „Barrierefreiheit“.</p>"
                ),
            },
        ),
    ],
}

ACCESSIBILITY_STATEMENT = {
    "title": "Erklärung zur Barrierefreiheit",
    "scope": (
        f"<p>{OPERATOR} ist bemüht, den Kommunal-Campus im Einklang mit § 12a des "
        "Behindertengleichstellungsgesetzes (BGG) und der Barrierefreie-Informationstechnik-"
        "Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Diese Erklärung gilt für die "
        "Plattform unter dieser Adresse: Kurse, Lernbereich, Personalbereich, CDO-Netzwerk und "
        "die Prüfung von Zertifikaten.</p>"
    ),
    "non_accessible": (
        "<p>Die Plattform ist wegen der folgenden Unvereinbarkeiten nur teilweise mit BITV 2.0 "
        "vereinbar:</p><ul>"
        "<li>Die Zertifikate im PDF-Format sind noch nicht getaggt (PDF/UA); ein "
        "Bildschirmleser liest sie nicht zuverlässig in der richtigen Reihenfolge. Name, Kurs, "
        "Datum und Gültigkeit stehen barrierefrei auf der Prüfseite des Zertifikats.</li>"
        "<li>Die Videos in Deutscher Gebärdensprache werden noch erstellt; bis dahin steht ihr "
        "Inhalt als Text auf der Seite „Gebärdensprache“.</li>"
        "<li>Die Redaktionsoberfläche für Trainerinnen und Trainer (Wagtail) wurde nicht "
        "vollständig geprüft.</li>"
        "</ul>"
    ),
    "method": (
        "<p>Die Erklärung beruht auf einer Selbstbewertung. Jede Änderung der Plattform wird "
        "automatisiert geprüft: Ein Test besucht jede erreichbare Seite als Gast und in jeder "
        "Rolle und prüft sie mit axe-core gegen die Regeln der WCAG 2.1 (Stufen A und AA). "
        "Tastaturbedienung, Fokus, Vergrößerung auf 320 Pixel Breite und Ansagen nach dem "
        "Nachladen von Inhalten werden zusätzlich in einem echten Browser getestet.</p>"
    ),
    "feedback_contact": (
        "<p>Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder brauchen Sie "
        "Inhalte in einer anderen Form? Schreiben Sie uns mit dem Formular auf dieser Seite "
        "oder per E-Mail an [E-Mail-Adresse], Telefon [Telefonnummer].</p>"
    ),
    "enforcement": (
        "<p>Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten haben, "
        "können Sie sich an die Schlichtungsstelle nach § 16 BGG wenden. Sie hat die Aufgabe, "
        "Streitigkeiten zwischen Menschen mit Behinderungen und öffentlichen Stellen des "
        "Bundes zur Barrierefreiheit außergerichtlich beizulegen. Das Verfahren ist "
        "kostenlos; Sie brauchen keinen Rechtsbeistand.</p>"
        "<p>Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten "
        "der Bundesregierung für die Belange von Menschen mit Behinderungen, Mauerstraße 53, "
        "10117 Berlin, "
        '<a href="https://www.schlichtungsstelle-bgg.de">www.schlichtungsstelle-bgg.de</a>.</p>'
        "<p>Ist der Betreiber eine Stelle eines Landes oder einer Kommune, ist stattdessen die "
        "Durchsetzungs- oder Schlichtungsstelle dieses Landes zuständig: [Stelle und Anschrift "
        "eintragen].</p>"
    ),
}

PAGES = {
    "impressum": IMPRINT,
    "datenschutz": PRIVACY,
    "leichte-sprache": PLAIN_LANGUAGE,
    "gebaerdensprache": SIGN_LANGUAGE,
}
