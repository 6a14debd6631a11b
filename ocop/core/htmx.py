"""htmx requests: answer a partial only to a real htmx swap. A history restore (the browser's
Back button after ``hx-push-url``) also sends ``HX-Request`` but needs the whole page."""


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
