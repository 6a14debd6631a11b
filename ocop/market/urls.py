"""The public catalogue, mounted at the site root before ocop.core.urls (so ``""`` here is the
home page)."""

from django.urls import path

from . import views

app_name = "market"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/photos/<int:photo_pk>/", views.photo_image, name="photo_image"),
    path(
        "products/<int:pk>/photos/<int:photo_pk>/thumbnail/",
        views.photo_thumbnail,
        name="photo_thumbnail",
    ),
    path("products/<int:pk>/inquiry/", views.inquiry_create, name="inquiry_create"),
    path("products/<int:pk>/inquiry/sent/", views.inquiry_sent, name="inquiry_sent"),
    path("producers/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("provinces/<str:code>/", views.province_detail, name="province_detail"),
    # Login required: the producer's inbox and the officials' figures.
    path("manage/inquiries/", views.inquiry_list, name="inquiry_list"),
    path("manage/inquiries/stats/", views.inquiry_stats, name="inquiry_stats"),
    path("manage/inquiries/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("manage/inquiries/<int:pk>/update/", views.inquiry_update, name="inquiry_update"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
