from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    """Page numbers with a bounded page size: ``?page=2&page_size=100`` (at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirstCursorPagination(CursorPagination):
    """Opaque ``next``/``previous`` cursors over a history, newest ``started_at`` first.

    For lists that grow without bound while they are read (an organization's
    sessions): page numbers would count every row on every page (``COUNT(*)`` over
    millions of rows) and shift under new rows, so a reader walking the pages meets
    an item twice. A cursor page is one index range scan, and a walk sees each row once.
    ``started_at`` has microseconds, so ties are rare; DRF pages through them by offset.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-started_at", "id")
