"""The open feedback on barriers, earliest due first, each with its answer form. A POST answers
one item through core/accessibility.py: a refusal is shown (422), success redirects.

Only team leads and administrators: the answer speaks for the town (core/accessibility.py).
Feedback belongs to no department, so every lead sees all of it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amtstermin.core import accessibility, inputs
from amtstermin.core.models import StaffMember

from ..access import staff_view


@staff_view(roles=accessibility.ANSWERING_ROLES)
@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    error_message, error_field, failed, text = "", "", None, ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        feedback = (
            accessibility.open_feedback()
            .filter(pk=inputs.parse_id(request.POST.get("feedback")))
            .first()
        )
        if feedback is None:
            error_message = _("This feedback has already been answered.")
        else:
            try:
                accessibility.answer(feedback=feedback, actor=staff, text=text, now=timezone.now())
            except accessibility.FeedbackError as refused:
                error_message, failed = str(refused.message), feedback.pk
                error_field = f"answer-{feedback.pk}"
            else:
                done = (
                    _("Your answer is saved and mailed to the citizen.")
                    if feedback.email
                    else _("Your answer is saved; the citizen gave no email address.")
                )
                messages.success(request, done)
                return redirect("office:accessibility_feedback")
    today = timezone.localdate()
    context = {
        "items": [(item, _due(item.due_on, today)) for item in accessibility.open_feedback()],
        "error_message": error_message,
        "error_field": error_field,
        "failed": failed,
        "text": text,
    }
    return render(
        request,
        "office/accessibility/feedback.html",
        context,
        status=422 if error_message else 200,
    )


def _due(due_on, today) -> str:
    """When the answer is due, in words: overdue is said, not only coloured."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "later"
