@portal
Feature: The IAM External Portal dashboard
  User guide 1.1 step 5: after signing in, the portal shows the FAMHP applications the user is
  authorised for, one tile each, and nothing else.

  Scenario Outline: The dashboard shows exactly the applications of the user's roles (<roles>)
    Given an onboarded external user with the role "<roles>" in "Acme Pharma NV"
    When they sign in to the IAM External Portal
    Then the dashboard shows exactly the applications "<applications>"

    Examples:
      | roles                         | applications          |
      | VAMREG_USER                   | VAMREG                |
      | IAM_API_KEY_MANAGER           | FAMHP Connect         |
      | IAM_USER_MANAGER, VAMREG_USER | FAMHP Connect, VAMREG |
      | none                          | none                  |
