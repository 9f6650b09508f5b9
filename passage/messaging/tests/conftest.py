"""The movements personas: SMS follow bookings."""

from passage.movements.tests.conftest import movements_officer, operations_officer, ready_case  # noqa: F401
