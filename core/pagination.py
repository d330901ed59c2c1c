from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """The one pagination style of the API: ``?page=N&page_size=M`` (at most 100)."""

    page_size_query_param = "page_size"
    max_page_size = 100
