"""Small database helpers with a PostgreSQL form and a portable fallback (ARCHITECTURE: PostgreSQL-only features
sit behind a tested helper)."""

from django.db.models import BigAutoField, ForeignKey, Lookup


class AnyOf(Lookup):
    """``id__any_of=[...]``: the column is one of these integers. On PostgreSQL one array parameter
    (``= ANY(%s::bigint[])``), so thousands of ids cost one bound value instead of thousands of placeholders
    to build, send and parse; elsewhere a plain ``IN (...)`` list."""

    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


BigAutoField.register_lookup(AnyOf)  # primary keys: ``pk__any_of``
ForeignKey.register_lookup(AnyOf)  # and the ids they are referred to by: ``booking_id__any_of``
