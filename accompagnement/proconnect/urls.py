"""Included by allauth under /compte/ (allauth.urls collects every provider's `urls` module)."""

from django.urls import path

from accompagnement.proconnect import views

urlpatterns = [
    path("proconnect/connexion/", views.login, name="proconnect_login"),
    path("proconnect/connexion/retour/", views.callback, name="proconnect_callback"),
    path("proconnect/fin-de-session/", views.end_session, name="proconnect_end_session"),
    path("proconnect/deconnexion/", views.logged_out, name="proconnect_logged_out"),
]
