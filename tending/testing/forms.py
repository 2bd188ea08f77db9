"""Every form the test suite renders is written both ways, and must come out the same."""

from django.forms.renderers import DjangoTemplates

from core.renderer import FormRenderer


class CheckedFormRenderer(FormRenderer):
    """``core.renderer.FormRenderer``, checked against Django's templates on every widget, label and error list.

    The suite renders every form of the project (its pages, its browser journeys): any difference between
    what the renderer writes and what Django's template would have written fails the test that showed it.
    """

    def render(self, template_name, context, request=None):
        written = super().render(template_name, context, request=request)
        rendered = DjangoTemplates.render(self, template_name, context, request=request)
        if written != rendered:
            raise AssertionError(
                f"core.renderer wrote {template_name} differently from Django's template:\n"
                f"written:  {written!r}\ntemplate: {rendered!r}"
            )
        return written
