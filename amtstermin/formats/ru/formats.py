# Django's formats for this language apart from our two day formats ("вторник, 8 декабря 2026").
LONG_DAY_FORMAT = "l, j E Y"
SHORT_DAY_FORMAT = "D, j E"
DATE_FORMAT = "j E Y"  # without Django's "г."/"р.", which doubled a sentence's full stop
