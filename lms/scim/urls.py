"""``/scim/v2/``: the endpoints of RFC 7644 §3.2."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="scim_config"),
    path("ResourceTypes", views.resource_types, name="scim_resource_types"),
    path("ResourceTypes/<str:name>", views.resource_types, name="scim_resource_type"),
    path("Schemas", views.schemas, name="scim_schemas"),
    path("Schemas/<str:urn>", views.schemas, name="scim_schema"),
    path("Users", views.users, name="scim_users"),
    path(".search", views.search, name="scim_search_all"),
    re_path(r"^(?P<resource_type>Users|Groups)/\.search$", views.search, name="scim_search"),
    path("Users/<str:pk>", views.user, name="scim_user"),
    path("Groups", views.groups, name="scim_groups"),
    path("Groups/<str:pk>", views.group, name="scim_group"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
