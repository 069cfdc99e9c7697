@onboarding
Feature: Terms of use
  User guide 1.1 step 3 "Accept T&C's": without accepting the terms of use there is no access.

  @negative
  Scenario: Declining the terms of use gives no access, and the next sign-in asks again
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail
    When they sign in with the initial password
    And they set up their authenticator app by scanning the QR code
    And they decline the terms of use
    Then the IAM External Portal does not open
    When they sign in again with the initial password and a one-time code
    Then the terms of use are asked again
