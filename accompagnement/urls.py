from django.urls import path

from accompagnement import views

# The organisation page (reseau/<slug>/) shows workshops and immersions too: it lives above the apps, in
# fabrique/pages/organisation.py, and fabrique/urls.py adds it to this namespace.
app_name = "accompagnement"

urlpatterns = [
    path("charte/", views.charte, name="charte"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("reseau/", views.reseau, name="reseau"),
    path("dispositifs/", views.dispositif_list, name="dispositif_list"),
    path("dispositifs/proposer/", views.dispositif_create, name="dispositif_create"),
    path("dispositifs/<int:pk>/", views.dispositif_detail, name="dispositif_detail"),
    path("dispositifs/<int:pk>/modifier/", views.dispositif_update, name="dispositif_update"),
    path("dispositifs/<int:pk>/adopter/", views.dispositif_adopt, name="dispositif_adopt"),
]
