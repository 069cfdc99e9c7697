"""Tasks: what a user does in several screens at once (sign in with a code, go through the first sign-in, be
invited and confirm it, create or revoke API keys), shared by steps and providers so no step calls another."""
