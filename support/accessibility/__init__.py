"""WCAG 2.1 AA on the screens a journey visits: axe-core's findings per screen, the committed baseline of known
violations (each with an owner, a reason and an end date), and the readable table a report shows."""
