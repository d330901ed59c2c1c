"""Production settings are checked in a fresh interpreter, as an operator would run them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k8#Qz1-" + "x7Lp9Vb2Nm4Rt6Yw8Zc0Df3Gh5Jk7Ls9Qa1We3Rt5Yu7Io9Pa2Sd4Fg6Hj"


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": STRONG_KEY,
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    del env[missing]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = run_manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be" in result.stderr


def _describe(**env):
    code = (
        "from django.conf import settings; from procurement.celery import app; "
        "print(settings.DATABASES['default']['ENGINE'], app.conf.task_always_eager, "
        "app.conf.broker_url or '-', sep='|')"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**{k: v for k, v in clean.items() if not k.startswith("DATABASE_URL")}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_development_defaults_to_sqlite_and_in_process_tasks():
    engine, eager, _ = _describe()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True"


def test_service_urls_switch_to_postgresql_and_redis():
    engine, eager, broker = _describe(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/locallots",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert engine == "django.db.backends.postgresql"
    assert eager == "False"
    assert broker == "redis://127.0.0.1:6379/0"


def _shell(code: str, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in ``manage.py shell`` with the development defaults and ``env``."""
    names = ("DJANGO_", "DATABASE_URL", "CELERY_BROKER_URL", "SITE_URL", "DEV_SERVER_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


SITE_URL_CODE = "from django.conf import settings; print(settings.SITE_URL)"


def test_email_links_follow_the_address_make_run_serves_on():
    result = _shell(SITE_URL_CODE, DEV_SERVER_URL="http://127.0.0.1:8101")
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8101"
    assert _shell(SITE_URL_CODE).stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000"


def test_site_url_wins_over_the_development_server_address():
    result = _shell(
        SITE_URL_CODE, DEV_SERVER_URL="http://127.0.0.1:8101", SITE_URL="https://lots.example"
    )
    assert result.stdout.strip().splitlines()[-1] == "https://lots.example"


def test_make_run_passes_its_port_to_the_demo_and_the_server():
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "PORT=8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    seed = next(line for line in commands if "seed_demo" in line)
    server = next(line for line in commands if "runserver" in line)
    assert "DEV_SERVER_URL=http://127.0.0.1:8101" in seed
    assert "DEV_SERVER_URL=http://127.0.0.1:8101" in server and "127.0.0.1:8101" in server


def test_in_process_tasks_reach_for_no_broker():
    """No broker set: an in-process task must not make kombu look for (and warn about) one."""
    code = (
        "from procurement.celery import app\n"
        "def ran():\n"
        "    return 'ran'\n"
        "probe = app.task(name='probe', shared=False)(ran)\n"
        "print(probe.delay().get())"
    )
    result = _shell(code)
    assert result.stdout.strip().splitlines()[-1] == "ran"
    assert "No hostname" not in result.stderr and "WARNING" not in result.stderr
