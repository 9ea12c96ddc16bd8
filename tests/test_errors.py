import pytest
from flask import abort
from sqlalchemy import select

from tests.factories import make_user
from trainer.extensions import db


@pytest.fixture
def app_with_failing_routes(app):
    @app.get("/_test/fail")
    def fail():
        raise RuntimeError("boom")

    @app.get("/_test/forbidden")
    def forbidden():
        abort(403)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_404_page_is_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert 'href="/static/style.css"' in page


def test_403_page(app_with_failing_routes):
    response = app_with_failing_routes.test_client().get("/_test/forbidden")
    assert response.status_code == 403
    assert "You do not have permission" in response.get_data(as_text=True)


def test_500_page_shows_no_stack_trace(app_with_failing_routes):
    response = app_with_failing_routes.test_client().get("/_test/fail")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "RuntimeError" not in page and "Traceback" not in page


def test_405_on_wrong_method(client):
    assert client.get("/accounts/logout").status_code == 405


def test_nul_byte_in_input_is_a_clear_400(app, client):
    with app.app_context():
        email = make_user().email
        db.session.commit()
    response = client.post("/accounts/login", data={"email": email + "\x00", "password": "x"})
    assert response.status_code == 400
    assert client.get("/?q=%00").status_code == 400


class TestDatabaseGoneMidRequest:
    """PostgreSQL restarted while a request held a connection: the rollback at the end fails too."""

    @pytest.fixture
    def app_with_dead_rollbacks(self, app, monkeypatch):
        """Routes that read, after which the database "restarts": every rollback fails from then on."""
        gone = []

        @app.get("/_test/read")
        def read():
            db.session.execute(select(1))
            gone.append(True)
            return "read"

        @app.get("/_test/read-then-fail")
        def read_then_fail():
            db.session.execute(select(1))
            gone.append(True)
            raise RuntimeError("boom")

        @app.get("/_test/database-gone")
        def database_gone():
            gone.append(True)
            db.session.execute(select(1))

        app.config["PROPAGATE_EXCEPTIONS"] = False
        with app.app_context():
            dialect = db.engine.dialect
        rollback, execute = dialect.do_rollback, dialect.do_execute

        def terminated():
            return dialect.loaded_dbapi.OperationalError("terminating connection due to administrator command")

        def dead_rollback(dbapi_connection):
            if gone:
                raise terminated()
            rollback(dbapi_connection)

        def dead_execute(cursor, statement, parameters, context=None):
            if gone:
                raise terminated()
            execute(cursor, statement, parameters, context)

        monkeypatch.setattr(dialect, "do_rollback", dead_rollback)
        monkeypatch.setattr(dialect, "do_execute", dead_execute)
        yield app
        gone.clear()

    def test_a_response_already_made_goes_out(self, app_with_dead_rollbacks):
        response = app_with_dead_rollbacks.test_client().get("/_test/read")
        assert response.status_code == 200 and response.text == "read"

    def test_the_error_page_still_shows(self, app_with_dead_rollbacks):
        response = app_with_dead_rollbacks.test_client().get("/_test/read-then-fail")
        assert response.status_code == 500 and "Something went wrong" in response.text

    def test_the_error_page_needs_no_database_when_the_database_failed(self, app_with_dead_rollbacks, login_as):
        # A signed-in reader: the layout would load them (name, language, zone) from the database.
        with app_with_dead_rollbacks.app_context():
            email = make_user().email
            db.session.commit()
        client = login_as(email)
        response = client.get("/_test/database-gone")
        assert response.status_code == 500 and "Something went wrong" in response.text
