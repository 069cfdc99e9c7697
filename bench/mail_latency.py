"""Benchmark: mail detection latency of the suite's mail readers, from delivery to the moment
`support.mail.open_inbox(load_config())` -> `wait_for(recipient, subject, since=...)` returns.

Target: median and p95 <= 0.25 s.

    .venv/bin/python bench/mail_latency.py [-n 20] [--backend auto|mailpit|imap]

For each of N messages the reader starts waiting first (as in a scenario, where the wait begins before the
portal sends), then, after a random 0-0.4 s (so that deliveries fall anywhere in the poll cycle), the message
is sent by SMTP to a unique loopback address. Delivery is Mailpit's `Created` timestamp of the message
(Mailpit); for GreenMail, which keeps no such timestamp, the moment the SMTP send completed.
`auto` measures Mailpit always, and GreenMail (IMAP) too when the stack runs with `uat stack up --mail imap`.
"""

from __future__ import annotations

import argparse
import random
import smtplib
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import header, load_average, median, percentile, require_healthy_stack, verdict
from support.config import load_config
from support.mail import open_inbox

TARGET_S = 0.25
WAIT_TIMEOUT_S = 15.0


def send(port: int, recipient: str, subject: str) -> float:
    """Sends one message; returns the wall-clock time (epoch s) at which the SMTP transaction completed."""
    message = EmailMessage()
    message["From"] = "bench@famhp-uat.test"
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content("mail latency benchmark")
    with smtplib.SMTP("localhost", port, timeout=10) as smtp:
        smtp.send_message(message)
        done = time.time()
    return done


def measure(backend: str, smtp_port: int, n: int) -> list[float]:
    config = load_config({"mail_backend": backend})
    latencies: list[float] = []
    received = []
    with open_inbox(config) as inbox:
        for i in range(n):
            recipient = f"bench-mail-{uuid.uuid4().hex[:10]}@famhp-uat.test"
            subject = f"bench latency {i}"
            since = datetime.now(UTC) - timedelta(seconds=1)
            box: dict = {}

            def wait(
                recipient: str = recipient, subject: str = subject, box: dict = box, since: datetime = since
            ) -> None:
                try:
                    box["message"] = inbox.wait_for(recipient, subject, since=since, timeout=WAIT_TIMEOUT_S)
                    box["returned"] = time.time()
                except Exception as exc:  # reported below
                    box["error"] = exc

            waiter = threading.Thread(target=wait, daemon=True)
            waiter.start()
            time.sleep(random.uniform(0.0, 0.4))  # bench pacing: deliver at a random point of the poll cycle
            sent_done = send(smtp_port, recipient, subject)
            waiter.join(WAIT_TIMEOUT_S + 5)
            if "error" in box or "returned" not in box:
                print(f"  {backend} message {i}: {box.get('error', 'no answer')}")
                continue
            message = box["message"]
            delivered = message.received_at.timestamp() if backend == "mailpit" else sent_done
            latency = box["returned"] - delivered
            latencies.append(latency)
            received.append(message)
            note = ""
            if backend == "mailpit":
                smtp_after_created_ms = (sent_done - message.received_at.timestamp()) * 1000
                note = (
                    f" (Created {message.received_at.isoformat(timespec='milliseconds')}, "
                    f"SMTP done {smtp_after_created_ms:+.1f} ms)"
                )
            print(f"  {backend} {i + 1:2d}/{n}: detected {latency * 1000:6.1f} ms after delivery{note}", flush=True)
        try:
            inbox.delete(received)
        except Exception as exc:  # leftovers in a bench mailbox are harmless
            print(f"  (could not delete the bench messages: {exc})")
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=20, help="messages per backend (default 20)")
    parser.add_argument("--backend", choices=("auto", "mailpit", "imap"), default="auto")
    args = parser.parse_args()
    status = require_healthy_stack()
    backends = {"mailpit": int(status["mailpit"]["smtp_port"])}
    if status.get("greenmail"):
        backends["imap"] = int(status["greenmail"]["smtp_port"])
    if args.backend != "auto":
        if args.backend not in backends:
            sys.exit("the stack runs without GreenMail: start it with `uat stack up --mail imap`")
        backends = {args.backend: backends[args.backend]}
    header(f"mail detection latency, {args.n} messages per backend ({', '.join(backends)})")
    worst = 0.0
    for backend, port in backends.items():
        load = load_average()
        values = measure(backend, port, args.n)
        if not values:
            print(f"{backend}: no message detected")
            return 1
        p50, p95 = median(values), percentile(values, 95)
        worst = max(worst, p95)
        print(
            f"{backend}: median {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(values) * 1000:.0f} ms "
            f"over {len(values)} messages  median {verdict(p50, TARGET_S)}, p95 {verdict(p95, TARGET_S)}  "
            f"load before {load}\n",
            flush=True,
        )
    print(f"load average at end {load_average()}")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
