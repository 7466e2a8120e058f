"""Publish Chinese budget performance documents (部门预算绩效文本) as a static site."""

__version__ = "0.1.0"
