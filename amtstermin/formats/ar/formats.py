# Django's formats for this language apart from our two day formats ("الثلاثاء، 8 ديسمبر 2026").
LONG_DAY_FORMAT = "l، j F Y"
SHORT_DAY_FORMAT = "D، j F"
