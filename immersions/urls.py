from django.urls import path

from immersions import views

app_name = "immersions"

urlpatterns = [
    path("immersions/", views.immersion_list, name="immersion_list"),
    path("immersions/nouvelle/", views.immersion_create, name="immersion_create"),
    path("immersions/<int:pk>/", views.immersion_detail, name="immersion_detail"),
    path("immersions/<int:pk>/modifier/", views.immersion_update, name="immersion_update"),
    path("immersions/<int:pk>/etape/", views.immersion_transition, name="immersion_transition"),
    path("immersions/<int:pk>/bilan/", views.immersion_bilan, name="immersion_bilan"),
    path("immersions/<int:pk>/lien-tuteur/", views.immersion_resend_link, name="immersion_resend_link"),
    path("immersions/<int:pk>/synthese/", views.immersion_document, name="immersion_document"),
    path("immersions/lien/<str:purpose>/<str:token>/", views.signed_link, name="lien"),
    path("echanges/", views.echange_list, name="echange_list"),
    path("echanges/nouvelle/", views.echange_create, name="echange_create"),
    path("echanges/<int:pk>/", views.echange_detail, name="echange_detail"),
    path("echanges/<int:pk>/modifier/", views.echange_update, name="echange_update"),
    path("echanges/<int:pk>/etape/", views.echange_transition, name="echange_transition"),
    path("echanges/<int:pk>/accord/", views.echange_agreement, name="echange_agreement"),
    path("echanges/<int:pk>/retour/", views.echange_return, name="echange_return"),
    path("echanges/<int:pk>/derogation/", views.echange_derogation, name="echange_derogation"),
    path("echanges/<int:pk>/renouveler/", views.echange_renew, name="echange_renew"),
    path("echanges/<int:pk>/convention/", views.echange_document, name="echange_document"),
    path("echanges/services/", views.service_list, name="service_list"),
    path("echanges/services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
    path("a-traiter/", views.a_traiter, name="a_traiter"),
    path("indicateurs/", views.indicateurs, name="indicateurs"),
    path("indicateurs/export.csv", views.indicateurs_csv, name="indicateurs_csv"),
]
