"""No database here: pytest-django fails any query outside a django_db test."""

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error


def test_500_page_renders_without_a_request_context():
    assert "Something went wrong" in render_to_string("500.html")


def test_500_handler_answers_without_the_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
