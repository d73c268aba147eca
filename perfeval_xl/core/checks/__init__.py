"""Every check module; importing this package registers all rules in the catalog."""

from . import basic_data, department, rubric_checks, tables  # noqa: F401
