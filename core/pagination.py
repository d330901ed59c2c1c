from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """The one pagination style of the API: ``?page=N&page_size=M`` (at most 100).

    Unreadable values are a 400 naming the parameter (DRF would quietly use the default page
    size); a page past the last one is a 404 saying how many pages there are.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    invalid_page_message = "There is no page {page_number}: {message}."

    def paginate_queryset(self, queryset, request, view=None):
        self._check_number(request, self.page_query_param, "Enter a page number, like 2.")
        self._check_number(
            request,
            self.page_size_query_param,
            f"Enter a page size from 1 to {self.max_page_size}.",
            maximum=self.max_page_size,
        )
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _check_number(request, name: str, message: str, maximum: int | None = None) -> None:
        raw = request.query_params.get(name)
        if raw is None:
            return
        ok = raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1
        if not ok or (maximum is not None and int(raw) > maximum):
            raise exceptions.ValidationError({name: [message]})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "next", "previous", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
        return parameters
