"""The alert mail for a failed or empty scheduled day: composed here, sent like the digest (send.deliver).

Plain text on purpose (it must read in any client and on a phone). Everything it needs comes in as
arguments; the flow decides whether an alert is due (flows/alerting.py).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def compose_alert(day: str, kind: str, problem: str, run_id: str | None, db: str, sender: str,
                  recipients: list[str], host: str | None = None) -> EmailMessage:
    """`kind` is `failed` or `empty`; `problem` says why, in one line."""
    what = "failed" if kind == "failed" else "stored nothing new"
    msg = EmailMessage()
    msg["Subject"] = f"[narrative] scheduled run {what} on {day}"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=(sender.rsplit("@", 1)[-1] or "localhost"))
    msg["X-Narrative-Alert"] = kind
    lines = [
        f"The scheduled narrative run of {day} {what}.",
        "",
        f"Why:       {problem}",
        f"Run:       {run_id or '(no run was recorded)'}",
        f"Warehouse: {db}" + (f" on {host}" if host else ""),
        "",
        "What to look at:",
        f"  narrative runs --db {db} --limit 5",
        "  narrative config check --config <your config>",
        "",
        "This is the only alert for this day; the next scheduled run tries again.",
    ]
    msg.set_content("\n".join(lines) + "\n")
    return msg
