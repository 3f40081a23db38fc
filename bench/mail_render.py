"""Render proposal mails through the one layout with css-inline; print ms per mail.

    .venv/bin/python bench/mail_render.py [--mails 2000]

A run's commit renders one proposal mail per match (thousands in a large run), so the
cost of the layout and of moving its CSS into style attributes matters. Prints the time
per mail for the whole render (subject, text, HTML, inlining) and for inlining alone, on
a throw-away SQLite database with one proposal.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor import create_app
from mentor.extensions import db
from mentor.mail.layout import inline_css
from mentor.mail.outbox import render_mail
from mentor.services import proposals
from tests import factories as f


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "BASE_URL": "http://127.0.0.1:5000",
            }
        )
        with app.app_context():
            db.create_all()
            volunteer = f.volunteer(db.session, "vera@example.dk")
            teacher = f.teacher(db.session, "tove@example.dk")
            request = f.booking(db.session, teacher, class_name="8.b", topic="Droner")
            offer = proposals.Offer(
                request.id,
                volunteer.volunteer_profile.id,
                request.windows[0].id,
                "physical",
                4.2,
                0.1,
                {},
            )
            proposal = proposals.create_proposal(db.session, offer, now=datetime.now(UTC))
            context = dict(
                user=volunteer,
                proposal=proposal,
                request=request,
                window=request.windows[0],
                link="http://127.0.0.1:5000/frivillig/svar/" + "x" * 80,
                deadline=proposal.expires_at,
            )
            render_mail("proposal", "da", **context)  # warm the template cache
            started = time.perf_counter()
            for _ in range(args.mails):
                _subject, _text, html = render_mail("proposal", "da", **context)
            total = time.perf_counter() - started
            raw = render_mail("proposal", "da", inline=False, **context)[2]
            started = time.perf_counter()
            for _ in range(args.mails):
                inline_css(raw)
            inlining = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(f"proposal mail: {args.mails} rendered in {total:.2f} s")
    print(f"  whole render: {1000 * total / args.mails:.2f} ms/mail")
    print(f"  css-inline alone: {1000 * inlining / args.mails:.3f} ms/mail")
    print(f"  HTML size: {len(html.encode())} bytes; load average {load:.2f}")


if __name__ == "__main__":
    main()
