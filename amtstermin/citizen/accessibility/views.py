"""The accessibility statement written from the admin's fields, and its feedback form.

The form works without JavaScript and has no ALTCHA (a puzzle would itself be a barrier on the
one page that must be usable by everyone); the per-client rate limit guards it instead. Bad input
comes back with a 422 and an error summary, nothing stored.
"""

from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from amtstermin.core import accessibility, content
from amtstermin.core.models import AccessibilityStatement

from ..content.translated import fallback_language
from ..throttle import throttled
from .forms import FeedbackForm, page_of

Compliance = AccessibilityStatement.Compliance
FORM_TEMPLATE = "citizen/accessibility/feedback.html"
THROTTLED_TEMPLATE = "citizen/requests/too_many_requests.html"
# The due date of the feedback just sent from this browser, for the thank-you page.
JUST_SENT = "accessibility_feedback_sent"

COMPLIANCE = {
    Compliance.FULL: _(
        "This website is fully compliant with the requirements of the accessible information "
        "technology regulation (BITV 2.0)."
    ),
    Compliance.PARTIAL: _(
        "This website is partially compliant with the requirements of the accessible "
        "information technology regulation (BITV 2.0). The content listed below is not "
        "accessible yet."
    ),
    Compliance.NONE: _(
        "This website is not yet compliant with the requirements of the accessible information "
        "technology regulation (BITV 2.0). The content listed below is not accessible yet."
    ),
}


def statement_page(request: HttpRequest, statement: AccessibilityStatement) -> HttpResponse:
    """The statement for citizens (reached through citizen/content/views.page)."""
    form = FeedbackForm(initial={"page": page_of(request.GET.get("seite"))})
    context = {
        "statement": statement,
        "compliance": COMPLIANCE.get(statement.compliance, ""),
        "known_gaps": content.render_markdown(statement.known_gaps, top_heading=3),
        "known_gaps_lang": fallback_language(statement, "known_gaps"),
        "method_note_lang": fallback_language(statement, "method_note"),
        "form": form,
        "reply_days": statement.reply_days,
    }
    return render(request, "citizen/accessibility/statement.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = FeedbackForm(initial={"page": page_of(request.GET.get("seite"))})
        return render(request, FORM_TEMPLATE, _context(form))
    now = timezone.now()
    if refusal := throttled(request, accessibility.FEEDBACK_RATE, THROTTLED_TEMPLATE, now=now):
        return refusal
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            sent = accessibility.submit_feedback(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                page=form.cleaned_data["page"],
                message=form.cleaned_data["message"],
                language=get_language() or settings.LANGUAGE_CODE,
                now=now,
            )
        except accessibility.FeedbackError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            request.session[JUST_SENT] = {
                "due_on": sent.due_on.isoformat(),
                "answered_by_email": bool(sent.email),
            }
            return redirect("citizen:accessibility_feedback_sent")
    return render(request, FORM_TEMPLATE, _context(form), status=422)


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    found = request.session.get(JUST_SENT)
    try:
        due_on = date.fromisoformat(found["due_on"])
    except (TypeError, KeyError, ValueError):
        return redirect("citizen:accessibility_feedback")  # nothing sent from this browser
    context = {"due_on": due_on, "answered_by_email": found.get("answered_by_email")}
    return render(request, "citizen/accessibility/sent.html", context)


def _context(form: FeedbackForm) -> dict:
    return {"form": form, "reply_days": accessibility.reply_days()}
