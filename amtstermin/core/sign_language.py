"""The explanation of this site in German Sign Language (DGS): which video is shown and how it
is sent. Uploads are not served from a media URL; a view sends the file it finds by id."""

from pathlib import PurePath

from .models import SignLanguageVideo

# The upload validator allows only these; the type tells the browser which <source> it can play.
CONTENT_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def newest() -> SignLanguageVideo | None:
    """The video the site shows: the one uploaded or changed last."""
    return SignLanguageVideo.objects.order_by("-uploaded_at", "-pk").first()


def content_type(video: SignLanguageVideo) -> str | None:
    """The file's MIME type by its extension; None for a file the site does not send."""
    return CONTENT_TYPES.get(PurePath(video.video.name or "").suffix.lower())
