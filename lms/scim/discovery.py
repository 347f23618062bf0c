"""What the service publishes about itself (RFC 7643 §5–7): only the attributes it stores.

A directory or a compliance checker builds its models from these schemas, so they must list
exactly what a resource reads back: the standard User and Group schemas, cut down.
"""

from functools import cache

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Group,
    Patch,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

MAX_RESULTS = 1000

USER_ATTRIBUTES = {
    "userName": None,
    "name": {"formatted", "familyName", "givenName"},
    "displayName": None,
    "active": None,
    "emails": {"value", "type", "primary"},
    "groups": {"value", "$ref", "display", "type"},
}
GROUP_ATTRIBUTES = {"displayName": None, "members": {"value", "$ref", "type"}}
# The platform cannot hold a person without an address, and every person either works in the unit
# or not: the schema says so, so a client never tries to remove either.
REQUIRED = {"emails", "emails.value", "active"}


def _cut(schema: Schema, keep: dict) -> Schema:
    attributes = []
    for attribute in schema.attributes:
        if attribute.name not in keep:
            continue
        parts = keep[attribute.name]
        if parts is not None:
            attribute.sub_attributes = [a for a in attribute.sub_attributes if a.name in parts]
            for sub in attribute.sub_attributes:
                if f"{attribute.name}.{sub.name}" in REQUIRED:
                    sub.required = Required.true
        if attribute.name in REQUIRED:
            attribute.required = Required.true
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


@cache
def user_schema() -> Schema:
    return _cut(User.to_schema(), USER_ATTRIBUTES)


@cache
def group_schema() -> Schema:
    return _cut(Group.to_schema(), GROUP_ATTRIBUTES)


def schemas() -> list[Schema]:
    return [user_schema(), group_schema()]


def resource_types() -> list[ResourceType]:
    return [ResourceType.from_resource(User), ResourceType.from_resource(Group)]


def service_provider_config(documentation_uri: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=documentation_uri,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token an organisation admin creates for one organisation unit.",
                primary=True,
            )
        ],
    )
