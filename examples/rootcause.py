"""Work a failure to its root cause the way a quality engineer does: ticket, evidence, fix.

    WATS_BASE_URL=http://localhost:8080 WATS_AUTH_TOKEN=<token> python examples/rootcause.py

Each run opens a new ticket.
"""

from __future__ import annotations

from pywats import WATS, Ticket, TicketStatus, WATSError


def main() -> None:
    with WATS() as client:
        evidence = client.rootcause.upload_attachment(
            "3v3-rail.csv", b"sn,volts\nSN-1,3.05\nSN-2,3.07\n", "text/csv"
        )
        ticket = client.rootcause.create(
            Ticket(subject="3V3 rail low on PCB-100", priority=2, team="Test engineering"),
            comment="Two boards below the 3.2 V limit at ICT",
            attachments=[evidence],
        )
        assert ticket.ticket_id is not None
        client.rootcause.assign(ticket.ticket_id, "eve")
        client.rootcause.set_status(ticket.ticket_id, TicketStatus.IN_PROGRESS)
        client.rootcause.comment(ticket.ticket_id, "R12 fitted as 1k instead of 10k")
        solved = client.rootcause.set_status(
            ticket.ticket_id, TicketStatus.SOLVED, comment="feeder corrected"
        )

        status = TicketStatus(solved.status or 0).name
        print(f"ticket {solved.ticket_number}: {solved.subject} -> {status}")
        for entry in solved.history:
            files = ", ".join(a.filename or "" for a in entry.attachments)
            print(f"  {entry.update_user}: {entry.content}" + (f" [{files}]" if files else ""))
        still_open = client.rootcause.query(search="PCB-100")
        print(f"{len(still_open)} open ticket(s) mention PCB-100")


if __name__ == "__main__":
    try:
        main()
    except WATSError as exc:  # unreachable server, wrong token, a refused request: say which
        raise SystemExit(f"error: {exc}") from None
