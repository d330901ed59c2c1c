app_name = "anchors"

urlpatterns = []
