"""Musterstadt's start-page text, legal pages and notice: Markdown, German and English.

Every legal text says it is a demo for a fictional town: a town running Amtstermin writes its
own (its data protection officer and accessibility coordinator know what belongs there).
"""

from .spec import NoticeSpec, PageSpec, Text

DEMO_DE = (
    "> **Demo:** Musterstadt ist eine erfundene Stadt. Dieser Text zeigt, wie die Seite "
    "aussehen kann; er ist kein gültiger Rechtstext."
)
DEMO_EN = (
    "> **Demo:** Musterstadt is a fictional town. This text shows what the page can look "
    "like; it is not a valid legal text."
)

START = PageSpec(
    kind="start",
    title=Text(
        "Willkommen im Bürgerbüro Musterstadt", "Welcome to the Musterstadt citizens' office"
    ),
    body=Text(
        "Buchen Sie hier Ihren Termin für Personalausweis, Reisepass, Anmeldung und mehr – "
        "rund um die Uhr. Vieles erledigen Sie ganz ohne Besuch: Im Service-Portal steht bei "
        "jeder Dienstleistung, was Sie brauchen.",
        "Book your appointment for an ID card, passport, registering your address and more – "
        "at any time of day. Much can be done without a visit: the service portal tells you "
        "what you need for each service.",
    ),
)

LEGAL_NOTICE = PageSpec(
    kind="legal_notice",
    title=Text("Impressum", "Legal notice"),
    body=Text(
        f"""{DEMO_DE}

## Anbieterin

Stadt Musterstadt\\
Markt 1\\
59302 Musterstadt

Die Stadt Musterstadt ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch
die Bürgermeisterin Dr. Erika Beispiel.

## Kontakt

- Telefon: [0221 4710 100](tel:+492214710100)
- E-Mail: [buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example)

Umsatzsteuer-Identifikationsnummer nach § 27a Umsatzsteuergesetz: DE000000000 (erfunden)

## Verantwortlich für den Inhalt

Verantwortlich im Sinne von § 18 Absatz 2 Medienstaatsvertrag: Claudia Richter,
Bürgerbüro, Markt 1, 59302 Musterstadt.

## Aufsicht

Die Rechtsaufsicht führt der Landrat des Kreises Musterland.

## Haftung für Links

Diese Seiten verweisen auch auf Angebote anderer, etwa des Kreises. Für deren Inhalte sind
deren Anbieter verantwortlich.""",
        f"""{DEMO_EN}

## Provider

Stadt Musterstadt (the town of Musterstadt)\\
Markt 1\\
59302 Musterstadt\\
Germany

The town of Musterstadt is a public-law corporation. It is represented by its mayor,
Dr. Erika Beispiel.

## Contact

- Phone: [+49 221 4710 100](tel:+492214710100)
- Email: [buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example)

VAT identification number under section 27a of the German VAT Act: DE000000000 (fictional)

## Responsible for the content

Responsible under section 18 (2) of the German Interstate Media Treaty: Claudia Richter,
citizens' office, Markt 1, 59302 Musterstadt.

## Supervision

The town is supervised by the chief executive (Landrat) of Kreis Musterland.

## Links to other websites

These pages also link to services of others, such as the county. Their providers are
responsible for their content.""",
    ),
)

PRIVACY = PageSpec(
    kind="privacy",
    title=Text("Datenschutzerklärung", "Privacy notice"),
    body=Text(
        f"""{DEMO_DE}

## Wer ist verantwortlich?

Verantwortlich für die Verarbeitung Ihrer Daten ist die Stadt Musterstadt, Markt 1,
59302 Musterstadt, [buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example).
Unseren behördlichen Datenschutzbeauftragten erreichen Sie unter
[datenschutz@musterstadt.example](mailto:datenschutz@musterstadt.example).

## Welche Daten wir verarbeiten und wozu

Wenn Sie einen Termin buchen, speichern wir Ihren Namen, Ihre E-Mail-Adresse, auf Wunsch
Ihre Telefonnummer, die gewählten Dienstleistungen und die Uhrzeit. Wir brauchen diese
Angaben, um den Termin zu vergeben, ihn Ihnen zu bestätigen, Sie daran zu erinnern und Sie
über Änderungen zu informieren. Die Mitarbeitenden im Bürgerbüro sehen sie in ihrem
Tagesplan.

Rechtsgrundlage ist Artikel 6 Absatz 1 Buchstabe e der Datenschutz-Grundverordnung (DSGVO)
in Verbindung mit § 3 des Datenschutzgesetzes Nordrhein-Westfalen: Die Terminvergabe gehört
zu den Aufgaben der Stadt.

## Wie lange wir Daten speichern

Wir löschen Ihre Angaben, sobald sie für den Termin nicht mehr gebraucht werden, spätestens
nach Ablauf der gesetzlichen Aufbewahrungsfrist.

## Cookies und Schutz vor Missbrauch

Wir setzen nur Cookies, die für die Buchung nötig sind: eines merkt sich Ihre Schritte bei
der Buchung, eines die gewählte Sprache. Es gibt keine Werbung, keine Reichweitenmessung und
keine Inhalte anderer Anbieter. Ihre IP-Adresse speichern wir nicht; zum Schutz vor
Missbrauch bewahren wir für kurze Zeit einen daraus gebildeten, nicht lesbaren Code auf.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung
sowie das Recht, der Verarbeitung zu widersprechen (Artikel 15 bis 21 DSGVO). Sie können
sich außerdem bei der Aufsichtsbehörde beschweren, in Nordrhein-Westfalen bei der
Landesbeauftragten für Datenschutz und Informationsfreiheit.""",
        f"""{DEMO_EN}

## Who is responsible?

The town of Musterstadt, Markt 1, 59302 Musterstadt,
[buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example), is responsible
for processing your data. You can reach our data protection officer at
[datenschutz@musterstadt.example](mailto:datenschutz@musterstadt.example).

## Which data we process and why

When you book an appointment, we store your name, your email address, your phone number if
you give it, the services you chose and the time. We need these details to give you the
appointment, confirm it, remind you and tell you about changes. Staff at the citizens'
office see them on their day plan.

The legal basis is Article 6 (1) (e) of the General Data Protection Regulation (GDPR) with
section 3 of the North Rhine-Westphalia Data Protection Act: giving appointments is one of
the town's tasks.

## How long we keep data

We delete your details when they are no longer needed for the appointment, at the latest
after the statutory retention period.

## Cookies and protection against abuse

We only set cookies that booking needs: one remembers your steps while you book, one the
language you chose. There is no advertising, no audience measurement and no content from
other providers. We do not store your IP address; to stop abuse we keep an unreadable code
made from it for a short time.

## Your rights

You have the right of access, rectification, erasure and restriction of processing, and
the right to object (Articles 15 to 21 GDPR). You can also complain to the supervisory
authority, in North Rhine-Westphalia the State Commissioner for Data Protection and Freedom
of Information.""",
    ),
)

# The accessibility statement is written from its own fields (musterstadt_accessibility.py).
PAGES = (START, LEGAL_NOTICE, PRIVACY)

NOTICES = (
    NoticeSpec(
        title=Text("Passbilder nur noch digital", "Passport photos only in digital form"),
        body=Text(
            "Für Personalausweis und Reisepass nehmen wir seit dem 1. Mai 2025 nur noch digitale "
            "Passbilder an. Bringen Sie den Code aus dem Fotostudio mit – oder lassen Sie das "
            "Foto bei uns machen (6,00 €).",
            "Since 1 May 2025 we only accept digital photos for ID cards and passports. Bring "
            "the code from a certified photo studio – or have the photo taken here (6.00 €).",
        ),
    ),
)
