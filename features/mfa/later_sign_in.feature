@mfa
Feature: Every later sign-in asks e-mail, password and a one-time code
  User guide 1.2, tips: "you must enter your e-mail address, password, and one-time code at each new login".

  Background:
    Given an onboarded external user with the role "VAMREG user" in their organisation

  @smoke @guide
  Scenario: Sign in with e-mail, password and a one-time code
    When they open the IAM External Portal and sign in with their e-mail and password
    Then a one-time code is asked
    When they enter the code from their authenticator app
    Then the IAM External Portal opens

  Scenario: A second sign-in within the same 30 seconds succeeds without waiting
    Given they have signed in to the portal and signed out again
    When they sign in again at once with e-mail, password and a new code
    Then the IAM External Portal opens

  @negative
  Scenario: A wrong one-time code is refused
    When they open the IAM External Portal and sign in with their e-mail and password
    And they enter a wrong one-time code
    Then the code is refused with a message
    And a one-time code is still asked
