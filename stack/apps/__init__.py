"""Reference applications of the stack: IAM External Portal, FAMHP Connect (+ API) and VAMREG, one ASGI app.

Start with ``python -m uvicorn stack.apps.main:create_app --factory --host 127.0.0.1 --port 8000``.
"""
