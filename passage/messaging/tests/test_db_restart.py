"""The database crashes and restarts under load: no acknowledged message is lost (issue 4 §4).

The soak script (scripts/soak/db_restart.py) runs against a PostgreSQL server of this test's own — initdb'd in a
temporary folder, on a free port, so the machine's server and the rest of the suite never notice — with a real
Celery worker on RabbitMQ: a producer commits SMS at a steady rate, the server is killed (``pg_ctl -m immediate``:
no shutdown, as a crash or a power cut) and started again a third of the way in. Every message whose commit
returned must end sent; commits refused while the server was away were never acknowledged and are only counted."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BROKER = os.environ.get("PASSAGE_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(*command) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run the server's programs as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


def _broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of the test's own: (its URL without a database name, the command that crashes and
    restarts it)."""
    bin_dir = _pg_bin()
    assert bin_dir is not None, "PostgreSQL's server programs (initdb, pg_ctl) are needed: apt-get install postgresql"
    home = Path(tempfile.mkdtemp(prefix="passage-own-postgres-"))  # not under pytest's root-only folder
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, log = home / "data", home / "server.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"
    subprocess.run(_as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                "-E", "UTF8", "--no-sync"), check=True, stdout=subprocess.DEVNULL)
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w"]
    subprocess.run(_as_postgres(*pg_ctl, "start"), check=True, stdout=subprocess.DEVNULL)
    crash_restart = " ".join(_as_postgres(*pg_ctl[:3], "-m", "immediate", "stop")) + " && " + " ".join(
        _as_postgres(*pg_ctl[:5], "-o", f"'{options}'", "-w", "start"))
    yield f"postgres://postgres@127.0.0.1:{port}", crash_restart
    subprocess.run(_as_postgres(*pg_ctl[:3], "-m", "immediate", "stop"), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    shutil.rmtree(home, ignore_errors=True)


def test_the_database_crashing_under_load_loses_no_acknowledged_message(own_postgres):
    assert _broker_up(), "RabbitMQ must run on 127.0.0.1:5672 (.ci/run starts it)"
    url, crash_restart = own_postgres
    env = {**os.environ, "SOAK_DATABASE_URL": f"{url}/passage_soak", "SOAK_RESTART": crash_restart,
           "SOAK_SECONDS": "15", "SOAK_RATE": "20", "SOAK_BROKER": BROKER,
           # a message claimed as the server died waits out its lease, one whose task died its grace: short here
           "PASSAGE_TEST_LEASE_SECONDS": "5", "PASSAGE_TEST_SWEEP_GRACE_SECONDS": "5"}
    env.pop("DATABASE_URL", None)
    run = subprocess.run([sys.executable, "scripts/soak/db_restart.py"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    report = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    print(report)
    assert run.returncode == 0, report
    assert " 0 lost, 0 not sent" in report, report
