"""Gherkin step bindings, one module per part of the user guide; registered in the root conftest."""
