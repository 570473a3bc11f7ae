app_name = "accompagnement"

urlpatterns = []
