"""An unported Flask page that reaches into Django: what ADR 1 forbids."""

from portal.api import invoice_total


def invoice_page(invoice_id: int) -> str:
    return f"Invoice {invoice_id}: {invoice_total(invoice_id)}"
