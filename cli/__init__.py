"""The `uat` command: one entry point for the stack, the suite, its report and its checks."""
