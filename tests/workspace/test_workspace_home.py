"""The workspace's door: staff sign in once and land on their role's page;
clients and strangers do not get in."""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient

from clinic.core.models import User


def _signed_in(user: User) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


@pytest.mark.parametrize("persona", ["owner", "front_desk", "therapist"])
def test_staff_land_on_their_workspace(request, persona):
    user = request.getfixturevalue(persona)
    browser = _signed_in(user)
    home = browser.get("/")
    assert home.status_code == 302 and home["Location"] == "/work/"
    landed = browser.get("/work/", follow=True)
    assert landed.status_code == 200
    assert landed.redirect_chain == [] or landed.redirect_chain[-1][0].startswith("/work/")
    html = landed.content.decode()
    assert "Sign out" in html and user.clinic.name in html


def test_a_client_is_refused_and_a_stranger_is_sent_to_sign_in(client):
    assert _signed_in(client).get("/work/").status_code == 403
    stranger = BrowserClient().get("/work/")
    assert stranger.status_code == 302 and stranger["Location"].startswith("/accounts/login/")
    assert BrowserClient().get("/").status_code == 200  # what this server is


def test_the_bar_shows_each_role_its_own_pages(front_desk, therapist):
    desk = _signed_in(front_desk).get("/work/", follow=True).content.decode()
    mine = _signed_in(therapist).get("/work/", follow=True).content.decode()
    assert "Two-step sign-in" in desk and "Two-step sign-in" in mine
    assert ">My day<" not in desk
    assert ">Day<" not in mine
