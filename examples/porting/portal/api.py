"""A ported endpoint: Django may call Flask, over HTTP, through the proxy."""


def invoice_total(invoice_id: int) -> str:
    return f"{invoice_id * 10} EUR"
