"""Musterstadt (NRW, about 25,000 inhabitants): one Bürgerbüro, plain data only.

Fees, times and documents follow docs/DOMAIN.md (as of November 2026). Each town sets its own
as data; the municipal fees here (Meldebescheinigung, Beglaubigung, Melderegisterauskunft) are
typical NRW values and meant to be changed in the admin.
"""

from datetime import date, time
from decimal import Decimal

from .musterstadt_accessibility import STATEMENT
from .musterstadt_easy import EASY_LANGUAGE
from .musterstadt_pages import NOTICES, PAGES
from .spec import (
    Block,
    DepartmentSpec,
    DocumentSpec,
    LocationSpec,
    Needs,
    Request,
    ServiceSpec,
    StaffSpec,
    Text,
    Town,
)

MON, TUE, WED, THU, FRI = range(5)
MORNING = (time(8), time(12))

# Documents: one row each, shared between services, so a booking of several services lists
# each document once.
PHOTO = DocumentSpec(
    Text("Code Ihres digitalen Passbilds", "Code of your digital passport photo"),
    # Paper photos are no longer accepted since 1 May 2025; the office takes one for 6 €.
    Text(
        "vom zertifizierten Fotostudio – oder Foto vor Ort, 6,00 €; Papierfotos werden seit "
        "1. Mai 2025 nicht mehr angenommen",
        "from a certified photo studio – or have it taken here, 6.00 €; paper photos are no "
        "longer accepted since 1 May 2025",
    ),
)
OLD_ID_CARD = DocumentSpec(
    Text("bisheriger Personalausweis", "Current identity card"),
    Text("auch wenn abgelaufen", "even if expired"),
)
OLD_PASSPORT = DocumentSpec(
    Text("bisheriger Reisepass", "Current passport"),
    Text("falls vorhanden, auch wenn abgelaufen", "if you have one, even if expired"),
)
CERTIFICATE = DocumentSpec(
    Text("Geburts- oder Heiratsurkunde", "Birth or marriage certificate"),
    Text(
        "nur beim ersten Antrag oder nach einer Namensänderung",
        "only for a first application or after a change of name",
    ),
)
ID = DocumentSpec(
    Text("Personalausweis oder Reisepass", "Identity card or passport"),
    Text("gültig", "valid"),
)
LANDLORD = DocumentSpec(
    Text("Wohnungsgeberbestätigung", "Landlord's confirmation (Wohnungsgeberbestätigung)"),
    Text(
        "vom Vermieter ausgefüllt und unterschrieben (§ 19 BMG)",
        "filled in and signed by your landlord (section 19 BMG)",
    ),
)
OLD_DOCUMENT = DocumentSpec(
    Text("bisheriges Dokument", "Your previous document"),
    Text("wird bei der Abholung entwertet", "it is invalidated at pickup"),
)
PICKUP_SLIP = DocumentSpec(
    Text("Abholschein", "Pickup slip"),
    Text(
        "bei Abholung durch eine andere Person zusätzlich eine Vollmacht",
        "if someone else picks it up, also a signed authorisation",
    ),
)
POLICE_REPORT = DocumentSpec(
    Text("Anzeige der Polizei", "Police report"),
    Text("nur bei Diebstahl", "only if the document was stolen"),
)
EMPLOYER_LETTER = DocumentSpec(
    Text("Aufforderungsschreiben", "Request letter"),
    Text(
        "nur für ein erweitertes Führungszeugnis (vom Arbeitgeber oder Verein)",
        "only for an extended certificate of good conduct (from your employer or club)",
    ),
)
ORIGINAL = DocumentSpec(
    Text("Originaldokument", "Original document"),
    Text("", ""),
)
COPY = DocumentSpec(
    Text("Kopie jeder Seite", "Copy of each page"),
    Text("eine Kopie je zu beglaubigender Seite", "one copy per page to be certified"),
)

TRAVEL = Text("Ausweis & Reisen", "ID & travel")
MOVING = Text("Umzug", "Moving")
CERTIFICATES = Text("Bescheinigungen", "Certificates")
PRIVACY = Text("Datenschutz", "Privacy")
VEHICLES = Text("Auto & Verkehr", "Cars & traffic")

# The LeiKa keys are illustrative: 14 digits in the Leistungskatalog's pattern, not checked
# against the official catalogue; a real town copies its keys from its FIM/LeiKa portal.
SERVICES = (
    ServiceSpec(
        slug="personalausweis",
        department="einwohnermeldewesen",
        leika_key="99102013104000",
        name=Text("Personalausweis", "Identity card"),
        description=Text(
            "Neuer Personalausweis mit Online-Ausweisfunktion. Jede Person kommt selbst "
            "(Unterschrift und Fingerabdrücke). Fertig nach etwa 3–4 Wochen.",
            "New identity card with online ID function. Every applicant comes in person "
            "(signature and fingerprints). Ready after about 3–4 weeks.",
        ),
        life_situation=TRAVEL,
        synonyms="Perso, Ausweis, ID-Karte, eID, Personalausweis beantragen",
        duration_minutes=15,
        additional_minutes=10,
        max_quantity=4,
        fee=Decimal("46.00"),
        fee_note=Text("27,60 € unter 24 Jahren", "27.60 € under 24"),
        legal_basis="PAuswG; Personalausweisgebührenverordnung (PAuswGebV)",
        documents=(Needs(OLD_ID_CARD), Needs(PHOTO), Needs(CERTIFICATE)),
    ),
    ServiceSpec(
        slug="reisepass",
        department="einwohnermeldewesen",
        leika_key="99102015104000",
        name=Text("Reisepass", "Passport"),
        description=Text(
            "Neuer Reisepass (32 oder 48 Seiten), auch im Expressverfahren. Jede Person kommt "
            "selbst. Einen Kinderreisepass gibt es seit dem 1. Januar 2024 nicht mehr.",
            "New passport (32 or 48 pages), express procedure possible. Every applicant comes "
            "in person. Children's passports are no longer issued since 1 January 2024.",
        ),
        life_situation=TRAVEL,
        synonyms="Pass, Passport, ePass, Reisepass beantragen, Expresspass",
        duration_minutes=15,
        additional_minutes=10,
        max_quantity=4,
        fee=Decimal("70.00"),
        fee_note=Text(
            "37,50 € unter 24 Jahren; 48 Seiten + 22,00 €; Expressverfahren + 32,00 €",
            "37.50 € under 24; 48 pages + 22.00 €; express procedure + 32.00 €",
        ),
        legal_basis="PassG; Passverordnung (PassV) § 15",
        documents=(Needs(OLD_PASSPORT), Needs(OLD_ID_CARD), Needs(PHOTO), Needs(CERTIFICATE)),
    ),
    ServiceSpec(
        slug="vorlaeufiger-personalausweis",
        department="einwohnermeldewesen",
        leika_key="99102012104000",
        name=Text("Vorläufiger Personalausweis", "Temporary identity card"),
        description=Text(
            "Sofort ausgestellt, ein Jahr gültig, zum Beispiel wenn die Reise vor der "
            "Fertigstellung des Personalausweises beginnt.",
            "Issued on the spot, valid for one year, for example when you travel before your "
            "identity card is ready.",
        ),
        life_situation=TRAVEL,
        synonyms="Ersatzausweis, Notausweis, vorläufiger Ausweis",
        duration_minutes=10,
        additional_minutes=10,
        max_quantity=4,
        fee=Decimal("10.00"),
        legal_basis="PAuswG § 3; PAuswGebV",
        documents=(Needs(OLD_ID_CARD), Needs(PHOTO)),
    ),
    ServiceSpec(
        slug="abholung-ausweis-reisepass",
        department="einwohnermeldewesen",
        leika_key="99102013107000",
        name=Text("Abholung Personalausweis oder Reisepass", "Pick up identity card or passport"),
        description=Text(
            "Abholung des fertigen Dokuments, etwa 3–4 Wochen nach dem Antrag.",
            "Pick up your finished document, about 3–4 weeks after applying.",
        ),
        life_situation=TRAVEL,
        synonyms="abholen, Ausweis abholen, Pass abholen, fertiger Ausweis",
        duration_minutes=5,
        additional_minutes=2,
        max_quantity=6,
        fee=Decimal("0.00"),
        documents=(Needs(OLD_DOCUMENT), Needs(PICKUP_SLIP, "once")),
    ),
    ServiceSpec(
        slug="anmeldung",
        department="einwohnermeldewesen",
        leika_key="99115001001000",
        name=Text("Anmeldung einer Wohnung", "Registering a new address"),
        description=Text(
            "Zuzug nach Musterstadt: Anmeldung innerhalb von zwei Wochen nach dem Einzug.",
            "Moving to Musterstadt: register within two weeks of moving in.",
        ),
        life_situation=MOVING,
        synonyms="Wohnsitz anmelden, Zuzug, Umzug, neue Wohnung, Wohnungsanmeldung",
        duration_minutes=15,
        additional_minutes=5,
        max_quantity=6,
        fee=Decimal("0.00"),
        legal_basis="Bundesmeldegesetz (BMG) §§ 17, 19",
        documents=(Needs(LANDLORD, "once"), Needs(ID)),
    ),
    ServiceSpec(
        slug="ummeldung",
        department="einwohnermeldewesen",
        leika_key="99115002001000",
        name=Text("Ummeldung innerhalb Musterstadts", "Moving within Musterstadt"),
        description=Text(
            "Umzug innerhalb der Stadt: Ummeldung innerhalb von zwei Wochen.",
            "Moving within the town: re-register within two weeks.",
        ),
        life_situation=MOVING,
        synonyms="Umzug, Adressänderung, neue Adresse, Wohnungswechsel",
        duration_minutes=10,
        additional_minutes=5,
        max_quantity=6,
        fee=Decimal("0.00"),
        legal_basis="Bundesmeldegesetz (BMG) §§ 17, 19",
        documents=(Needs(LANDLORD, "once"), Needs(ID)),
    ),
    ServiceSpec(
        slug="abmeldung",
        department="einwohnermeldewesen",
        leika_key="99115003001000",
        name=Text("Abmeldung ins Ausland", "Deregistering when moving abroad"),
        description=Text(
            "Wegzug ins Ausland oder Aufgabe einer Nebenwohnung.",
            "Moving abroad or giving up a secondary residence.",
        ),
        life_situation=MOVING,
        synonyms="Wegzug, Ausland, Nebenwohnung abmelden",
        duration_minutes=5,
        additional_minutes=2,
        max_quantity=6,
        fee=Decimal("0.00"),
        legal_basis="Bundesmeldegesetz (BMG) § 17 Abs. 2",
        documents=(Needs(ID),),
    ),
    ServiceSpec(
        slug="meldebescheinigung",
        department="einwohnermeldewesen",
        leika_key="99115004012000",
        name=Text("Meldebescheinigung", "Certificate of registration"),
        description=Text(
            "Bescheinigung über Ihre aktuelle Anschrift, zum Beispiel für Behörden oder "
            "Arbeitgeber.",
            "Confirms your current address, for example for authorities or employers.",
        ),
        life_situation=CERTIFICATES,
        synonyms="Wohnsitzbescheinigung, Meldebestätigung, Aufenthaltsbescheinigung",
        duration_minutes=5,
        additional_minutes=2,
        max_quantity=4,
        fee=Decimal("10.00"),
        legal_basis="Bundesmeldegesetz (BMG) § 18",
        documents=(Needs(ID, "once"),),
    ),
    ServiceSpec(
        slug="fuehrungszeugnis",
        department="einwohnermeldewesen",
        leika_key="99015005001000",
        name=Text("Führungszeugnis", "Certificate of good conduct"),
        description=Text(
            "Antrag auf ein Führungszeugnis beim Bundesamt für Justiz, einfach oder erweitert; "
            "es kommt per Post.",
            "Application for a certificate of good conduct from the Federal Office of Justice, "
            "standard or extended; it arrives by post.",
        ),
        life_situation=CERTIFICATES,
        synonyms="polizeiliches Führungszeugnis, erweitertes Führungszeugnis, BZR",
        duration_minutes=10,
        additional_minutes=0,
        max_quantity=1,
        fee=Decimal("13.00"),
        fee_note=Text(
            "gebührenfrei für ehrenamtliche Tätigkeit (auf Antrag)",
            "free for volunteer work (on request)",
        ),
        legal_basis="Bundeszentralregistergesetz (BZRG) §§ 30, 30a; JVKostG",
        documents=(Needs(ID), Needs(EMPLOYER_LETTER, "once")),
    ),
    ServiceSpec(
        slug="beglaubigung",
        department="einwohnermeldewesen",
        leika_key="99014001001000",
        name=Text("Beglaubigung von Kopien", "Certified copies"),
        description=Text(
            "Amtliche Beglaubigung von Kopien und Unterschriften für die Vorlage bei Behörden.",
            "Official certification of copies and signatures for use with authorities.",
        ),
        life_situation=CERTIFICATES,
        synonyms="beglaubigte Kopie, Abschrift, Unterschriftsbeglaubigung",
        duration_minutes=5,
        additional_minutes=2,
        max_quantity=10,
        fee=Decimal("5.00"),
        fee_note=Text("je Seite", "per page"),
        legal_basis="Verwaltungsverfahrensgesetz NRW (VwVfG NRW) §§ 33, 34",
        documents=(Needs(ORIGINAL, "once"), Needs(COPY), Needs(ID, "once")),
    ),
    ServiceSpec(
        slug="verlustmeldung",
        department="einwohnermeldewesen",
        leika_key="99102013090000",
        name=Text(
            "Verlust eines Ausweises oder Reisepasses", "Reporting a lost ID card or passport"
        ),
        description=Text(
            "Meldung eines verlorenen oder gestohlenen Ausweisdokuments; die Online-"
            "Ausweisfunktion wird gesperrt.",
            "Report a lost or stolen identity document; its online ID function is blocked.",
        ),
        life_situation=TRAVEL,
        synonyms="verloren, gestohlen, Diebstahl, Verlustanzeige, Ausweis weg",
        duration_minutes=10,
        additional_minutes=5,
        max_quantity=4,
        fee=Decimal("0.00"),
        legal_basis="PAuswG § 27; PassG § 15",
        documents=(Needs(POLICE_REPORT, "once"), Needs(ID, "once")),
    ),
    ServiceSpec(
        slug="uebermittlungssperre",
        department="einwohnermeldewesen",
        leika_key="99115007001000",
        name=Text("Übermittlungssperre", "Objecting to the disclosure of your data"),
        description=Text(
            "Widerspruch gegen die Weitergabe Ihrer Meldedaten, etwa an Parteien vor Wahlen, "
            "an Adressbuchverlage oder für Alters- und Ehejubiläen.",
            "Object to the disclosure of your registration data, e.g. to political parties "
            "before elections, address book publishers, or for birthday and anniversary "
            "greetings.",
        ),
        life_situation=PRIVACY,
        synonyms="Widerspruch, Datensperre, Werbung, Datenweitergabe",
        duration_minutes=5,
        additional_minutes=2,
        max_quantity=6,
        fee=Decimal("0.00"),
        legal_basis="Bundesmeldegesetz (BMG) §§ 36, 42, 50",
        documents=(Needs(ID),),
    ),
    ServiceSpec(
        slug="melderegisterauskunft",
        department="einwohnermeldewesen",
        leika_key="99115005001000",
        name=Text("Einfache Melderegisterauskunft", "Simple registry information"),
        description=Text(
            "Auskunft über Namen, Doktorgrad und aktuelle Anschriften einer Person, ohne "
            "Besuch: online beantragen, Antwort per Post oder E-Mail.",
            "Name, doctoral degree and current addresses of a person, without a visit: apply "
            "online, the answer comes by post or email.",
        ),
        life_situation=CERTIFICATES,
        synonyms="Adressauskunft, Anschrift ermitteln, EMA",
        mode="online_request",
        request_kind="melderegisterauskunft",
        duration_minutes=5,
        fee=Decimal("10.00"),
        legal_basis="Bundesmeldegesetz (BMG) § 44",
    ),
    ServiceSpec(
        slug="steuer-id",
        department="einwohnermeldewesen",
        leika_key="99102105001000",
        name=Text("Auskunft zur Steuer-Identifikationsnummer", "Your tax identification number"),
        description=Text(
            "Sie haben Ihre Steuer-ID nicht zur Hand? Beantragen Sie die Auskunft online; "
            "wir schicken die Nummer per Post an Ihre Meldeanschrift, nie per E-Mail.",
            "Cannot find your tax ID? Apply online; we send the number by post to your "
            "registered address, never by email.",
        ),
        life_situation=CERTIFICATES,
        synonyms="Steuer-ID, Steueridentifikationsnummer, IdNr, Steuernummer vergessen",
        mode="online_request",
        request_kind="steuer_id",
        duration_minutes=5,
        fee=Decimal("0.00"),
        legal_basis="Abgabenordnung (AO) § 139b",
    ),
    ServiceSpec(
        slug="kfz-zulassung",
        department="kreis-musterland",
        leika_key="99036001001000",
        name=Text("Kfz-Zulassung", "Vehicle registration"),
        description=Text(
            "Zulassung, Ummeldung und Außerbetriebsetzung von Fahrzeugen erledigt das "
            "Straßenverkehrsamt des Kreises Musterland auf seinem eigenen Portal.",
            "Registering, transferring and deregistering vehicles is done by the road traffic "
            "office of Kreis Musterland on its own portal.",
        ),
        life_situation=VEHICLES,
        synonyms="Auto anmelden, Kennzeichen, Zulassungsstelle, Ummeldung Auto, Abmeldung Auto",
        mode="external_link",
        # A reserved .example address: the county is as fictional as the town.
        external_url="https://www.kreis-musterland.example/kfz",
        legal_basis="Fahrzeug-Zulassungsverordnung (FZV)",
        offered_here=False,
    ),
)

APPOINTMENT_SERVICES = tuple(
    service.slug for service in SERVICES if service.mode == "appointment" and service.offered_here
)
ID_AND_TRAVEL = (
    "personalausweis",
    "reisepass",
    "vorlaeufiger-personalausweis",
    "abholung-ausweis-reisepass",
    "verlustmeldung",
)
REGISTRATION = (
    "anmeldung",
    "ummeldung",
    "abmeldung",
    "meldebescheinigung",
    "uebermittlungssperre",
    "abholung-ausweis-reisepass",
)


def _mornings(*weekdays: int) -> tuple[Block, ...]:
    return tuple(Block(weekday, *MORNING) for weekday in weekdays)


# Part-time rosters inside the opening hours, never more people than the four counters. Gaps
# between blocks are breaks; blocks that are not online-bookable are kept back for phone calls
# and walk-ins (pickups, emergencies).
STAFF = (
    StaffSpec(
        username="clerk1",
        name="Sabine Kowalski",
        department="einwohnermeldewesen",
        skills=APPOINTMENT_SERVICES,
        blocks=(
            *_mornings(MON, TUE),
            Block(THU, time(8), time(12)),
            Block(THU, time(14), time(16)),
            Block(FRI, time(8), time(12)),
        ),
    ),
    StaffSpec(
        username="clerk2",
        name="Thomas Berger",
        department="einwohnermeldewesen",
        skills=APPOINTMENT_SERVICES,
        blocks=(
            Block(MON, time(8), time(12)),
            Block(TUE, time(14), time(17)),
            Block(TUE, time(17), time(18), online_bookable=False),
            Block(WED, time(8), time(12)),
            Block(THU, time(14), time(16)),
            Block(FRI, time(8), time(12)),
        ),
    ),
    StaffSpec(
        username="clerk3",
        name="Aylin Demir",
        department="einwohnermeldewesen",
        skills=ID_AND_TRAVEL,
        blocks=(
            Block(MON, time(8), time(12)),
            Block(TUE, time(14), time(18)),
            Block(WED, time(8), time(12)),
            Block(FRI, time(8), time(11)),
            Block(FRI, time(11), time(12), online_bookable=False),
        ),
    ),
    StaffSpec(
        username="clerk4",
        name="Jan Hoffmann",
        department="einwohnermeldewesen",
        skills=REGISTRATION,
        blocks=(
            Block(MON, time(8), time(9), online_bookable=False),
            Block(MON, time(9), time(12)),
            Block(TUE, time(8), time(12)),
            Block(THU, time(8), time(12)),
            Block(FRI, time(8), time(12)),
        ),
        absent_this_week=True,
    ),
    StaffSpec(
        username="clerk5",
        name="Marta Nowak",
        department="einwohnermeldewesen",
        skills=(
            "personalausweis",
            "reisepass",
            "abholung-ausweis-reisepass",
            "anmeldung",
            "ummeldung",
            "abmeldung",
            "meldebescheinigung",
        ),
        blocks=(
            Block(TUE, time(8), time(12)),
            Block(WED, time(8), time(10), online_bookable=False),
            Block(WED, time(10), time(12)),
            Block(THU, time(8), time(12)),
        ),
    ),
    StaffSpec(
        username="clerk6",
        name="Peter Schulte",
        department="einwohnermeldewesen",
        role="team_lead",
        skills=(
            "fuehrungszeugnis",
            "beglaubigung",
            "meldebescheinigung",
            "uebermittlungssperre",
            "verlustmeldung",
            "abholung-ausweis-reisepass",
        ),
        blocks=(
            Block(TUE, time(8), time(12), online_bookable=False),
            Block(TUE, time(14), time(18)),
            Block(WED, time(8), time(12)),
            Block(THU, time(8), time(12)),
        ),
    ),
)

# What citizens book, roughly as often as a Bürgerbüro sees it. Quantities weight 1, 2, 3 …
# persons (or pages) of the first service.
REQUESTS = (
    Request(("personalausweis",), 24, (70, 18, 8, 4)),
    Request(("reisepass",), 14, (75, 15, 7, 3)),
    Request(("personalausweis", "reisepass"), 6),
    Request(("vorlaeufiger-personalausweis",), 3, (85, 15)),
    Request(("abholung-ausweis-reisepass",), 12, (70, 20, 6, 4)),
    Request(("anmeldung",), 12, (55, 25, 10, 7, 3)),
    Request(("anmeldung", "meldebescheinigung"), 3),
    Request(("ummeldung",), 7, (55, 25, 12, 8)),
    Request(("abmeldung",), 3, (80, 15, 5)),
    Request(("meldebescheinigung",), 5),
    Request(("fuehrungszeugnis",), 6),
    Request(("beglaubigung",), 4, (30, 25, 20, 10, 10, 5)),
    Request(("verlustmeldung",), 2),
    Request(("uebermittlungssperre",), 1),
)

MUSTERSTADT = Town(
    departments=(
        DepartmentSpec(
            slug="einwohnermeldewesen",
            name=Text("Einwohnermeldewesen", "Residents' registration"),
            description=Text(
                "Ausweise, Pässe, An- und Ummeldungen und Bescheinigungen im Bürgerbüro.",
                "ID cards, passports, registering your address and certificates at the "
                "citizens' office.",
            ),
            position=1,
        ),
        DepartmentSpec(
            slug="kreis-musterland",
            name=Text(
                "Kreis Musterland – Straßenverkehrsamt", "Kreis Musterland – road traffic office"
            ),
            description=Text(
                "Leistungen des Kreises, nicht der Stadt: bitte direkt beim Kreis erledigen.",
                "Services of the county, not the town: please use the county's portal.",
            ),
            position=9,
        ),
    ),
    location=LocationSpec(
        slug="buergerbuero",
        name=Text("Bürgerbüro Musterstadt", "Musterstadt citizens' office"),
        street="Markt 1",
        postcode="59302",
        city="Musterstadt",
        federal_state="NW",
        directions=Text(
            "Rathaus, Erdgeschoss, barrierefreier Eingang am Marktplatz. Bus 3 und 7, "
            "Haltestelle Rathaus.",
            "Town hall, ground floor, step-free entrance on the market square. Bus 3 and 7, "
            "stop Rathaus.",
        ),
        email="buergerbuero@musterstadt.example",
        phone="0221 4710 100",
        min_notice_minutes=60,
        requires_email_confirmation=True,
        hold_minutes=30,
        rerelease_minutes=15,
        waiting_prefix="A",
        counters=("Schalter 1", "Schalter 2", "Schalter 3", "Schalter 4"),
        opening_hours={
            MON: (MORNING,),
            TUE: (MORNING, (time(14), time(18))),  # the long service afternoon
            WED: (MORNING,),
            THU: (MORNING, (time(14), time(16))),
            FRI: (MORNING,),
        },
    ),
    services=SERVICES,
    staff=STAFF,
    requests=REQUESTS,
    first_names=tuple(
        (
            "Erika Max Anna Lukas Fatma Mehmet Olga Dmitri Sophie Jonas Aleksandra Piotr "
            "Leonie Felix Amira Yusuf Hannelore Klaus Mia Elias Giulia Marco Nele Tim "
            "Zeynep Emre Ingrid Heinz Lina Noah Katarzyna Ana Björn Jörg Chiara Omar"
        ).split()
    ),
    last_names=tuple(
        (
            "Mustermann Musterfrau Beispiel Schmitz Wagner Yılmaz Kaya Nowicki Petrov "
            "Becker Hoffmeister Schröder Rossi Wójcik Haddad Öztürk Lange Krüger Brandt "
            "Vogel Jansen Meier Bauer Hermes Kuhlmann Ivanova Fischer Lorenz Al-Sayed "
            "Tönnies"
        ).split()
    ),
    # Numbers the Bundesnetzagentur reserves for fiction (Köln 0221 4710 000–999).
    phone_prefix="0221 4710 ",
    admin_username="admin",
    admin_name="Claudia Richter",
    admin_department="einwohnermeldewesen",
    admin_password="Rathaus-Demo-2026",
    staff_password="Buergerbuero-Demo-2026",
    # Public like the passwords: every demo login's authenticator app uses this key.
    demo_totp_secret="MUSTERSTADTDEMONICHTGEHEIM234567",
    demo_display_token="musterstadt-demo-aufrufanzeige",
    demo_kiosk_token="musterstadt-demo-terminal",
    roster_valid_from=date(2025, 1, 1),
    pages=(*PAGES, EASY_LANGUAGE),
    notices=NOTICES,
    accessibility=STATEMENT,
)
