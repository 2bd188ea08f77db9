"""The project's form renderer: Django's own, with its widget, label and error-list templates written in Python.

Django renders every widget, every option of a select or a radio list, every label, every error list and
each field's group (label, help, errors and widget) through a template of its own: tens of microseconds each, and a form page has hundreds (the billing
settings page spent most of its time there). ``FormRenderer`` writes the markup of those templates
directly, from the same context Django builds (``Widget.get_context``, ``BoundField.label_tag``,
``ErrorList.get_context``): ids, ``aria-*``, ``required``, the chosen options and each value's escaping
stay Django's. A template it does not know (a widget with a template of its own) is rendered as before.

The renderer's template directory comes before any app's (``EngineMixin.engine``), so no app can
override these templates: writing them here changes nothing a page shows, and
core/tests/test_renderer.py compares the two, widget by widget, on every form of the project.
"""

import html

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
# Django's template engine's defaults: autoescaping on, localisation and time zones as the settings say.
_CONTEXT = Context(autoescape=True)


def _shown(value) -> str:
    """``{{ value }}`` in a template: localised, then escaped unless already safe."""
    if type(value) is str:
        # Plain text, most of what a form shows: the template's localising leaves it as it is and its escaping is
        # ``html.escape``, here without the three calls around it (Django's lazy-text check among them).
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the text of ``value``, escaped unless already safe."""
    try:
        text = "%s" % value  # noqa: UP031 (the filter's own formatting, which refuses a tuple as it does)
    except (TypeError, ValueError):
        return ""
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html, the same for a label)."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 (the template's test)
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{shown}{_attrs(widget["attrs"])}>\n'


def _input_option(option) -> str:
    if not option["wrap_label"]:
        return _input(option)
    id_ = option["attrs"].get("id")
    label_for = f' for="{_shown(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(option)} {_shown(option['label'])}</label>\n"


def _select_option(option) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>\n'
    )


def _option(renderer, option) -> str:
    """``{% include option.template_name with widget=option %}``: a known option written here, another rendered."""
    write = _OPTIONS.get(option["template_name"])
    if write is not None:
        return write(option)
    return renderer.get_template(option["template_name"]).render({"widget": option})


def _select(renderer, widget) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        parts.extend(f"\n  {_option(renderer, option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(renderer, widget) -> str:
    id_ = widget["attrs"].get("id")
    class_ = widget["attrs"].get("class")
    parts = ["<div", f' id="{_shown(id_)}"' if id_ else "", f' class="{_shown(class_)}"' if class_ else "", ">"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_shown(group)}</label>")
        parts.extend(f"<div>\n    {_option(renderer, option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget) -> str:
    value = widget["value"]
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{_shown(value) if value else ""}</textarea>\n'


def _label(context) -> str:
    if not context["use_tag"]:
        return f"{_shown(context['label'])}\n"
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_shown(context['label'])}</{tag}>\n"


def _field_group(context) -> str:
    """django/forms/field.html: ``{{ field.as_field_group }}``, a field's label, help, errors and widget."""
    field = context["field"]
    if field.use_fieldset:
        described = getattr(field, "aria_describedby", None)
        aria = f' aria-describedby="{_shown(described)}"' if described else ""
        head = f"\n  <fieldset{aria}>\n  {_shown(field.legend_tag()) if field.label else ''}\n"
    else:
        head = f"\n  {_shown(field.label_tag()) if field.label else ''}\n"
    helps = ""
    if field.help_text:
        id_ = f' id="{_shown(field.auto_id)}_helptext"' if field.auto_id else ""
        helps = f'<div class="helptext"{id_}>{field.help_text}</div>'  # ``|safe``: the form's own words
    close = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n{helps}\n{_shown(field.errors)}\n{_shown(field)}{close}\n"


def _error_list(context) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    id_ = f' id="{_shown(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_shown(error)}</li>" for error in errors)
    return f'<ul class="{_shown(context["error_class"])}"{id_}>{items}</ul>'


_OPTIONS = {
    f"{_WIDGETS}select_option.html": _select_option,
    # Each includes input_option.html, and ends a line of its own.
    f"{_WIDGETS}radio_option.html": lambda option: f"{_input_option(option)}\n",
    f"{_WIDGETS}checkbox_option.html": lambda option: f"{_input_option(option)}\n",
}
_INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel")
# Each known template, and what writes it from the context Django gives it.
_WRITERS = {
    **{f"{_WIDGETS}{name}.html": lambda renderer, context: _input(context["widget"]) for name in _INPUTS},
    f"{_WIDGETS}checkbox.html": lambda renderer, context: _input(context["widget"]),
    f"{_WIDGETS}textarea.html": lambda renderer, context: _textarea(context["widget"]),
    f"{_WIDGETS}select.html": lambda renderer, context: _select(renderer, context["widget"]),
    f"{_WIDGETS}radio.html": lambda renderer, context: _multiple_input(renderer, context["widget"]),
    f"{_WIDGETS}checkbox_select.html": lambda renderer, context: _multiple_input(renderer, context["widget"]),
    "django/forms/label.html": lambda renderer, context: _label(context),
    "django/forms/field.html": lambda renderer, context: _field_group(context),
    "django/forms/errors/list/default.html": lambda renderer, context: _error_list(context),
    "django/forms/errors/list/ul.html": lambda renderer, context: _error_list(context),
}


class FormRenderer(DjangoTemplates):
    """Django's ``DjangoTemplates`` renderer, writing its common templates without the template engine."""

    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return write(self, context).strip()
