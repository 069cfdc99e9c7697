"""Sessions established without a browser: the sign-in over HTTP, its cookies, and the login forms it reads."""
