"""The SCIM 2.0 HTTP interface (RFC 7644): thin views over ``resources`` and the write
services. Authentication is the bearer token alone (no cookies, so no CSRF); every answer is
``application/scim+json``; every refusal an RFC 7644 error body with a German ``detail``."""

import json
from collections.abc import Callable
from functools import wraps

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    Group,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    PreconditionFailedException,
    ResponseParameters,
    SCIMException,
    SearchRequest,
    User,
)

from ..models import ScimGroup
from ..services import scim as services
from . import discovery, resources, scope

CONTENT_TYPE = "application/scim+json"
DEFAULT_COUNT = 100


def _json(data: dict, status: int = 200, etag: str | None = None) -> HttpResponse:
    response = JsonResponse(data, status=status, content_type=CONTENT_TYPE)
    if etag:
        response["ETag"] = etag
    return response


def _error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    error = Error(status=status, detail=detail, scim_type=scim_type)
    return _json(error.model_dump(scim_ctx=Context.DEFAULT), status=status)


def scim_view(methods: tuple[str, ...]):
    """Token check, allowed methods, and SCIM exceptions turned into error bodies."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = scope.token_for(request.headers.get("Authorization", ""))
            if token is None:
                response = _error(401, _("A valid bearer token is required."))
                response["WWW-Authenticate"] = 'Bearer realm="scim"'
                return response
            if request.method not in methods:
                return _error(405, _("This method is not supported here."))
            request.scim_token = token
            try:
                return view(request, *args, **kwargs)
            except SCIMException as exc:
                error = exc.to_error()
                return _json(error.model_dump(scim_ctx=Context.DEFAULT), status=error.status)
            except ValidationError as exc:
                return _error(
                    400, _("The request is not valid: %(error)s") % {"error": exc}, "invalidValue"
                )

        return wrapper

    return decorate


def _body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise InvalidSyntaxException(detail=_("The request body is not JSON.")) from exc
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail=_("The request body is not a JSON object."))
    return data


def _locations(request: HttpRequest) -> resources.Locations:
    return resources.Locations(request.build_absolute_uri("/scim/v2"))


def _parameters(request: HttpRequest, model) -> ResponseParameters:
    return ResponseParameters[model].model_validate(
        {
            key: request.GET[key]
            for key in ("attributes", "excludedAttributes")
            if request.GET.get(key)
        }
    )


def _check_version(request: HttpRequest, resource) -> None:
    """``If-Match`` (RFC 7644 §3.14): a change to a resource that changed meanwhile fails."""
    wanted = request.headers.get("If-Match")
    if (
        wanted
        and wanted.strip() != "*"
        and resource.meta.version not in {tag.strip() for tag in wanted.split(",")}
    ):
        raise PreconditionFailedException(
            detail=_("The resource has changed since you read it (ETag does not match).")
        )


def _resource_response(request, resource, model, status: int = 200) -> HttpResponse:
    if status == 200 and request.headers.get("If-None-Match") == resource.meta.version:
        response = HttpResponse(status=304)
        response["ETag"] = resource.meta.version
        return response
    data = resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
        response_parameters=_parameters(request, model) if request.method == "GET" else None,
    )
    return _json(data, status=status, etag=resource.meta.version)


# --- Users -----------------------------------------------------------------------------------


def _person(request, pk: str):
    """The person ``pk`` in the token's scope; a change locks their row first, so concurrent
    PATCHes of one person apply one after the other, each to what the other wrote."""
    root = request.scim_token.organisation
    people = scope.people_in_scope(root)
    if request.method != "GET":
        people = people.select_for_update(of=("self",))
    person = people.filter(pk=pk).first() if pk.isdigit() else None
    if person is None:
        raise NotFoundException(detail=_("No such person in this organisation."))
    return person


def _user_resource(request, person) -> User:
    context = resources.PeopleContext(request.scim_token.organisation, [person])
    return resources.user_resource(person, context, _locations(request))


def _list(request, sources, model, query: dict) -> HttpResponse:
    """One page of a listing over ``sources`` (queryset, builder) pairs, in that order."""
    try:
        start = max(int(query.get("startIndex") or 1), 1)
        count = min(max(int(query.get("count") or DEFAULT_COUNT), 0), discovery.MAX_RESULTS)
    except (TypeError, ValueError) as exc:
        raise InvalidValueException(detail=_("startIndex and count must be numbers.")) from exc
    total, found, skip = 0, [], start - 1
    for queryset, build in sources:
        size = queryset.count()
        total += size
        wanted = count - len(found)
        if wanted > 0 and skip < size:
            found += build(list(queryset[skip : skip + wanted]))
        skip = max(skip - size, 0)
    parameters = ResponseParameters[model].model_validate(
        {k: query[k] for k in ("attributes", "excludedAttributes") if query.get(k)}
    )
    listing = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(found), resources=found
    )
    return _json(
        listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters)
    )


def _people_page(request):
    root = request.scim_token.organisation

    def build(page):
        context = resources.PeopleContext(root, page)
        return [resources.user_resource(p, context, _locations(request)) for p in page]

    return build


def _user_source(request, query: dict):
    root = request.scim_token.organisation
    people = scope.filtered(
        scope.people_in_scope(root), query.get("filter") or "", scope.user_filter_map(root)
    )
    return people, _people_page(request)


@scim_view(("GET", "POST"))
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, [_user_source(request, request.GET)], User, request.GET)
    data = User.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    person = services.scim_user_write(token=request.scim_token, person=None, data=data)
    return _resource_response(request, _user_resource(request, person), User, status=201)


def _requested_state(request, current, model):
    """What a PUT or PATCH asks the resource to become (None: a PATCH that changes nothing)."""
    if request.method == "PUT":
        data = model.model_validate(_body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
        data.replace(current)  # readOnly kept, immutable checked (RFC 7644 §3.5.1)
        return data
    patch = PatchOp[model].model_validate(_body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    data = current.model_copy(deep=True)
    return data if patch.patch(data) else None


def _detail(request, current, model, *, write, delete, reread) -> HttpResponse:
    """GET, PUT, PATCH and DELETE of one resource, the same for Users and Groups: the ETag
    guards the change, the service writes it, the answer is the resource as stored."""
    if request.method == "GET":
        return _resource_response(request, current, model)
    _check_version(request, current)
    if request.method == "DELETE":
        delete()
        return HttpResponse(status=204)
    data = _requested_state(request, current, model)
    if data is None:
        return _resource_response(request, current, model)
    write(data)
    return _resource_response(request, reread(), model)


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user(request: HttpRequest, pk: str) -> HttpResponse:
    token = request.scim_token
    with transaction.atomic():
        person = _person(request, pk)
        return _detail(
            request,
            _user_resource(request, person),
            User,
            write=lambda data: services.scim_user_write(token=token, person=person, data=data),
            delete=lambda: services.scim_user_delete(token=token, person=person),
            reread=lambda: _user_resource(request, type(person).objects.get(pk=person.pk)),
        )


# --- Groups ----------------------------------------------------------------------------------


def _group(request, pk: str) -> ScimGroup:
    """The group ``pk`` of the token's organisation, locked for a change: a directory adds
    members with concurrent PATCHes, and none may overwrite another's."""
    root = request.scim_token.organisation
    groups = scope.groups_in_scope(root)
    if request.method != "GET":
        groups = groups.select_for_update()
    group = groups.filter(pk=pk).first() if pk.isdigit() else None
    if group is None:
        raise NotFoundException(detail=_("No such group in this organisation."))
    return group


def _group_resource(request, group: ScimGroup) -> Group:
    return resources.group_resources([group], _locations(request))[0]


def _group_source(request, query: dict):
    root = request.scim_token.organisation
    groups = scope.filtered(
        scope.groups_in_scope(root), query.get("filter") or "", scope.GROUP_FILTER_MAP
    )
    return groups, lambda page: resources.group_resources(page, _locations(request))


@scim_view(("GET", "POST"))
def groups(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, [_group_source(request, request.GET)], Group, request.GET)
    data = Group.model_validate(_body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    group = services.scim_group_write(token=request.scim_token, group=None, data=data)
    return _resource_response(request, _group_resource(request, group), Group, status=201)


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group(request: HttpRequest, pk: str) -> HttpResponse:
    token = request.scim_token
    with transaction.atomic():
        found = _group(request, pk)
        return _detail(
            request,
            _group_resource(request, found),
            Group,
            write=lambda data: services.scim_group_write(token=token, group=found, data=data),
            delete=lambda: services.scim_group_delete(token=token, group=found),
            reread=lambda: _group_resource(request, ScimGroup.objects.get(pk=found.pk)),
        )


@scim_view(("POST",))
def search(request: HttpRequest, resource_type: str = "") -> HttpResponse:
    """``POST /Users/.search``, ``/Groups/.search`` and ``/.search`` over both (RFC 7644
    §3.4.3)."""
    body = _body(request)
    SearchRequest.model_validate(body, scim_ctx=Context.SEARCH_REQUEST)  # rejects bad bodies
    query = {
        key: ",".join(value) if isinstance(value, list) else value
        for key, value in body.items()
        if key in ("filter", "startIndex", "count", "attributes", "excludedAttributes")
    }
    if resource_type == "Users":
        return _list(request, [_user_source(request, query)], User, query)
    if resource_type == "Groups":
        return _list(request, [_group_source(request, query)], Group, query)
    sources = [_user_source(request, query), _group_source(request, query)]
    return _list(request, sources, User | Group, query)


# --- Discovery -------------------------------------------------------------------------------


def _documentation(request) -> str:
    return request.build_absolute_uri("/scim/v2/")


@scim_view(("GET",))
def service_provider_config(request: HttpRequest) -> HttpResponse:
    config = discovery.service_provider_config(_documentation(request))
    return _json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listed(items) -> HttpResponse:
    listing = ListResponse[type(items[0])](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return _json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


def _one(items, key: str, wanted: str) -> HttpResponse:
    for item in items:
        if getattr(item, key) == wanted:
            return _json(item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise NotFoundException(detail=_("Not found."))


@scim_view(("GET",))
def resource_types(request: HttpRequest, name: str = "") -> HttpResponse:
    items = discovery.resource_types()
    return _one(items, "id", name) if name else _listed(items)


@scim_view(("GET",))
def schemas(request: HttpRequest, urn: str = "") -> HttpResponse:
    items = discovery.schemas()
    return _one(items, "id", urn) if urn else _listed(items)


@scim_view(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise NotFoundException(detail=_("There is no SCIM endpoint at this address."))
