"""The social classifier's training and evaluation (scikit-learn; the `classifier` extra).

The product scores posts in SQL over the weight seeds this package writes
(``macros/social_classifier.sql``); nothing here runs in the warehouse itself.
"""
