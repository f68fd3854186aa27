"""The store's side of click & reserve: the desk of one store, signed in with its store key."""
