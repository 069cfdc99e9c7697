"""What failed when a scenario could not check the product: the environment's faults (identity provider, application
or mailbox unavailable, e-mail never arrived, a deadline exceeded, the environment still unhealthy, the run
interrupted) as exception types, each ending as Allure "broken" in a category of its own (allurerc.json matches the
type's name); and the one product failure only the wire shows, an application answering with a server error."""

from __future__ import annotations


class EnvironmentFault(Exception):
    """The environment failed, not the product: the scenario is broken, and the message names what failed, where,
    and how long the suite waited. (Not an AssertionError, so Allure reports it as broken, never as failed.)"""


class IdentityProviderUnavailable(EnvironmentFault):
    """Keycloak did not answer (refused, reset, 502/503/504): restarting, deploying or down."""


class ApplicationUnavailable(EnvironmentFault):
    """An application of the portal (portal, FAMHP Connect, VAMREG, the API) did not answer, or its gateway said it
    was unavailable (502/503/504)."""


class MailServerUnavailable(EnvironmentFault):
    """The mailbox the suite reads did not answer (and an application could not hand over its e-mail)."""


class MailNeverArrived(EnvironmentFault):
    """The e-mail did not arrive before the mail deadline: the mailbox, the filter and the wait are in the message."""


class DeadlineExceeded(EnvironmentFault, TimeoutError):
    """The target was still answering when a deadline of the suite ran out: the message names the deadline (its
    setting and value) and what was still loading."""


class EnvironmentUnhealthy(EnvironmentFault):
    """After an environment fault the target did not become healthy again before the recovery deadline."""


class RunInterrupted(EnvironmentFault):
    """The run was stopped (SIGINT, SIGTERM) before it ended; what it created was cleaned up."""


class ApplicationError(AssertionError):
    """Product failure: an application answered what the user did with a server error (HTTP 500, 501, 505 …). An
    AssertionError, so Allure reports it as failed (red): the portal does not do what the guide says."""
