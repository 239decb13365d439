"""The explanation of this site in German Sign Language (BITV 2.0 § 4): the page with the
video, and the video file itself, looked up by its id only (never by a path from outside)."""

from pathlib import PurePath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core import inputs, sign_language
from amtstermin.core.models import SignLanguageVideo


def page(request: HttpRequest) -> HttpResponse:
    video = sign_language.newest()
    return render(
        request,
        "citizen/content/sign_language.html",
        {"video": video, "video_type": video and sign_language.content_type(video)},
    )


def video_file(request: HttpRequest, pk: str) -> FileResponse:
    """The uploaded file, inline for the player or as a download with ?download=1."""
    key = inputs.parse_id(pk)
    video = SignLanguageVideo.objects.filter(pk=key).first() if key else None
    kind = video and sign_language.content_type(video)
    if not kind:
        raise Http404("No such video.")
    try:
        opened = video.video.open("rb")
    except (FileNotFoundError, ValueError) as missing:  # the row outlived its file
        raise Http404("The video file is missing.") from missing
    return FileResponse(
        opened,
        content_type=kind,
        as_attachment=request.GET.get("download") == "1",
        filename=PurePath(video.video.name).name,
    )
