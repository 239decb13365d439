from django.conf import settings


def site(request):
    """Values every page template needs (the town's name comes from the organisation data)."""
    return {"site_url": settings.SITE_URL}
