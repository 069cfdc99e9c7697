Feature: Deliberately failing scenarios (the suite's own evidence test)
  These fail on purpose, so the suite's own tests can check the evidence a real failure leaves behind.

  Scenario: An invitation e-mail with an unexpected subject
    Given an organisation administrator has invited a new external user
    When the invitation e-mail arrives
    Then its subject is "A subject the portal never sends"

  Scenario: A signed-in user expects an application they do not hold
    Given an onboarded external user with the role "VAMREG user" in their organisation
    When they sign in to the IAM External Portal
    Then the dashboard shows exactly the applications "FAMHP Connect"
