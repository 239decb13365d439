# English as written in Europe: day before month ("Tuesday, 8 December 2026"), as the German
# pages beside it. Times without "p.m.", whose full stop doubled the one ending a sentence.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "j F Y, g:i A"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y g:i A"
MONTH_DAY_FORMAT = "j F"
LONG_DAY_FORMAT = "l, j F Y"
SHORT_DAY_FORMAT = "D, j F"  # "Tue, 8 December"
