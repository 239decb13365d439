"""The admin's read-only mixin, shared by every admin module (its own module: admin.py imports
the others at its end, so they cannot import from it)."""


class ReadOnly:
    """Shown in the admin, never added, changed or deleted there: each admin using it says
    which core writer writes its rows instead. Put it first, before the admin base class it
    makes read-only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
