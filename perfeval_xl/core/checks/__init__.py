"""Every check module; importing this package registers all rules in the catalog."""

from . import basic_data, department, rubric_checks, submission, tables  # noqa: F401
