"""HTTP handlers of the reference apps, one module per screen group or API; main.py mounts them."""
