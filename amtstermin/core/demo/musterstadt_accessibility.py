"""Musterstadt's accessibility statement, as its accessibility coordinator would fill it in.

Written in German and English; the other languages are in catalogue/<code>.json. The enforcement
body is the model's default, the Ombudsstelle of North Rhine-Westphalia.
"""

from .spec import StatementSpec, Text

STATEMENT = StatementSpec(
    compliance="partial",
    known_gaps=Text(
        """\
- **Prüfung gegen Programme, die massenhaft buchen:** Sie braucht JavaScript. Ohne JavaScript
  können Sie trotzdem buchen: Ihr Termin ist dann vorgemerkt, bis Sie ihn über den Link in
  unserer E-Mail bestätigen.
- **PDF-Formulare:** Einige Formulare, die Sie zu Ihrem Termin mitbringen sollen, sind ältere
  PDF-Dateien ohne Struktur. Wir stellen sie bis Ende 2027 barrierefrei bereit; bis dahin
  füllen wir sie gern mit Ihnen gemeinsam im Bürgerbüro aus.
- **Aufrufanzeige im Wartebereich:** Ihre Wartenummer wird nur angezeigt und nicht angesagt.
  Sagen Sie uns am Empfang Bescheid, dann holen wir Sie persönlich ab.""",
        """\
- **Check against programs that book in bulk:** it needs JavaScript. Without JavaScript you
  can still book: your appointment is then reserved until you confirm it through the link in
  our email.
- **PDF forms:** some forms to bring to your appointment are older PDF files without
  structure. We will provide accessible versions by the end of 2027; until then we are glad
  to fill them in with you at the Bürgerbüro.
- **Call display in the waiting area:** your waiting number is shown but not announced. Tell
  us at the reception and we will come and fetch you in person.""",
    ),
    method="self",
    method_note=Text(
        "Jede Seite wird bei jeder Änderung automatisch mit axe-core geprüft; die Buchung haben "
        "wir zusätzlich von Hand mit der Tastatur und dem Screenreader NVDA getestet.",
        "Every page is checked automatically with axe-core on every change; we also tested "
        "booking by hand with the keyboard and the NVDA screen reader.",
    ),
    contact_email="barrierefreiheit@musterstadt.example",
    contact_phone="0221 4710 100",
    reply_days=14,
)
