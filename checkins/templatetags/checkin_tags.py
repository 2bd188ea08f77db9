"""The check-in's options, written in Python: the page is opened daily and renders about 130 of them, and
resolving each option's half-dozen template variables was most of its time (bench/queries.py --profile checkin_form)."""

from functools import lru_cache

from django import template
from django.utils.html import format_html

from core.html import format_rows

register = template.Library()


@register.simple_tag
def choice_options(field, label_class: str, *, ends: bool = False):
    """Each option of a bound radio or checkbox field as ``<label class=…><input …><span>…</span></label>``.

    With ``ends``, the first and last inputs are named with their meaning ("0, very low"; "10, very high",
    from the field's ``low`` and ``high``), so a screen reader hears what the ends of a scale mean.

    The options are those Django's ``field.subwidgets`` describe (checkins/tests/test_options.py), worked out from
    the widget's choices and the field's value without making them, and written once for each combination: the
    page is mostly opened unanswered, so the same few hundred options are asked for again and again.
    """
    widget = field.field.widget
    return _options(
        widget.input_type,
        field.html_name,
        widget.attrs.get("id") or field.auto_id,
        tuple((value, str(label)) for value, label in widget.choices),
        tuple(widget.format_value(field.value())),
        widget.allow_multiple_selected,
        label_class,
        bool(field.errors),
        (str(field.field.low), str(field.field.high)) if ends else None,
    )


@lru_cache(maxsize=512)
def _options(input_type, name, id_, choices, chosen, multiple, label_class, invalid, ends):
    if not choices:
        return ""
    # What every option shares, escaped once. Safe strings pass through ``format_html`` unescaped.
    opening = format_html('<label class="{}"><input type="{}" name="{}"', label_class, input_type, name)
    closing = format_html(' aria-invalid="{}">', "true") if invalid else format_html(">{}", "")
    checked = format_html(" {}", "checked")
    last = len(choices) - 1
    rows, has_checked = [], False
    for index, (value, label) in enumerate(choices):
        value = "" if value is None else value
        # As ChoiceWidget.optgroups: a radio checks only the first option that matches.
        selected = (not has_checked or multiple) and str(value) in chosen
        has_checked |= selected
        named = ""
        if ends and index == 0:
            named = format_html(' aria-label="0, {}"', ends[0].lower())
        elif ends and index == last:
            named = format_html(' aria-label="10, {}"', ends[1].lower())
        rows.append((opening, value, f"{id_}_{index}", named, checked if selected else "", closing, label))
    return format_rows("", '{} value="{}" id="{}"{}{}{}<span>{}</span></label>', rows)
