# Django's German formats apart from these two of our own ("Dienstag, 8. Dezember 2026").
LONG_DAY_FORMAT = "l, j. F Y"
SHORT_DAY_FORMAT = "D, j. F"  # "Di, 8. Dezember"
