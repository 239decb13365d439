from django.conf import settings


def site(request):
    """Values every page template needs."""
    return {"site_url": settings.SITE_URL, "town_name": settings.TOWN_NAME}
