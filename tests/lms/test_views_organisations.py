"""Organisation pages: HR of A sees A and its Ämter; B's pages are a 404."""

from django.urls import reverse

from tests.factories import make_organisation


def test_organisation_list_shows_only_own_scope(client, hr_a, gemeinde_a, amt_a, gemeinde_b):
    """The list names A and its Amt, never the neighbouring city."""
    client.force_login(hr_a)
    page = client.get(reverse("organisation_list")).content.decode()
    assert gemeinde_a.name in page and amt_a.name in page
    assert gemeinde_b.name not in page


def test_organisation_detail_own_and_subunit_visible(client, hr_a, gemeinde_a, amt_a, learner_a):
    """HR of A opens A and its Amt and sees the Amt's staff."""
    client.force_login(hr_a)
    assert client.get(reverse("organisation_detail", args=[gemeinde_a.pk])).status_code == 200
    page = client.get(reverse("organisation_detail", args=[amt_a.pk]))
    assert page.status_code == 200
    assert learner_a.full_name in page.content.decode()


def test_organisation_detail_neighbour_is_404(client, hr_a, gemeinde_b, amt_b):
    """HR of A asking for B or B's Amt gets a 404 that reveals nothing."""
    client.force_login(hr_a)
    for organisation in (gemeinde_b, amt_b):
        response = client.get(reverse("organisation_detail", args=[organisation.pk]))
        assert response.status_code == 404
        assert organisation.name not in response.content.decode()


def test_organisation_pages_need_login(client, gemeinde_a):
    """Anonymous visitors are sent to the login page."""
    response = client.get(reverse("organisation_detail", args=[gemeinde_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


LIST_QUERIES = 3  # session, user, visible organisations (one query), at any size


def test_organisation_list_query_count_constant(
    client, hr_a, gemeinde_a, django_assert_num_queries
):
    """The list costs the same number of queries with 2 or 20 sub-units."""
    client.force_login(hr_a)
    for number in range(2):
        make_organisation(f"Amt {number}", parent=gemeinde_a)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("organisation_list")).status_code == 200
    for number in range(2, 20):
        make_organisation(f"Amt {number}", parent=gemeinde_a)
    with django_assert_num_queries(LIST_QUERIES):
        page = client.get(reverse("organisation_list")).content.decode()
    assert "Amt 19" in page
