@security @onboarding @negative
Feature: An invitation that was replaced signs nobody in
  User guide 1.1 step 1, as whoever gets hold of an old invitation e-mail meets it: once a newer invitation replaces
  it, neither its link nor its initial password signs anybody in. (That a used link leads nowhere is said in
  onboarding/invitation_email.feature, "The invitation link works only once".)

  Background:
    Given an organisation administrator has invited a new external user

  Scenario: A replaced invitation signs nobody in
    Given the invitation e-mail has arrived
    When the organisation administrator sends the invitation again
    Then the link of the first e-mail says the invitation was replaced
    And the initial password of the first e-mail is refused at sign-in
