import pytest
from django.test import Client


@pytest.mark.django_db
def test_passage_opens_in_dutch_even_when_the_browser_asks_for_english():
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/", follow=True)
    assert response.redirect_chain == [("/accounts/login/", 301)]
    assert response.headers["Content-Language"] == "nl"
    assert "<h1 class=\"h3 mb-3\">Inloggen</h1>" in response.content.decode()


@pytest.mark.django_db
def test_english_is_a_choice_that_is_remembered():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "<h1 class=\"h3 mb-3\">Sign in</h1>" in page
