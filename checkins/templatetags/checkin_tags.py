"""The check-in's options, written in Python: the page is opened daily and renders about 130 of them, and
resolving each option's half-dozen template variables was most of its time (bench/queries.py --profile checkin_form)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def choice_options(field, label_class: str, *, ends: bool = False):
    """Each option of a bound radio or checkbox field as ``<label class=…><input …><span>…</span></label>``.

    With ``ends``, the first and last inputs are named with their meaning ("0, very low"; "10, very high",
    from the field's ``low`` and ``high``), so a screen reader hears what the ends of a scale mean.
    """
    options = list(field.subwidgets)
    last = len(options) - 1
    if not options:
        return ""
    # What every option shares, escaped once: the page has about 130 options, and escaping nine values for each
    # was most of the tag's time. Safe strings pass through ``format_html`` unescaped.
    first = options[0].data
    opening = format_html('<label class="{}"><input type="{}" name="{}"', label_class, first["type"], first["name"])
    closing = format_html(' aria-invalid="{}">', "true") if field.errors else format_html(">{}", "")
    checked = format_html(" {}", "checked")

    def named(index: int) -> str:
        if ends and index == 0:
            return format_html(' aria-label="0, {}"', field.field.low.lower())
        if ends and index == last:
            return format_html(' aria-label="10, {}"', field.field.high.lower())
        return ""

    return format_html_join(
        "",
        '{} value="{}" id="{}"{}{}{}<span>{}</span></label>',
        (
            (
                opening,
                option.data["value"],
                option.id_for_label,
                named(index),
                checked if option.data["selected"] else "",
                closing,
                option.choice_label,
            )
            for index, option in enumerate(options)
        ),
    )
