import pytest

from config import ProductionConfig
from trainer import ConfigurationError, create_app

REAL_KEY = "k" * 48


def test_production_refuses_the_development_secret_key():
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(
            ProductionConfig,
            {"SECRET_KEY": "dev-only-insecure-secret-key", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
        )


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        create_app(ProductionConfig, {"SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_run_without_a_database_url():
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        create_app(ProductionConfig, {"SECRET_KEY": REAL_KEY, "SQLALCHEMY_DATABASE_URI": None})


def test_production_starts_with_real_settings_and_secure_cookies():
    app = create_app(ProductionConfig, {"SECRET_KEY": REAL_KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/accounts/login")
    assert "Strict-Transport-Security" in response.headers


def test_development_uses_a_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from config import DevelopmentConfig

    app = create_app(DevelopmentConfig, {"SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/trainer.sqlite3")


def test_settings_can_come_from_flask_prefixed_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SITE_NAME", "UCLG ASPAC trainer")
    from config import TestingConfig

    assert create_app(TestingConfig).config["SITE_NAME"] == "UCLG ASPAC trainer"
