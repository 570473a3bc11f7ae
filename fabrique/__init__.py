"""Fabrique de l'accompagnement RH: the project package."""

from fabrique.celery import app as celery_app

__all__ = ("celery_app",)
