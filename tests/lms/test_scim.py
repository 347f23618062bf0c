"""SCIM 2.0: a municipality's directory provisions and deprovisions its people, and only them.

Bonn (gemeinde_a) holds a token; Köln (gemeinde_b) is the neighbour whose people it must never
see or touch. The outside compliance check (scim2-tester) is in ``test_scim_compliance.py``.
"""

import json

import pytest

from lms.models import AuditEvent, Departure, Invitation, Membership, ScimGroup
from lms.models import User as Person
from lms.services.scim import scim_token_create
from tests.factories import JobProfileFactory, make_member

SCIM = "application/scim+json"
USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_URN = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_URN = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def bonn_token(gemeinde_a, hr_a):
    return scim_token_create(organisation=gemeinde_a, name="Entra ID Bonn", by=hr_a).secret


@pytest.fixture
def koeln_token(gemeinde_b, hr_b):
    return scim_token_create(organisation=gemeinde_b, name="Keycloak Köln", by=hr_b).secret


class Directory:
    """A directory talking SCIM to the platform with its bearer token."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def call(self, method, path, body=None, **headers):
        return getattr(self.client, method)(
            f"/scim/v2/{path}",
            data=json.dumps(body) if body is not None else None,
            content_type=SCIM,
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
        )

    def create_user(self, user_name, email=None, **extra):
        body = {
            "schemas": [USER_URN],
            "userName": user_name,
            "name": {"givenName": "Anna", "familyName": "Beispiel"},
            "emails": [{"value": email or user_name, "type": "work", "primary": True}],
            **extra,
        }
        return self.call("post", "Users", body)


@pytest.fixture
def bonn(client, bonn_token):
    return Directory(client, bonn_token)


@pytest.fixture
def koeln(client, koeln_token):
    return Directory(client, koeln_token)


def test_no_token_or_a_revoked_one_is_refused_with_a_scim_error(client, bonn_token, gemeinde_a):
    response = client.get("/scim/v2/Users")
    assert response.status_code == 401
    assert response["Content-Type"] == SCIM
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    token = gemeinde_a.scim_tokens.get()
    token.revoked_at = token.created_at
    token.save()
    assert Directory(client, bonn_token).call("get", "Users").status_code == 401


def test_created_person_works_in_the_unit_gets_an_invitation_and_the_directory_name(
    bonn, gemeinde_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = bonn.create_user(
            "a.beispiel@bonn.de", displayName="Dr. Anna Beispiel", externalId="obj-1"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["userName"] == "a.beispiel@bonn.de"
    assert body["active"] is True
    assert body["externalId"] == "obj-1"
    assert response["ETag"] == body["meta"]["version"]
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{body['id']}")
    person = Person.objects.get(email="a.beispiel@bonn.de")
    assert Membership.objects.filter(user=person, organisation=gemeinde_a).exists()
    assert person.certificate_name == "Dr. Anna Beispiel"
    assert person.name_source == Person.NameSource.HR
    assert Invitation.objects.filter(user=person).exists()
    assert [m.to for m in mailoutbox] == [["a.beispiel@bonn.de"]]
    assert "Bundesstadt Bonn" in mailoutbox[0].body
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DIRECTORY_CHANGED, subject=person, organisation=gemeinde_a
    ).exists()


def test_the_neighbours_token_never_sees_or_touches_bonns_people(bonn, koeln, learner_a):
    listed = koeln.call("get", "Users").json()
    assert learner_a.email not in json.dumps(listed)
    assert koeln.call("get", f"Users/{learner_a.pk}").status_code == 404
    for method, body in (
        (
            "put",
            {
                "schemas": [USER_URN],
                "userName": "x@koeln.de",
                "emails": [{"value": "x@koeln.de", "primary": True}],
            },
        ),
        (
            "patch",
            {
                "schemas": [PATCH_URN],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        ),
        ("delete", None),
    ):
        assert koeln.call(method, f"Users/{learner_a.pk}", body).status_code == 404
    filtered = koeln.call("get", f'Users?filter=userName eq "{learner_a.email}"').json()
    assert filtered["totalResults"] == 0
    learner_a.refresh_from_db()
    assert learner_a.is_active and learner_a.memberships.exists()
    # … and cannot take the address over by creating it again
    taken = koeln.create_user(learner_a.email)
    assert taken.status_code == 409
    assert taken.json()["scimType"] == "uniqueness"
    # Bonn's own directory finds the person HR imported, by address: no duplicate
    found = bonn.call("get", f'Users?filter=userName eq "{learner_a.email.upper()}"').json()
    assert [r["id"] for r in found["Resources"]] == [str(learner_a.pk)]


def test_active_false_ends_the_employment_keeps_records_and_true_brings_them_back(
    bonn, learner_a, amt_a
):
    patch = {
        "schemas": [PATCH_URN],
        "Operations": [{"op": "replace", "path": "active", "value": False}],
    }
    response = bonn.call("patch", f"Users/{learner_a.pk}", patch)
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    learner_a.refresh_from_db()
    assert not learner_a.is_active
    assert not learner_a.memberships.exists()
    departure = Departure.objects.get(user=learner_a)
    assert departure.source == Departure.Source.SCIM
    assert departure.organisation == amt_a
    # still visible to its directory, as inactive
    assert bonn.call("get", f"Users/{learner_a.pk}").json()["active"] is False
    patch["Operations"][0]["value"] = True
    back = bonn.call("patch", f"Users/{learner_a.pk}", patch)
    assert back.json()["active"] is True
    learner_a.refresh_from_db()
    assert learner_a.is_active
    assert learner_a.memberships.get().organisation == amt_a  # back where they worked
    assert Departure.objects.get(user=learner_a).returned_at is not None


def test_etags_guard_concurrent_changes_and_answer_not_modified(bonn, learner_a):
    first = bonn.call("get", f"Users/{learner_a.pk}")
    version = first["ETag"]
    assert (
        bonn.call("get", f"Users/{learner_a.pk}", **{"If-None-Match": version}).status_code == 304
    )
    rename = {
        "schemas": [PATCH_URN],
        "Operations": [{"op": "replace", "path": "displayName", "value": "Şeyma Yılmaz"}],
    }
    changed = bonn.call("patch", f"Users/{learner_a.pk}", rename, **{"If-Match": version})
    assert changed.status_code == 200
    assert changed["ETag"] != version
    stale = bonn.call("patch", f"Users/{learner_a.pk}", rename, **{"If-Match": version})
    assert stale.status_code == 412
    learner_a.refresh_from_db()
    assert learner_a.certificate_name == "Şeyma Yılmaz"  # the directory is authoritative


@pytest.mark.parametrize(
    "bad_filter",
    ["userName eq", 'userName eq "a" and', 'nickName eq "x"', 'userName xx "a"', "(userName"],
)
def test_malformed_or_unsupported_filters_get_rfc7644_invalid_filter(bonn, learner_a, bad_filter):
    response = bonn.call("get", f"Users?filter={bad_filter}")
    assert response.status_code == 400
    body = response.json()
    assert body["scimType"] == "invalidFilter"
    assert body["status"] == "400"


def test_filters_and_pagination(bonn, amt_a):
    people = [make_member(amt_a, full_name=f"Person {n:02d}") for n in range(5)]
    page = bonn.call("get", "Users?startIndex=3&count=2").json()
    assert page["totalResults"] == 6  # and hr_a
    assert page["startIndex"] == 3
    assert page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == [str(people[1].pk), str(people[2].pk)]
    named = bonn.call("get", 'Users?filter=displayName sw "Person 0" and active eq true').json()
    assert named["totalResults"] == 5
    only = bonn.call("get", f'Users?filter=emails.value eq "{people[3].email}"&attributes=userName')
    resource = only.json()["Resources"][0]
    assert set(resource) == {"schemas", "id", "userName"}


def test_groups_place_their_members_and_stay_in_their_organisation(
    bonn, koeln, learner_a, amt_a, gemeinde_a, amt_b
):
    created = bonn.call(
        "post",
        "Groups",
        {
            "schemas": [GROUP_URN],
            "displayName": "GG-Buergerdienste",
            "members": [{"value": str(learner_a.pk)}],
        },
    )
    assert created.status_code == 201, created.content
    group = ScimGroup.objects.get()
    profile = JobProfileFactory()
    group.unit, group.job_profile = gemeinde_a, profile
    group.save()
    # Köln cannot see it, nor put one of Köln's … into it; Bonn cannot add Köln's people
    assert koeln.call("get", f"Groups/{group.pk}").status_code == 404
    koeln_person = make_member(amt_b)
    refused = bonn.call(
        "patch",
        f"Groups/{group.pk}",
        {
            "schemas": [PATCH_URN],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": str(koeln_person.pk)}]}
            ],
        },
    )
    assert refused.status_code == 400
    assert refused.json()["scimType"] == "invalidValue"
    # re-adding Bonn's member after the mapping: the group places them
    bonn.call(
        "patch",
        f"Groups/{group.pk}",
        {
            "schemas": [PATCH_URN],
            "Operations": [{"op": "remove", "path": f'members[value eq "{learner_a.pk}"]'}],
        },
    )
    bonn.call(
        "patch",
        f"Groups/{group.pk}",
        {
            "schemas": [PATCH_URN],
            "Operations": [
                {"op": "add", "path": "members", "value": [{"value": str(learner_a.pk)}]}
            ],
        },
    )
    membership = learner_a.memberships.get()
    assert membership.organisation == gemeinde_a
    assert list(membership.job_profiles.all()) == [profile]
    user = bonn.call("get", f"Users/{learner_a.pk}").json()
    assert [g["display"] for g in user["groups"]] == ["GG-Buergerdienste"]


def test_delete_ends_employment_and_a_returning_person_is_matched_with_history(
    bonn, amt_a, gemeinde_a
):
    created = bonn.create_user("rueckkehr@bonn.de").json()
    person = Person.objects.get(pk=created["id"])
    assert bonn.call("delete", f"Users/{person.pk}").status_code == 204
    assert bonn.call("get", f"Users/{person.pk}").status_code == 404
    person.refresh_from_db()
    assert not person.is_active and not person.memberships.exists()
    again = bonn.create_user("rueckkehr@bonn.de")
    assert again.status_code == 201
    assert again.json()["id"] == str(person.pk)  # the same account, with its history
    person.refresh_from_db()
    assert person.is_active


def test_bad_bodies_get_clear_errors_and_change_nothing(bonn, learner_a):
    assert bonn.call("post", "Users", {"schemas": [USER_URN]}).status_code == 400
    no_mail = bonn.call("post", "Users", {"schemas": [USER_URN], "userName": "ohne-mail"})
    assert no_mail.status_code == 400
    assert "E-Mail" in no_mail.json()["detail"]
    assert (
        bonn.client.post(
            "/scim/v2/Users", data="{", content_type=SCIM, HTTP_AUTHORIZATION=f"Bearer {bonn.token}"
        ).status_code
        == 400
    )
    assert Person.objects.count() == 2  # hr_a and learner_a


def test_user_list_query_count_does_not_grow_with_the_page(
    bonn, amt_a, django_assert_max_num_queries
):
    for n in range(3):
        make_member(amt_a, full_name=f"Erste {n}")
    with django_assert_max_num_queries(10) as few:
        bonn.call("get", "Users")
    for n in range(12):
        make_member(amt_a, full_name=f"Weitere {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        bonn.call("get", "Users")


@pytest.fixture
def org_admin_a(gemeinde_a):
    return make_member(gemeinde_a, Membership.Role.ORG_ADMIN, full_name="Ida Verwaltung")


def test_org_admin_creates_a_token_shown_once_and_revokes_it(client, org_admin_a, gemeinde_a):
    from django.urls import reverse

    client.force_login(org_admin_a)
    url = reverse("hr_directory", args=[gemeinde_a.pk])
    page = client.post(url, {"action": "create", "name": "Entra ID Bonn"})
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret and secret in page.content.decode()
    token = gemeinde_a.scim_tokens.get()
    assert secret not in (token.token_digest, token.hint) and len(secret) > 40
    assert secret not in client.get(url).content.decode()  # shown once
    assert Directory(client, secret).call("get", "Users").status_code == 200
    client.post(url, {"action": "revoke", "token": token.pk})
    assert Directory(client, secret).call("get", "Users").status_code == 401
    actions = AuditEvent.objects.filter(action=AuditEvent.Action.DIRECTORY_TOKEN)
    assert [e.detail["change"] for e in actions.order_by("pk")] == ["created", "revoked"]
    empty = client.post(url, {"action": "create", "name": ""})
    assert empty.status_code == 400


def test_only_org_admins_of_the_unit_reach_the_directory_page(
    client, hr_a, org_admin_a, gemeinde_a, gemeinde_b, hr_b, koeln_token
):
    from django.urls import reverse

    client.force_login(hr_a)  # HR, not org admin
    assert client.get(reverse("hr_directory", args=[gemeinde_a.pk])).status_code == 404
    client.force_login(org_admin_a)
    assert client.get(reverse("hr_directory", args=[gemeinde_b.pk])).status_code == 404
    koeln = gemeinde_b.scim_tokens.get()
    client.post(
        reverse("hr_directory", args=[gemeinde_a.pk]), {"action": "revoke", "token": koeln.pk}
    )
    koeln.refresh_from_db()
    assert koeln.revoked_at is None


def test_mapping_a_group_moves_its_members(client, bonn, org_admin_a, gemeinde_a, amt_a):
    from django.urls import reverse

    person = Person.objects.get(pk=bonn.create_user("gruppe@bonn.de").json()["id"])
    assert person.memberships.get().organisation == gemeinde_a
    bonn.call(
        "post",
        "Groups",
        {
            "schemas": [GROUP_URN],
            "displayName": "Bürgerdienste",
            "members": [{"value": str(person.pk)}],
        },
    )
    group = ScimGroup.objects.get()
    profile = JobProfileFactory()
    client.force_login(org_admin_a)
    client.post(
        reverse("hr_directory", args=[gemeinde_a.pk]),
        {
            "action": "place",
            "group": group.pk,
            f"g{group.pk}-unit": amt_a.pk,
            f"g{group.pk}-job_profile": profile.pk,
        },
    )
    membership = person.memberships.get()
    assert membership.organisation == amt_a
    assert list(membership.job_profiles.all()) == [profile]


def test_export_shows_and_erasure_removes_what_the_directory_said(
    bonn, hr_a, django_capture_on_commit_callbacks
):
    from lms.models import ScimAccount
    from lms.services.privacy import person_data_export, person_erase

    person = Person.objects.get(
        pk=bonn.create_user("export@bonn.de", externalId="entra-42").json()["id"]
    )
    bonn.call(
        "post",
        "Groups",
        {
            "schemas": [GROUP_URN],
            "displayName": "GG-Export",
            "members": [{"value": str(person.pk)}],
        },
    )
    exported = json.dumps(person_data_export(user=person), default=str)
    assert "entra-42" in exported and "GG-Export" in exported
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user=person, by=hr_a)
    assert not ScimAccount.objects.filter(user=person).exists()
    assert not ScimGroup.objects.get().members.exists()
    assert bonn.call("get", f"Users/{person.pk}").status_code == 404
