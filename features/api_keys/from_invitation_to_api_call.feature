@api-keys
Feature: From the invitation to a working API key
  User guide 1.1, 1.2 and 2.2 in one go: an invited user activates their account with an authenticator
  app, opens FAMHP Connect from the IAM External Portal and creates an API key that opens the API.

  @smoke @onboarding @guide
  Scenario: An invited user activates their account and creates an API key that opens the API
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail
    When they sign in with the initial password
    And they set up their authenticator app by scanning the QR code
    And they accept the terms of use
    And they choose a new password that meets the policy
    Then the IAM External Portal opens
    When they open "FAMHP Connect" from its tile on the dashboard
    And they open the "API Keys" tab
    And they create the API key "First integration" for their organisation
    Then the list shows the API key "First integration" of their organisation, active and created by them
    And the API key "First integration" opens the FAMHP Connect API for their organisation
