"""Operations on the store, each checking who may do it (``tracker.services.permissions``)."""
