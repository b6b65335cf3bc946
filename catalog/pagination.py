"""The paginator of every public list (pages and API)."""

from django.core.paginator import Paginator

from . import search


class CataloguePaginator(Paginator):
    """A paginator whose pages of a search result read only their own rows
    (`search.page_of`), however many candidates the search ranked."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(search.page_of(self.object_list, bottom, top), number, self)
