# Django's formats for this language apart from our two day formats ("8 Aralık 2026 Salı").
LONG_DAY_FORMAT = "j F Y, l"
SHORT_DAY_FORMAT = "j F, D"
