"""create_app(test_config): the test's configuration only, in the test's own instance folder."""

from __future__ import annotations

from pathlib import Path

from conftest import checkout_instance, instance_state

from docgen import create_app


def test_a_test_app_keeps_out_of_the_checkouts_instance_folder(tmp_path: Path) -> None:
    before = instance_state(checkout_instance())
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    assert app.instance_path == str(instance)
    # without a configured key the app makes one, in its own instance folder
    assert (instance / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    assert app.test_client().get("/login").status_code == 200
    assert instance_state(checkout_instance()) == before


def test_environment_and_instance_config_are_ignored_with_a_test_config(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DOCGEN_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DOCGEN_MAX_CONTENT_LENGTH", "1")
    monkeypatch.setenv("DOCGEN_SESSION_COOKIE_SECURE", "true")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('SECRET_KEY = "from-config-py"\nDATABASE = "elsewhere"\n')
    database = str(tmp_path / "test.sqlite")
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "DATABASE": database})
    assert app.config["SECRET_KEY"] not in ("from-the-environment", "from-config-py")
    assert app.config["DATABASE"] == database
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["SESSION_COOKIE_SECURE"] is False
