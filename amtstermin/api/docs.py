"""The API's documentation for people: the flow, how to authenticate, every operation.

Rendered on the server from the same OpenAPI document the machines read, so the two never
differ; German or English like the problem details.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import problems
from .v1 import api

METHODS = ("get", "post", "put", "patch", "delete")


def page(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    groups: dict[str, list[dict]] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if operation := operations.get(method):
                tag = (operation.get("tags") or ["other"])[0]
                groups.setdefault(tag, []).append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "statuses": sorted(operation.get("responses", {})),
                        "secured": bool(operation.get("security")),
                    }
                )
    with problems.override(request):
        return render(
            request,
            "api/docs.html",
            {"groups": groups, "version": schema["info"]["version"]},
        )
