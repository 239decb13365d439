"""Musterstadt's information in Leichte Sprache (BITV 2.0 § 4, Anlage 2), after the rules of
the Netzwerk Leichte Sprache: short sentences, one statement each, long words hyphenated,
hard words explained, numbers as digits. The German text is Leichte Sprache already, so the
Leichte Sprache column (catalogue/de-x-ls.json) holds the same text."""

from .spec import PageSpec, Text

EASY_LANGUAGE = PageSpec(
    kind="easy_language",
    title=Text("Informationen in Leichter Sprache", "Information in easy language"),
    body=Text(
        """## Was gibt es auf dieser Internet-Seite?

Das ist die Internet-Seite vom Bürger-Büro Musterstadt.

Hier können Sie einen Termin buchen.

Buchen heißt: Sie suchen sich einen Tag und eine Uhr-Zeit aus.

Dann kommen Sie zu dieser Zeit ins Bürger-Büro.

Im Bürger-Büro bekommen Sie zum Beispiel:

- einen Personal-Ausweis
- einen Reise-Pass
- eine Anmeldung für Ihre neue Wohnung

## So buchen Sie einen Termin

1. Gehen Sie auf die Seite [Termin buchen](/termin/).
2. Wählen Sie aus, was Sie brauchen.
3. Wählen Sie einen Tag und eine Uhr-Zeit.
4. Schreiben Sie Ihren Namen und Ihre E-Mail-Adresse.
5. Schicken Sie die Buchung ab.
6. Sie bekommen eine E-Mail.
7. In der E-Mail steht: Ihr Termin ist gebucht.

Bitte bringen Sie Ihren Ausweis zum Termin mit.

## So sagen Sie einen Termin ab

Absagen heißt: Sie kommen nicht zum Termin.

1. Öffnen Sie die E-Mail von uns.
2. In der E-Mail ist ein Link.
3. Klicken Sie auf den Link.
4. Klicken Sie auf: Termin absagen.

Ein Link ist ein Verweis auf eine andere Internet-Seite.

Sie haben die E-Mail nicht mehr?

Dann bekommen Sie den Link hier noch einmal: [Termin verwalten](/termin/verwalten/)

## Erklärung zur Barriere-Freiheit

Barriere-Freiheit heißt: Alle Menschen können die Internet-Seite gut benutzen.

Auch Menschen mit Behinderung.

In der Erklärung zur Barriere-Freiheit steht: Was ist auf der Internet-Seite noch schwer?

Sie finden die Erklärung ganz unten auf jeder Seite.

Oder hier: [Erklärung zur Barriere-Freiheit](/barrierefreiheit/)

Etwas auf der Internet-Seite ist schwer für Sie?

Dann sagen Sie es uns bitte.

Schreiben Sie eine E-Mail an:
[buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example)

## Hier bekommen Sie Hilfe

Sie brauchen Hilfe?

Dann rufen Sie uns an: [0221 4710 100](tel:+492214710100)

Oder kommen Sie ins Bürger-Büro.

Das Bürger-Büro ist im Rat-Haus im Erd-Geschoss.

Die Adresse ist: Markt 1 in Musterstadt.

Am Eingang ist eine Info-Theke.

Dort hilft man Ihnen gern.""",
        """## What is on this website?

This is the website of the Musterstadt citizens' office.

Here you can book an appointment.

Book means: you choose a day and a time.

Then you come to the citizens' office at this time.

At the citizens' office you get, for example:

- an identity card
- a passport
- a registration for your new home

## How to book an appointment

1. Go to the page [Book an appointment](/termin/).
2. Choose what you need.
3. Choose a day and a time.
4. Write your name and your email address.
5. Send the booking.
6. You get an email.
7. The email says: your appointment is booked.

Please bring your identity card to the appointment.

## How to cancel an appointment

Cancel means: you do not come to the appointment.

1. Open the email from us.
2. The email has a link.
3. Click on the link.
4. Click on: Cancel appointment.

A link leads to another web page.

You do not have the email any more?

Then you get the link again here: [Manage your appointment](/termin/verwalten/)

## Accessibility statement

Accessible means: all people can use the website well.

People with disabilities too.

The accessibility statement says: what is still hard on the website?

You find the statement at the very bottom of every page.

Or here: [Accessibility statement](/barrierefreiheit/)

Is something on the website hard for you?

Then please tell us.

Write an email to:
[buergerbuero@musterstadt.example](mailto:buergerbuero@musterstadt.example)

## Where you get help

Do you need help?

Then call us: [0221 4710 100](tel:+492214710100)

Or come to the citizens' office.

The citizens' office is in the town hall on the ground floor.

The address is: Markt 1 in Musterstadt.

There is an information desk at the entrance.

The people there are glad to help you.""",
    ),
)
