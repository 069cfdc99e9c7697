@prod-only @read-only
Feature: Sign in with itsme® or the Belgian eID
  User guide 2.1: besides e-mail, password and a one-time code, production offers itsme® and eID.
  These identity providers exist only in production; elsewhere these scenarios are skipped, with
  the reason in the report.

  Scenario Outline: The sign-in page offers <provider>
    When an external user opens the IAM External Portal
    Then the sign-in page offers "<provider>"

    Examples:
      | provider |
      | itsme    |
      | eid      |
