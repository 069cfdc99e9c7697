"""The one error type the stack raises: a cause a person can act on, with the fix."""


class StackError(RuntimeError):
    """Something the user can fix; the message names the cause and the fix."""
