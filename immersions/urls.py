app_name = "immersions"

urlpatterns = []
