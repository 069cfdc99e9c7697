@onboarding @mfa
Feature: First login of an invited external user
  User guide 1.1 steps 2-5 and 1.2.
  As an external user invited to the IAM External Portal
  I want to activate my account with an authenticator app
  So that I can use the FAMHP applications I am authorised for

  Background:
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail

  @smoke
  Scenario: Activate the account by scanning the QR code
    When they sign in with the initial password
    And they set up their authenticator app by scanning the QR code
    And they accept the terms of use
    And they choose a new password that meets the policy
    Then the IAM External Portal opens
    And the dashboard shows exactly the applications the user was invited for

  Scenario: Activate the account with the key shown under "Unable to scan?"
    When they sign in with the initial password
    And they set up their authenticator app with the key shown under "Unable to scan?"
    And they accept the terms of use
    And they choose a new password that meets the policy
    Then the IAM External Portal opens

  @negative
  Scenario: A wrong code during the set-up is refused
    When they sign in with the initial password
    And they scan the QR code with their authenticator app
    And they enter a wrong code to finish the set-up
    Then the code is refused with a message
    And the authenticator set-up is still shown
