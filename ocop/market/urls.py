"""The public catalogue, mounted at the site root before ocop.core.urls (so ``""`` here is the
home page)."""

from django.urls import path

from . import trade_views, views

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

# Sales channels and trade events (issue 6, part 4).
urlpatterns += [
    path("events/", trade_views.event_list, name="event_list"),
    path("events/calendar.ics", trade_views.calendar_ics, name="calendar_ics"),
    path("events/<int:pk>/", trade_views.event_detail, name="event_detail"),
    path("events/<int:pk>.ics", trade_views.event_ics, name="event_ics"),
    # Login required.
    path("manage/channels/", trade_views.channel_product_list, name="channel_product_list"),
    path(
        "manage/channels/products/<int:product_pk>/",
        trade_views.channel_list,
        name="channel_list",
    ),
    path("manage/channels/<int:pk>/edit/", trade_views.channel_update, name="channel_update"),
    path("manage/channels/<int:pk>/delete/", trade_views.channel_delete, name="channel_delete"),
    path("manage/events/", trade_views.event_manage_list, name="event_manage_list"),
    path("manage/events/new/", trade_views.event_create, name="event_create"),
    path("manage/events/<int:pk>/", trade_views.event_manage, name="event_manage"),
    path("manage/events/<int:pk>/edit/", trade_views.event_update, name="event_update"),
    path("manage/events/<int:pk>/delete/", trade_views.event_delete, name="event_delete"),
    path("manage/events/<int:pk>/join/", trade_views.event_join, name="event_join"),
    path(
        "manage/events/<int:pk>/participants/add/",
        trade_views.participant_add,
        name="participant_add",
    ),
    path(
        "manage/participations/<int:pk>/",
        trade_views.participation_update,
        name="participation_update",
    ),
]
