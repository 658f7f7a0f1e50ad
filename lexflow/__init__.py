"""lexflow: a durable document pipeline on Temporal."""

__version__ = "0.1.0"
