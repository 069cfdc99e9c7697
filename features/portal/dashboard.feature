@portal
Feature: The IAM External Portal dashboard
  User guide 1.1 step 5: after signing in, the portal shows the FAMHP applications the user is
  authorised for, one tile each, and nothing else.

  Scenario Outline: The dashboard shows exactly the applications of the user's roles (<roles>)
    Given an onboarded external user with the role "<roles>" in their organisation
    When they sign in to the IAM External Portal
    Then the dashboard shows exactly the applications "<applications>"

    Examples:
      | roles                         | applications          |
      | VAMREG user                   | VAMREG                |
      | API key manager               | FAMHP Connect         |
      | user manager, VAMREG user     | FAMHP Connect, VAMREG |
      | none                          | none                  |
