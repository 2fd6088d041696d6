"""Satisfaction surveys online: questionnaires as data, personal links, answers, indicators."""
