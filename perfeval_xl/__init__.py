"""perfeval-xl: 街道办事处预算绩效自评 in Excel — scoring, checks and district roll-up."""

__version__ = "0.1.0"
