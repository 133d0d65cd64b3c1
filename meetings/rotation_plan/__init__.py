"""The rotating model meeting: the quarter's plan, ratings, lessons."""
