from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """People join Tending by invitation only; there is no open sign-up."""

    def is_open_for_signup(self, request):
        return False
