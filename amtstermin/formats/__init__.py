"""Date and time formats per language, over Django's own (settings.FORMAT_MODULE_PATH).

Besides Django's names, two of our own, used as `{{ day|date:"LONG_DAY_FORMAT" }}`: Django finds
any name in these modules. Every language in settings.LANGUAGES needs both, or the format's
name itself would be printed as a date pattern.
"""
