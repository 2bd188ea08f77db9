"""The client's messages (and the attachment view both sides share).

The pages of one kind of conversation live under ``my/<kind>/`` (kind: care or office), not ``<kind>/``:
the practice's own pages already use ``/messages/office/`` for the office's inbox (urls_staff.py).
"""

from django.urls import path, re_path

from messaging import views_client

_KIND = r"(?P<kind>care|office)"

urlpatterns = [
    path("", views_client.mine, name="mine"),
    path("file/<uuid:attachment_uuid>/", views_client.attachment, name="attachment"),
    re_path(rf"^my/{_KIND}/$", views_client.mine_kind, name="mine_kind"),
    re_path(rf"^my/{_KIND}/send/$", views_client.send, name="send"),
    re_path(rf"^my/{_KIND}/new/$", views_client.poll, name="poll"),
    re_path(rf"^my/{_KIND}/draft/$", views_client.draft, name="draft"),
    re_path(rf"^my/{_KIND}/choices/$", views_client.choices, name="choices"),
]
