"""storage/locations.py `shown`: a database URL is printed without its password, in every form
a URL can carry one; anything else is printed as it is."""

from __future__ import annotations

import subprocess
import sys

import pytest

from complaintctl.storage.locations import shown, with_quoted_password


@pytest.mark.parametrize(
    "location, expected, secret",
    [
        ("postgresql+psycopg://alice:p@ss/w:rd@db.example:5432/complaints",
         "postgresql+psycopg://alice:***@db.example:5432/complaints", "ss/w:rd"),
        ("postgresql+psycopg://alice:a%40b@db.example/complaints",
         "postgresql+psycopg://alice:***@db.example/complaints", "a%40b"),
        ("postgresql+psycopg://alice@db.example/complaints?password=secret&sslmode=require",
         "postgresql+psycopg://alice@db.example/complaints?password=***&sslmode=require", "secret"),
        ("postgresql+psycopg://alice@db.example/complaints?sslmode=require&PASSWORD=secret",
         "postgresql+psycopg://alice@db.example/complaints?sslmode=require&PASSWORD=***", "secret"),
        ("postgresql+psycopg://alice:one@db.example/complaints?sslpassword=two&password=three",
         "postgresql+psycopg://alice:***@db.example/complaints?sslpassword=***&password=***", "one"),
        ("postgresql://alice:s3cret@db.example/complaints", "postgresql://alice:***@db.example/complaints", "s3cret"),
        ("postgresql://:s3cret@db.example/complaints", "postgresql://:***@db.example/complaints", "s3cret"),
        ("postgresql://user@tenant:s3cret@db.example/complaints", "postgresql://user@tenant:***@db.example/complaints", "s3cret"),
        ("postgresql://:?#[]@db.example/c", "postgresql://:***@db.example/c", "?#[]"),
        ("postgresql+psycopg://alice@db.example/complaints?password=p@ss/w:rd",
         "postgresql+psycopg://alice@db.example/complaints?password=***", "ss/w:rd"),
        ("postgresql+psycopg://alice:one@two@db.example/c?sslmode=require&password=x@y",
         "postgresql+psycopg://alice:***@db.example/c?sslmode=require&password=***", "two"),
    ],
)
def test_the_password_is_masked(location, expected, secret):
    assert shown(location) == expected
    assert secret not in shown(location)


@pytest.mark.parametrize(
    "location",
    [
        "postgresql+psycopg://alice@db.example:5432/complaints",
        "postgresql://db.example/complaints?sslmode=require",
        "/home/officer/complaints.db",
        "complaints.db",
        "C:\\Users\\me@council\\complaints:2.db",
        "/srv/data/me@council/a:b.db",
        "sqlite:////srv/me@council/a:b.db",
        "",
    ],
)
def test_no_password_means_no_change(location):
    assert shown(location) == location


def test_shown_does_not_import_sqlalchemy():
    code = "import sys; from complaintctl.storage.locations import shown; shown('postgresql://a:b@c/d'); print('sqlalchemy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "location, user, password, host, database",
    [
        ("postgresql+psycopg://alice:p@ss/w:rd@db.example:5432/complaints", "alice", "p@ss/w:rd", "db.example", "complaints"),
        ("postgresql+psycopg://alice:a%40b@db.example/complaints", "alice", "a@b", "db.example", "complaints"),
        ("postgresql://user@tenant:s3cret@db.example/complaints", "user@tenant", "s3cret", "db.example", "complaints"),
        ("postgresql://alice:p?w#x@db.example/c?password=x@y", "alice", "p?w#x", "db.example", "c"),
        ("postgresql://alice@db.example/c?password=x@y", "alice", None, "db.example", "c"),
    ],
)
def test_the_driver_reads_the_password_where_shown_hides_it(location, user, password, host, database):
    """Else a typed `p@ss/w:rd` is read as a host `ss` and a database `w:rd@…`, which the
    driver's error messages then print."""
    from sqlalchemy.engine import make_url

    url = make_url(with_quoted_password(location))
    assert (url.username, url.password, url.host, url.database) == (user, password, host, database)
