"""The check-in QR code: the reference number, drawn server-side as inline SVG (no script)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def check_in_svg(reference: str) -> SafeString:
    """An SVG QR code holding `reference` exactly as the kiosk scanner should type it.

    The SVG is hidden from assistive technology: the template labels its container with the
    reference in words, which is what the picture means.
    """
    # Level M survives a creased printout or a cracked phone screen; the reference is short
    # and alphanumeric, so the code stays small (version 1 or 2).
    code = segno.make_qr(reference, error="m")
    svg = code.svg_inline(scale=6, border=4, svgclass="amt-qr__code", lineclass=None)
    # segno writes only the reference's modules and numbers into the SVG: nothing to escape.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" ', 1))
