@api-keys
Feature: Who may manage API keys
  User guide 2.1: to manage API keys on behalf of their organisation, a user must hold the API key manager
  role of the application (its name on this deployment comes from the profile) and have access to the IAM
  External Portal. FAMHP Connect checks the role on every page, not only by hiding the tab.

  @guide
  Scenario: With the API key manager role, FAMHP Connect shows the "API Keys" tab
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    When they open "FAMHP Connect" from its tile on the dashboard
    Then FAMHP Connect shows the "API Keys" tab

  @negative
  Scenario: Without the role there is no "API Keys" tab, and its addresses are refused
    Given an onboarded external user with the role "user manager" in their organisation
    And they have signed in to the IAM External Portal
    When they open "FAMHP Connect" from its tile on the dashboard
    Then FAMHP Connect shows no "API Keys" tab
    When they go straight to the address of the "API Keys" tab
    Then FAMHP Connect refuses the page
    When they go straight to the address of the form to create an API key
    Then FAMHP Connect refuses the page
