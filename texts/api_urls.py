from rest_framework.routers import SimpleRouter

from . import api

app_name = "texts-api"

router = SimpleRouter()
router.include_format_suffixes = False
router.register("texts", api.TextViewSet, basename="text")
router.register("paragraphs", api.ParagraphViewSet, basename="paragraph")
router.register("provisions", api.ProvisionViewSet, basename="provision")

urlpatterns = router.urls
