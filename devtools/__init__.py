"""Tools of the checkout shared by the tests and the bench; not part of the product (only
``tracker`` is packaged)."""
