app_name = "ateliers"

urlpatterns = []
