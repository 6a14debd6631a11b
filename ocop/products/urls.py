from django.urls import path

from . import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create, name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("<int:pk>/photos/add/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo_file"),
    path(
        "<int:pk>/photos/<int:photo_pk>/thumbnail/",
        views.photo_thumbnail,
        name="photo_thumbnail",
    ),
    path("<int:pk>/photos/<int:photo_pk>/remove/", views.photo_remove, name="photo_remove"),
    path("<int:pk>/photos/<int:photo_pk>/move/", views.photo_move, name="photo_move"),
]
