from django.urls import path

from core import views
from tending.env import env_bool

app_name = "core"
urlpatterns = [
    path("home/", views.home, name="home"),
]

# A trivial page for the load test's framework floor (bench/load.py); never routed unless asked for.
if env_bool("TENDING_BENCH_FLOOR", False):
    urlpatterns.append(path("bench/floor", views.floor, name="bench_floor"))
