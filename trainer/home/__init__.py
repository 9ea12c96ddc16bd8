"""Each role's home page. It composes the features, so it sits above all of them."""
