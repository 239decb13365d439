from django.conf import settings
from django.utils.translation import get_language


def site(request):
    """Values every page template needs."""
    language = get_language()
    return {
        "site_url": settings.SITE_URL,
        "town_name": settings.TOWN_NAME,
        # Widgets (ALTCHA) know no Leichte Sprache: they speak German there.
        "widget_language": "de" if language == settings.EASY_GERMAN else language,
    }
