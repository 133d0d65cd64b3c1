"""What every organisation page shares: the mixin that fetches a unit through its
selector and checks the action's permission, and paging by keys."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Page, Paginator

from members import permissions, selectors

LAST_PAGE = 10**6  # beyond any list: a country's members fill a tenth of it


def counted_page(keys_between, number, per_page, count):
    """Page `number` of a list of `count` rows, holding the keys `keys_between(start, end)`
    returns for the rows from `start` to `end`.

    Like `Paginator.get_page`, a number that is not one gives the first page and one
    past the end the last. The keys come from a query of their own, with no count riding
    along as a window: PostgreSQL then plans it as a top-N, and reads a big subtree in
    name order only as far as the page, where a window made it read every member.
    """
    try:
        # Past the end is past the end: keep the offset a number the database can take.
        number = min(max(int(number), 1), LAST_PAGE)
    except (TypeError, ValueError):
        number = 1
    paginator = Paginator([], per_page)
    paginator.count = count
    number = min(number, paginator.num_pages)
    start = (number - 1) * per_page
    end = min(start + per_page, count)  # a bounded count bounds the list as well
    return Page(keys_between(start, end) if count else [], number, paginator)


class OrganisationMixin(LoginRequiredMixin):
    """Fetches the URL's organisation through the user's scope (404 outside it)."""

    permission = "read"  # or "manage" (members) or "administer" (the tree itself)
    org_url_kwarg = "pk"

    def get_organisation(self):
        if not hasattr(self, "_organisation"):
            user = self.request.user
            org = selectors.organisation_for_user(user, self.kwargs[self.org_url_kwarg])
            if self.permission != "read":  # reading is the scope's own rule
                permissions.require(user, self.permission, org)
            self._organisation = org
        return self._organisation

    def get_context_data(self, **kwargs):
        org = self.get_organisation()
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "org": org,
            "breadcrumb": selectors.visible_ancestors(user, org),
            "can_manage": permissions.can_manage(user, org),
            "can_administer": permissions.can_administer(user, org),
        }
