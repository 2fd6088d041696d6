"""The command line: init-db, seed-demo, create-user, kinds, render."""

from __future__ import annotations

import json

import pytest
from pdftext import pdf_text

from docgen import create_app
from docgen import db as database
from docgen.accounts import users
from docgen.kinds import catalog
from docgen.rendering import html as preview


@pytest.fixture
def runner(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "cli.sqlite"),
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    return app.test_cli_runner()


def test_init_db_seed_demo_and_create_user(runner, tmp_path):
    assert "m001_initial" in runner.invoke(args=["init-db"]).output
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0 and "curator / nastavnik2024" in seeded.output
    created = runner.invoke(
        args=[
            "create-user",
            "zavuch",
            "--role",
            "methodologist",
            "--org",
            "2",
            "--name",
            "Кох А.П.",
        ],
        input="dlinnyi-parol\ndlinnyi-parol\n",
    )
    assert created.exit_code == 0, created.output
    db = database.connect(tmp_path / "cli.sqlite")
    assert users.authenticate(db, "zavuch", "dlinnyi-parol", users.dt.datetime.now(users.dt.UTC))
    refused = runner.invoke(
        args=["create-user", "x", "--role", "curator", "--org", "2"], input="a\na\n"
    )
    assert refused.exit_code == 2 and "Логин" in refused.output


def test_kinds_lists_every_kind(runner):
    output = runner.invoke(args=["kinds"]).output
    for kind in catalog.KINDS:
        assert kind.slug in output and kind.title in output


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".html"])
def test_render_writes_the_sample_in_each_format(runner, tmp_path, suffix):
    sample = catalog.SAMPLES_DIR / "curator-order.json"
    out = tmp_path / f"order{suffix}"
    result = runner.invoke(args=["render", "curator-order", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    text = {
        ".docx": preview.docx_text,
        ".pdf": pdf_text,
        ".html": lambda b: b.decode("utf-8"),
    }[suffix](content)
    assert "Назначить Чернову Наталью Викторовну" in preview.normalize_text(text)


def test_invalid_input_prints_every_field_error_and_writes_nothing(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"curator": {"name": ""}, "start_date": "31.02.2024", "duties": "x"}),
        encoding="utf-8",
    )
    out = tmp_path / "order.docx"
    result = runner.invoke(args=["render", "curator-order", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "start_date: Неверная дата" in result.output
    assert "duties: Ожидается список." in result.output
    assert "curator.surname" in result.output
    assert not out.exists()


def test_not_json_and_unknown_kind_exit_with_status_2(runner, tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    out = tmp_path / "x.pdf"
    assert (
        runner.invoke(args=["render", "curator-order", str(garbage), "-o", str(out)]).exit_code == 2
    )
    sample = catalog.SAMPLES_DIR / "curator-order.json"
    unknown = runner.invoke(args=["render", "no-such-kind", str(sample), "-o", str(out)])
    assert unknown.exit_code == 2 and "Нет такого вида документа" in unknown.output
    assert not out.exists()


def test_readme_documents_every_command(runner):
    readme = (catalog.SAMPLES_DIR.parent / "README.md").read_text(encoding="utf-8")
    commands = {"init-db", "seed-demo", "create-user", "kinds", "render"}
    for name in commands:
        assert f"flask --app docgen {name}" in readme, name
