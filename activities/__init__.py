"""Thin side-effecting wrappers, one module per stage, each calling into ``lexflow``."""
